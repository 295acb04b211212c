/**
 * A rolling `plugins:restart` of a 2-instance plugin (`slow` at 20 ms) under a steady concurrent
 * load: not one request fails, and afterwards both instances are new processes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codesOf, Sandbox, waitFor, type Harness, type Outcome } from './integration.test-helper';

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
