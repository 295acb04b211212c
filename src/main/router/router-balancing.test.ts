import { describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { FakeInstance, fakePlugin, flush } from './fake-instance.test-helper';
import { Router } from './router';

describe('Router balancing', () => {
  it('sends each request to the instance with the fewest outstanding calls', async () => {
    const clock = new ManualClock();
    const router = new Router(clock);
    await router.start();
    const a = new FakeInstance('a', clock);
    const b = new FakeInstance('b', clock);
    const c = new FakeInstance('c', clock);
    router.register(fakePlugin('p', [a, b, c], { maxConcurrentPerInstance: 10 }));
    for (let i = 0; i < 6; i++) void router.request({ plugin: 'p', payload: i }).catch(() => {});
    expect([a.inFlight, b.inFlight, c.inFlight]).toEqual([2, 2, 2]);
    b.answerOldest();
    b.answerOldest();
    await flush();
    void router.request({ plugin: 'p', payload: 'next' }).catch(() => {});
    expect(b.calls.at(-1)!.payload).toBe('next');
  });

  it('gives a degraded instance less traffic than a ready one', async () => {
    const clock = new ManualClock();
    const router = new Router(clock);
    await router.start();
    const ready = new FakeInstance('ready', clock);
    const degraded = new FakeInstance('degraded', clock, { state: 'degraded' });
    router.register(fakePlugin('p', [degraded, ready], { maxConcurrentPerInstance: 100 }));
    for (let i = 0; i < 30; i++) void router.request({ plugin: 'p', payload: i }).catch(() => {});
    expect(ready.inFlight).toBe(20);
    expect(degraded.inFlight).toBe(10);
  });

  it('spreads load across many instances (power of two choices)', async () => {
    const clock = new ManualClock();
    let s = 99;
    const random = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const router = new Router(clock, { random });
    await router.start();
    const list = Array.from({ length: 12 }, (_, i) => new FakeInstance(`i${i}`, clock));
    router.register(fakePlugin('p', list, { maxConcurrentPerInstance: 1000, queueLimit: 0 }));
    for (let i = 0; i < 600; i++) void router.request({ plugin: 'p', payload: i }).catch(() => {});
    const loads = list.map((i) => i.inFlight);
    expect(Math.min(...loads)).toBeGreaterThanOrEqual(46);
    expect(Math.max(...loads)).toBeLessThanOrEqual(54);
  });

  it('never sends more than maxConcurrentPerInstance to one instance', async () => {
    const clock = new ManualClock();
    const router = new Router(clock);
    await router.start();
    const a = new FakeInstance('a', clock);
    router.register(fakePlugin('p', [a], { maxConcurrentPerInstance: 2, queueLimit: 5 }));
    for (let i = 0; i < 5; i++) void router.request({ plugin: 'p', payload: i }).catch(() => {});
    expect(a.inFlight).toBe(2);
    expect(router.pluginMetrics('p')!.queueDepth).toBe(3);
  });
});
