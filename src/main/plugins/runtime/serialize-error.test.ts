import { describe, expect, it } from 'vitest';
import { serializeError } from './serialize-error';

describe('serializeError', () => {
  it('an Error: E_PLUGIN_ERROR with its message and stack', () => {
    const wire = serializeError(new Error('boom'));
    expect(wire).toMatchObject({ code: 'E_PLUGIN_ERROR', message: 'boom' });
    expect(wire.stack).toContain('serialize-error.test.ts');
  });

  it('keeps only the codes a plugin may answer with', () => {
    expect(serializeError({ code: 'E_NOT_FOUND', message: 'no user' })).toEqual({ code: 'E_NOT_FOUND', message: 'no user' });
    expect(serializeError(Object.assign(new Error('taken'), { code: 'E_CONFLICT' })).code).toBe('E_CONFLICT');
    expect(serializeError({ code: 'E_BAD_REQUEST', message: 'x' }).code).toBe('E_BAD_REQUEST');
    expect(serializeError({ code: 'E_INTERNAL', message: 'x' }).code).toBe('E_PLUGIN_ERROR');
    expect(serializeError(Object.assign(new Error('x'), { code: 'ENOENT' })).code).toBe('E_PLUGIN_ERROR');
  });

  it('whatever else was thrown still gets a message', () => {
    expect(serializeError('plain text').message).toBe('plain text');
    expect(serializeError(42).message).toBe('42');
    expect(serializeError(undefined).message).toBe('undefined');
    expect(serializeError({ reason: 'x' }).message).toBe('{"reason":"x"}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(serializeError(cyclic).message).toBe('[object Object]');
    expect(serializeError(new Error('x'.repeat(50_000))).message.length).toBeLessThan(17_000);
    expect(serializeError(new Error('bad'), 'E_PLUGIN_ERROR', 'activate() failed: ').message).toBe('activate() failed: bad');
  });
});
