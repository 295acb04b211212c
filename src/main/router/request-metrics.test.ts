import { describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { LATENCY_BUCKET_RATIO, RequestMetricsRecorder } from './request-metrics';

const MINUTE = 60_000;

describe('RequestMetricsRecorder', () => {
  it('counts totals, errors by code and in-flight', () => {
    const m = new RequestMetricsRecorder(new ManualClock(0));
    m.begin();
    m.begin();
    m.begin();
    expect(m.snapshot().inFlight).toBe(3);
    m.end(10, null);
    m.end(10, 'E_TIMEOUT');
    m.end(10, 'E_PLUGIN_ERROR');
    m.rejected('E_OVERLOADED');
    m.rejected('E_OVERLOADED');
    m.retried();
    const d = m.detail(4);
    expect(d).toMatchObject({ total: 5, errors: 4, inFlight: 0, retries: 1, queueDepth: 4 });
    expect(d.errorsByCode).toEqual({ E_TIMEOUT: 1, E_PLUGIN_ERROR: 1, E_OVERLOADED: 2 });
  });

  it('p50 and p99 are within one bucket (×1.25) above the true value; refusals do not count in latency', () => {
    const m = new RequestMetricsRecorder(new ManualClock(0));
    // 1..1000 ms: true p50 = 500, true p99 = 990.
    for (let ms = 1; ms <= 1000; ms++) {
      m.begin();
      m.end(ms, null);
    }
    for (let i = 0; i < 500; i++) m.rejected('E_OVERLOADED');
    const { p50Ms, p99Ms } = m.snapshot();
    expect(p50Ms!).toBeGreaterThanOrEqual(500);
    expect(p50Ms!).toBeLessThanOrEqual(500 * LATENCY_BUCKET_RATIO);
    expect(p99Ms!).toBeGreaterThanOrEqual(990);
    expect(p99Ms!).toBeLessThanOrEqual(990 * LATENCY_BUCKET_RATIO);
    expect(new RequestMetricsRecorder(new ManualClock(0)).snapshot()).toMatchObject({ p50Ms: null, p99Ms: null, ratePerSec: 0 });
  });

  it('rate is over the last 60 s, second by second', () => {
    const clock = new ManualClock(0);
    const m = new RequestMetricsRecorder(clock);
    for (let i = 0; i < 120; i++) m.rejected('E_OVERLOADED'); // t = 0
    clock.advance(30_000);
    for (let i = 0; i < 60; i++) m.rejected('E_OVERLOADED'); // t = 30 s
    expect(m.detail(0).lastMinute).toBe(180);
    expect(m.snapshot().ratePerSec).toBe(3);
    clock.advance(30_000); // t = 60 s: the t = 0 second falls out
    expect(m.detail(0).lastMinute).toBe(60);
    expect(m.snapshot().ratePerSec).toBe(1);
    clock.advance(30_000);
    expect(m.snapshot().ratePerSec).toBe(0);
  });

  it('errors are counted over the same 60 s window: old failures fall out, the totals keep them', () => {
    const clock = new ManualClock(0);
    const m = new RequestMetricsRecorder(clock);
    for (let i = 0; i < 30; i++) m.rejected('E_OVERLOADED'); // t = 0: 30 failures
    clock.advance(30_000);
    for (let i = 0; i < 10; i++) {
      m.begin();
      m.end(1, i < 2 ? 'E_PLUGIN_ERROR' : null); // t = 30 s: 2 failures, 8 answers
    }
    expect(m.detail(0)).toMatchObject({ lastMinute: 40, lastMinuteErrors: 32, total: 40, errors: 32 });
    clock.advance(30_000); // t = 60 s: the t = 0 second falls out
    expect(m.detail(0)).toMatchObject({ lastMinute: 10, lastMinuteErrors: 2, total: 40, errors: 32 });
    clock.advance(60_000);
    expect(m.detail(0)).toMatchObject({ lastMinute: 0, lastMinuteErrors: 0 });
  });

  it('rolls up each minute: count, errors, p50, p99; taken once; flush closes the current minute', () => {
    const clock = new ManualClock(10 * MINUTE);
    const m = new RequestMetricsRecorder(clock, { rollupName: 'echo' });
    for (let i = 0; i < 10; i++) {
      m.begin();
      m.end(100, i < 2 ? 'E_PLUGIN_ERROR' : null);
    }
    clock.advance(MINUTE + 5);
    m.begin();
    m.end(1000, null);
    clock.advance(2 * MINUTE); // minute 11 closes; minute 12 had nothing
    const rows = m.takeRollups();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ plugin: 'echo', minute: 10 * MINUTE, count: 10, errors: 2 });
    expect(rows[0]!.p50Ms!).toBeGreaterThanOrEqual(100);
    expect(rows[0]!.p50Ms!).toBeLessThanOrEqual(125);
    expect(rows[1]).toMatchObject({ plugin: 'echo', minute: 11 * MINUTE, count: 1, errors: 0 });
    expect(rows[1]!.p99Ms!).toBeGreaterThanOrEqual(1000);
    expect(m.takeRollups()).toEqual([]);
    m.rejected('E_OVERLOADED');
    expect(m.takeRollups()).toEqual([]);
    expect(m.takeRollups(true)).toEqual([{ plugin: 'echo', minute: 13 * MINUTE, count: 1, errors: 1, p50Ms: null, p99Ms: null }]);
  });

  it('keeps at most maxPendingRollups, dropping the oldest', () => {
    const clock = new ManualClock(0);
    const m = new RequestMetricsRecorder(clock, { rollupName: 'p', maxPendingRollups: 2 });
    for (let i = 0; i < 4; i++) {
      m.rejected('E_OVERLOADED');
      clock.advance(MINUTE);
    }
    expect(m.takeRollups().map((r) => r.minute)).toEqual([2 * MINUTE, 3 * MINUTE]);
    expect(m.rollupsDropped).toBe(2);
  });

  it('an overall recorder (no rollup name) keeps no rollups', () => {
    const clock = new ManualClock(0);
    const m = new RequestMetricsRecorder(clock);
    m.rejected('E_OVERLOADED');
    clock.advance(MINUTE);
    expect(m.takeRollups(true)).toEqual([]);
  });
});
