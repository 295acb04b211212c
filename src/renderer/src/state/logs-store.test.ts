import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CommandName, EventName } from '../../../shared/contract';
import type { LogEntry } from '../../../shared/domain';
import { err, ok, type Result } from '../../../shared/result';
import type { ConductorClient, ConnectionState } from '../api/conductor-client';
import { createLogsStore } from './logs-store';

const e = (seq: number, over: Partial<LogEntry> = {}): LogEntry => ({ seq, ts: seq, level: 'info', source: 'conductor', message: `m${seq}`, ...over });
const range = (from: number, to: number, over: Partial<LogEntry> = {}) => Array.from({ length: to - from + 1 }, (_, i) => e(from + i, over));

/** A client whose answers, events and connection the test drives. */
function fakeClient() {
  const pending: Array<{ command: CommandName; args: Record<string, unknown>; resolve: (r: Result<unknown>) => void }> = [];
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const stateListeners = new Set<(s: ConnectionState) => void>();
  const client: ConductorClient = {
    transport: 'websocket',
    invoke: ((command: CommandName, args: Record<string, unknown>) =>
      new Promise((resolve) => pending.push({ command, args, resolve: resolve as (r: Result<unknown>) => void }))) as ConductorClient['invoke'],
    on: ((event: EventName, listener: (p: unknown) => void) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    }) as ConductorClient['on'],
    connectionState: () => 'open',
    onConnectionChange: (l) => {
      stateListeners.add(l);
      return () => stateListeners.delete(l);
    },
    reconnectNow: () => {},
  };
  return {
    client,
    pending,
    /** Answers the oldest pending query. */
    async answer(entries: LogEntry[], lastSeq = entries.at(-1)?.seq ?? 0) {
      const next = pending.shift();
      if (!next) throw new Error('no pending query');
      next.resolve(ok({ entries, lastSeq }));
      await Promise.resolve();
      await Promise.resolve();
    },
    async fail() {
      pending.shift()!.resolve(err('E_INTERNAL', 'boom'));
      await Promise.resolve();
      await Promise.resolve();
    },
    emit(batch: LogEntry[]) {
      for (const l of listeners.get('logs:appended') ?? []) l(batch);
    },
    connection(state: ConnectionState) {
      for (const l of stateListeners) l(state);
    },
  };
}

