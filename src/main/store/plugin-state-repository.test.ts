import Database from 'better-sqlite3';
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { ConductorError } from '../../shared/result';
import { MAX_STATE_VALUE_BYTES, PluginStateRepository } from './plugin-state-repository';
import { Store } from './store';

const HELPER = fileURLToPath(new URL('./plugin-state.test-helper.ts', import.meta.url));

describe('PluginStateRepository', () => {
  let dataDir: string;
  let clock: ManualClock;
  const stores: Store[] = [];

  const open = (): Store => {
    const store = new Store({ dataDir, clock });
    store.open();
    stores.push(store);
    return store;
  };

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-state-'));
    clock = new ManualClock(5000);
  });

  const raw: Database.Database[] = [];
  /** A plain better-sqlite3 connection to the store's file, closed after the test. */
  const rawConnection = (store: Store): Database.Database => {
    const db = new Database(store.path);
    raw.push(db);
    return db;
  };

  afterEach(() => {
    for (const db of raw.splice(0)) db.close();
    for (const store of stores.splice(0)) store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('gets, sets, overwrites and deletes JSON values per plugin', () => {
    const state = open().pluginState;
    expect(state.get('a', 'k')).toBeUndefined();
    state.set('a', 'k', { list: [1, 'two', null], nested: { ok: true } });
    state.set('b', 'k', 'other plugin');
    expect(state.get('a', 'k')).toEqual({ list: [1, 'two', null], nested: { ok: true } });
    state.set('a', 'k', 3);
    expect(state.get('a', 'k')).toBe(3);
    expect(state.get('b', 'k')).toBe('other plugin');
    expect(state.delete('a', 'k')).toBe(true);
    expect(state.delete('a', 'k')).toBe(false);
    expect(state.get('a', 'k')).toBeUndefined();
  });

  it('lists keys sorted, optionally by prefix (no LIKE wildcards), and clears one plugin', () => {
    const state = open().pluginState;
    for (const key of ['user:2', 'user:1', 'users', 'u%x', 'u_x', 'other']) state.set('p', key, 1);
    state.set('q', 'user:9', 1);
    expect(state.keys('p')).toEqual(['other', 'u%x', 'u_x', 'user:1', 'user:2', 'users']);
    expect(state.keys('p', 'user:')).toEqual(['user:1', 'user:2']);
    expect(state.keys('p', 'u%')).toEqual(['u%x']);
    expect(state.keys('p', 'u_')).toEqual(['u_x']);
    expect(state.clear('p')).toBe(6);
    expect(state.keys('p')).toEqual([]);
    expect(state.keys('q')).toEqual(['user:9']);
  });

  it('refuses undefined, non-JSON values and bad keys with E_BAD_REQUEST naming the field', () => {
    const state = open().pluginState;
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const [fn, field] of [
      [() => state.set('p', 'k', undefined), 'value'],
      [() => state.set('p', 'k', () => 1), 'value'],
      [() => state.set('p', 'k', cyclic), 'value'],
      [() => state.set('p', '', 1), 'key'],
      [() => state.get('p', 'x'.repeat(257)), 'key'],
    ] as const) {
      expect(fn).toThrow(ConductorError);
      try {
        fn();
      } catch (error) {
        expect((error as ConductorError).code).toBe('E_BAD_REQUEST');
        expect((error as ConductorError).details).toMatchObject({ field });
      }
    }
  });

  it('refuses a value over the size limit with E_PAYLOAD_TOO_LARGE naming the size and the limit', () => {
    const state = open().pluginState;
    const big = 'x'.repeat(MAX_STATE_VALUE_BYTES);
    expect(() => state.set('p', 'big', big)).toThrow(`state p/big: value is ${MAX_STATE_VALUE_BYTES + 2} bytes as JSON, over the ${MAX_STATE_VALUE_BYTES}-byte limit`);
    expect(state.get('p', 'big')).toBeUndefined();
    state.set('p', 'fits', 'x'.repeat(MAX_STATE_VALUE_BYTES - 2));
    expect(() => state.compareAndSet('p', 'fits', undefined, big)).toThrow(expect.objectContaining({ code: 'E_PAYLOAD_TOO_LARGE' }) as unknown as Error);
  });

  it('the limit is an option, validated', () => {
    const db = rawConnection(open());
    const small = new PluginStateRepository(db, clock, { maxValueBytes: 10 });
    expect(() => small.set('p', 'k', 'more than ten')).toThrow('over the 10-byte limit');
    expect(() => new PluginStateRepository(db, clock, { maxValueBytes: 0 })).toThrow('PluginStateOptions.maxValueBytes must be a positive integer, got 0');
  });

  describe('increment', () => {
    it('starts an absent key at 0, adds any finite amount and returns the new value', () => {
      const state = open().pluginState;
      expect(state.increment('p', 'n')).toBe(1);
      expect(state.increment('p', 'n', 5)).toBe(6);
      expect(state.increment('p', 'n', -10)).toBe(-4);
      expect(state.increment('p', 'f', 0.1)).toBe(0.1);
      expect(state.increment('p', 'f', 0.2)).toBe(0.1 + 0.2);
      expect(state.get('p', 'n')).toBe(-4);
      state.set('p', 'set-number', 40);
      expect(state.increment('p', 'set-number', 2)).toBe(42);
    });

    it('refuses to increment a non-number (E_CONFLICT) and leaves it as it was', () => {
      const state = open().pluginState;
      state.set('p', 's', '5');
      state.set('p', 'o', { n: 1 });
      expect(() => state.increment('p', 's')).toThrow('state p/s: cannot increment: it holds "5", not a number');
      expect(() => state.increment('p', 'o')).toThrow(expect.objectContaining({ code: 'E_CONFLICT' }) as unknown as Error);
      expect(state.get('p', 's')).toBe('5');
      expect(state.get('p', 'o')).toEqual({ n: 1 });
    });

    it('refuses a result past 2^53 and a non-finite amount', () => {
      const state = open().pluginState;
      state.set('p', 'n', Number.MAX_SAFE_INTEGER);
      expect(() => state.increment('p', 'n')).toThrow('past the safe integer range');
      expect(state.get('p', 'n')).toBe(Number.MAX_SAFE_INTEGER);
      expect(() => state.increment('p', 'n', Number.NaN)).toThrow(expect.objectContaining({ code: 'E_BAD_REQUEST' }) as unknown as Error);
      expect(() => state.increment('p', 'n', Infinity)).toThrow('increment by expects a finite number');
    });

    it('stays exact across two Store connections to the same file, interleaved', () => {
      const a = open().pluginState;
      const b = open().pluginState;
      const seen: number[] = [];
      for (let i = 0; i < 500; i += 1) seen.push((i % 2 === 0 ? a : b).increment('p', 'n'));
      expect(seen).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
      expect(a.get('p', 'n')).toBe(500);
      expect(b.get('p', 'n')).toBe(500);
    });
  });

  describe('compareAndSet', () => {
    it('treats expected undefined or null as "absent"', () => {
      const state = open().pluginState;
      expect(state.compareAndSet('p', 'k', undefined, 'first')).toBe(true);
      expect(state.compareAndSet('p', 'k', undefined, 'second')).toBe(false);
      expect(state.compareAndSet('p', 'k', null, 'second')).toBe(false);
      expect(state.get('p', 'k')).toBe('first');
      expect(state.compareAndSet('p', 'other', null, 1)).toBe(true);
    });

    it('compares canonical JSON: object key order does not matter, types do', () => {
      const state = open().pluginState;
      state.set('p', 'k', { a: 1, b: { c: [1, 2], d: 'x' } });
      expect(state.compareAndSet('p', 'k', { b: { d: 'x', c: [1, 2] }, a: 1 }, 'swapped')).toBe(true);
      expect(state.get('p', 'k')).toBe('swapped');
      state.set('p', 'n', 1);
      expect(state.compareAndSet('p', 'n', '1', 2)).toBe(false);
      expect(state.compareAndSet('p', 'n', [1], 2)).toBe(false);
      expect(state.compareAndSet('p', 'n', 1, 2)).toBe(true);
      expect(state.get('p', 'n')).toBe(2);
    });

    it('a stored null counts as absent; value undefined deletes the key', () => {
      const state = open().pluginState;
      state.set('p', 'k', null);
      expect(state.compareAndSet('p', 'k', undefined, 1)).toBe(true);
      expect(state.compareAndSet('p', 'k', 2, undefined)).toBe(false);
      expect(state.compareAndSet('p', 'k', 1, undefined)).toBe(true);
      expect(state.get('p', 'k')).toBeUndefined();
      expect(state.keys('p')).toEqual([]);
    });

    it('stamps updated_at with the clock', () => {
      const store = open();
      store.pluginState.compareAndSet('p', 'k', undefined, 1);
      clock.advance(1000);
      store.pluginState.increment('p', 'k');
      const db = rawConnection(store);
      expect(db.prepare("SELECT updated_at FROM plugin_state WHERE key = 'k'").get()).toEqual({ updated_at: 6000 });
    });
  });

  describe('across processes', () => {
    const children: ChildProcess[] = [];
    afterEach(() => {
      for (const child of children.splice(0)) if (child.exitCode === null) child.kill();
    });

    /** Two processes with their own Store start together (barrier), each doing `count` operations. */
    async function race(mode: 'increment' | 'cas', count: number): Promise<void> {
      open(); // creates and migrates the file first, so the children only open it
      const spawn = (): { child: ChildProcess; ready: Promise<void>; done: Promise<void> } => {
        const child = fork(HELPER, [dataDir, mode, String(count)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        children.push(child);
        const waitFor = (type: string) =>
          new Promise<void>((resolve, reject) => {
            const onMessage = (m: { type?: string }) => {
              if (m.type === type) {
                child.off('message', onMessage);
                resolve();
              }
            };
            child.on('message', onMessage);
            child.once('exit', (code) => reject(new Error(`helper exited with ${code} before "${type}"`)));
          });
        return { child, ready: waitFor('ready'), done: waitFor('done') };
      };
      const workers = [spawn(), spawn()];
      await Promise.all(workers.map((w) => w.ready));
      for (const w of workers) w.child.send({ type: 'go' });
      await Promise.all(workers.map((w) => w.done));
    }

    it('increment never loses an update when two processes hammer the same key', async () => {
      await race('increment', 2000);
      expect(open().pluginState.get('counter', 'count')).toBe(4000);
    });

    it('compareAndSet lets exactly one writer win each round across processes', async () => {
      await race('cas', 1000);
      expect(open().pluginState.get('counter', 'cas')).toBe(2000);
    });
  });
});
