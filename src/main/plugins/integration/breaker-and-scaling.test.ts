/**
 * Breakers and the scaler through the router, with real processes:
 * - under load, the flaky plugin's breaker opens (E_CIRCUIT_OPEN, `breaker.open` stored, the
 *   instance shows `breaker: open`); a plugin error is not retried, even for an idempotent request
 *   (only crashes are), so the instance saw exactly one attempt per E_PLUGIN_ERROR answer;
 * - a slow plugin with max 3 scales up under concurrent load, then back down once it is quiet
 *   (short scaler windows through the conductor's test hook), the decision shown in status;
 * - a plugin at min 0 is idle, wakes on a request, and the request succeeds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../shared/domain';
import { codesOf, runLoad, Sandbox, waitFor, type Harness } from './integration.test-helper';

describe('breakers and scaling', () => {
  let box: Sandbox;
  let h: Harness;

  beforeAll(async () => {
    box = new Sandbox('breaker-scaling', { health: { intervalMs: 50 } });
    box.copyPlugin('flaky', { manifest: { instances: { min: 1, max: 1 } } });
    box.copyPlugin('slow', { manifest: { instances: { min: 1, max: 3, targetPerInstance: 1 } } });
    box.copyPlugin('echo', { as: 'sleepy', manifest: { capabilities: ['test.sleepy'], instances: { min: 0, max: 1 } } });
    h = await box.start({
      pluginHealth: { breaker: { minimumCalls: 5, windowMs: 2_000, buckets: 10, openMs: 60_000 } },
      scalerPolicy: { mode: 'reactive', stabilizationWindowMs: 300, cooldownMs: 0, scaleUpStabilizationMs: 0, idleToZeroMs: 300 },
    });
    for (const name of ['flaky', 'slow']) await h.waitReady(name);
  }, 30_000);

  afterAll(async () => {
    await box?.dispose();
  });

  it('the flaky plugin’s breaker opens under load; plugin errors are not retried (one attempt per E_PLUGIN_ERROR)', async () => {
    const requests = 200;
    const outcomes = await runLoad(requests, 8, () => h.send({ plugin: 'flaky', payload: { fail: true }, idempotent: true, timeoutMs: 5_000 }));
    const codes = codesOf(outcomes);
    expect(codes.E_CIRCUIT_OPEN ?? 0).toBeGreaterThan(0);
    expect((codes.E_CIRCUIT_OPEN ?? 0) + (codes.E_PLUGIN_ERROR ?? 0)).toBe(requests);
    const p = await h.plugin('flaky');
    const attempts = p.instances.reduce((n, i) => n + i.served + i.errors, 0);
    // E_CIRCUIT_OPEN answers never reached the instance; each E_PLUGIN_ERROR answer is one attempt.
    expect(attempts).toBe(codes.E_PLUGIN_ERROR);
    expect(p.instances[0]!.breaker).toBe('open');
    const { events } = await h.must('events:query', { kind: 'breaker.open' });
    const open = (events as StoredEvent[]).find((e) => e.source === 'plugin:flaky');
    expect(String(open?.data.reason)).toMatch(/fail/);
  });

  it('a slow plugin scales up under load, then back down', async () => {
    let peak = 1;
    let done = false;
    const watch = (async () => {
      while (!done) {
        const p = await h.plugin('slow');
        peak = Math.max(peak, p.instances.filter((i) => i.state === 'ready').length);
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    const load = (async () => {
      const all = [];
      while (!done) all.push(...(await runLoad(12, 6, () => h.send({ plugin: 'slow', payload: { ms: 150 } }))));
      return all;
    })();
    await waitFor(() => peak >= 2, 'slow to scale up', 15_000).finally(() => {
      done = true;
    });
    const outcomes = await load;
    await watch;
    expect(codesOf(outcomes)).toEqual({ ok: outcomes.length });
    const up = await h.plugin('slow');
    expect(up.lastScaling).toBeDefined();
    const down = await waitFor(async () => {
      const p = await h.plugin('slow');
      return p.instances.length === 1 && p.state === 'ready' ? p : null;
    }, 'slow to scale back down to 1', 15_000);
    expect(down.lastScaling?.desired).toBe(1);
    const { events } = await h.must('events:query', { kind: 'scaling.decision', limit: 1000 });
    const desired = (events as StoredEvent[]).filter((e) => e.source === 'plugin:slow').map((e) => e.data.desired as number);
    expect(Math.max(...desired)).toBeGreaterThanOrEqual(2);
  }, 40_000);

  it('an idle plugin at min 0 wakes on a request, which succeeds', async () => {
    await waitFor(async () => (await h.plugin('sleepy')).state === 'idle', 'sleepy to be idle', 5_000);
    expect((await h.plugin('sleepy')).instances).toHaveLength(0);
    expect(await h.send({ plugin: 'sleepy', payload: { hi: 1 }, timeoutMs: 10_000 })).toMatchObject({ ok: true });
    expect((await h.plugin('sleepy')).state).toBe('ready');
  });
});
