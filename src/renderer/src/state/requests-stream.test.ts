import { describe, expect, it } from 'vitest';
import type { CommandArgs, CommandName, CommandResult, ConductorApi, EventName, EventPayloads } from '../../../shared/contract';
import { err, ok, type Result } from '../../../shared/result';
import {
  PREVIEW_CHUNKS,
  appendChunks,
  cancelStream,
  chunkCount,
  createStreamStore,
  finishStream,
  newStreamView,
  runStream,
  streamOutcome,
  streamSummary,
  tokenOf,
  type StreamChunk,
} from './requests-stream';

const target = { kind: 'capability', name: 'text.greet' } as const;
const view0 = () => newStreamView('s1', target, 1_000, 100);
const chunks = (from: number, n: number, make: (i: number) => unknown = (i) => ({ token: `t${i} ` })): StreamChunk[] =>
  Array.from({ length: n }, (_, k) => ({ index: from + k, chunk: make(from + k) }));

describe('tokenOf', () => {
  it('reads a string token from an object, nothing else', () => {
    expect(tokenOf({ token: 'Hi' })).toBe('Hi');
    expect(tokenOf({ token: '' })).toBe('');
    for (const c of [null, 'Hi', 3, [{ token: 'x' }], { token: 3 }, { text: 'x' }]) expect(tokenOf(c)).toBeNull();
  });
});

describe('appendChunks', () => {
  it('appends in order, counts, and times the first chunk from the send', () => {
    let v = appendChunks(view0(), chunks(0, 2), 350);
    v = appendChunks(v, chunks(2, 1), 900);
    expect(v.chunks.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(v.received).toBe(3);
    expect(v.dropped).toBe(0);
    expect(v.firstChunkMs).toBe(250);
    expect(v.text).toBe('t0 t1 t2 ');
  });

  it('keeps only the newest chunks and counts the dropped ones', () => {
    let v = view0();
    for (let i = 0; i < 25; i++) v = appendChunks(v, chunks(i * 10, 10), 200, 100);
    expect(v.received).toBe(250);
    expect(v.chunks).toHaveLength(100);
    expect(v.chunks[0]!.index).toBe(150);
    expect(v.chunks.at(-1)!.index).toBe(249);
    expect(v.dropped).toBe(150);
    // The history's preview is the first chunks, kept though dropped from the list.
    expect(v.head).toHaveLength(PREVIEW_CHUNKS);
    expect(v.head[0]).toEqual({ token: 't0 ' });
  });

  it('bounds the token text, keeping its newest part and its start', () => {
    let v = view0();
    for (let i = 0; i < 10; i++) v = appendChunks(v, [{ index: i, chunk: { token: 'abcdefghij' } }], 200, 100, 25);
    expect(v.text).toBe('fghijabcdefghijabcdefghij');
    expect(v.textDropped).toBe(75);
    expect(v.textHead.startsWith('abcdefghij')).toBe(true);
  });

  it('has no text when no chunk carries a token', () => {
    const v = appendChunks(view0(), chunks(0, 3, (i) => i), 200);
    expect(v.text).toBeNull();
    expect(streamSummary(v).text).toBeNull();
  });

  it('returns the same view for an empty batch', () => {
    const v = view0();
    expect(appendChunks(v, [], 5)).toBe(v);
  });
});

describe('finishStream', () => {
  it('takes the conductor’s figures on success', () => {
    const v = finishStream(appendChunks(view0(), chunks(0, 4), 300), ok({ chunks: 4, latencyMs: 1612.5, firstChunkMs: 180 }), 1800);
    expect(v).toMatchObject({ status: 'done', elapsedMs: 1612.5, firstChunkMs: 180, reportedChunks: 4, error: null });
    expect(chunkCount(v)).toBe(4);
  });

  it('is cancelled when a cancel was asked for, failed otherwise', () => {
    const error = err('E_TIMEOUT', 'cancelled by the caller');
    const asked = { ...appendChunks(view0(), chunks(0, 1), 300), cancelRequested: true };
    expect(finishStream(asked, error, 1100)).toMatchObject({ status: 'cancelled', elapsedMs: 1000, error: error.error });
    expect(finishStream(view0(), err('E_PLUGIN_ERROR', 'boom'), 400)).toMatchObject({ status: 'failed', elapsedMs: 300 });
    expect(streamSummary(finishStream(asked, error, 1100))).toMatchObject({ chunks: 1, cancelled: true, text: 't0 ' });
  });

  it('gives the history an outcome: the first chunks and latency, or the error', () => {
    const done = finishStream(appendChunks(view0(), chunks(0, 2), 300), ok({ chunks: 2, latencyMs: 40, firstChunkMs: 10 }), 500);
    expect(streamOutcome(done)).toEqual({ ok: true, value: [{ token: 't0 ' }, { token: 't1 ' }], latencyMs: 40 });
    const failed = finishStream(view0(), err('E_PLUGIN_ERROR', 'boom'), 400);
    expect(streamOutcome(failed)).toEqual({ ok: false, error: { code: 'E_PLUGIN_ERROR', message: 'boom' }, elapsedMs: 300 });
  });
});

/** A conductor double: records calls, lets the test emit chunks and answer the stream. */
function fakeApi() {
  const listeners = new Map<EventName, Set<(p: never) => void>>();
  const calls: { command: CommandName; args: unknown; subscribedAtCall: number }[] = [];
  let answer!: (r: Result<CommandResult<'requests:stream'>>) => void;
  const api: Pick<ConductorApi, 'invoke' | 'on'> = {
    invoke<C extends CommandName>(command: C, args: CommandArgs<C>) {
      calls.push({ command, args, subscribedAtCall: listeners.get('requests:chunk')?.size ?? 0 });
      if (command === 'requests:stream') return new Promise((resolve) => (answer = resolve as never));
      return Promise.resolve(ok({ cancelled: true })) as never;
    },
    on<E extends EventName>(event: E, listener: (p: EventPayloads[E]) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as never);
      return () => set.delete(listener as never);
    },
  };
  const emit = (p: EventPayloads['requests:chunk']) => listeners.get('requests:chunk')?.forEach((l) => l(p as never));
  return { api, calls, emit, answer: (r: Result<CommandResult<'requests:stream'>>) => answer(r), listenerCount: () => listeners.get('requests:chunk')?.size ?? 0 };
}

