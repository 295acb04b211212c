import { afterEach, describe, expect, it } from 'vitest';
import { ISOLATIONS, InstanceKit, inMs } from './instance.test-helper';

const kit = new InstanceKit();
afterEach(() => kit.dispose());

describe.each(ISOLATIONS)('the plugin context (%s)', (isolation) => {
  it('ctx.state round-trips to main (host.state), from activate and from handle', async () => {
    const instance = await kit.started('context', isolation);
    const result = await instance.call({ op: 'state' }, { deadline: inMs(5_000) });
    expect(result).toEqual({
      before: null,
      n: 1,
      n5: 6,
      swapped: true,
      keys: ['activated', 'n'],
      activated: true,
      after: 'six',
      badKey: 'E_BAD_REQUEST',
    });
    expect(kit.host.data.has('activated')).toBe(false);
  });

  it('ctx.request goes through host.request; the nested deadline never outlives the outer one', async () => {
    const instance = await kit.started('context', isolation);
    const deadline = inMs(3_000);
    const result = await instance.call(
      { op: 'request', target: { plugin: 'other' }, payload: { q: 1 }, options: { timeoutMs: 60_000 } },
      { deadline },
    );
    expect(result).toEqual({ value: { answered: { q: 1 } } });
    expect(kit.host.requests).toHaveLength(1);
    const [request] = kit.host.requests;
    expect(request).toMatchObject({ from: 'context', target: { plugin: 'other' }, payload: { q: 1 }, options: { timeoutMs: 60_000, deadline } });

    const before = Date.now();
    await instance.call({ op: 'request', target: 'text.upper', payload: 'x', options: { timeoutMs: 500 } }, { deadline: inMs(10_000) });
    const nested = kit.host.requests[1]!;
    expect(nested.target).toEqual({ capability: 'text.upper' });
    expect(nested.options.deadline).toBeGreaterThanOrEqual(before + 500);
    expect(nested.options.deadline).toBeLessThanOrEqual(Date.now() + 500);
  });

  it('a failed ctx.request rejects in the plugin with the router code', async () => {
    const instance = await kit.started('context', isolation);
    await expect(instance.call({ op: 'request-fails' }, { deadline: inMs(5_000) })).resolves.toEqual({
      code: 'E_NOT_FOUND',
      message: 'no plugin offers missing.capability',
    });
  });

  it('checkHealth runs the plugin health(), bounded', async () => {
    const degraded = await kit.started('context', isolation, { config: { health: 'degraded' } });
    expect(await degraded.checkHealth(2_000)).toEqual({ status: 'degraded', message: 'from the plugin' });
    const throwing = await kit.started('context', isolation, { config: { health: 'throw' } });
    expect(await throwing.checkHealth(2_000)).toEqual({ status: 'down', message: 'health() threw: db unreachable' });
    const hanging = await kit.started('context', isolation, { config: { health: 'hang' } });
    expect(await hanging.checkHealth(300)).toMatchObject({ status: 'down', message: expect.stringContaining('300 ms') });
    const invalid = await kit.started('context', isolation, { config: { health: 'great' } });
    expect(await invalid.checkHealth(2_000)).toMatchObject({ status: 'down' });
  });
});
