import { describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { FakeInstance, fakePlugin, flush, track } from './fake-instance.test-helper';
import { Router } from './router';

const MINUTE = 60_000;

describe('Router metrics', () => {
  it('counts per plugin and overall, with errors by code, in-flight, queue depth and retries', async () => {
    const clock = new ManualClock(100 * MINUTE);
    const router = new Router(clock);
    await router.start();
    const a = new FakeInstance('a', clock);
    const b = new FakeInstance('b', clock);
    router.register(fakePlugin('alpha', [a, b], { maxConcurrentPerInstance: 1, queueLimit: 1 }));
    router.register(fakePlugin('beta', [], { queueLimit: 0 }));

    const ok = track(router.request({ plugin: 'alpha', payload: 1, idempotent: true }));
    const failing = track(router.request({ plugin: 'alpha', payload: 2 }));
    const queued = track(router.request({ plugin: 'alpha', payload: 3 }));
    await expect(router.request({ plugin: 'alpha', payload: 4 })).rejects.toMatchObject({ code: 'E_OVERLOADED' });
    await expect(router.request({ plugin: 'beta', payload: 5 })).rejects.toMatchObject({ code: 'E_OVERLOADED' });
    await expect(router.request({ plugin: 'gamma', payload: 6 })).rejects.toMatchObject({ code: 'E_PLUGIN_NOT_FOUND' });
    expect(router.pluginMetrics('alpha')).toMatchObject({ total: 1, inFlight: 3, queueDepth: 1, errorsByCode: { E_OVERLOADED: 1 } });
    expect(router.overallMetrics()).toMatchObject({ total: 3, inFlight: 3, queueDepth: 1 });

    clock.advance(40);
    a.crash(); // request 1 crashed on a: retried on the queue's front; a is gone
    b.pending[0]!.fail('E_PLUGIN_ERROR'); // request 2
    await flush();
    // b took the retry first (front of the queue), then request 3 waits.
    clock.advance(10);
    b.answerOldest('one');
    await flush();
    b.answerOldest('three');
    await flush();
    expect(ok.value).toBe('one');
    expect(failing.error?.code).toBe('E_PLUGIN_ERROR');
    expect(queued.value).toBe('three');

    expect(router.pluginMetrics('alpha')).toMatchObject({
      total: 4,
      errors: 2,
      inFlight: 0,
      queueDepth: 0,
      retries: 1,
      lastMinute: 4,
      lastMinuteErrors: 2,
      errorsByCode: { E_OVERLOADED: 1, E_PLUGIN_ERROR: 1 },
    });
    expect(router.pluginMetrics('beta')).toMatchObject({ total: 1, errors: 1 });
    expect(router.pluginMetrics('gamma')).toBeNull();
    expect(router.overallMetrics()).toMatchObject({
      total: 6,
      errors: 4,
      retries: 1,
      errorsByCode: { E_OVERLOADED: 2, E_PLUGIN_ERROR: 1, E_PLUGIN_NOT_FOUND: 1 },
    });
    // The status's shape, exactly.
    expect(Object.keys(router.snapshot()).sort()).toEqual(['errors', 'inFlight', 'p50Ms', 'p99Ms', 'ratePerSec', 'total']);
    expect(router.snapshot()).toMatchObject({ total: 6, errors: 4, inFlight: 0, ratePerSec: 0.1 });
  });

  it('drainRollup hands over closed minutes per plugin, sorted, once', async () => {
    const clock = new ManualClock(200 * MINUTE);
    const router = new Router(clock);
    await router.start();
    router.register(fakePlugin('b', [new FakeInstance('b1', clock, { behaviour: { kind: 'echo', latencyMs: 20 } })]));
    router.register(fakePlugin('a', [new FakeInstance('a1', clock, { behaviour: { kind: 'fail', code: 'E_PLUGIN_ERROR', latencyMs: 50 } })]));
    // Step to each answer so the router sees it at the instant it is given.
    const wait = async (): Promise<void> => {
      clock.advance(20);
      await flush();
      clock.advance(30);
      await flush();
    };
    void router.request({ plugin: 'a', payload: 1 }).catch(() => {});
    void router.request({ plugin: 'b', payload: 1 });
    await wait();
    expect(router.drainRollup()).toEqual([]); // minute 200 is still open
    clock.advance(MINUTE);
    void router.request({ plugin: 'b', payload: 2 });
    await wait();
    const rows = router.drainRollup();
    expect(rows.map((r) => [r.plugin, r.minute, r.count, r.errors])).toEqual([
      ['a', 200 * MINUTE, 1, 1],
      ['b', 200 * MINUTE, 1, 0],
    ]);
    expect(rows[1]!.p50Ms!).toBeGreaterThanOrEqual(20);
    expect(rows[1]!.p50Ms!).toBeLessThanOrEqual(25);
    expect(router.drainRollup()).toEqual([]);
    expect(router.drainRollup({ flush: true }).map((r) => [r.plugin, r.minute, r.count])).toEqual([['b', 201 * MINUTE, 1]]);
  });
});
