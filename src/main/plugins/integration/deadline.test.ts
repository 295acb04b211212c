/**
 * A plugin that never answers: the caller gets E_TIMEOUT — never before the deadline and at most
 * 1 s after it — the instance's slot is freed (inFlight back to 0) and the plugin sees its abort
 * signal (its log line reaches the log bus).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../../shared/domain';
import { Sandbox, waitFor, type Harness } from './integration.test-helper';

const NEVER_ANSWERS = `
export default {
  activate(ctx) { ctx.log.info('never: ready'); },
  handle(payload, ctx) {
    const id = payload?.id ?? '?';
    ctx.signal.addEventListener('abort', () => ctx.log.info('never: aborted ' + id + ' (' + (ctx.signal.reason?.name ?? 'no reason') + ')'), { once: true });
    return new Promise(() => {});
  },
};
`;

describe('deadlines (real instance that never answers)', () => {
  let box: Sandbox;
  let h: Harness;

  beforeAll(async () => {
    box = new Sandbox('deadline');
    // concurrency 1: a slot that is not freed would make the next request queue instead of run.
    box.writePlugin('never', { capabilities: ['test.never'], concurrency: 1, requestTimeoutMs: 700 }, NEVER_ANSWERS);
    h = await box.start();
    await h.waitReady('never');
  });

  afterAll(async () => {
    await box?.dispose();
  });

  const abortLogged = (id: string) =>
    waitFor(
      async () => {
        const { entries } = await h.must('logs:query', { plugin: 'never', text: `never: aborted ${id} ` });
        return (entries as LogEntry[]).length > 0 ? entries : null;
      },
      `the plugin's abort log for ${id}`,
      5_000,
    );

  it.each([
    { what: 'the request timeoutMs', id: 'r1', timeoutMs: 1_000 as number | undefined, expected: 1_000 },
    { what: "the manifest's requestTimeoutMs", id: 'r2', timeoutMs: undefined, expected: 700 },
  ])('E_TIMEOUT at $what, not before it and at most 1 s after; slot freed; plugin saw the abort', async ({ id, timeoutMs, expected }) => {
    const t0 = Date.now();
    const outcome = await h.send({ plugin: 'never', payload: { id }, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
    const elapsed = Date.now() - t0;
    expect(outcome).toMatchObject({ ok: false, code: 'E_TIMEOUT' });
    expect(elapsed).toBeGreaterThanOrEqual(expected);
    expect(elapsed).toBeLessThanOrEqual(expected + 1_000);

    // The slot is free again: nothing in flight, nothing queued.
    const after = await waitFor(async () => {
      const p = await h.plugin('never');
      return p.instances[0]!.inFlight === 0 && p.queueDepth === 0 ? p : null;
    }, 'inFlight 0', 2_000);
    expect(after.instances[0]!.state).toBe('ready');

    // The plugin's signal fired. (Its reason is TimeoutError when the instance's own deadline timer
    // wins the race with the router's, AbortError when the router's wins: see the report.)
    const entries = await abortLogged(id);
    expect(entries[0]!.message).toMatch(new RegExp(`^never: aborted ${id} \\((TimeoutError|AbortError)\\)$`));
    expect(entries[0]!.source).toBe('plugin:never');
    expect(entries[0]!.instance).toBe(after.instances[0]!.id);
  });

  it('with the slot freed, later requests are sent at once (not queued behind the stuck ones)', async () => {
    const pending = h.send({ plugin: 'never', payload: { id: 'r3' }, timeoutMs: 800 });
    const p = await waitFor(async () => {
      const d = await h.plugin('never');
      return d.instances[0]!.inFlight === 1 ? d : null;
    }, 'the request to be in flight', 2_000);
    expect(p.queueDepth).toBe(0);
    expect(await pending).toMatchObject({ ok: false, code: 'E_TIMEOUT' });
    await abortLogged('r3');
  });
});
