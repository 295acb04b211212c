import { describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { LogBus } from './log-bus';

const entry = (message: string) => ({ ts: 1, level: 'info' as const, source: 'conductor', message });

describe('LogBus.rebase and beforeSeq', () => {
  it('moves held and pending entries up, and numbering continues from there', () => {
    const clock = new ManualClock();
    const bus = new LogBus({ capacity: 3, clock, batchMs: 10 });
    const batches: number[][] = [];
    bus.onAppended((b) => batches.push(b.map((e) => e.seq)));
    for (let i = 1; i <= 4; i++) bus.append(entry(`m${i}`));
    bus.rebase(100);
    expect(bus.held().map((e) => [e.seq, e.message])).toEqual([
      [102, 'm2'],
      [103, 'm3'],
      [104, 'm4'],
    ]);
    expect(bus.append(entry('m5')).seq).toBe(105);
    clock.advance(10);
    expect(batches).toEqual([[101, 102, 103, 104, 105]]);
    expect(bus.query({ limit: 10 }).entries.map((e) => e.message)).toEqual(['m3', 'm4', 'm5']);
    expect(bus.query({ limit: 10 }).lastSeq).toBe(105);
  });

  it('pages back with beforeSeq', () => {
    const bus = new LogBus({ capacity: 10, clock: new ManualClock() });
    for (let i = 1; i <= 6; i++) bus.append(entry(`m${i}`));
    expect(bus.query({ beforeSeq: 5, limit: 2 }).entries.map((e) => e.seq)).toEqual([3, 4]);
    expect(bus.query({ beforeSeq: 1, limit: 2 }).entries).toEqual([]);
  });

  it('refuses a negative offset, naming it', () => {
    expect(() => new LogBus().rebase(-1)).toThrow('offset');
  });
});
