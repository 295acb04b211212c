import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../shared/domain';
import { ManualClock } from '../common/clock';
import { LogBus } from './log-bus';

const entry = (message: string): Omit<LogEntry, 'seq'> => ({ ts: 1, level: 'info', source: 'conductor', message });

describe('LogBus.onAppended batching', () => {
  it('arms no timer while nobody listens', () => {
    const clock = new ManualClock();
    const bus = new LogBus({ clock, batchMs: 50 });
    for (let i = 0; i < 10; i++) bus.append(entry(`m${i}`));
    expect(clock.pendingTimers).toBe(0);
  });

  it('delivers entries appended within batchMs together, with one one-shot timer', () => {
    const clock = new ManualClock();
    const bus = new LogBus({ clock, batchMs: 50 });
    const batches: string[][] = [];
    bus.onAppended((batch) => batches.push(batch.map((e) => e.message)));
    expect(clock.pendingTimers).toBe(0);

    bus.append(entry('a'));
    expect(clock.pendingTimers).toBe(1);
    clock.advance(20);
    bus.append(entry('b'));
    clock.advance(29);
    bus.append(entry('c'));
    expect(clock.pendingTimers).toBe(1);
    expect(batches).toEqual([]);

    clock.advance(1); // 50 ms after 'a'
    expect(batches).toEqual([['a', 'b', 'c']]);
    expect(clock.pendingTimers).toBe(0);

    clock.advance(1000); // quiet: nothing armed, nothing delivered
    expect(batches).toHaveLength(1);

    bus.append(entry('d'));
    expect(clock.pendingTimers).toBe(1);
    clock.advance(50);
    expect(batches).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('gives every listener the same batch; a throwing listener does not stop the others', () => {
    const clock = new ManualClock();
    const bus = new LogBus({ clock, batchMs: 10 });
    const seen: LogEntry[][] = [];
    bus.onAppended(() => {
      throw new Error('bad subscriber');
    });
    bus.onAppended((batch) => seen.push(batch));
    bus.onAppended((batch) => seen.push(batch));
    bus.append(entry('x'));
    clock.advance(10);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
    expect(Object.isFrozen(seen[0])).toBe(true);
  });

  it('flush delivers the pending batch at once and cancels its timer', () => {
    const clock = new ManualClock();
    const bus = new LogBus({ clock, batchMs: 50 });
    const batches: string[][] = [];
    bus.onAppended((batch) => batches.push(batch.map((e) => e.message)));
    bus.append(entry('a'));
    bus.append(entry('b'));
    bus.flush();
    expect(batches).toEqual([['a', 'b']]);
    expect(clock.pendingTimers).toBe(0);
    bus.flush();
    expect(batches).toHaveLength(1);
  });

  it('stops delivering to a disposed subscription; the last one leaving cancels the timer', () => {
    const clock = new ManualClock();
    const bus = new LogBus({ clock, batchMs: 50 });
    const a: string[] = [];
    const b: string[] = [];
    const subA = bus.onAppended((batch) => a.push(...batch.map((e) => e.message)));
    const subB = bus.onAppended((batch) => b.push(...batch.map((e) => e.message)));
    bus.append(entry('1'));
    subA.dispose();
    clock.advance(50);
    expect(a).toEqual([]);
    expect(b).toEqual(['1']);

    bus.append(entry('2'));
    expect(clock.pendingTimers).toBe(1);
    subB.dispose();
    expect(clock.pendingTimers).toBe(0);
  });

  it('dispose cancels the timer; entries stay queryable', () => {
    const clock = new ManualClock();
    const bus = new LogBus({ clock, batchMs: 50 });
    const batches: LogEntry[][] = [];
    bus.onAppended((batch) => batches.push(batch));
    bus.append(entry('a'));
    expect(clock.pendingTimers).toBe(1);
    bus.dispose();
    expect(clock.pendingTimers).toBe(0);
    bus.append(entry('b'));
    expect(clock.pendingTimers).toBe(0);
    clock.advance(100);
    expect(batches).toEqual([]);
    expect(bus.query({ limit: 10 }).entries.map((e) => e.message)).toEqual(['a', 'b']);
  });

  it('a listener that logs while being called starts a new batch', () => {
    const clock = new ManualClock();
    const bus = new LogBus({ clock, batchMs: 5 });
    const batches: string[][] = [];
    bus.onAppended((batch) => {
      batches.push(batch.map((e) => e.message));
      if (batches.length === 1) bus.append(entry('from listener'));
    });
    bus.append(entry('first'));
    clock.advance(5);
    clock.advance(5);
    expect(batches).toEqual([['first'], ['from listener']]);
  });
});
