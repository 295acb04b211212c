import { describe, expect, it } from 'vitest';
import type { PluginSummary } from '../../../shared/domain';
import { parseTimeout, targetArgs, targetOptions } from './requests-form';
import { parseTargetKey, targetKey, createRequestsHistory } from './requests-history';

describe('parseTimeout', () => {
  it('accepts empty (none) and whole ms in range', () => {
    expect(parseTimeout('')).toEqual({ ok: true, value: undefined });
    expect(parseTimeout(' 250 ')).toEqual({ ok: true, value: 250 });
    expect(parseTimeout('600000')).toEqual({ ok: true, value: 600_000 });
  });
  it('refuses the rest, saying what to enter', () => {
    for (const text of ['0', '600001', '1.5', '-3', 'soon']) expect(parseTimeout(text).ok, text).toBe(false);
  });
});

describe('targets', () => {
  it('lists capabilities with their plugins, and plugins', () => {
    const p = (name: string, capabilities: string[]) => ({ name, capabilities, state: 'ready' }) as PluginSummary;
    expect(targetOptions([p('zeta', ['b.x', 'a.y']), p('alpha', ['b.x'])])).toEqual({
      capabilities: [
        { name: 'a.y', plugins: ['zeta'] },
        { name: 'b.x', plugins: ['alpha', 'zeta'] },
      ],
      plugins: [
        { name: 'alpha', state: 'ready' },
        { name: 'zeta', state: 'ready' },
      ],
    });
  });
  it('round-trips a target through its select value', () => {
    expect(parseTargetKey(targetKey({ kind: 'capability', name: 'text.echo' }))).toEqual({ kind: 'capability', name: 'text.echo' });
    expect(parseTargetKey('plugin:echo')).toEqual({ kind: 'plugin', name: 'echo' });
    expect(parseTargetKey('')).toBeNull();
    expect(parseTargetKey('other:x')).toBeNull();
    expect(targetArgs({ kind: 'plugin', name: 'echo' })).toEqual({ plugin: 'echo' });
  });
});

describe('history', () => {
  it('keeps the newest few, newest first', () => {
    const h = createRequestsHistory(2);
    const base = { target: { kind: 'plugin', name: 'echo' } as const, payloadText: '1', timeoutMs: undefined, idempotent: false, sentAt: 0, outcome: { ok: true as const, value: 1, latencyMs: 1 } };
    h.getState().add(base);
    h.getState().add({ ...base, payloadText: '2' });
    h.getState().add({ ...base, payloadText: '3' });
    expect(h.getState().entries.map((e) => e.payloadText)).toEqual(['3', '2']);
  });
});
