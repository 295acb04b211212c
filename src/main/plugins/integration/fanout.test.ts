/**
 * Plugin-to-plugin requests through the router: fanout asks echo for every item (ctx.request) and
 * returns the answers in order; pointed at `slow` with a long sleep, an outer request with
 * timeoutMs 500 fails with E_TIMEOUT near 500 ms — the outer deadline bounds the inner requests
 * (not the inner plugin's default timeout), and the inner calls are aborted with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../../shared/domain';
import { Sandbox, waitFor, type Harness } from './integration.test-helper';

const OUTER_TIMEOUT_MS = 500;
const SLOW_ITEMS = { items: [{ ms: 20_000 }, { ms: 20_000 }, { ms: 20_000 }] };

/**
 * The inner calls time out at the very deadline of the outer one; fanout's answer to that
 * (E_PLUGIN_ERROR — a plugin may not answer E_TIMEOUT) can reach the router before the outer
 * deadline's own timer fires. The router answers any failure at or after the deadline with
 * E_TIMEOUT (Router.attemptDone), so the caller always sees E_TIMEOUT.
 */
const STRICT_OUTER_TIMEOUT = true;
const OUTER_CODES = STRICT_OUTER_TIMEOUT ? ['E_TIMEOUT'] : ['E_TIMEOUT', 'E_PLUGIN_ERROR'];

describe('fanout (nested requests and the outer deadline)', () => {
  let box: Sandbox;
  let h: Harness;

  beforeAll(async () => {
    box = new Sandbox('fanout');
    box.copyPlugin('echo', { manifest: { instances: { min: 1, max: 1 } } });
    box.copyPlugin('slow', { manifest: { instances: { min: 1, max: 1 } } });
    box.copyPlugin('fanout');
    // The same fanout, asking test.slow instead of text.echo.
    box.copyPlugin('fanout', {
      as: 'fanout-slow',
      manifest: { capabilities: ['test.fanout-slow'], dependsOn: ['slow'] },
      source: (text) => text.replaceAll("'text.echo'", "'test.slow'"),
    });
    h = await box.start();
    for (const name of ['echo', 'slow', 'fanout', 'fanout-slow']) await h.waitReady(name);
  });

  afterAll(async () => {
    await box?.dispose();
  });

  it('fanout asks echo for every item and returns the answers in order', async () => {
    const items = ['a', 1, { b: [2, 3] }, null, 'z'];
    expect(await h.send({ capability: 'test.fanout', payload: { items } })).toEqual({
      ok: true,
      value: { answers: items.map((item) => ({ echo: item })) },
    });
    const many = Array.from({ length: 100 }, (_, i) => i);
    expect(await h.send({ plugin: 'fanout', payload: { items: many } })).toEqual({ ok: true, value: { answers: many.map((i) => ({ echo: i })) } });
    expect((await h.plugin('echo')).instances[0]!.served).toBeGreaterThanOrEqual(105);
  });

  it('inner requests to a slow plugin: the outer request fails with E_TIMEOUT near its 500 ms deadline, and the inner calls are aborted', async () => {
    const t0 = Date.now();
    const outcome = await h.send({ capability: 'test.fanout-slow', payload: SLOW_ITEMS, timeoutMs: OUTER_TIMEOUT_MS });
    const elapsed = Date.now() - t0;
    if (outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome.value)}`);
    expect(OUTER_CODES).toContain(outcome.code);
    if (outcome.code !== 'E_TIMEOUT') expect(outcome.message).toMatch(/deadline/);
    expect(elapsed).toBeGreaterThanOrEqual(OUTER_TIMEOUT_MS);
    expect(elapsed).toBeLessThanOrEqual(OUTER_TIMEOUT_MS + 1_000);

    // The inner calls ended with the outer deadline: slow logged its aborts and holds nothing.
    await waitFor(
      async () => {
        const { entries } = await h.must('logs:query', { plugin: 'slow', text: 'slow: aborted after' });
        return (entries as LogEntry[]).length === 3;
      },
      "slow's three abort log lines",
      5_000,
    );
    await waitFor(async () => {
      const [slow, outer] = await Promise.all([h.plugin('slow'), h.plugin('fanout-slow')]);
      return slow.instances[0]!.inFlight === 0 && outer.instances[0]!.inFlight === 0;
    }, 'nothing in flight', 3_000);
    // Well before the slow plugin's own default timeout (30 s): the aborts came from the outer deadline.
    const { entries } = await h.must('logs:query', { plugin: 'slow', text: 'slow: aborted after' });
    for (const e of entries as LogEntry[]) {
      const ms = Number(/aborted after (\d+) ms/.exec(e.message)![1]);
      expect(ms).toBeLessThan(OUTER_TIMEOUT_MS + 1_000);
    }
  });

  it.skipIf(!STRICT_OUTER_TIMEOUT)('the outer request always answers E_TIMEOUT, never the inner calls\' error (20 tries)', async () => {
    for (let i = 0; i < 20; i++) {
      expect(await h.send({ capability: 'test.fanout-slow', payload: SLOW_ITEMS, timeoutMs: 100 })).toMatchObject({ ok: false, code: 'E_TIMEOUT' });
    }
  });
});
