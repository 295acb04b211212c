/**
 * The Requests console's streamed answers (`requests:stream`): the chunks shown while a stream runs
 * and after it ends (bounded: the newest `STREAM_KEEP`), the text of token chunks (`{ token }`,
 * LLM style), and the short summary the history keeps.
 *
 * The live view sits in a store outside the page, so a stream keeps running (and showing) when the
 * person switches pages and comes back.
 */
import { createStore } from 'zustand/vanilla';
import type { CommandResult, ConductorApi } from '../../../shared/contract';
import { err, type ErrorInfo, type Result } from '../../../shared/result';
import { targetArgs } from './requests-form';
import type { RequestTarget, SentRequest } from './requests-history';

/** Chunks kept in the page; older ones are dropped (and counted). */
export const STREAM_KEEP = 2000;
/** Characters of token text kept in the page; older ones are dropped (and counted). */
export const TEXT_KEEP = 200_000;
/** What a history entry keeps of a stream: its first chunks and the start of its text. */
export const PREVIEW_CHUNKS = 20;
export const PREVIEW_TEXT = 2000;

export interface StreamChunk {
  index: number;
  chunk: unknown;
}

export type StreamStatus = 'streaming' | 'done' | 'cancelled' | 'failed';

export interface StreamView {
  streamId: string;
  target: RequestTarget;
  /** Wall clock, for display. */
  sentAt: number;
  /** The monotonic clock (performance.now) when it was sent. */
  startedAt: number;
  status: StreamStatus;
  /** The newest chunks, oldest first; at most `STREAM_KEEP`. */
  chunks: StreamChunk[];
  /** The first `PREVIEW_CHUNKS` chunks (kept for the history even when dropped from `chunks`). */
  head: unknown[];
  /** Chunks received, shown or dropped. */
  received: number;
  /** Older chunks no longer in `chunks`. */
  dropped: number;
  /** The `token` strings of the chunks that have one, concatenated (the newest `TEXT_KEEP` characters); null until one arrives. */
  text: string | null;
  /** Characters dropped from the front of `text`. */
  textDropped: number;
  /** The start of the text, for the history. */
  textHead: string;
  /** Since sending, measured here while it runs; the conductor's figure once it succeeds. */
  firstChunkMs: number | null;
  /** Set when it ends: the conductor's latency when it succeeded, the time measured here otherwise. */
  elapsedMs: number | null;
  /** The chunk count the conductor reported (when it succeeded). */
  reportedChunks: number | null;
  cancelRequested: boolean;
  error: ErrorInfo | null;
}

/** What the history keeps of a streamed request. */
export interface StreamSummary {
  streamId: string;
  chunks: number;
  firstChunkMs: number | null;
  /** The first chunks. */
  preview: unknown[];
  /** The start of the token text, or null when no chunk had a token. */
  text: string | null;
  cancelled: boolean;
}

export function newStreamView(streamId: string, target: RequestTarget, sentAt: number, startedAt: number): StreamView {
  return {
    streamId,
    target,
    sentAt,
    startedAt,
    status: 'streaming',
    chunks: [],
    head: [],
    received: 0,
    dropped: 0,
    text: null,
    textDropped: 0,
    textHead: '',
    firstChunkMs: null,
    elapsedMs: null,
    reportedChunks: null,
    cancelRequested: false,
    error: null,
  };
}

/** The chunk's `token` when it is an object with a string `token`, else null. */
export function tokenOf(chunk: unknown): string | null {
  if (typeof chunk !== 'object' || chunk === null || Array.isArray(chunk)) return null;
  const token = (chunk as { token?: unknown }).token;
  return typeof token === 'string' ? token : null;
}

const round1 = (ms: number) => Math.round(ms * 10) / 10;

/** The view with `batch` appended (in arrival order), trimmed to the newest `keep` chunks and `textKeep` characters. */
export function appendChunks(view: StreamView, batch: readonly StreamChunk[], now: number, keep = STREAM_KEEP, textKeep = TEXT_KEEP): StreamView {
  if (batch.length === 0) return view;
  let chunks = view.chunks.concat(batch);
  let dropped = view.dropped;
  if (chunks.length > keep) {
    dropped += chunks.length - keep;
    chunks = chunks.slice(chunks.length - keep);
  }
  const head = view.head.length < PREVIEW_CHUNKS ? view.head.concat(batch.slice(0, PREVIEW_CHUNKS - view.head.length).map((c) => c.chunk)) : view.head;

  let text = view.text;
  let textDropped = view.textDropped;
  let textHead = view.textHead;
  const tokens: string[] = [];
  for (const c of batch) {
    const token = tokenOf(c.chunk);
    if (token !== null) tokens.push(token);
  }
  if (tokens.length > 0) {
    const added = tokens.join('');
    if (textHead.length < PREVIEW_TEXT) textHead = (textHead + added).slice(0, PREVIEW_TEXT);
    text = (text ?? '') + added;
    if (text.length > textKeep) {
      textDropped += text.length - textKeep;
      text = text.slice(text.length - textKeep);
    }
  }

  return {
    ...view,
    chunks,
    head,
    received: view.received + batch.length,
    dropped,
    text,
    textDropped,
    textHead,
    firstChunkMs: view.firstChunkMs ?? round1(now - view.startedAt),
  };
}

