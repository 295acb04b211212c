import { describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { FakeInstance, fakePlugin, flush, track } from './fake-instance.test-helper';
import { Router } from './router';

async function setup() {
  const clock = new ManualClock();
  const router = new Router(clock);
  await router.start();
  const inst = new FakeInstance('i', clock);
  router.register(fakePlugin('p', [inst], { maxConcurrentPerInstance: 2, requestTimeoutMs: 60_000 }));
  return { clock, router, inst };
}

describe('Router shutdown', () => {
  it('after quiesce: new requests get E_SHUTTING_DOWN, queued ones too, in-flight ones complete', async () => {
    const { router, inst } = await setup();
    const inFlight = [track(router.request({ plugin: 'p', payload: 1 })), track(router.request({ plugin: 'p', payload: 2 }))];
    const queued = track(router.request({ plugin: 'p', payload: 3 }));
    router.quiesce();
    router.quiesce(); // a no-op the second time
    await flush();
    expect(queued.error?.code).toBe('E_SHUTTING_DOWN');
    await expect(router.request({ plugin: 'p', payload: 4 })).rejects.toMatchObject({ code: 'E_SHUTTING_DOWN' });
    expect(router.health()).toEqual({ state: 'down', message: 'gate closed' });
    inst.answerOldest('a');
    inst.answerOldest('b');
    await flush();
    expect(inFlight.map((r) => r.value)).toEqual(['a', 'b']);
    expect(inst.calls).toHaveLength(2);
  });

  it('drain resolves when the last in-flight request finishes', async () => {
    const { clock, router, inst } = await setup();
    void router.request({ plugin: 'p', payload: 1 });
    void router.request({ plugin: 'p', payload: 2 });
    router.quiesce();
    const drained = track(router.drain(clock.now() + 10_000));
    inst.answerOldest();
    await flush();
    expect(drained.state).toBe('pending');
    inst.answerOldest();
    await flush();
    expect(drained.value).toEqual({ drained: true, remaining: 0 });
    expect(clock.pendingTimers).toBe(0);
  });

  it('drain resolves at its deadline with what remains', async () => {
    const { clock, router } = await setup();
    void router.request({ plugin: 'p', payload: 1 }).catch(() => {});
    router.quiesce();
    const drained = track(router.drain(clock.now() + 500));
    clock.advance(499);
    await flush();
    expect(drained.state).toBe('pending');
    clock.advance(1);
    await flush();
    expect(drained.value).toEqual({ drained: false, remaining: 1 });
  });

  it('drain with nothing in flight resolves at once', async () => {
    const { clock, router } = await setup();
    router.quiesce();
    await expect(router.drain(clock.now() + 1000)).resolves.toEqual({ drained: true, remaining: 0 });
  });

  it('stop fails what is left with E_SHUTTING_DOWN, aborts its call and resolves pending drains', async () => {
    const { clock, router, inst } = await setup();
    const r = track(router.request({ plugin: 'p', payload: 1 }));
    const drained = track(router.drain(clock.now() + 10_000));
    await router.stop();
    await flush();
    expect(r.error?.code).toBe('E_SHUTTING_DOWN');
    expect(inst.calls[0]!.options.signal?.aborted).toBe(true);
    expect(drained.value).toEqual({ drained: true, remaining: 0 });
    expect(router.snapshot().inFlight).toBe(0);
  });
});
