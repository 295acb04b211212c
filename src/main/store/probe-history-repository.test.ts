import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProbeHistory } from '../health/probe-history';
import { Store } from './store';

describe('ProbeHistoryRepository', () => {
  let dataDir: string;
  let store: Store;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-probes-'));
    store = new Store({ dataDir });
    store.open();
  });

  afterEach(() => {
    store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores drained changes and rollups in a batch and reads them back, by subject and since a time', () => {
    const history = new ProbeHistory();
    history.recordResult('echo#1', 'readiness', true, 60_000);
    history.recordResult('echo#1', 'readiness', false, 60_500);
    history.recordChange('echo#1', 'readiness', 'ready', 'unready', '1 readiness probe failed', 60_500);
    history.recordResult('slow#1', 'liveness', true, 61_000);
    store.probeHistory.writeMany(history.drain(120_000));
    expect(store.probeHistory.query({ subject: 'echo#1' })).toEqual([
      { type: 'rollup', subject: 'echo#1', probe: 'readiness', minute: 60_000, ok: 1, fail: 1 },
      { type: 'change', subject: 'echo#1', probe: 'readiness', from: 'ready', to: 'unready', reason: '1 readiness probe failed', at: 60_500 },
    ]);
    expect(store.probeHistory.query({ sinceTs: 60_001 })).toHaveLength(1);
    expect(store.probeHistory.query()).toHaveLength(3);
    expect(store.probeHistory.prune(60_001)).toBe(2);
    expect(store.probeHistory.query()).toHaveLength(1);
  });
});
