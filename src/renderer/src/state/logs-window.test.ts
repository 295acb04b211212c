import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../../shared/domain';
import { appendNewer, exportFileName, exportText, filterArgs, matchesFilter, prependOlder } from './logs-window';

const e = (seq: number, over: Partial<LogEntry> = {}): LogEntry => ({ seq, ts: 1_700_000_000_000 + seq, level: 'info', source: 'conductor', message: `m${seq}`, ...over });
const seqs = (entries: LogEntry[]) => entries.map((x) => x.seq);

describe('appendNewer', () => {
  it('appends a newer batch as is', () => {
    const r = appendNewer([e(1), e(2)], [e(3), e(4)], 10);
    expect(seqs(r.entries)).toEqual([1, 2, 3, 4]);
    expect(r).toMatchObject({ added: 2, droppedOldest: 0 });
  });

  it('drops entries already present and merges out-of-order ones in place', () => {
    const r = appendNewer([e(1), e(3), e(5)], [e(5), e(4), e(3), e(2), e(6)], 10);
    expect(seqs(r.entries)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(r.added).toBe(3);
  });

  it('dedupes within a batch', () => {
    expect(seqs(appendNewer([], [e(2), e(1), e(2)], 10).entries)).toEqual([1, 2]);
  });

  it('keeps the same array when nothing is new', () => {
    const current = [e(1), e(2)];
    expect(appendNewer(current, [e(2), e(1)], 10).entries).toBe(current);
    expect(appendNewer(current, [], 10).entries).toBe(current);
  });

  it('drops the oldest beyond the cap', () => {
    const r = appendNewer([e(1), e(2), e(3)], [e(4), e(5)], 3);
    expect(seqs(r.entries)).toEqual([3, 4, 5]);
    expect(r.droppedOldest).toBe(2);
  });

  it('stays bounded under many batches', () => {
    let entries: LogEntry[] = [];
    for (let b = 0; b < 100; b++) entries = appendNewer(entries, Array.from({ length: 50 }, (_, i) => e(b * 50 + i + 1)), 1000).entries;
    expect(entries).toHaveLength(1000);
    expect(entries[0]!.seq).toBe(4001);
    expect(entries[999]!.seq).toBe(5000);
  });
});

describe('prependOlder', () => {
  it('adds only entries older than the window', () => {
    const r = prependOlder([e(5), e(6)], [e(3), e(4), e(5)], 10);
    expect(seqs(r.entries)).toEqual([3, 4, 5, 6]);
    expect(r).toMatchObject({ added: 2, droppedNewest: 0 });
  });

  it('drops the newest beyond the cap', () => {
    const r = prependOlder([e(5), e(6), e(7)], [e(2), e(3), e(4)], 4);
    expect(seqs(r.entries)).toEqual([2, 3, 4, 5]);
    expect(r.droppedNewest).toBe(2);
  });
});

describe('filters', () => {
  it('match like the store: level rank, plugin, case-insensitive text', () => {
    expect(matchesFilter(e(1, { level: 'warn' }), { level: 'info' })).toBe(true);
    expect(matchesFilter(e(1, { level: 'debug' }), { level: 'info' })).toBe(false);
    expect(matchesFilter(e(1, { plugin: 'echo' }), { plugin: 'echo' })).toBe(true);
    expect(matchesFilter(e(1), { plugin: 'echo' })).toBe(false);
    expect(matchesFilter(e(1, { message: 'Hello World' }), { text: 'o w' })).toBe(true);
    expect(matchesFilter(e(1, { message: 'Hello' }), { text: 'bye' })).toBe(false);
    expect(matchesFilter(e(1), { text: '' })).toBe(true);
  });

  it('leave empty values out of the query', () => {
    expect(filterArgs({ text: '' })).toEqual({});
    expect(filterArgs({ level: 'warn', plugin: 'echo', text: 'x' })).toEqual({ level: 'warn', plugin: 'echo', text: 'x' });
  });
});

describe('export', () => {
  it('writes .log lines and NDJSON', () => {
    const entries = [e(1, { level: 'warn', plugin: 'echo', instance: 'echo#1', message: 'hi' }), e(2)];
    const log = exportText(entries, 'log').split('\n');
    expect(log[0]).toMatch(/^\d{4}-\d\d-\d\dT.*Z WARN  \[echo#1\] hi$/);
    expect(log[1]).toMatch(/INFO  \[conductor\] m2$/);
    const nd = exportText(entries, 'ndjson').trim().split('\n').map((l) => JSON.parse(l) as LogEntry);
    expect(nd).toEqual(entries);
    expect(exportText([], 'ndjson')).toBe('');
  });

  it('names the file with the time', () => {
    expect(exportFileName('ndjson', new Date(2024, 4, 1, 12, 3, 4).getTime())).toBe('conductor-logs-20240501-120304.ndjson');
    expect(exportFileName('log', 0)).toMatch(/^conductor-logs-\d{8}-\d{6}\.log$/);
  });
});
