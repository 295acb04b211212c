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

describe('Router routing', () => {
  it('routes by plugin name and by capability, passing payload, capability and deadline to the instance', async () => {
    const { clock, router } = await setup();
    const a = new FakeInstance('a1', clock, { behaviour: { kind: 'echo', latencyMs: 5 } });
    const b = new FakeInstance('b1', clock, { behaviour: { kind: 'echo', latencyMs: 5 } });
    router.register(fakePlugin('alpha', [a], { capabilities: ['translate'] }));
    router.register(fakePlugin('beta', [b], { capabilities: ['summarise'] }));

    const byName = track(router.request({ plugin: 'alpha', payload: 1 }));
    const byCap = track(router.request({ capability: 'summarise', payload: 2 }));
    expect(a.calls[0]!.options).toMatchObject({ deadline: clock.now() + 1000, capability: undefined });
    expect(b.calls[0]!.options).toMatchObject({ deadline: clock.now() + 1000, capability: 'summarise' });
    clock.advance(5);
    await flush();
    expect(byName).toMatchObject({ state: 'resolved', value: { echo: 1, by: 'a1' } });
    expect(byCap).toMatchObject({ state: 'resolved', value: { echo: 2, by: 'b1' } });
  });

  it('unknown plugin → E_PLUGIN_NOT_FOUND; unknown capability → E_NOT_FOUND', async () => {
    const { router } = await setup();
    await expect(router.request({ plugin: 'nope', payload: null })).rejects.toMatchObject({ code: 'E_PLUGIN_NOT_FOUND' });
    await expect(router.request({ capability: 'nope', payload: null })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });

  it('needs exactly one of capability and plugin, and valid fields (E_BAD_REQUEST naming the field)', async () => {
    const { router } = await setup();
    await expect(router.request({ payload: 1 })).rejects.toMatchObject({ code: 'E_BAD_REQUEST', details: { field: 'capability' } });
    await expect(router.request({ plugin: 'x', capability: 'y', payload: 1 })).rejects.toMatchObject({ code: 'E_BAD_REQUEST', details: { field: 'plugin' } });
    await expect(router.request({ plugin: 'x', payload: 1, timeoutMs: 0 })).rejects.toMatchObject({ details: { field: 'timeoutMs' } });
    await expect(router.request({ plugin: 'x', payload: 1, deadline: Number.NaN })).rejects.toMatchObject({ details: { field: 'deadline' } });
    await expect(router.request({ capability: '', payload: 1 })).rejects.toMatchObject({ details: { field: 'capability' } });
  });

  it('refuses before start (E_CONFLICT) and after quiesce (E_SHUTTING_DOWN)', async () => {
    const clock = new ManualClock();
    const router = new Router(clock);
    router.register(fakePlugin('alpha', [new FakeInstance('a1', clock)]));
    await expect(router.request({ plugin: 'alpha', payload: 1 })).rejects.toMatchObject({ code: 'E_CONFLICT' });
    await router.start();
    router.quiesce();
    await expect(router.request({ plugin: 'alpha', payload: 1 })).rejects.toMatchObject({ code: 'E_SHUTTING_DOWN' });
  });

  it('with several providers of a capability, prefers one that has a free instance', async () => {
    const { clock, router } = await setup();
    const busy = new FakeInstance('busy', clock);
    const free = new FakeInstance('free', clock);
    router.register(fakePlugin('first', [busy], { capabilities: ['ocr'], maxConcurrentPerInstance: 1 }));
    router.register(fakePlugin('second', [free], { capabilities: ['ocr'], maxConcurrentPerInstance: 1 }));
    void router.request({ capability: 'ocr', payload: 1 }).catch(() => {});
    void router.request({ capability: 'ocr', payload: 2 }).catch(() => {});
    expect(busy.calls.map((c) => c.payload)).toEqual([1]);
    expect(free.calls.map((c) => c.payload)).toEqual([2]);
  });

  it('register rejects a duplicate name and bad fields; dispose unregisters and fails queued requests', async () => {
    const { clock, router } = await setup();
    const reg = router.register(fakePlugin('alpha', [], { capabilities: ['x'] }));
    expect(() => router.register(fakePlugin('alpha', []))).toThrow(expect.objectContaining({ code: 'E_CONFLICT' }));
    expect(() => router.register(fakePlugin('bad', [], { queueLimit: -1 }))).toThrow(expect.objectContaining({ details: { field: 'queueLimit' } }));
    expect(() => router.register(fakePlugin('bad', [], { maxConcurrentPerInstance: 0 }))).toThrow(expect.objectContaining({ details: { field: 'maxConcurrentPerInstance' } }));
    const queued = track(router.request({ capability: 'x', payload: 1 }));
    reg.dispose();
    await flush();
    expect(queued.error?.code).toBe('E_PLUGIN_NOT_FOUND');
    await expect(router.request({ capability: 'x', payload: 1 })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    router.register(fakePlugin('alpha', [new FakeInstance('a', clock, { behaviour: { kind: 'echo', latencyMs: 0 } })]));
    const again = router.request({ plugin: 'alpha', payload: 3 });
    clock.advance(0);
    await expect(again).resolves.toEqual({ echo: 3, by: 'a' });
  });

  it('a plugin without requestTimeoutMs uses the router default', async () => {
    const clock = new ManualClock();
    const router = new Router(clock, { defaultRequestTimeoutMs: 250 });
    await router.start();
    const inst = new FakeInstance('a', clock);
    router.register({ name: 'p', capabilities: [], instances: () => [inst] });
    void router.request({ plugin: 'p', payload: 1 }).catch(() => {});
    expect(inst.calls[0]!.options.deadline).toBe(clock.now() + 250);
  });

  it('a non-contract rejection from call (transport failure) surfaces as E_PLUGIN_CRASHED', async () => {
    const { router } = await setup();
    const broken = { id: 'x', state: 'ready' as const, inFlight: 0, call: () => Promise.reject(new Error('EPIPE')) };
    router.register({ name: 'p', capabilities: [], instances: () => [broken] });
    await expect(router.request({ plugin: 'p', payload: 1 })).rejects.toMatchObject({ code: 'E_PLUGIN_CRASHED', message: 'transport failure: EPIPE' });
    const throwing = { id: 'y', state: 'ready' as const, inFlight: 0, call: (): Promise<unknown> => { throw new Error('sync'); } };
    router.register({ name: 'q', capabilities: [], instances: () => [throwing] });
    await expect(router.request({ plugin: 'q', payload: 1 })).rejects.toMatchObject({ code: 'E_PLUGIN_CRASHED' });
  });
});
