import { toDisposable, type Disposable } from './disposable';

/** Time, injected so that state machines and deadlines are tested exactly. */
export interface Clock {
  /** Wall-clock milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` once after `ms`; dispose to cancel. */
  setTimeout(fn: () => void, ms: number): Disposable;
  /** Runs `fn` every `ms`; dispose to cancel. */
  setInterval(fn: () => void, ms: number): Disposable;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, ms);
    return toDisposable(() => clearTimeout(handle));
  },
  setInterval(fn, ms) {
    const handle = setInterval(fn, ms);
    return toDisposable(() => clearInterval(handle));
  },
};

/** A clock for tests: time moves only when `advance` is called; due timers fire in order. */
export class ManualClock implements Clock {
  private time: number;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void; every?: number }>();

  constructor(start = 1_700_000_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): Disposable {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), fn });
    return toDisposable(() => this.timers.delete(id));
  }

  setInterval(fn: () => void, ms: number): Disposable {
    const id = this.nextId++;
    const every = Math.max(1, ms);
    this.timers.set(id, { at: this.time + every, fn, every });
    return toDisposable(() => this.timers.delete(id));
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in time order. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      let dueId = -1;
      let dueAt = Infinity;
      for (const [id, timer] of this.timers) {
        if (timer.at <= target && timer.at < dueAt) {
          dueAt = timer.at;
          dueId = id;
        }
      }
      if (dueId < 0) break;
      const timer = this.timers.get(dueId)!;
      this.time = timer.at;
      if (timer.every === undefined) this.timers.delete(dueId);
      else timer.at += timer.every;
      timer.fn();
    }
    this.time = target;
  }

  get pendingTimers(): number {
    return this.timers.size;
  }
}
