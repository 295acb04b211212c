import { describe, expect, it } from 'vitest';
import { pluginColumns, requestColumns, systemColumns } from './metrics-columns';

describe('metrics columns', () => {
  it('splits samples into one time column and one column per figure', () => {
    const sys = systemColumns([
      { cpuPercent: 10, memUsedBytes: 100, memTotalBytes: 1000, sampledAt: 1000 },
      { cpuPercent: 20, memUsedBytes: 200, memTotalBytes: 1000, sampledAt: 2000 },
    ]);
    expect(sys).toEqual({ ts: [1000, 2000], values: { cpu: [10, 20], mem: [100, 200] } });

    const req = requestColumns([{ ts: 5, ratePerSec: 1, errorsPerSec: 0, inFlight: 2, p50Ms: null, p99Ms: 9 }]);
    expect(req.values.p50).toEqual([null]);
    expect(req.values.p99).toEqual([9]);

    const plugin = pluginColumns([{ ts: 7, ratePerSec: 0, errorsPerSec: 0, inFlight: 0, instances: 2, cpuPercent: null, rssBytes: 5 }]);
    expect(plugin.values.instances).toEqual([2]);
    expect(plugin.values.cpu).toEqual([null]);
  });

  it('handles no samples', () => {
    expect(systemColumns([])).toEqual({ ts: [], values: { cpu: [], mem: [] } });
  });
});
