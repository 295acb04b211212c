import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../shared/result';
import { ManualClock } from '../common/clock';
import type { RoutableInstance } from '../plugins/instance-types';
import { FakeInstance, fakePlugin, flush, track } from './fake-instance.test-helper';
import { Router } from './router';

async function setup() {
  const clock = new ManualClock();
  const warnings: string[] = [];
  const router = new Router(clock, { logger: { warn: (message: string) => warnings.push(message) } });
  await router.start();
  return { clock, router, warnings };
}

describe('Router breaker hooks', () => {
  it('admit steers traffic away from refused instances', async () => {
    const { clock, router } = await setup();
    const a = new FakeInstance('a', clock);
    const b = new FakeInstance('b', clock);
    const open = new Set<RoutableInstance>([a]);
    router.register(fakePlugin('p', [a, b], { admit: (i) => !open.has(i) }));
    for (let i = 0; i < 3; i++) void router.request({ plugin: 'p', payload: i }).catch(() => {});
    expect(a.calls).toHaveLength(0);
    expect(b.calls).toHaveLength(3);
  });

  it('every routable instance refused and none busy → E_CIRCUIT_OPEN, new and queued requests alike', async () => {
    const { clock, router } = await setup();
    const a = new FakeInstance('a', clock);
    let breakerOpen = false;
    router.register(fakePlugin('p', [a], { maxConcurrentPerInstance: 1, admit: () => !breakerOpen }));
    void router.request({ plugin: 'p', payload: 'in flight' }).catch(() => {});
    const queued = track(router.request({ plugin: 'p', payload: 'queued' }));
    breakerOpen = true;
    a.pending[0]!.fail('E_PLUGIN_ERROR');
    await flush();
    expect(queued.error).toMatchObject({ code: 'E_CIRCUIT_OPEN', details: { plugin: 'p' } });
    await expect(router.request({ plugin: 'p', payload: 'new' })).rejects.toMatchObject({ code: 'E_CIRCUIT_OPEN' });
    breakerOpen = false; // half-open: the health monitor tells the router
    router.instancesChanged('p');
    void router.request({ plugin: 'p', payload: 'trial' }).catch(() => {});
    expect(a.calls.map((c) => c.payload)).toEqual(['in flight', 'trial']);
  });

  it('reports each call start and result with latency and code', async () => {
    const { clock, router } = await setup();
    const a = new FakeInstance('a', clock);
    const events: string[] = [];
    const plugin = fakePlugin('p', [a], { maxConcurrentPerInstance: 5 });
    router.register(plugin);
    // Hooks attached after registration are seen (a breaker can arrive later).
    plugin.onCallStart = (i) => events.push(`start ${i.id}`);
    plugin.onCallResult = (i, ok, latencyMs, code: ErrorCode | null) => events.push(`result ${i.id} ${ok} ${latencyMs} ${code}`);
    void router.request({ plugin: 'p', payload: 1 });
    void router.request({ plugin: 'p', payload: 2 }).catch(() => {});
    clock.advance(7);
    a.pending[0]!.resolve('x');
    await flush();
    clock.advance(3);
    a.pending[0]!.fail('E_PLUGIN_ERROR');
    await flush();
    expect(events).toEqual(['start a', 'start a', 'result a true 7 null', 'result a false 10 E_PLUGIN_ERROR']);
  });

  it('a throwing hook is reported and does not break routing (admit fails open)', async () => {
    const { clock, router, warnings } = await setup();
    const a = new FakeInstance('a', clock, { behaviour: { kind: 'echo', latencyMs: 1 } });
    const boom = (): never => {
      throw new Error('hook bug');
    };
    router.register(fakePlugin('p', [a], { admit: boom, onCallStart: boom, onCallResult: boom }));
    const empty = fakePlugin('q', [], { onDemand: boom });
    router.register(empty);
    const r = router.request({ plugin: 'p', payload: 1 });
    void router.request({ plugin: 'q', payload: 1 }).catch(() => {});
    clock.advance(1);
    await expect(r).resolves.toEqual({ echo: 1, by: 'a' });
    expect(warnings).toEqual([
      'router: admit hook of "p" threw; admitting',
      'router: the onCallStart hook of "p" threw',
      'router: the onDemand hook of "q" threw',
      'router: the onCallResult hook of "p" threw',
    ]);
  });
});
