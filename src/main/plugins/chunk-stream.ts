/**
 * A streamed answer: chunks from a plugin (a node plugin's async iterable, a command plugin's
 * NDJSON body) to one consumer (an HTTP NDJSON response, WebSocket frames, the Requests
 * console). Backpressure holds end to end: the producer is told how many more chunks the
 * consumer can take (`onDemand`), and the buffer between them is bounded. A consumer that goes
 * away cancels it, which the producer sees (`onCancel`) and passes on to the plugin.
 */
import { ConductorError } from '../../shared/result';

export interface ChunkStreamOptions {
  /** Chunks buffered between producer and consumer; the producer may run this far ahead. Default 16. */
  highWaterMark: number;
}

export const DEFAULT_CHUNK_STREAM_OPTIONS: Readonly<ChunkStreamOptions> = Object.freeze({ highWaterMark: 16 });

type Settled = { done: false } | { done: true; error: ConductorError | null };

export class ChunkStream implements AsyncIterable<unknown> {
  readonly highWaterMark: number;
  private readonly buffer: unknown[] = [];
  private settled: Settled = { done: false };
  private cancelled = false;
  private waiter: { resolve(): void } | null = null;
  private demandListener: ((more: number) => void) | null = null;
  private cancelListener: ((reason: ConductorError) => void) | null = null;
  private iterating = false;
  private delivered = 0;

  constructor(options: Partial<ChunkStreamOptions> = {}) {
    this.highWaterMark = options.highWaterMark ?? DEFAULT_CHUNK_STREAM_OPTIONS.highWaterMark;
    if (!Number.isInteger(this.highWaterMark) || this.highWaterMark < 1) {
      throw new Error(`ChunkStreamOptions.highWaterMark must be a positive integer, got ${String(this.highWaterMark)}`);
    }
  }

  static is(value: unknown): value is ChunkStream {
    return value instanceof ChunkStream;
  }

  // ---- producer side ----

  /** The producer is told each time the consumer took chunks (the credit it may send). */
  onDemand(listener: (more: number) => void): void {
    this.demandListener = listener;
  }

  /** The consumer went away (or the deadline passed): stop producing. */
  onCancel(listener: (reason: ConductorError) => void): void {
    this.cancelListener = listener;
    if (this.cancelled && this.settled.done && this.settled.error) listener(this.settled.error);
  }

  /** Adds a chunk. A producer that ignores its credit and overruns the buffer fails the stream. */
  push(chunk: unknown): void {
    if (this.settled.done) return;
    if (this.buffer.length >= this.highWaterMark * 4) {
      this.fail(new ConductorError('E_PLUGIN_ERROR', `the plugin sent more than ${this.highWaterMark * 4} chunks the reader had not asked for`));
      this.cancelListener?.(new ConductorError('E_PLUGIN_ERROR', 'stream overrun'));
      return;
    }
    this.buffer.push(chunk);
    this.wake();
  }

  end(): void {
    if (this.settled.done) return;
    this.settled = { done: true, error: null };
    this.wake();
  }

  fail(error: ConductorError): void {
    if (this.settled.done) return;
    this.settled = { done: true, error };
    this.wake();
  }

  get isSettled(): boolean {
    return this.settled.done;
  }

  /** Chunks handed to the consumer so far. */
  get count(): number {
    return this.delivered;
  }

  // ---- consumer side ----

  /** The consumer stops reading: the producer is cancelled with `reason`. */
  cancel(reason: ConductorError = new ConductorError('E_TIMEOUT', 'the caller went away')): void {
    if (this.cancelled) return;
    this.cancelled = true;
    const wasDone = this.settled.done;
    this.buffer.length = 0;
    if (!wasDone) this.settled = { done: true, error: reason };
    this.wake();
    if (!wasDone) this.cancelListener?.(reason);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<unknown> {
    if (this.iterating) throw new Error('a ChunkStream has one reader');
    this.iterating = true;
    // The first credit: the producer may fill the buffer.
    this.demandListener?.(this.highWaterMark);
    try {
      for (;;) {
        if (this.buffer.length > 0) {
          const chunk = this.buffer.shift();
          this.delivered++;
          this.demandListener?.(1);
          yield chunk;
          continue;
        }
        if (this.settled.done) {
          if (this.settled.error && !this.cancelled) throw this.settled.error;
          return;
        }
        await new Promise<void>((resolve) => (this.waiter = { resolve }));
      }
    } finally {
      // A reader that stops early (break, an error of its own) cancels the producer.
      if (!this.settled.done) this.cancel(new ConductorError('E_TIMEOUT', 'the caller stopped reading'));
    }
  }

  /** Reads everything into an array (at most `limit` chunks; more fails with E_PLUGIN_ERROR). */
  async collect(limit = 10_000): Promise<unknown[]> {
    const out: unknown[] = [];
    for await (const chunk of this) {
      if (out.length >= limit) {
        this.cancel(new ConductorError('E_PLUGIN_ERROR', `more than ${limit} chunks`));
        throw new ConductorError('E_PLUGIN_ERROR', `the plugin streamed more than ${limit} chunks; ask for a stream instead`);
      }
      out.push(chunk);
    }
    return out;
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.resolve();
  }
}