/** The view once `requests:stream` has answered. */
export function finishStream(view: StreamView, result: Result<CommandResult<'requests:stream'>>, now: number): StreamView {
  if (result.ok) {
    return {
      ...view,
      status: 'done',
      elapsedMs: result.value.latencyMs,
      firstChunkMs: result.value.firstChunkMs ?? view.firstChunkMs,
      reportedChunks: result.value.chunks,
      error: null,
    };
  }
  return {
    ...view,
    status: view.cancelRequested ? 'cancelled' : 'failed',
    elapsedMs: round1(now - view.startedAt),
    error: result.error,
  };
}

/** The chunk count to show: the conductor's once it reported one, else what arrived. */
export function chunkCount(view: StreamView): number {
  return Math.max(view.received, view.reportedChunks ?? 0);
}

export function streamSummary(view: StreamView): StreamSummary {
  return {
    streamId: view.streamId,
    chunks: chunkCount(view),
    firstChunkMs: view.firstChunkMs,
    preview: view.head,
    text: view.text === null ? null : view.textHead,
    cancelled: view.status === 'cancelled',
  };
}

/** The history's outcome of a finished stream: its first chunks as the value, or its error. */
export function streamOutcome(view: StreamView): SentRequest['outcome'] {
  const ms = view.elapsedMs ?? 0;
  return view.error === null ? { ok: true, value: view.head, latencyMs: ms } : { ok: false, error: view.error, elapsedMs: ms };
}

export interface StreamStoreState {
  /** The running or last stream; null before the first. */
  view: StreamView | null;
}

export function createStreamStore() {
  return createStore<StreamStoreState>()(() => ({ view: null }));
}

export type StreamStore = ReturnType<typeof createStreamStore>;

/** One store for the page, kept while the panel is open. */
export const requestsStream = createStreamStore();

export interface RunStreamOptions {
  store: StreamStore;
  streamId?: string;
  /** Monotonic clock; performance.now by default. */
  now?: () => number;
  /** Runs `flush` soon (once per frame in a browser); returns nothing. */
  schedule?: (flush: () => void) => void;
  keep?: number;
}

export interface StreamRequest {
  target: RequestTarget;
  payload: unknown;
  timeoutMs: number | undefined;
}

function defaultSchedule(flush: () => void): void {
  if (typeof requestAnimationFrame === 'function' && typeof document !== 'undefined' && document.visibilityState === 'visible') requestAnimationFrame(flush);
  else setTimeout(flush, 50);
}

/**
 * Sends `request` with `requests:stream` and shows its chunks in `store` as they arrive: subscribes
 * to `requests:chunk` (this stream's id only) before invoking, applies chunks at most once per
 * frame (at once when `keep` are waiting, so nothing buffers without bound), and unsubscribes when
 * the stream ends. Resolves (never rejects) with the final view.
 */
export async function runStream(api: Pick<ConductorApi, 'invoke' | 'on'>, request: StreamRequest, options: RunStreamOptions): Promise<StreamView> {
  const { store } = options;
  const now = options.now ?? (() => performance.now());
  const schedule = options.schedule ?? defaultSchedule;
  const keep = options.keep ?? STREAM_KEEP;
  const streamId = options.streamId ?? crypto.randomUUID();

  let view = newStreamView(streamId, request.target, Date.now(), now());
  store.setState({ view });
  /** Writes `next` to the store, keeping a cancel asked for meanwhile; leaves a store that moved on to another stream alone. */
  const update = (next: (latest: StreamView) => StreamView) => {
    const shown = store.getState().view;
    const latest = shown !== null && shown.streamId === streamId ? shown : view;
    view = next(latest);
    if (shown === null || shown.streamId === streamId) store.setState({ view });
  };

  let pending: StreamChunk[] = [];
  let scheduled = false;
  let firstAt: number | null = null;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    update((latest) => appendChunks(latest, batch, firstAt ?? now(), keep));
  };

  const unsubscribe = api.on('requests:chunk', (event) => {
    if (event.streamId !== streamId) return;
    if (firstAt === null) firstAt = now();
    pending.push({ index: event.index, chunk: event.chunk });
    if (pending.length >= keep) flush();
    else if (!scheduled) {
      scheduled = true;
      schedule(flush);
    }
  });

  let result: Result<CommandResult<'requests:stream'>>;
  try {
    result = await api.invoke('requests:stream', {
      ...targetArgs(request.target),
      payload: request.payload,
      streamId,
      ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
    });
  } catch (error) {
    // The clients answer with an envelope; a throw is a bug of ours, shown like one.
    result = err('E_INTERNAL', error instanceof Error ? error.message : String(error));
  } finally {
    unsubscribe();
  }
  flush();
  const endedAt = now();
  update((latest) => finishStream(latest, result, endedAt));
  return view;
}

/** Asks the conductor to stop the running stream; the stream's own answer then says it was cancelled. */
export async function cancelStream(api: Pick<ConductorApi, 'invoke'>, store: StreamStore): Promise<Result<CommandResult<'requests:cancel'>> | null> {
  const view = store.getState().view;
  if (view === null || view.status !== 'streaming' || view.cancelRequested) return null;
  const mark = (cancelRequested: boolean) => {
    const latest = store.getState().view;
    if (latest !== null && latest.streamId === view.streamId && latest.status === 'streaming') store.setState({ view: { ...latest, cancelRequested } });
  };
  mark(true);
  const result = await api.invoke('requests:cancel', { streamId: view.streamId });
  // Not delivered (e.g. the connection dropped): let the person try again.
  if (!result.ok) mark(false);
  return result;
}
