import { describe, expect, it } from 'vitest';
import { entryDeadline, requestEntry, responseEntry, truncate, validateChildMessage, validateStateOp } from './plugin-protocol';

describe('validateChildMessage', () => {
  it('accepts every well-formed child message', () => {
    const valid: unknown[] = [
      { type: 'ready' },
      { type: 'init-failed', error: { code: 'E_PLUGIN_ERROR', message: 'x', stack: 's' } },
      { type: 'response', id: 1, result: { ok: true, value: 1 } },
      { type: 'response', id: 2, result: { ok: true } },
      { type: 'response', id: 3, result: { ok: false, error: { code: 'E_NOT_FOUND', message: 'x' } } },
      { type: 'log', level: 'warn', message: 'x' },
      { type: 'heartbeat', rss: 1, heapUsed: 2 },
      { type: 'pong', id: 4 },
      { type: 'health-result', id: 5, status: 'degraded', message: 'slow' },
      { type: 'state', id: 6, op: { op: 'get', key: 'k' } },
      { type: 'outbound-request', id: 7, target: { plugin: 'p' }, payload: 1, timeoutMs: 5, deadline: 9, parentId: 3 },
      // Compact answers.
      [8, 1, { echo: 1 }],
      [9, 1],
      [10, 0, { code: 'E_BAD_REQUEST', message: 'x' }],
    ];
    for (const message of valid) expect(validateChildMessage(message)).toBeNull();
  });

  it('names what is wrong with garbage', () => {
    expect(validateChildMessage('garbage')).toBe('not an object (string)');
    expect(validateChildMessage(null)).toBe('not an object (null)');
    // An array is a compact answer: [id, 1, value?] or [id, 0, error].
    expect(validateChildMessage([1])).toMatch(/ok flag/);
    expect(validateChildMessage([-1, 1])).toMatch(/entry id/);
    expect(validateChildMessage([1, 1, 2, 3])).toMatch(/more than 3/);
    expect(validateChildMessage([1, 0])).toMatch(/\[id, 0, error\]/);
    expect(validateChildMessage([1, 0, { code: 'E_NOPE', message: 'x' }])).toMatch(/error.code/);
    expect(validateChildMessage({})).toBe('no type');
    expect(validateChildMessage({ type: 'x'.repeat(1000) })).toMatch(/^unknown type "x{64}"$/);
    expect(validateChildMessage({ type: 'response', id: -1, result: { ok: true } })).toMatch(/response.id/);
    expect(validateChildMessage({ type: 'response', id: 1.5, result: { ok: true } })).toMatch(/response.id/);
    expect(validateChildMessage({ type: 'response', id: 1, result: { ok: false, error: { code: 'E_NOPE', message: 'x' } } })).toMatch(/error.code/);
    expect(validateChildMessage({ type: 'log', level: 'info', message: 42 })).toMatch(/log.message/);
    expect(validateChildMessage({ type: 'outbound-request', id: 1, target: {}, payload: 1 })).toMatch(/target/);
    expect(validateChildMessage({ type: 'outbound-request', id: 1, target: { capability: 'c' }, timeoutMs: -1 })).toMatch(/timeoutMs/);
    expect(validateChildMessage({ type: 'batch', messages: [] })).toMatch(/batch inside a batch/);
  });
});

describe('compact entries', () => {
  it('leave an undefined payload or value out, so it arrives undefined rather than null', () => {
    expect(requestEntry(1, 99, 0, undefined, { a: 1 })).toEqual([1, 99, 0, { a: 1 }]);
    expect(requestEntry(2, 99, 0, 'cap', undefined)).toEqual([2, 99, 'cap']);
    expect(JSON.parse(JSON.stringify(requestEntry(2, 99, 0, 'cap', undefined)))[3]).toBeUndefined();
    expect(responseEntry(3, { ok: true, value: null })).toEqual([3, 1, null]);
  });

  it('carry the deadline relative to the time base, exactly (fractions too)', () => {
    const base = 1_764_075_000_000;
    for (const deadline of [base + 30_000, base + 0.5, base + 12_345.678, 1_800_000_000_000.25]) {
      const wire = JSON.parse(JSON.stringify(requestEntry(7, deadline, base, undefined, 1)));
      expect(Number.isInteger(wire[1]) || deadline % 1 !== 0).toBe(true);
      expect(entryDeadline(wire, base)).toBe(deadline);
    }
    expect(requestEntry(7, base + 30_000, base, undefined, 1)[1]).toBe(30_000);
    expect(responseEntry(4, { ok: true })).toEqual([4, 1]);
    expect(responseEntry(5, { ok: false, error: { code: 'E_PLUGIN_ERROR', message: 'm' } })).toEqual([5, 0, { code: 'E_PLUGIN_ERROR', message: 'm' }]);
  });
});

describe('validateStateOp', () => {
  it('checks each op, naming the field', () => {
    expect(validateStateOp({ op: 'increment', key: 'k', by: 2 })).toBeNull();
    expect(validateStateOp({ op: 'keys' })).toBeNull();
    expect(validateStateOp({ op: 'increment', key: 'k', by: Number.NaN })).toMatch(/op.by/);
    expect(validateStateOp({ op: 'get', key: 'k'.repeat(2000) })).toMatch(/op.key/);
    expect(validateStateOp({ op: 'drop' })).toMatch(/op.op/);
  });
});

describe('truncate', () => {
  it('cuts and says so', () => {
    expect(truncate('abc', 5)).toBe('abc');
    expect(truncate('abcdef', 3)).toBe('abc… (3 more characters)');
  });
});
