/**
 * An instance is SIGKILLed under a steady concurrent load (the `slow` plugin at 50 ms, 2 process
 * instances, 300 requests 16 at a time): only the requests in flight on the killed instance fail,
 * with E_PLUGIN_CRASHED; marked idempotent, they are retried once on the other instance and
 * succeed; nothing else fails; the instance is replaced (a new pid becomes ready).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { codesOf, runLoad, Sandbox, waitFor, type Harness, type Outcome } from './integration.test-helper';

const TOTAL = 300;
const CONCURRENCY = 16;
/** Kill once this many have completed: by then the retry budget (10 % of requests + 3) covers every request in flight. */
const KILL_AFTER = 150;

describe('crash under load (real processes, kill -9)', () => {
  let box: Sandbox | null = null;

  afterEach(async () => {
    await box?.dispose();
    box = null;
  });

  async function start(): Promise<Harness> {
    box = new Sandbox('crash');
    box.copyPlugin('slow', { manifest: { instances: { min: 2, max: 2 }, concurrency: 64 } });
    const h = await box.start();
    await h.waitReady('slow', 2);
    return h;
  }

  it.each([
    { idempotent: false, what: 'the requests in flight on it fail with E_PLUGIN_CRASHED, nothing else fails' },
    { idempotent: true, what: 'idempotent requests in flight on it are retried once and succeed' },
  ])('kill -9 of one of 2 instances mid-load (idempotent: $idempotent): $what; the instance is replaced', async ({ idempotent }) => {
    const h = await start();
    const before = await h.plugin('slow');
    const oldPids = before.instances.map((i) => i.pid!);
    expect(oldPids).toHaveLength(2);
    const victim = oldPids[0]!;
    const victimId = before.instances[0]!.id;
    box!.trackPid(victim);

    let killedAt = -1;
    let inFlightOnVictim = -1;
    const outcomes: Outcome[] = await runLoad(
      TOTAL,
      CONCURRENCY,
      (i) => h.send({ plugin: 'slow', payload: { ms: 50, i }, idempotent }),
      (done) => {
        if (done !== KILL_AFTER) return;
        const instance = h.conductor.plugins!.summaries().find((p) => p.name === 'slow')!.instances.find((x) => x.pid === victim);
        inFlightOnVictim = instance?.inFlight ?? -1;
        killedAt = done;
        process.kill(victim, 'SIGKILL');
      },
    );
    expect(killedAt).toBe(KILL_AFTER);
    expect(inFlightOnVictim).toBeGreaterThan(0);

    const codes = codesOf(outcomes);
    const failed = outcomes.filter((o) => !o.ok);
    if (idempotent) {
      expect(codes).toEqual({ ok: TOTAL });
    } else {
      // Only E_PLUGIN_CRASHED, and no more than could be in flight at once.
      expect(Object.keys(codes).sort()).toEqual(['E_PLUGIN_CRASHED', 'ok']);
      expect(failed.length).toBeGreaterThanOrEqual(1);
      expect(failed.length).toBeLessThanOrEqual(CONCURRENCY);
      // Every failure was in flight on the killed instance (requests sent to it between the kill
      // and its exit being seen count too), none on the other.
      for (const o of failed) expect(o.ok ? '' : o.message).toContain(`instance ${victimId} `);
    }
    // Every success is the right answer.
    outcomes.forEach((o) => {
      if (o.ok) expect(o.value).toEqual({ slept: 50 });
    });

    // The crashed instance is replaced: two ready instances again, one of them with a new pid.
    const after = await waitFor(
      async () => {
        const p = await h.plugin('slow');
        const ready = p.instances.filter((i) => i.state === 'ready');
        return p.state === 'ready' && ready.length === 2 && p.instances.length === 2 && !ready.some((i) => i.pid === victim) ? p : null;
      },
      'the killed instance to be replaced',
      15_000,
    );
    const newPids = after.instances.map((i) => i.pid!);
    expect(newPids).toContain(oldPids[1]);
    expect(newPids.filter((pid) => !oldPids.includes(pid))).toHaveLength(1);
    expect(after.restarts).toBe(1);
    // The crash is on record with how the instance died.
    const { events } = await h.must('events:query', { kind: 'instance.crashed' });
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ signal: 'SIGKILL' });

    // And it serves.
    expect(await h.send({ plugin: 'slow', payload: { ms: 1 } })).toEqual({ ok: true, value: { slept: 1 } });
  });
});
