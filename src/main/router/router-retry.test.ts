import { describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { FakeInstance, fakePlugin, flush, track } from './fake-instance.test-helper';
import { Router } from './router';

async function setup(options: ConstructorParameters<typeof Router>[1] = {}) {
  const clock = new ManualClock();
  const router = new Router(clock, options);
  await router.start();
  return { clock, router };
}

describe('Router retries', () => {
  it('retries an idempotent request once on another instance when its instance crashes', async () => {
    const { clock, router } = await setup();
    const a = new FakeInstance('a', clock);
    const b = new FakeInstance('b', clock, { behaviour: { kind: 'echo', latencyMs: 3 } });
    router.register(fakePlugin('p', [a, b], { maxConcurrentPerInstance: 1 }));
    const r = track(router.request({ plugin: 'p', payload: 'x', idempotent: true }));
    expect(a.calls).toHaveLength(1);
    a.crash();
    await flush();
    expect(b.calls.map((c) => c.payload)).toEqual(['x']);
    // Same deadline as the first attempt.
    expect(b.calls[0]!.options.deadline).toBe(a.calls[0]!.options.deadline);
    clock.advance(3);
    await flush();
    expect(r).toMatchObject({ state: 'resolved', value: { echo: 'x', by: 'b' } });
    expect(router.pluginMetrics('p')!.retries).toBe(1);
  });

  it('does not retry a request that is not idempotent', async () => {
    const { clock, router } = await setup();
    const a = new FakeInstance('a', clock);
    const b = new FakeInstance('b', clock);
    router.register(fakePlugin('p', [a, b], { maxConcurrentPerInstance: 1 }));
    const r = track(router.request({ plugin: 'p', payload: 'x' }));
    a.crash();
    await flush();
    expect(r.error?.code).toBe('E_PLUGIN_CRASHED');
    expect(b.calls).toHaveLength(0);
  });

  it('never retries E_PLUGIN_ERROR or E_TIMEOUT', async () => {
    const { clock, router } = await setup();
    const a = new FakeInstance('a', clock);
    const b = new FakeInstance('b', clock);
    router.register(fakePlugin('p', [a, b], { maxConcurrentPerInstance: 1 }));
    const thrown = track(router.request({ plugin: 'p', payload: 1, idempotent: true }));
    a.pending[0]!.fail('E_PLUGIN_ERROR', 'boom');
    await flush();
    expect(thrown.error).toMatchObject({ code: 'E_PLUGIN_ERROR', message: 'boom' });
    const timedOut = track(router.request({ plugin: 'p', payload: 2, idempotent: true }));
    const target = a.pending.length > 0 ? a : b;
    target.pending[0]!.fail('E_TIMEOUT');
    await flush();
    expect(timedOut.error?.code).toBe('E_TIMEOUT');
    expect(a.calls.length + b.calls.length).toBe(2);
  });

  it('retries only once', async () => {
    const { clock, router } = await setup();
    const a = new FakeInstance('a', clock, { behaviour: { kind: 'fail', code: 'E_PLUGIN_CRASHED', latencyMs: 1 } });
    const b = new FakeInstance('b', clock, { behaviour: { kind: 'fail', code: 'E_PLUGIN_CRASHED', latencyMs: 1 } });
    const c = new FakeInstance('c', clock, { behaviour: { kind: 'fail', code: 'E_PLUGIN_CRASHED', latencyMs: 1 } });
    router.register(fakePlugin('p', [a, b, c]));
    const r = track(router.request({ plugin: 'p', payload: 1, idempotent: true }));
    for (let i = 0; i < 5; i++) {
      clock.advance(1);
      await flush();
    }
    expect(r.error?.code).toBe('E_PLUGIN_CRASHED');
    expect(a.calls.length + b.calls.length + c.calls.length).toBe(2);
  });

  it('does not retry when no other instance exists', async () => {
    const { clock, router } = await setup();
    const a = new FakeInstance('a', clock, { behaviour: { kind: 'fail', code: 'E_PLUGIN_CRASHED', latencyMs: 1 } });
    router.register(fakePlugin('p', [a]));
    const r = track(router.request({ plugin: 'p', payload: 1, idempotent: true }));
    clock.advance(1);
    await flush();
    expect(r.error?.code).toBe('E_PLUGIN_CRASHED');
    expect(a.calls).toHaveLength(1);
  });

  it('a retry whose other instance is busy waits at the front of the queue, and never returns to the crashed one', async () => {
    const { clock, router } = await setup();
    const a = new FakeInstance('a', clock);
    const b = new FakeInstance('b', clock);
    router.register(fakePlugin('p', [a, b], { maxConcurrentPerInstance: 1 }));
    const retried = track(router.request({ plugin: 'p', payload: 'retried', idempotent: true }));
    void router.request({ plugin: 'p', payload: 'on-b' }).catch(() => {});
    void router.request({ plugin: 'p', payload: 'queued' }).catch(() => {});
    expect(a.calls.map((c) => c.payload)).toEqual(['retried']);
    // `a` fails the call as a crash but stays ready (e.g. the channel broke, then recovered).
    a.pending[0]!.fail('E_PLUGIN_CRASHED');
    await flush();
    // The only free instance is the one it crashed on: the queued request goes there instead.
    expect(a.calls.map((c) => c.payload)).toEqual(['retried', 'queued']);
    b.answerOldest();
    await flush();
    expect(b.calls.map((c) => c.payload)).toEqual(['on-b', 'retried']);
    b.answerOldest('done');
    await flush();
    expect(retried).toMatchObject({ state: 'resolved', value: 'done' });
  });

  it('the retry budget caps retries at 10 % of requests (plus a small reserve) in a crash storm', async () => {
    const { clock, router } = await setup({ retryBudgetMinRetries: 3 });
    const instances = Array.from({ length: 3 }, (_, i) => new FakeInstance(`i${i}`, clock, { behaviour: { kind: 'fail', code: 'E_PLUGIN_CRASHED', latencyMs: 1 } }));
    router.register(fakePlugin('p', instances, { maxConcurrentPerInstance: 1000, queueLimit: 1000 }));
    const requests = 200;
    const results = Array.from({ length: requests }, (_, i) => track(router.request({ plugin: 'p', payload: i, idempotent: true })));
    for (let i = 0; i < 4; i++) {
      clock.advance(1);
      await flush();
    }
    const attempts = instances.reduce((n, i) => n + i.calls.length, 0);
    expect(results.every((r) => r.error?.code === 'E_PLUGIN_CRASHED')).toBe(true);
    expect(attempts).toBeLessThanOrEqual(1.1 * requests + 3);
    expect(attempts).toBe(requests + 0.1 * requests + 3);
    expect(router.pluginMetrics('p')!.retries).toBe(23);
  });

  it('the budget refills as the window rolls on', async () => {
    const { clock, router } = await setup({ retryBudgetMinRetries: 1, retryBudgetRatio: 0, retryBudgetWindowMs: 10_000, retryBudgetBucketMs: 1000 });
    const a = new FakeInstance('a', clock, { behaviour: { kind: 'fail', code: 'E_PLUGIN_CRASHED', latencyMs: 1 } });
    const b = new FakeInstance('b', clock, { behaviour: { kind: 'fail', code: 'E_PLUGIN_CRASHED', latencyMs: 1 } });
    router.register(fakePlugin('p', [a, b]));
    const attempts = (): number => a.calls.length + b.calls.length;
    const once = async (): Promise<void> => {
      void router.request({ plugin: 'p', payload: 1, idempotent: true }).catch(() => {});
      clock.advance(1);
      await flush();
      clock.advance(1);
      await flush();
    };
    await once();
    expect(attempts()).toBe(2); // the reserve's one retry
    await once();
    expect(attempts()).toBe(3); // budget spent
    clock.advance(10_000);
    await once();
    expect(attempts()).toBe(5); // a new window
  });
});
