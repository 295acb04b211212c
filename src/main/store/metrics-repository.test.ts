import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { epochMinute, type MetricsRollup } from './metrics-repository';
import { Store } from './store';

describe('MetricsRepository', () => {
  let dataDir: string;
  let store: Store;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-metrics-'));
    store = new Store({ dataDir });
    store.open();
  });

  afterEach(() => {
    store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const row = (plugin: string, minute: number, count: number, errors: number, p50Ms: number | null, p99Ms: number | null): MetricsRollup => ({ plugin, minute, count, errors, p50Ms, p99Ms });

  it('writes rollups and queries them by plugin and since a minute, oldest first', () => {
    store.metrics.writeRollups([row('echo', 100, 10, 1, 2, 9), row('primes', 100, 5, 0, 40, 80), row('echo', 101, 3, 0, 1, 4), row('echo', 99, 1, 0, 1, 1)]);
    expect(store.metrics.query('echo', 100)).toEqual([row('echo', 100, 10, 1, 2, 9), row('echo', 101, 3, 0, 1, 4)]);
    expect(store.metrics.query(undefined, 100)).toEqual([row('echo', 100, 10, 1, 2, 9), row('primes', 100, 5, 0, 40, 80), row('echo', 101, 3, 0, 1, 4)]);
    expect(store.metrics.query('nobody', 0)).toEqual([]);
  });

  it('a minute written again adds counts; p50 becomes the weighted mean, p99 the larger', () => {
    store.metrics.writeRollups([row('echo', 100, 10, 1, 2, 9)]);
    store.metrics.writeRollups([row('echo', 100, 30, 2, 6, 5)]);
    expect(store.metrics.query('echo', 0)).toEqual([row('echo', 100, 40, 3, 5, 9)]);
    // Unknown percentiles keep the known ones, and are filled in once known.
    store.metrics.writeRollups([row('echo', 100, 2, 2, null, null), row('slow', 100, 1, 1, null, null)]);
    store.metrics.writeRollups([row('slow', 100, 1, 0, 100, 100)]);
    expect(store.metrics.query(null, 0)).toEqual([row('echo', 100, 42, 5, 5, 9), row('slow', 100, 2, 1, 100, 100)]);
  });

  it('writes all rows of a batch or none', () => {
    expect(() => store.metrics.writeRollups([row('echo', 100, 1, 0, 1, 1), row('echo', 101, 1, 2, 1, 1)])).toThrow(
      'metrics rollup 1: errors: expected an integer from 0 to count (1), got 2',
    );
    expect(() => store.metrics.writeRollups([row('echo', 100, 1, 0, 1, 1), row('', 101, 1, 0, 1, 1)])).toThrow('metrics rollup 1: plugin:');
    expect(() => store.metrics.writeRollups([row('echo', 1.5, 1, 0, 1, 1)])).toThrow('metrics rollup 0: minute:');
    expect(() => store.metrics.writeRollups([row('echo', 1, 1, 0, -1, 1)])).toThrow('metrics rollup 0: p50Ms:');
    expect(store.metrics.query(null, 0)).toEqual([]);
  });

  it('prunes minutes before a given one', () => {
    store.metrics.writeRollups([row('a', 1, 1, 0, 1, 1), row('b', 2, 1, 0, 1, 1), row('a', 3, 1, 0, 1, 1)]);
    expect(store.metrics.prune(3)).toBe(2);
    expect(store.metrics.query(null, 0)).toEqual([row('a', 3, 1, 0, 1, 1)]);
  });

  it('epochMinute floors epoch ms to minutes', () => {
    expect(epochMinute(0)).toBe(0);
    expect(epochMinute(59_999)).toBe(0);
    expect(epochMinute(60_000)).toBe(1);
    expect(epochMinute(1_700_000_000_000)).toBe(28_333_333);
  });
});
