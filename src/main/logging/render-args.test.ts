import { describe, expect, it } from 'vitest';
import { MAX_ARG_CHARS, renderMessage } from './render-args';

describe('renderMessage', () => {
  it('leaves a plain message alone', () => {
    expect(renderMessage('hello', [])).toEqual({ full: 'hello', short: 'hello' });
  });

  it('joins primitives and JSON-stringifies objects', () => {
    const { full, short } = renderMessage('got', ['text', 42, true, null, undefined, { a: [1, 2] }, 10n]);
    expect(full).toBe('got text 42 true null undefined {"a":[1,2]} 10');
    expect(short).toBe(full);
  });

  it('renders an Error with its stack and cause for the file, as name: message for the bus', () => {
    const error = new TypeError('bad thing', { cause: new Error('root cause') });
    const { full, short } = renderMessage('failed:', [error]);
    expect(short).toBe('failed: TypeError: bad thing');
    expect(full).toContain('failed: TypeError: bad thing\n    at ');
    expect(full).toContain('Caused by: Error: root cause');
  });

  it('bounds a large object and survives cycles, Maps, Sets and nested errors', () => {
    const big = { items: Array.from({ length: 2000 }, (_, i) => i) };
    const rendered = renderMessage('big', [big]).full;
    expect(rendered.length).toBeLessThan(MAX_ARG_CHARS + 100);
    expect(rendered).toMatch(/more chars\)$/);

    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const shared = { x: 1 };
    expect(renderMessage('c', [cyclic]).full).toBe('c {"name":"loop","self":"[circular]"}');
    expect(renderMessage('s', [{ a: shared, b: shared }]).full).toBe('s {"a":{"x":1},"b":{"x":1}}');
    expect(renderMessage('m', [new Map([['k', new Set([1])]])]).full).toBe('m {"k":[1]}');
    expect(renderMessage('e', [{ err: new RangeError('nope') }]).full).toBe('e {"err":"RangeError: nope"}');
  });

  it('copes with a non-string message from JavaScript callers', () => {
    expect(renderMessage(new Error('as message'), []).short).toBe('Error: as message');
    expect(renderMessage({ a: 1 }, ['x']).short).toBe('{"a":1} x');
  });
});
