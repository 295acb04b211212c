import { describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { FakeInstance, fakePlugin, flush, track } from './fake-instance.test-helper';
import { Router } from './router';

async function setup() {
  const clock = new ManualClock();
  const router = new Router(clock);
  await router.start();
  return { clock, router };
}

describe('Router queue', () => {
  it('queues while no instance exists, calls onDemand, and serves in order when an instance becomes ready', async () => {
    const { clock, router } = await setup();
    const plugin = fakePlugin('p', [], { maxConcurrentPerInstance: 10 });
    router.register(plugin);
    const results = [1, 2, 3].map((n) => track(router.request({ plugin: 'p', payload: n })));
    expect(plugin.demands).toBe(3);
    await flush();
    expect(results.every((r) => r.state === 'pending')).toBe(true);

    const inst = new FakeInstance('i', clock, { state: 'starting', behaviour: { kind: 'echo', latencyMs: 1 } });
    plugin.list.push(inst);
    router.instancesChanged('p');
    expect(inst.calls).toHaveLength(0);
    // A starting instance counts as waking up: no more demand signals.
    void router.request({ plugin: 'p', payload: 4 }).catch(() => {});
    expect(plugin.demands).toBe(3);

    inst.state = 'ready';
    router.instancesChanged('p');
    expect(inst.calls.map((c) => c.payload)).toEqual([1, 2, 3, 4]);
    clock.advance(1);
    await flush();
    expect(results.map((r) => r.value)).toEqual([1, 2, 3].map((n) => ({ echo: n, by: 'i' })));
  });

  it('a blocked plugin (it cannot start until a person acts) refuses at once with E_CONFLICT and the reason, and does not queue or wake', async () => {
    const { clock, router } = await setup();
    let reason: string | null = 'plugin "p" cannot start until "db" is ready: "db" is disabled; enable it';
    const plugin = fakePlugin('p', [], { blocked: () => reason });
    router.register(plugin);
    await expect(router.request({ plugin: 'p', payload: 1 })).rejects.toMatchObject({ code: 'E_CONFLICT', message: reason, details: { plugin: 'p' } });
    expect(plugin.demands).toBe(0);
    expect(router.pluginMetrics('p')).toMatchObject({ queueDepth: 0, errorsByCode: { E_CONFLICT: 1 } });

    // Once it is no longer blocked, requests queue (and wake it) as usual; with a ready instance the hook is not asked.
    reason = null;
    const queued = track(router.request({ plugin: 'p', payload: 2 }));
    expect(plugin.demands).toBe(1);
    expect(router.pluginMetrics('p')!.queueDepth).toBe(1);
    const inst = new FakeInstance('i', clock, { behaviour: { kind: 'echo', latencyMs: 1 } });
    plugin.list.push(inst);
    router.instancesChanged('p');
    reason = 'never asked while an instance can take the request';
    const served = track(router.request({ plugin: 'p', payload: 3 }));
    clock.advance(1);
    await flush();
    expect(queued.value).toEqual({ echo: 2, by: 'i' });
    expect(served.value).toEqual({ echo: 3, by: 'i' });
  });

  it('a full queue answers E_OVERLOADED at once, with a retryAfterMs estimate', async () => {
    const { clock, router } = await setup();
    const inst = new FakeInstance('i', clock, { behaviour: { kind: 'echo', latencyMs: 100 } });
    router.register(fakePlugin('p', [inst], { maxConcurrentPerInstance: 1, queueLimit: 2 }));
    // One answered call teaches the router the latency (100 ms).
    const warm = router.request({ plugin: 'p', payload: 0 });
    clock.advance(100);
    await warm;
    for (let i = 0; i < 3; i++) void router.request({ plugin: 'p', payload: i }).catch(() => {});
    const refused = track(router.request({ plugin: 'p', payload: 'x' }));
    await flush();
    // 100 ms × (2 queued + 1) / (1 instance × 1 slot).
    expect(refused.error).toMatchObject({ code: 'E_OVERLOADED', details: { plugin: 'p', retryAfterMs: 300 } });
    expect(router.pluginMetrics('p')!.errorsByCode).toEqual({ E_OVERLOADED: 1 });
  });

  it('with no latency known yet, retryAfterMs falls back to the option', async () => {
    const clock = new ManualClock();
    const router = new Router(clock, { fallbackRetryAfterMs: 700 });
    await router.start();
    router.register(fakePlugin('p', [], { queueLimit: 0 }));
    await expect(router.request({ plugin: 'p', payload: 1 })).rejects.toMatchObject({ code: 'E_OVERLOADED', details: { retryAfterMs: 700 } });
  });

  it('a freed slot serves the oldest queued request first', async () => {
    const { clock, router } = await setup();
    const inst = new FakeInstance('i', clock);
    router.register(fakePlugin('p', [inst], { maxConcurrentPerInstance: 2, queueLimit: 10 }));
    for (let i = 0; i < 6; i++) void router.request({ plugin: 'p', payload: i }).catch(() => {});
    expect(inst.calls.map((c) => c.payload)).toEqual([0, 1]);
    inst.answerOldest();
    await flush();
    expect(inst.calls.map((c) => c.payload)).toEqual([0, 1, 2]);
    inst.answerOldest();
    inst.answerOldest();
    await flush();
    expect(inst.calls.map((c) => c.payload)).toEqual([0, 1, 2, 3, 4]);
  });

  it('new requests do not overtake queued ones', async () => {
    const { clock, router } = await setup();
    const plugin = fakePlugin('p', []);
    router.register(plugin);
    void router.request({ plugin: 'p', payload: 'old' }).catch(() => {});
    const inst = new FakeInstance('i', clock, { state: 'ready' });
    plugin.list.push(inst); // ready, but nobody told the router yet
    void router.request({ plugin: 'p', payload: 'new' }).catch(() => {});
    expect(inst.calls.map((c) => c.payload)).toEqual(['old', 'new']);
  });

  it('an instance going unready stops receiving; the queue waits for instancesChanged', async () => {
    const { clock, router } = await setup();
    const a = new FakeInstance('a', clock, { behaviour: { kind: 'echo', latencyMs: 5 } });
    const plugin = fakePlugin('p', [a], { maxConcurrentPerInstance: 1 });
    router.register(plugin);
    a.state = 'unready';
    const r = track(router.request({ plugin: 'p', payload: 1 }));
    expect(plugin.demands).toBe(1);
    expect(a.calls).toHaveLength(0);
    a.state = 'ready';
    router.instancesChanged('p');
    router.instancesChanged('unknown'); // ignored
    clock.advance(5);
    await flush();
    expect(r.state).toBe('resolved');
  });
});
