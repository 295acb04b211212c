/**
 * Bounded queue and graceful shutdown through a real Conductor and the `slow` plugin:
 * - 1 instance, concurrency 1, queueLimit 2: three long requests take the slot and the queue, the
 *   fourth gets E_OVERLOADED at once (well under the slow time);
 * - shutdown with requests in flight: new requests get E_SHUTTING_DOWN at once, queued ones too,
 *   and the in-flight ones complete ok.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Sandbox, waitFor, type Harness } from './integration.test-helper';

/** Long enough that nothing it holds finishes while the test looks; short enough to wait for. */
const SLOW_MS = 1_500;

describe('queue limit and shutdown (real slow plugin)', () => {
  let box: Sandbox | null = null;

  afterEach(async () => {
    await box?.dispose();
    box = null;
  });

  async function start(manifest: Record<string, unknown>): Promise<Harness> {
    box = new Sandbox('queue');
    box.copyPlugin('slow', { manifest: { instances: { min: 1, max: 1 }, ...manifest } });
    const h = await box.start();
    await h.waitReady('slow');
    return h;
  }

  it('past the queue limit a request gets E_OVERLOADED at once; at shutdown the queued ones get E_SHUTTING_DOWN and the running one completes', async () => {
    const h = await start({ concurrency: 1, queueLimit: 2 });
    const started = Date.now();
    const long = [1, 2, 3].map(() => h.send({ plugin: 'slow', payload: { ms: SLOW_MS } }));
    const held = await waitFor(async () => {
      const p = await h.plugin('slow');
      return p.instances[0]!.inFlight === 1 && p.queueDepth === 2 ? p : null;
    }, '1 in flight and 2 queued', 5_000);
    expect(held.queueDepth).toBe(2);

    const t0 = Date.now();
    const fourth = await h.send({ plugin: 'slow', payload: { ms: SLOW_MS } });
    const refusedIn = Date.now() - t0;
    expect(fourth).toMatchObject({ ok: false, code: 'E_OVERLOADED' });
    expect(refusedIn).toBeLessThan(SLOW_MS / 3);
    // Refused by capability too (same plugin, same queue).
    expect(await h.send({ capability: 'test.slow', payload: { ms: SLOW_MS } })).toMatchObject({ ok: false, code: 'E_OVERLOADED' });
    // Nothing finished while we looked: the refusals really were immediate.
    expect(Date.now() - started).toBeLessThan(SLOW_MS);

    // Shutdown: the two queued requests are refused at once, the one in flight completes.
    const report = h.conductor.shutdown('test: queue');
    const outcomes = await Promise.all(long);
    expect(outcomes.filter((o) => o.ok)).toEqual([{ ok: true, value: { slept: SLOW_MS } }]);
    expect(outcomes.filter((o) => !o.ok).map((o) => (o.ok ? null : o.code))).toEqual(['E_SHUTTING_DOWN', 'E_SHUTTING_DOWN']);
    expect((await report).clean).toBe(true);
  });

  it('during shutdown new requests get E_SHUTTING_DOWN at once while the in-flight ones complete ok', async () => {
    const h = await start({ concurrency: 8 });
    const inFlight = [1, 2, 3].map(() => h.send({ plugin: 'slow', payload: { ms: SLOW_MS } }));
    await waitFor(async () => (await h.plugin('slow')).instances[0]!.inFlight === 3, '3 requests in flight', 5_000);

    const t0 = Date.now();
    const report = h.conductor.shutdown('test: drain');
    const refused = await Promise.all([
      h.send({ plugin: 'slow', payload: { ms: 1 } }),
      h.send({ capability: 'test.slow', payload: { ms: 1 } }),
    ]);
    const refusedIn = Date.now() - t0;
    expect(refused).toEqual([
      expect.objectContaining({ ok: false, code: 'E_SHUTTING_DOWN' }),
      expect.objectContaining({ ok: false, code: 'E_SHUTTING_DOWN' }),
    ]);
    expect(refusedIn).toBeLessThan(SLOW_MS / 3);

    expect(await Promise.all(inFlight)).toEqual([1, 2, 3].map(() => ({ ok: true, value: { slept: SLOW_MS } })));
    const done = await report;
    expect(done.clean).toBe(true);
    expect(done.forced).toBe(false);
    // Still refused once the conductor has stopped.
    expect(await h.send({ plugin: 'slow', payload: { ms: 1 } })).toMatchObject({ ok: false, code: 'E_SHUTTING_DOWN' });
  });
});