const seqs = (entries: LogEntry[]) => entries.map((x) => x.seq);

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('logs store', () => {
  it('loads the tail, then follows live batches without duplicates', async () => {
    const f = fakeClient();
    const store = createLogsStore(f.client, { pageSize: 3 });
    store.start();
    expect(store.getState().phase).toBe('loading');
    expect(f.pending[0]!.args).toEqual({ limit: 3 });
    // A batch arrives while the query is out: kept, merged after the answer, duplicates dropped.
    f.emit([e(3), e(4)]);
    await f.answer([e(1), e(2), e(3)]);
    const s = store.getState();
    expect(s.phase).toBe('ready');
    expect(seqs(s.entries)).toEqual([1, 2, 3, 4]);
    expect(s.hasOlder).toBe(true);
    f.emit([e(4), e(5)]);
    expect(seqs(store.getState().entries)).toEqual([1, 2, 3, 4, 5]);
  });

  it('applies the filter to live entries and re-queries on a change (text debounced)', async () => {
    const f = fakeClient();
    const store = createLogsStore(f.client, { pageSize: 100, textDebounceMs: 200 });
    store.start();
    await f.answer([e(1)]);
    store.getState().setLevel('warn');
    expect(store.getState().phase).toBe('filtering');
    expect(f.pending[0]!.args).toEqual({ level: 'warn', limit: 100 });
    await f.answer([e(1, { level: 'error' })]);
    f.emit([e(2, { level: 'info' }), e(3, { level: 'warn' })]);
    expect(seqs(store.getState().entries)).toEqual([1, 3]);

    store.getState().setText('b');
    store.getState().setText('bo');
    expect(store.getState().phase).toBe('filtering');
    expect(f.pending).toHaveLength(0);
    vi.advanceTimersByTime(199);
    expect(f.pending).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(f.pending.map((p) => p.args)).toEqual([{ level: 'warn', text: 'bo', limit: 100 }]);
    await f.answer([e(7, { level: 'warn', message: 'BOOM' })]);
    expect(seqs(store.getState().entries)).toEqual([7]);
  });

  it('ignores an answer to a superseded filter', async () => {
    const f = fakeClient();
    const store = createLogsStore(f.client);
    store.start();
    store.getState().setPlugin('echo');
    await f.answer([e(1)]); // the first, superseded query
    expect(store.getState().phase).toBe('loading');
    await f.answer([e(2, { plugin: 'echo' })]);
    expect(seqs(store.getState().entries)).toEqual([2]);
  });

  it('caps the window: the oldest go when following, and come back when paging', async () => {
    const f = fakeClient();
    const store = createLogsStore(f.client, { cap: 5, pageSize: 3 });
    store.start();
    await f.answer(range(8, 10));
    f.emit(range(11, 13));
    let s = store.getState();
    expect(seqs(s.entries)).toEqual([9, 10, 11, 12, 13]);
    expect(s.headShift.rows).toBe(-1);
    void s.loadOlder();
    expect(f.pending[0]!.args).toEqual({ beforeSeq: 9, limit: 3 });
    await f.answer(range(6, 8));
    s = store.getState();
    expect(seqs(s.entries)).toEqual([6, 7, 8, 9, 10]);
    expect(s.headShift.rows).toBe(3);
    expect(s.hasNewer).toBe(true);
    // Short of the tail, live entries are counted, not shown.
    f.emit([e(14)]);
    expect(store.getState().pendingCount).toBe(1);
    expect(seqs(store.getState().entries)).toEqual([6, 7, 8, 9, 10]);
    store.getState().jumpToLatest();
    await f.answer(range(12, 14));
    s = store.getState();
    expect(seqs(s.entries)).toEqual([12, 13, 14]);
    expect(s.hasNewer).toBe(false);
    expect(s.pendingCount).toBe(0);
  });

  it('stops paging back when the store has no more', async () => {
    const f = fakeClient();
    const store = createLogsStore(f.client, { pageSize: 3 });
    store.start();
    await f.answer(range(4, 6));
    void store.getState().loadOlder();
    await f.answer(range(2, 3));
    expect(store.getState().hasOlder).toBe(false);
    void store.getState().loadOlder();
    expect(f.pending).toHaveLength(0);
  });

  it('holds live entries while paused and adds them on resume', async () => {
    const f = fakeClient();
    const store = createLogsStore(f.client);
    store.start();
    await f.answer([e(1)]);
    store.getState().pause();
    f.emit([e(2), e(3)]);
    expect(store.getState().pendingCount).toBe(2);
    expect(seqs(store.getState().entries)).toEqual([1]);
    store.getState().resume();
    expect(seqs(store.getState().entries)).toEqual([1, 2, 3]);
    expect(store.getState().pendingCount).toBe(0);
  });

  it('reloads on resume when more than the cap arrived while paused', async () => {
    const f = fakeClient();
    const store = createLogsStore(f.client, { cap: 3 });
    store.start();
    await f.answer([e(1)]);
    store.getState().pause();
    f.emit(range(2, 6));
    store.getState().resume();
    expect(f.pending).toHaveLength(1);
    await f.answer(range(4, 6));
    expect(seqs(store.getState().entries)).toEqual([4, 5, 6]);
  });

  it('shows an error and reloads the tail after a reconnect', async () => {
    const f = fakeClient();
    const store = createLogsStore(f.client);
    store.start();
    await f.fail();
    expect(store.getState()).toMatchObject({ phase: 'error', error: { code: 'E_INTERNAL' } });
    f.connection('closed');
    f.connection('open');
    await f.answer([e(1)]);
    expect(store.getState().phase).toBe('ready');
  });

  it('stops listening when stopped', async () => {
    const f = fakeClient();
    const store = createLogsStore(f.client);
    const stop = store.start();
    await f.answer([e(1)]);
    stop();
    f.emit([e(2)]);
    expect(seqs(store.getState().entries)).toEqual([1]);
  });
});
