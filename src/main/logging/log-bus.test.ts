import { describe, expect, it } from 'vitest';
import type { LogEntry, LogLevel } from '../../shared/domain';
import { ManualClock } from '../common/clock';
import { LogBus } from './log-bus';

const entry = (message: string, level: LogLevel = 'info', extra: Partial<LogEntry> = {}): Omit<LogEntry, 'seq'> => ({
  ts: 1,
  level,
  source: 'conductor',
  message,
  ...extra,
});

describe('LogBus ring buffer', () => {
  it('assigns monotonic seqs starting at 1', () => {
    const bus = new LogBus({ clock: new ManualClock() });
    expect(bus.lastSeq).toBe(0);
    expect(bus.append(entry('a')).seq).toBe(1);
    expect(bus.append(entry('b')).seq).toBe(2);
    expect(bus.lastSeq).toBe(2);
    expect(bus.query({ limit: 10 })).toEqual({ entries: [{ ...entry('a'), seq: 1 }, { ...entry('b'), seq: 2 }], lastSeq: 2 });
  });

  it('keeps only the newest `capacity` entries, seqs still counting', () => {
    const bus = new LogBus({ capacity: 3, clock: new ManualClock() });
    for (let i = 1; i <= 10; i++) bus.append(entry(`m${i}`));
    expect(bus.size).toBe(3);
    const { entries, lastSeq } = bus.query({ limit: 100 });
    expect(entries.map((e) => [e.seq, e.message])).toEqual([
      [8, 'm8'],
      [9, 'm9'],
      [10, 'm10'],
    ]);
    expect(lastSeq).toBe(10);
  });

  it('stores frozen copies', () => {
    const bus = new LogBus({ clock: new ManualClock() });
    const input = entry('x');
    const stored = bus.append(input);
    expect(stored).not.toBe(input);
    expect(Object.isFrozen(stored)).toBe(true);
  });

  it('validates its options, naming the bad one', () => {
    expect(() => new LogBus({ capacity: 0 })).toThrow('LogBusOptions.capacity');
    expect(() => new LogBus({ capacity: 1.5 })).toThrow('LogBusOptions.capacity');
    expect(() => new LogBus({ batchMs: -1 })).toThrow('LogBusOptions.batchMs');
  });
});

describe('LogBus.query', () => {
  const filled = (): LogBus => {
    const bus = new LogBus({ clock: new ManualClock() });
    bus.append(entry('Starting conductor', 'info'));
    bus.append(entry('probe failed', 'warn', { source: 'health' }));
    bus.append(entry('echo says hello', 'debug', { source: 'plugin:echo', plugin: 'echo', instance: 'echo#1' }));
    bus.append(entry('ECHO crashed', 'error', { source: 'plugin:echo', plugin: 'echo', instance: 'echo#1' }));
    bus.append(entry('routing request', 'debug', { source: 'router' }));
    bus.append(entry('slow response', 'warn', { source: 'router' }));
    return bus;
  };
  const messages = (result: { entries: LogEntry[] }): string[] => result.entries.map((e) => e.message);

  it('filters by level: that level or more severe', () => {
    const bus = filled();
    expect(messages(bus.query({ level: 'error', limit: 10 }))).toEqual(['ECHO crashed']);
    expect(messages(bus.query({ level: 'warn', limit: 10 }))).toEqual(['probe failed', 'ECHO crashed', 'slow response']);
    expect(messages(bus.query({ level: 'info', limit: 10 }))).toEqual(['Starting conductor', 'probe failed', 'ECHO crashed', 'slow response']);
    expect(bus.query({ level: 'debug', limit: 10 }).entries).toHaveLength(6);
  });

  it('filters by source, plugin and case-insensitive text, combined', () => {
    const bus = filled();
    expect(messages(bus.query({ source: 'router', limit: 10 }))).toEqual(['routing request', 'slow response']);
    expect(messages(bus.query({ plugin: 'echo', limit: 10 }))).toEqual(['echo says hello', 'ECHO crashed']);
    expect(messages(bus.query({ text: 'echo', limit: 10 }))).toEqual(['echo says hello', 'ECHO crashed']);
    expect(messages(bus.query({ text: 'Echo', level: 'error', limit: 10 }))).toEqual(['ECHO crashed']);
    expect(messages(bus.query({ source: 'router', level: 'warn', limit: 10 }))).toEqual(['slow response']);
    expect(bus.query({ plugin: 'nope', limit: 10 })).toEqual({ entries: [], lastSeq: 6 });
  });

  it('returns the newest `limit` matches in ascending seq order', () => {
    const bus = filled();
    expect(bus.query({ limit: 2 }).entries.map((e) => e.seq)).toEqual([5, 6]);
    expect(messages(bus.query({ level: 'warn', limit: 2 }))).toEqual(['ECHO crashed', 'slow response']);
    expect(bus.query({ limit: 0 }).entries).toEqual([]);
  });

  it('resumes a tail with afterSeq, without duplicates', () => {
    const bus = filled();
    const first = bus.query({ limit: 100 });
    expect(bus.query({ afterSeq: first.lastSeq, limit: 100 })).toEqual({ entries: [], lastSeq: 6 });
    bus.append(entry('new one'));
    bus.append(entry('and another', 'warn'));
    expect(messages(bus.query({ afterSeq: first.lastSeq, limit: 100 }))).toEqual(['new one', 'and another']);
    expect(messages(bus.query({ afterSeq: first.lastSeq, level: 'warn', limit: 100 }))).toEqual(['and another']);
    expect(messages(bus.query({ afterSeq: 4, limit: 100 }))).toEqual(['routing request', 'slow response', 'new one', 'and another']);
  });

  it('handles an afterSeq older than the ring holds', () => {
    const bus = new LogBus({ capacity: 2, clock: new ManualClock() });
    for (let i = 1; i <= 5; i++) bus.append(entry(`m${i}`));
    expect(messages(bus.query({ afterSeq: 1, limit: 10 }))).toEqual(['m4', 'm5']);
    expect(messages(bus.query({ afterSeq: 4, limit: 10 }))).toEqual(['m5']);
  });

  it('refuses a bad limit with E_BAD_REQUEST naming the field', () => {
    const bus = filled();
    expect(() => bus.query({ limit: -1 })).toThrow(expect.objectContaining({ code: 'E_BAD_REQUEST', details: { field: 'limit' } }));
    expect(() => bus.query({ limit: Number.NaN })).toThrow('limit');
  });
});