describe('runStream', () => {
  it('subscribes before invoking, shows only its own chunks as they come, and unsubscribes at the end', async () => {
    const fake = fakeApi();
    const store = createStreamStore();
    const flushes: (() => void)[] = [];
    let clock = 0;
    const done = runStream(fake.api, { target, payload: { name: 'Ada', stream: true }, timeoutMs: 5000 }, { store, streamId: 'abc', now: () => clock, schedule: (f) => flushes.push(f) });

    expect(fake.calls).toEqual([
      { command: 'requests:stream', args: { capability: 'text.greet', payload: { name: 'Ada', stream: true }, streamId: 'abc', timeoutMs: 5000 }, subscribedAtCall: 1 },
    ]);
    expect(store.getState().view).toMatchObject({ streamId: 'abc', status: 'streaming', received: 0 });

    clock = 120;
    fake.emit({ streamId: 'abc', index: 0, chunk: { token: 'Hello' } });
    fake.emit({ streamId: 'other', index: 0, chunk: { token: 'NOT MINE' } });
    fake.emit({ streamId: 'abc', index: 1, chunk: { token: ' Ada' } });
    expect(flushes).toHaveLength(1); // one flush per frame, however many chunks
    clock = 130;
    flushes.shift()!();
    expect(store.getState().view).toMatchObject({ received: 2, text: 'Hello Ada', firstChunkMs: 120 });

    fake.emit({ streamId: 'abc', index: 2, chunk: { token: '!' } });
    // The answer comes before the frame: the waiting chunk is applied, then the end.
    fake.answer(ok({ chunks: 3, latencyMs: 300, firstChunkMs: 110 }));
    const final = await done;
    expect(final).toMatchObject({ status: 'done', received: 3, text: 'Hello Ada!', elapsedMs: 300, firstChunkMs: 110 });
    expect(store.getState().view).toBe(final);
    expect(fake.listenerCount()).toBe(0);
  });

  it('applies at once when a full batch waits (nothing buffers without bound)', async () => {
    const fake = fakeApi();
    const store = createStreamStore();
    const done = runStream(fake.api, { target, payload: null, timeoutMs: undefined }, { store, streamId: 'x', now: () => 0, schedule: () => {}, keep: 10 });
    for (let i = 0; i < 35; i++) fake.emit({ streamId: 'x', index: i, chunk: i });
    expect(store.getState().view).toMatchObject({ received: 30, dropped: 20 });
    expect(store.getState().view!.chunks).toHaveLength(10);
    fake.answer(ok({ chunks: 35, latencyMs: 5, firstChunkMs: 1 }));
    const final = await done;
    expect(final).toMatchObject({ received: 35, dropped: 25 });
    expect(final.chunks[0]!.index).toBe(25);
    expect(fake.calls[0]!.args).not.toHaveProperty('timeoutMs');
  });

  it('cancels: asks the conductor once, and the stream then ends cancelled with the command’s error code', async () => {
    const fake = fakeApi();
    const store = createStreamStore();
    const done = runStream(fake.api, { target: { kind: 'plugin', name: 'py-greeter' }, payload: {}, timeoutMs: undefined }, { store, streamId: 'c1', now: () => 0, schedule: (f) => f() });
    fake.emit({ streamId: 'c1', index: 0, chunk: { token: 'Hello' } });
    expect(await cancelStream(fake.api, store)).toEqual(ok({ cancelled: true }));
    expect(await cancelStream(fake.api, store)).toBeNull(); // already asked
    expect(fake.calls.map((c) => [c.command, c.args])).toEqual([
      ['requests:stream', { plugin: 'py-greeter', payload: {}, streamId: 'c1' }],
      ['requests:cancel', { streamId: 'c1' }],
    ]);
    fake.answer(err('E_TIMEOUT', 'cancelled by the caller'));
    const final = await done;
    expect(final).toMatchObject({ status: 'cancelled', received: 1, error: { code: 'E_TIMEOUT' } });
    expect(await cancelStream(fake.api, store)).toBeNull(); // over
  });

  it('lets the person cancel again when the cancel did not get through', async () => {
    const fake = fakeApi();
    const store = createStreamStore();
    void runStream(fake.api, { target, payload: {}, timeoutMs: undefined }, { store, streamId: 'c2', now: () => 0 });
    const invoke = fake.api.invoke;
    fake.api.invoke = (() => Promise.resolve(err('E_INTERNAL', 'the conductor client was closed'))) as typeof invoke;
    expect(await cancelStream(fake.api, store)).toMatchObject({ ok: false });
    expect(store.getState().view).toMatchObject({ status: 'streaming', cancelRequested: false });
  });

  it('ends failed and unsubscribes when the invoke itself throws', async () => {
    const fake = fakeApi();
    const store = createStreamStore();
    fake.api.invoke = () => Promise.reject(new Error('socket gone'));
    const final = await runStream(fake.api, { target, payload: 1, timeoutMs: undefined }, { store, streamId: 'f' });
    expect(final).toMatchObject({ status: 'failed', error: { code: 'E_INTERNAL', message: 'socket gone' } });
    expect(fake.listenerCount()).toBe(0);
  });
});
