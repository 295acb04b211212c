import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../shared/domain';
import { Store } from './store';

describe('LogsRepository', () => {
  let dataDir: string;
  let store: Store;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-logs-'));
    store = new Store({ dataDir });
    store.open();
  });

  afterEach(() => {
    store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const e = (seq: number, level: LogEntry['level'], message: string, plugin?: string): LogEntry => ({
    seq,
    ts: 1000 + seq,
    level,
    source: plugin ? `plugin:${plugin}` : 'conductor',
    message,
    ...(plugin ? { plugin, instance: `${plugin}#1` } : {}),
  });

  it('stores batches and answers the Logs page filters, newest first', () => {
    store.logs.appendMany([e(1, 'info', 'Started'), e(2, 'debug', 'tick'), e(3, 'error', 'ECHO failed', 'echo'), e(4, 'warn', 'slow echo', 'echo'), e(5, 'info', 'primes ready', 'primes')]);
    expect(store.logs.maxSeq()).toBe(5);
    expect(store.logs.query({ limit: 10 }).map((x) => x.seq)).toEqual([5, 4, 3, 2, 1]);
    expect(store.logs.query({ limit: 10, level: 'warn' }).map((x) => x.seq)).toEqual([4, 3]);
    expect(store.logs.query({ limit: 10, plugin: 'echo' })).toEqual([e(4, 'warn', 'slow echo', 'echo'), e(3, 'error', 'ECHO failed', 'echo')]);
    expect(store.logs.query({ limit: 10, text: 'echo' }).map((x) => x.seq)).toEqual([4, 3]);
    expect(store.logs.query({ limit: 10, text: '%' })).toEqual([]);
    expect(store.logs.query({ limit: 10, source: 'conductor', afterSeq: 1 }).map((x) => x.seq)).toEqual([2]);
    expect(store.logs.query({ limit: 2, beforeSeq: 5 }).map((x) => x.seq)).toEqual([4, 3]);
  });

  it('keeps one copy of an entry written twice, and prunes to the newest N', () => {
    const batch = Array.from({ length: 50 }, (_, i) => e(i + 1, 'info', `m${i + 1}`));
    store.logs.appendMany(batch);
    store.logs.appendMany(batch.slice(40));
    expect(store.logs.count()).toBe(50);
    expect(store.logs.prune(20)).toBe(30);
    expect(store.logs.count()).toBe(20);
    expect(store.logs.query({ limit: 100 }).at(-1)?.seq).toBe(31);
    expect(store.logs.prune(20)).toBe(0);
  });
});
