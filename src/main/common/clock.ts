import { toDisposable, type Disposable } from './disposable';

/**
 * A timer as `Clock.setTimeout` returns it. `unref`/`ref` are optional: a real timer offers them
 * (an unref'd timer does not keep the process alive); a test clock may leave them out.
 */
export interface TimerHandle extends Disposable {
  unref?(): void;
  ref?(): void;
}

/** Time, injected so that state machines and deadlines are tested exactly. */
export interface Clock {
  /** Wall-clock milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` once after `ms`; dispose to cancel. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Runs `fn` every `ms`; dispose to cancel. */
  setInterval(fn: () => void, ms: number): Disposable;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms): TimerHandle {
    const handle = setTimeout(fn, ms);
    return {
      dispose: () => clearTimeout(handle),
      unref: () => void handle.unref(),
      ref: () => void handle.ref(),
    };
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

/** A member of a `DeadlineQueue`: its deadline and the queue's intrusive links (owned by the queue). */
export interface DeadlineNode<T> {
  readonly deadline: number;
  deadlinePrev: T | null;
  deadlineNext: T | null;
  inDeadlineQueue: boolean;
}

/**
 * Many deadlines behind one timer. Entries are kept in deadline order in an intrusive list:
 * inserting is O(1) when deadlines arrive in order (the usual case: one timeout per owner) and a
 * short walk from the back otherwise; removing is O(1). The timer is armed for the earliest
 * deadline, is left armed (not re-armed) when an entry leaves, and never fires early: a timer
 * that fires before the clock reaches the head's deadline is re-armed for the head, if any.
 * `expire` is called for each entry whose deadline has passed, in deadline order, after the entry
 * left the queue.
 *
 * When the queue empties, a timer that can be unref'd stays armed, unref'd (so it holds nothing
 * alive), and is ref'd again by the next entry with a later deadline: at depth 1 (one request at a
 * time) that saves a timer per request. A timer that cannot (a test clock) is disarmed.
 */
export class DeadlineQueue<T extends DeadlineNode<T>> {
  private head: T | null = null;
  private tail: T | null = null;
  private timer: TimerHandle | null = null;
  /** The deadline the timer is armed for (Infinity when none). */
  private armedFor = Infinity;
  /** The queue is empty and its timer is kept armed, unref'd. */
  private idle = false;
  private firing = false;
  private readonly onTimer = (): void => this.fire();

  constructor(
    private readonly clock: Clock,
    private readonly expire: (entry: T) => void,
  ) {}

  get isEmpty(): boolean {
    return this.head === null;
  }

  add(entry: T): void {
    if (entry.inDeadlineQueue) return;
    entry.inDeadlineQueue = true;
    const deadline = entry.deadline;
    let after = this.tail;
    while (after !== null && after.deadline > deadline) after = after.deadlinePrev;
    entry.deadlinePrev = after;
    if (after === null) {
      entry.deadlineNext = this.head;
      if (this.head !== null) this.head.deadlinePrev = entry;
      else this.tail = entry;
      this.head = entry;
      if (this.firing) return;
      if (deadline < this.armedFor) this.arm(deadline, this.clock.now());
      else if (this.idle) {
        this.idle = false;
        this.timer!.ref!();
      }
    } else {
      entry.deadlineNext = after.deadlineNext;
      if (after.deadlineNext !== null) after.deadlineNext.deadlinePrev = entry;
      else this.tail = entry;
      after.deadlineNext = entry;
    }
  }

  remove(entry: T): void {
    if (!entry.inDeadlineQueue) return;
    entry.inDeadlineQueue = false;
    const prev = entry.deadlinePrev;
    const next = entry.deadlineNext;
    if (prev !== null) prev.deadlineNext = next;
    else this.head = next;
    if (next !== null) next.deadlinePrev = prev;
    else this.tail = prev;
    entry.deadlinePrev = null;
    entry.deadlineNext = null;
    if (this.head === null && !this.firing) this.drained();
  }

  /** The last entry left: keep the timer, unref'd, when it can be; else disarm it. */
  private drained(): void {
    const timer = this.timer;
    if (timer !== null && typeof timer.unref === 'function' && typeof timer.ref === 'function') {
      timer.unref();
      this.idle = true;
    } else {
      this.disarm();
    }
  }

  /** Disarms the timer and forgets every entry (without expiring them). */
  clear(): void {
    for (let entry = this.head; entry !== null; ) {
      const next = entry.deadlineNext;
      entry.inDeadlineQueue = false;
      entry.deadlinePrev = null;
      entry.deadlineNext = null;
      entry = next;
    }
    this.head = null;
    this.tail = null;
    this.disarm();
  }

  private arm(deadline: number, now: number): void {
    this.timer?.dispose();
    this.idle = false;
    this.armedFor = deadline;
    this.timer = this.clock.setTimeout(this.onTimer, deadline - now);
  }

  private disarm(): void {
    this.timer?.dispose();
    this.timer = null;
    this.idle = false;
    this.armedFor = Infinity;
  }

  private fire(): void {
    this.timer = null;
    this.idle = false;
    this.armedFor = Infinity;
    this.firing = true;
    let now = this.clock.now();
    try {
      for (let entry = this.head; entry !== null && entry.deadline <= now; entry = this.head) {
        this.remove(entry);
        this.expire(entry);
        now = this.clock.now();
      }
    } finally {
      this.firing = false;
      if (this.head !== null) this.arm(this.head.deadline, now);
    }
  }
}
