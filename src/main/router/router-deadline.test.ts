import { describe, expect, it } from 'vitest';
import { ManualClock, type Clock } from '../common/clock';
import { FakeInstance, fakePlugin, flush, track } from './fake-instance.test-helper';
import { Router } from './router';

async function setup() {
  const clock = new ManualClock();
  const router = new Router(clock);
  await router.start();
  return { clock, router };
}

describe('Router deadlines', () => {
  it('a never-answering instance → E_TIMEOUT exactly at the deadline, not a millisecond before', async () => {
    const { clock, router } = await setup();
    const silent = new FakeInstance('silent', clock, { honoursDeadline: false });
    router.register(fakePlugin('p', [silent], { requestTimeoutMs: 500 }));
    const start = clock.now();
    const t = track(router.request({ plugin: 'p', payload: 1 }));
    clock.advance(499);
    await flush();
    expect(t.state).toBe('pending');
    clock.advance(1);
    await flush();
    expect(t.error).toMatchObject({ code: 'E_TIMEOUT', details: { queued: false } });
    // Without a caller signal the instance enforces the same deadline (and aborts the plugin's signal itself).
    expect(silent.calls[0]!.options.deadline).toBe(start + 500);
    expect(clock.pendingTimers).toBe(0);
  });

  it('with a caller signal, the deadline aborts the call\'s signal with an E_TIMEOUT reason', async () => {
    const { clock, router } = await setup();
    const silent = new FakeInstance('silent', clock, { honoursDeadline: false });
    router.register(fakePlugin('p', [silent], { requestTimeoutMs: 500 }));
    const t = track(router.request({ plugin: 'p', payload: 1, signal: new AbortController().signal }));
    clock.advance(500);
    await flush();
    expect(t.error).toMatchObject({ code: 'E_TIMEOUT' });
    const signal = silent.calls[0]!.options.signal!;
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toMatchObject({ code: 'E_TIMEOUT' });
  });

  it('many requests share one deadline timer; each still times out at its own deadline, in or out of order', async () => {
    const { clock, router } = await setup();
    const silent = new FakeInstance('silent', clock, { honoursDeadline: false });
    router.register(fakePlugin('p', [silent], { requestTimeoutMs: 500, maxConcurrentPerInstance: 10 }));
    const a = track(router.request({ plugin: 'p', payload: 'a' }));
    clock.advance(100);
    const b = track(router.request({ plugin: 'p', payload: 'b' }));
    const c = track(router.request({ plugin: 'p', payload: 'c', timeoutMs: 50 }));
    expect(clock.pendingTimers).toBe(1);
    clock.advance(49);
    await flush();
    expect([a.state, b.state, c.state]).toEqual(['pending', 'pending', 'pending']);
    clock.advance(1);
    await flush();
    expect([a.state, b.state, c.state]).toEqual(['pending', 'pending', 'rejected']);
    clock.advance(349);
    await flush();
    expect([a.state, b.state]).toEqual(['pending', 'pending']);
    clock.advance(1);
    await flush();
    expect([a.state, b.state]).toEqual(['rejected', 'pending']);
    clock.advance(99);
    await flush();
    expect(b.state).toBe('pending');
    clock.advance(1);
    await flush();
    expect(b.error).toMatchObject({ code: 'E_TIMEOUT' });
    expect(clock.pendingTimers).toBe(0);
  });

  it('uses the earliest of the request deadline, its timeoutMs and the plugin timeout', async () => {
    const { clock, router } = await setup();
    const inst = new FakeInstance('i', clock);
    router.register(fakePlugin('p', [inst], { requestTimeoutMs: 1000, maxConcurrentPerInstance: 10 }));
    const now = clock.now();
    void router.request({ plugin: 'p', payload: 1 }).catch(() => {});
    void router.request({ plugin: 'p', payload: 2, timeoutMs: 200 }).catch(() => {});
    void router.request({ plugin: 'p', payload: 3, timeoutMs: 200, deadline: now + 50 }).catch(() => {});
    void router.request({ plugin: 'p', payload: 4, deadline: now + 5000 }).catch(() => {});
    expect(inst.calls.map((c) => c.options.deadline - now)).toEqual([1000, 200, 50, 1000]);
  });

  it('a nested request whose outer deadline has already passed fails with E_TIMEOUT without a call', async () => {
    const { clock, router } = await setup();
    const inst = new FakeInstance('i', clock);
    router.register(fakePlugin('p', [inst]));
    await expect(router.request({ plugin: 'p', payload: 1, deadline: clock.now() })).rejects.toMatchObject({ code: 'E_TIMEOUT' });
    expect(inst.calls).toHaveLength(0);
  });

  it('a queued request times out at its deadline and frees its queue slot', async () => {
    const { clock, router } = await setup();
    const inst = new FakeInstance('i', clock);
    router.register(fakePlugin('p', [inst], { requestTimeoutMs: 300, maxConcurrentPerInstance: 1, queueLimit: 1 }));
    const first = track(router.request({ plugin: 'p', payload: 'first', timeoutMs: 10_000 }));
    const queued = track(router.request({ plugin: 'p', payload: 'queued' }));
    await expect(router.request({ plugin: 'p', payload: 'overflow' })).rejects.toMatchObject({ code: 'E_OVERLOADED' });
    clock.advance(299);
    await flush();
    expect(queued.state).toBe('pending');
    clock.advance(1);
    await flush();
    expect(queued.error).toMatchObject({ code: 'E_TIMEOUT', details: { queued: true } });
    expect(router.pluginMetrics('p')!.queueDepth).toBe(0);
    // The slot is free again: this one queues instead of being refused.
    const next = track(router.request({ plugin: 'p', payload: 'next' }));
    await flush();
    expect(next.state).toBe('pending');
    inst.answerOldest('one');
    await flush();
    expect(first).toMatchObject({ state: 'resolved', value: 'one' });
    expect(inst.calls.map((c) => c.payload)).toEqual(['first', 'next']);
    expect(inst.calls[1]!.options.deadline).toBe(clock.now() + 300);
  });

  it('the deadline timer is disarmed when the request settles', async () => {
    const { clock, router } = await setup();
    router.register(fakePlugin('p', [new FakeInstance('i', clock, { behaviour: { kind: 'echo', latencyMs: 10 }, honoursDeadline: false })]));
    const r = router.request({ plugin: 'p', payload: 1 });
    expect(clock.pendingTimers).toBe(2);
    clock.advance(10);
    await r;
    expect(clock.pendingTimers).toBe(0);
  });

  it('a deadline timer that fires early is re-armed: never a timeout before the deadline', async () => {
    const manual = new ManualClock();
    // A system timer may fire a millisecond early against the wall clock.
    const early: Clock = { now: () => manual.now(), setInterval: (fn, ms) => manual.setInterval(fn, ms), setTimeout: (fn, ms) => manual.setTimeout(fn, ms > 1 ? ms - 1 : ms) };
    const router = new Router(early);
    await router.start();
    router.register(fakePlugin('p', [new FakeInstance('silent', manual, { honoursDeadline: false })], { requestTimeoutMs: 500 }));
    const t = track(router.request({ plugin: 'p', payload: 1 }));
    manual.advance(499);
    await flush();
    expect(t.state).toBe('pending');
    manual.advance(1);
    await flush();
    expect(t.error).toMatchObject({ code: 'E_TIMEOUT' });
  });
});
