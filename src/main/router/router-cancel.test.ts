import { describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { FakeInstance, fakePlugin, flush, track } from './fake-instance.test-helper';
import { Router } from './router';

async function setup() {
  const clock = new ManualClock();
  const router = new Router(clock);
  await router.start();
  const inst = new FakeInstance('i', clock);
  router.register(fakePlugin('p', [inst], { maxConcurrentPerInstance: 1, queueLimit: 1 }));
  return { clock, router, inst };
}

describe('Router cancel', () => {
  it('an aborted signal removes a queued request (E_CONFLICT) and frees its slot', async () => {
    const { clock, router, inst } = await setup();
    void router.request({ plugin: 'p', payload: 'busy' }).catch(() => {});
    const controller = new AbortController();
    const queued = track(router.request({ plugin: 'p', payload: 'queued', signal: controller.signal }));
    expect(router.pluginMetrics('p')!.queueDepth).toBe(1);
    controller.abort();
    await flush();
    expect(queued.error).toMatchObject({ code: 'E_CONFLICT', message: 'request cancelled by the caller' });
    expect(router.pluginMetrics('p')!.queueDepth).toBe(0);
    expect(clock.pendingTimers).toBe(2); // the busy request's deadline and the fake's own: the cancelled one's is gone
    void router.request({ plugin: 'p', payload: 'next' }).catch(() => {});
    inst.answerOldest();
    await flush();
    expect(inst.calls.map((c) => c.payload)).toEqual(['busy', 'next']);
  });

  it('an aborted signal cancels a dispatched call: its signal fires and the caller gets E_CONFLICT at once', async () => {
    const { router, inst } = await setup();
    inst.honoursDeadline = false; // and does not react to abort: the router does not wait for it
    const controller = new AbortController();
    const r = track(router.request({ plugin: 'p', payload: 1, signal: controller.signal }));
    controller.abort();
    await flush();
    expect(r.error?.code).toBe('E_CONFLICT');
    expect(inst.calls[0]!.options.signal?.aborted).toBe(true);
    // The instance is still busy with the abandoned call until it answers.
    const next = track(router.request({ plugin: 'p', payload: 2 }));
    expect(inst.calls).toHaveLength(1);
    inst.answerOldest('late');
    await flush();
    expect(inst.calls).toHaveLength(2);
    expect(next.state).toBe('pending');
  });

  it('an already aborted signal is refused without a call', async () => {
    const { router, inst } = await setup();
    await expect(router.request({ plugin: 'p', payload: 1, signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'E_CONFLICT' });
    expect(inst.calls).toHaveLength(0);
  });
});
