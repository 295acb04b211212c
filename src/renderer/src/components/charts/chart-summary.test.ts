import { describe, expect, it } from 'vitest';
import { chartLabel, seriesStats, windowText } from './chart-summary';

describe('chart summary', () => {
  it('skips gaps when computing latest, min and max', () => {
    expect(seriesStats([null, 3, NaN, 1, 7, null])).toEqual({ latest: 7, min: 1, max: 7 });
    expect(seriesStats([null])).toEqual({ latest: null, min: null, max: null });
  });

  it('says what the chart shows, or that there is nothing yet', () => {
    const pct = (v: number) => `${v}%`;
    expect(chartLabel('CPU', [{ label: 'CPU', values: [1, 5, 2] }], pct, 'the last 3 seconds')).toBe(
      'CPU over the last 3 seconds, latest: CPU 2% (min 1%, max 5%).',
    );
    expect(chartLabel('CPU', [{ label: 'CPU', values: [] }], pct, 'x')).toBe('CPU: no samples yet.');
    expect(chartLabel('Latency', [{ label: 'p50', values: [1] }, { label: 'p99', values: [null] }], pct, 'x')).toContain('p99: no data');
  });

  it('names the window', () => {
    expect(windowText([0, 40_000])).toBe('the last 40 seconds');
    expect(windowText([0, 300_000])).toBe('the last 5 minutes');
    expect(windowText([5])).toBe('the last moment');
  });
});
