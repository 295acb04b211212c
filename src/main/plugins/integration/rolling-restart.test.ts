/**
 * A rolling `plugins:restart` of a 2-instance plugin (`slow` at 20 ms) under a steady concurrent
 * load: not one request fails, and afterwards both instances are new processes. The same for an
 * upgrade (`plugins:install` of a new version over an installed 2-instance plugin): no request
 * fails, and afterwards every instance is a new process running the new code.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codesOf, isAlive, Sandbox, waitFor, type Harness, type Outcome } from './integration.test-helper';

const CONCURRENCY = 8;
/** Upper bound of the load (it stops earlier: a little after the restart is done). */
const MAX_REQUESTS = 5_000;
/** Requests sent after the restart finished, to see the new instances serve. */
const AFTER = 100;

describe('rolling restart under load', () => {
  let box: Sandbox;

  beforeAll(() => {
    box = new Sandbox('rolling');
    box.copyPlugin('slow', { manifest: { instances: { min: 2, max: 2 } } });
  });

  afterAll(async () => {
    await box?.dispose();
  });

  it('plugins:restart under a steady load: zero failed requests, both pids new afterwards', async () => {
    const h: Harness = await box.start();
    const before = await h.waitReady('slow', 2);
    const oldPids = before.instances.map((i) => i.pid!);

    let restartDone = false;
    let sentAfterRestart = 0;
    let sent = 0;
    const outcomes: Outcome[] = [];
    const worker = async () => {
      while (sent < MAX_REQUESTS && (!restartDone || sentAfterRestart < AFTER)) {
        sent++;
        if (restartDone) sentAfterRestart++;
        outcomes.push(await h.send({ plugin: 'slow', payload: { ms: 20 }, timeoutMs: 20_000 }));
      }
    };
    const load = Promise.all(Array.from({ length: CONCURRENCY }, worker));

    // Let the load get going, then restart while it runs.
    await waitFor(() => outcomes.length >= 50, 'the load to get going', 10_000, 5);
    const sentBeforeRestart = sent;
    const restarted = await h.must('plugins:restart', { name: 'slow' });
    restartDone = true;
    const sentDuringRestart = sent - sentBeforeRestart;
    await load;

    expect(sent).toBeLessThan(MAX_REQUESTS);
    expect(sentDuringRestart).toBeGreaterThan(0);
    expect(codesOf(outcomes)).toEqual({ ok: outcomes.length });
    expect(restarted.state).toBe('ready');

    const after = await h.waitReady('slow', 2);
    const newPids = after.instances.map((i) => i.pid!);
    expect(newPids).toHaveLength(2);
    expect(newPids.filter((pid) => oldPids.includes(pid))).toEqual([]);
    // The new instances took the load after the restart.
    expect(after.instances.reduce((n, i) => n + i.served, 0)).toBeGreaterThanOrEqual(AFTER);
    expect(after.restarts).toBe(0); // a rolling restart is not a crash
  });
});

/** A 2-instance plugin that answers after `ms` with its version and pid (the version is in its code). */
function sleeper(version: string): { manifest: Record<string, unknown>; source: string } {
  return {
    manifest: { version, capabilities: ['test.sleeper'], instances: { min: 2, max: 2 } },
    source: `
export default {
  handle(payload) {
    return new Promise((resolve) => setTimeout(() => resolve({ version: '${version}', pid: process.pid }), payload?.ms ?? 20));
  },
};
`,
  };
}

