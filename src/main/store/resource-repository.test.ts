import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from './store';

describe('ResourceRepository', () => {
  let dataDir: string;
  let store: Store;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-res-'));
    store = new Store({ dataDir });
    store.open();
  });

  afterEach(() => {
    store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('merges a minute written twice (weighted averages, maxima) and prunes old minutes', () => {
    store.resources.writeRollups([{ subject: 'system', minute: 10, samples: 2, cpuAvg: 10, cpuMax: 20, memAvg: 100, memMax: 150 }]);
    store.resources.writeRollups([
      { subject: 'system', minute: 10, samples: 2, cpuAvg: 30, cpuMax: 40, memAvg: 300, memMax: 310 },
      { subject: 'system', minute: 11, samples: 1, cpuAvg: 5, cpuMax: 5, memAvg: 1, memMax: 1 },
      { subject: 'echo', minute: 11, samples: 1, cpuAvg: 1, cpuMax: 1, memAvg: 9, memMax: 9 },
    ]);
    expect(store.resources.query('system', 0)).toEqual([
      { subject: 'system', minute: 10, samples: 4, cpuAvg: 20, cpuMax: 40, memAvg: 200, memMax: 310 },
      { subject: 'system', minute: 11, samples: 1, cpuAvg: 5, cpuMax: 5, memAvg: 1, memMax: 1 },
    ]);
    expect(store.resources.prune(11)).toBe(1);
    expect(store.resources.query('system', 0).map((r) => r.minute)).toEqual([11]);
    expect(() => store.resources.writeRollups([{ subject: '', minute: 1, samples: 1, cpuAvg: 0, cpuMax: 0, memAvg: 0, memMax: 0 }])).toThrow('bad row');
  });

  it('keeps a quarantine cause in plugin settings until cleared', () => {
    const cause = { reason: '5 crashes in 2 s', exitCode: 1, signal: null, lastLines: ['boom'], peakRssBytes: null, at: 5 };
    store.pluginSettings.setQuarantine('flaky', cause);
    expect(store.pluginSettings.get('flaky')?.quarantine).toEqual(cause);
    store.pluginSettings.setQuarantine('flaky', null);
    expect(store.pluginSettings.get('flaky')?.quarantine).toBeNull();
  });
});
