import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../../shared/domain';
import { mergeLogs } from './plugins-detail';

const log = (seq: number): LogEntry => ({ seq, ts: seq, level: 'info', source: 'plugin:echo', message: `m${seq}` });

describe('plugin logs merge', () => {
  it('appends newer entries in order, without duplicates, keeping the newest', () => {
    expect(mergeLogs([log(1), log(2)], [log(4), log(2), log(3)]).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(mergeLogs([log(1), log(2)], [log(3)], 2).map((e) => e.seq)).toEqual([2, 3]);
    expect(mergeLogs([], [log(5)]).map((e) => e.seq)).toEqual([5]);
  });
});