describe('rolling upgrade under load', () => {
  let box: Sandbox;

  beforeAll(() => {
    box = new Sandbox('rolling-upgrade');
  });

  afterAll(async () => {
    await box?.dispose();
  });

  it('plugins:install of a new version under a steady load: zero failed requests, every instance new and running the new code', async () => {
    const h: Harness = await box.start();
    const write = (version: string) => {
      const { manifest, source } = sleeper(version);
      return box.writePlugin('sleeper', manifest, source, join(box.root, 'sources', version));
    };
    const v1 = write('1.0.0');
    const v2 = write('2.0.0');
    await h.must('plugins:install', { path: v1 });
    const before = await h.waitReady('sleeper', 2);
    const oldPids = before.instances.map((i) => i.pid!);
    expect(oldPids.every((pid) => isAlive(pid))).toBe(true);

    let upgradeDone = false;
    let sentAfterUpgrade = 0;
    let sent = 0;
    /** Each answer, and whether its request was sent after the upgrade had returned. */
    const results: { outcome: Outcome; afterUpgrade: boolean }[] = [];
    const worker = async () => {
      while (sent < MAX_REQUESTS && (!upgradeDone || sentAfterUpgrade < AFTER)) {
        sent++;
        const afterUpgrade = upgradeDone;
        if (afterUpgrade) sentAfterUpgrade++;
        const outcome = await h.send({ capability: 'test.sleeper', payload: { ms: 20 }, timeoutMs: 20_000 });
        results.push({ outcome, afterUpgrade });
      }
    };
    const load = Promise.all(Array.from({ length: CONCURRENCY }, worker));

    await waitFor(() => results.length >= 50, 'the load to get going', 10_000, 5);
    // While the upgrade runs, sample the instances: serving ones never drop below two, and at most one extra runs.
    let sampling = true;
    const samples: { serving: number; total: number }[] = [];
    const sampler = (async () => {
      while (sampling) {
        const p = h.conductor.plugins?.summaries().find((s) => s.name === 'sleeper');
        if (p) samples.push({ serving: p.instances.filter((i) => i.state === 'ready' || i.state === 'degraded').length, total: p.instances.length });
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    const sentBeforeUpgrade = sent;
    const upgraded = await h.must('plugins:install', { path: v2 });
    upgradeDone = true;
    sampling = false;
    await sampler;
    const sentDuringUpgrade = sent - sentBeforeUpgrade;
    await load;

    const outcomes = results.map((r) => r.outcome);
    expect(sent).toBeLessThan(MAX_REQUESTS);
    expect(sentDuringUpgrade).toBeGreaterThan(0);
    expect(codesOf(outcomes)).toEqual({ ok: outcomes.length });
    expect(samples.length).toBeGreaterThan(10);
    expect(Math.min(...samples.map((x) => x.serving))).toBeGreaterThanOrEqual(2);
    expect(Math.max(...samples.map((x) => x.total))).toBe(3); // one new instance at a time, ready before an old one drains
    expect(upgraded).toMatchObject({ name: 'sleeper', version: '2.0.0', upgradedFrom: '1.0.0', plugin: { state: 'ready', version: '2.0.0' } });

    // The old code answered before the upgrade; every request sent after it was answered by the new code.
    const answers = results.map((r) => ({ ...(r.outcome.ok ? (r.outcome.value as { version: string; pid: number }) : { version: 'none', pid: -1 }), afterUpgrade: r.afterUpgrade }));
    expect(answers.some((a) => a.version === '1.0.0')).toBe(true);
    const late = answers.filter((a) => a.afterUpgrade);
    expect(late.length).toBeGreaterThanOrEqual(AFTER);
    expect(late.filter((a) => a.version !== '2.0.0')).toEqual([]);

    // Both instances are new processes, both served the new code, and the old processes are gone.
    const after = await h.waitReady('sleeper', 2);
    expect(after).toMatchObject({ version: '2.0.0', min: 2, max: 2, restarts: 0 });
    const newPids = after.instances.map((i) => i.pid!);
    expect(newPids).toHaveLength(2);
    expect(newPids.filter((pid) => oldPids.includes(pid))).toEqual([]);
    expect([...new Set(late.map((a) => a.pid))].sort()).toEqual([...newPids].sort());
    await waitFor(() => oldPids.every((pid) => !isAlive(pid)), 'the old processes to exit', 10_000);

    // Fresh requests: still the new code, from the new processes.
    for (let i = 0; i < 10; i++) {
      const outcome = await h.send({ plugin: 'sleeper', payload: { ms: 0 } });
      expect(outcome).toMatchObject({ ok: true, value: { version: '2.0.0' } });
      expect(newPids).toContain((outcome as { value: { pid: number } }).value.pid);
    }
  }, 60_000);
});
