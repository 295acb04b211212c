import { describe, expect, it } from 'vitest';
import type { PluginSummary, RequestMetrics } from '../../shared/domain';
import { LiveMetrics } from './live-metrics';

const requests = (total: number, errors: number, inFlight = 0): RequestMetrics => ({ total, errors, inFlight, ratePerSec: 0, p50Ms: 1, p99Ms: 2 });
const plugin = (name: string, total: number, cpu: number | null, rss: number | null): PluginSummary =>
  ({
    name,
    metrics: { total, errors: 0, ratePerSec: 0, errorRate: 0, p50Ms: null, p99Ms: null },
    instances: [{ inFlight: 2, state: 'ready' }, { inFlight: 1, state: 'crashed' }],
    cpuPercent: cpu,
    rssBytes: rss,
  }) as unknown as PluginSummary;
const system = (at: number, cpu: number) => ({ cpuPercent: cpu, memUsedBytes: 100 * cpu, memTotalBytes: 1000, sampledAt: at });

describe('LiveMetrics', () => {
  it('turns counters into per-second rates between ticks, per plugin too', () => {
    const m = new LiveMetrics();
    m.record(0, system(0, 10), requests(0, 0), [plugin('echo', 0, 1, 10)]);
    m.record(1000, system(1000, 20), requests(50, 5, 3), [plugin('echo', 40, 2, 20)]);
    m.record(3000, system(1000, 20), requests(150, 5), [plugin('echo', 140, 3, 30)]);
    const h = m.history('echo');
    expect(h.system.map((s) => s.cpuPercent)).toEqual([10, 20]);
    expect(h.requests).toEqual([
      { ts: 1000, ratePerSec: 50, errorsPerSec: 5, inFlight: 3, p50Ms: 1, p99Ms: 2 },
      { ts: 3000, ratePerSec: 50, errorsPerSec: 0, inFlight: 0, p50Ms: 1, p99Ms: 2 },
    ]);
    expect(h.plugin).toEqual([
      { ts: 1000, ratePerSec: 40, errorsPerSec: 0, inFlight: 3, instances: 1, cpuPercent: 2, rssBytes: 20 },
      { ts: 3000, ratePerSec: 50, errorsPerSec: 0, inFlight: 3, instances: 1, cpuPercent: 3, rssBytes: 30 },
    ]);
    expect(m.history('nobody').plugin).toEqual([]);
    expect(m.history().plugin).toBeUndefined();
  });

  it('keeps at most capacity samples', () => {
    const m = new LiveMetrics({ capacity: 3 });
    for (let i = 0; i < 10; i++) m.record(i * 1000, system(i * 1000, i), requests(i, 0), []);
    expect(m.history().system.map((s) => s.cpuPercent)).toEqual([7, 8, 9]);
    expect(m.history().requests).toHaveLength(3);
  });

  it('rolls resources up per minute (average and maximum) when a minute closes, or on flush', () => {
    const m = new LiveMetrics();
    m.record(60_000, system(60_000, 10), requests(0, 0), [plugin('echo', 0, 4, 400)]);
    m.record(90_000, system(90_000, 30), requests(0, 0), [plugin('echo', 0, 6, 600)]);
    expect(m.drainRollups(100_000)).toEqual([]);
    m.record(120_000, system(120_000, 50), requests(0, 0), []);
    expect(m.drainRollups(120_000)).toEqual([
      { subject: 'system', minute: 1, samples: 2, cpuAvg: 20, cpuMax: 30, memAvg: 2000, memMax: 3000 },
      { subject: 'echo', minute: 1, samples: 2, cpuAvg: 5, cpuMax: 6, memAvg: 500, memMax: 600 },
    ]);
    expect(m.drainRollups(130_000, true)).toEqual([{ subject: 'system', minute: 2, samples: 1, cpuAvg: 50, cpuMax: 50, memAvg: 5000, memMax: 5000 }]);
  });

  it('names a bad option', () => {
    expect(() => new LiveMetrics({ capacity: 0 })).toThrow('capacity');
  });
});
