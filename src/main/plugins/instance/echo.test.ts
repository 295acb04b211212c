import { afterEach, describe, expect, it } from 'vitest';
import { ISOLATIONS, InstanceKit, inMs } from './instance.test-helper';

const kit = new InstanceKit();
afterEach(() => kit.dispose());

describe.each(ISOLATIONS)('echo (%s)', (isolation) => {
  it('starts, answers and reports where it runs', async () => {
    const instance = kit.create('echo', isolation);
    const states: string[] = [];
    instance.onStateChange((state, previous) => states.push(`${previous}->${state}`));
    expect(instance.state).toBe('starting');
    await instance.start();
    expect(instance.state).toBe('ready');
    expect(states).toEqual(['starting->ready']);
    expect(instance.startedAt).not.toBeNull();

    const answer = (await instance.call({ hello: 'world' }, { deadline: inMs(5_000), capability: 'text.echo' })) as Record<string, unknown>;
    expect(answer.echo).toEqual({ hello: 'world' });
    expect(answer.capability).toBe('text.echo');
    if (isolation === 'process') {
      expect(instance.pid).toBeGreaterThan(0);
      expect(instance.threadId).toBeNull();
      expect(answer.pid).toBe(instance.pid);
      expect(answer.pid).not.toBe(process.pid);
    } else {
      expect(instance.pid).toBeNull();
      expect(instance.threadId).toBeGreaterThan(0);
      expect(answer.threadId).toBe(instance.threadId);
      expect(answer.pid).toBe(process.pid);
    }
    expect(instance.served).toBe(1);
    expect(instance.inFlight).toBe(0);
  });

  it('answers many concurrent calls (coalesced both ways), each with its own payload', async () => {
    const instance = await kit.started('echo', isolation);
    const answers = await Promise.all(Array.from({ length: 500 }, (_, i) => instance.call(i, { deadline: inMs(10_000) })));
    expect(answers.map((answer) => (answer as { echo: number }).echo)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(instance.served).toBe(500);
    expect(instance.inFlight).toBe(0);
  });

  it('answers ping and health, sends heartbeats, and stops cleanly', async () => {
    const instance = await kit.started('echo', isolation, { heartbeatMs: 50 });
    expect(await instance.ping(5_000)).toBeGreaterThanOrEqual(0);
    expect(await instance.checkHealth(5_000)).toEqual({ status: 'ok' });
    const first = instance.lastHeartbeatAt;
    expect(first).not.toBeNull();
    expect(instance.memory?.rss).toBeGreaterThan(0);
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (instance.lastHeartbeatAt !== first) {
          clearInterval(timer);
          resolve();
        }
      }, 10);
    });

    const exits: unknown[] = [];
    instance.onExit((exit) => exits.push(exit));
    await instance.stop({ deadline: inMs(5_000) });
    expect(instance.state).toBe('stopped');
    expect(exits).toEqual([expect.objectContaining({ code: 0, signal: null, expected: true })]);
    await expect(instance.call(1, { deadline: inMs(1_000) })).rejects.toMatchObject({ code: 'E_SHUTTING_DOWN' });
  });

  it('readiness from the health monitor: degraded still serves; a transition to the same state is a no-op', async () => {
    const instance = await kit.started('echo', isolation);
    const states: string[] = [];
    instance.onStateChange((state) => states.push(state));
    instance.setReadiness('degraded');
    instance.setReadiness('degraded');
    await expect(instance.call('x', { deadline: inMs(5_000) })).resolves.toMatchObject({ echo: 'x' });
    instance.setReadiness('unready');
    instance.setReadiness('ready');
    expect(states).toEqual(['degraded', 'unready', 'ready']);
  });

  it('refuses calls while draining, and a second start', async () => {
    const instance = await kit.started('echo', isolation);
    await expect(instance.start()).rejects.toMatchObject({ code: 'E_CONFLICT' });
    instance.drain();
    expect(instance.state).toBe('draining');
    await expect(instance.call(1, { deadline: inMs(1_000) })).rejects.toMatchObject({ code: 'E_SHUTTING_DOWN' });
  });
});
