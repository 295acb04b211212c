import { describe, expect, it } from 'vitest';
import { DeadlineQueue, ManualClock, type Clock, type DeadlineNode, type TimerHandle } from './clock';

class Entry implements DeadlineNode<Entry> {
  deadlinePrev: Entry | null = null;
  deadlineNext: Entry | null = null;
  inDeadlineQueue = false;
  constructor(
    readonly name: string,
    readonly deadline: number,
  ) {}
}

/** A ManualClock whose timers can be ref'd and unref'd, counting what is done to them. */
class RefClock implements Clock {
  readonly inner = new ManualClock(0);
  created = 0;
  disposed = 0;
  refs = 0;
  unrefs = 0;
  now(): number {
    return this.inner.now();
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    this.created++;
    const timer = this.inner.setTimeout(fn, ms);
    return {
      dispose: () => {
        this.disposed++;
        timer.dispose();
      },
      ref: () => void this.refs++,
      unref: () => void this.unrefs++,
    };
  }
  setInterval(fn: () => void, ms: number) {
    return this.inner.setInterval(fn, ms);
  }
}

function setup<C extends Clock>(clock: C) {
  const expired: string[] = [];
  const queue = new DeadlineQueue<Entry>(clock, (entry) => expired.push(`${entry.name}@${clock.now()}`));
  return { queue, expired };
}

describe('DeadlineQueue', () => {
  it('expires entries in deadline order, never before their deadline', () => {
    const clock = new ManualClock(0);
    const { queue, expired } = setup(clock);
    queue.add(new Entry('b', 200));
    queue.add(new Entry('a', 100));
    queue.add(new Entry('c', 300));
    clock.advance(99);
    expect(expired).toEqual([]);
    clock.advance(201);
    expect(expired).toEqual(['a@100', 'b@200', 'c@300']);
    expect(queue.isEmpty).toBe(true);
  });

  it('with a test clock (no unref), a drained queue disarms its timer', () => {
    const clock = new ManualClock(0);
    const { queue } = setup(clock);
    const e = new Entry('a', 100);
    queue.add(e);
    expect(clock.pendingTimers).toBe(1);
    queue.remove(e);
    expect(clock.pendingTimers).toBe(0);
  });

  it('with timers that can be unref\'d, a drained queue keeps its timer unref\'d and refs it for the next entry', () => {
    const clock = new RefClock();
    const { queue, expired } = setup(clock);
    // One request at a time, each with a later deadline: one timer for all of them.
    for (let i = 0; i < 5; i++) {
      const e = new Entry(`r${i}`, 1_000 + i);
      queue.add(e);
      queue.remove(e);
    }
    expect(clock.created).toBe(1);
    expect(clock.disposed).toBe(0);
    expect(clock.unrefs).toBe(5);
    expect(clock.refs).toBe(4);
    // The kept timer fires at its (stale) deadline with nothing to expire, and is not re-armed.
    clock.inner.advance(1_000);
    expect(expired).toEqual([]);
    expect(clock.inner.pendingTimers).toBe(0);
    // The next entry arms a fresh timer.
    queue.add(new Entry('late', 2_000));
    expect(clock.created).toBe(2);
    clock.inner.advance(1_000);
    expect(expired).toEqual(['late@2000']);
  });

  it('a kept timer that fires before the head\'s deadline is re-armed for it (never early)', () => {
    const clock = new RefClock();
    const { queue, expired } = setup(clock);
    const first = new Entry('first', 100);
    queue.add(first);
    queue.remove(first);
    queue.add(new Entry('second', 250));
    expect(clock.created).toBe(1);
    clock.inner.advance(100);
    expect(expired).toEqual([]);
    expect(clock.created).toBe(2);
    clock.inner.advance(149);
    expect(expired).toEqual([]);
    clock.inner.advance(1);
    expect(expired).toEqual(['second@250']);
  });

  it('an earlier deadline than the kept timer\'s re-arms at once', () => {
    const clock = new RefClock();
    const { queue, expired } = setup(clock);
    const slow = new Entry('slow', 10_000);
    queue.add(slow);
    queue.remove(slow);
    queue.add(new Entry('quick', 50));
    expect(clock.disposed).toBe(1);
    clock.inner.advance(50);
    expect(expired).toEqual(['quick@50']);
  });

  it('clear() disarms a kept timer', () => {
    const clock = new RefClock();
    const { queue } = setup(clock);
    const e = new Entry('a', 100);
    queue.add(e);
    queue.remove(e);
    queue.clear();
    expect(clock.disposed).toBe(1);
    expect(clock.inner.pendingTimers).toBe(0);
  });
});
