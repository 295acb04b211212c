/**
 * Crash-loop quarantine: a plugin that crashes in `activate` (exit code 3, while a flag file
 * exists) is quarantined after `restart.maxCrashes` crashes, with the exit code and its last
 * lines in status and in the stored `plugin.quarantined` event; its requests fail at once
 * (unregistered, like a disabled plugin); once fixed, `plugins:retry` brings it back.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../shared/domain';
import { Sandbox, waitFor, type Harness } from './integration.test-helper';

const CRASHY = `
import { existsSync } from 'node:fs';
export default {
  activate(ctx) {
    if (existsSync(new URL('./broken', import.meta.url))) {
      console.error('crashy: the flag file says I am broken');
      process.exit(3);
    }
    ctx.log.info('crashy: ready');
  },
  handle(payload) { return { fine: payload }; },
  health() { return { status: 'ok' }; },
};
`;

describe('crash-loop quarantine and plugins:retry', () => {
  let box: Sandbox;
  let h: Harness;
  let flag: string;

  beforeAll(async () => {
    box = new Sandbox('quarantine', { health: { intervalMs: 50 } });
    const dir = box.writePlugin('crashy', { capabilities: ['test.crashy'], restart: { maxCrashes: 3, windowMs: 60_000 } }, CRASHY);
    flag = join(dir, 'broken');
    writeFileSync(flag, '1');
    h = await box.start();
  });

  afterAll(async () => {
    await box?.dispose();
  });

  it('quarantines after 3 crashes with the exit code and last lines; fails fast; retry brings it back once fixed', async () => {
    const q = await waitFor(async () => {
      const p = await h.plugin('crashy');
      return p.state === 'quarantined' ? p : null;
    }, 'crashy to be quarantined', 20_000);
    expect(q.quarantine).toBeDefined();
    expect(q.quarantine!.exitCode).toBe(3);
    expect(q.quarantine!.lastLines.join('\n')).toContain('the flag file says I am broken');
    expect(q.quarantine!.reason).toMatch(/3 crashes/);
    expect(q.instances).toHaveLength(0);

    // Not restarted while quarantined.
    const restartsThen = q.restarts;
    const t0 = Date.now();
    const refused = await h.send({ plugin: 'crashy', payload: 1, timeoutMs: 5_000 });
    expect(refused).toMatchObject({ ok: false, code: 'E_PLUGIN_NOT_FOUND' });
    expect(Date.now() - t0).toBeLessThan(1_000);
    const still = await h.plugin('crashy');
    expect(still.state).toBe('quarantined');
    expect(still.restarts).toBe(restartsThen);

    // Kept in SQLite.
    const { events } = await h.must('events:query', { kind: 'plugin.quarantined' });
    const stored = (events as StoredEvent[]).find((e) => e.source === 'plugin:crashy');
    expect(stored?.data).toMatchObject({ exitCode: 3 });

    // Fix it and retry.
    rmSync(flag);
    expect(existsSync(flag)).toBe(false);
    await h.must('plugins:retry', { name: 'crashy' });
    const back = await h.waitReady('crashy');
    expect(back.quarantine).toBeUndefined();
    expect(await h.send({ plugin: 'crashy', payload: 7 })).toEqual({ ok: true, value: { fine: 7 } });
    // Retrying a plugin that is not quarantined is a conflict.
    const again = await h.cmd('plugins:retry', { name: 'crashy' });
    expect(again.ok).toBe(false);
  });

  it('stays quarantined across a conductor restart until retried', async () => {
    await box.stop(h, 'restart the conductor');
    writeFileSync(flag, '1');
    h = await box.start();
    await waitFor(async () => ((await h.plugin('crashy')).state === 'quarantined' ? true : null), 'crashy to be quarantined again', 20_000);
    await box.stop(h, 'restart the conductor');

    // The next run does not start it (the flag file is gone, so it would start fine): the cause is kept.
    rmSync(flag);
    h = await box.start();
    const p = await h.plugin('crashy');
    expect(p.state).toBe('quarantined');
    expect(p.quarantine?.exitCode).toBe(3);
    expect(p.instances).toHaveLength(0);
    await h.must('plugins:retry', { name: 'crashy' });
    await h.waitReady('crashy');
    await box.stop(h, 'released');

    // Released for good: the run after that starts it normally.
    h = await box.start();
    await h.waitReady('crashy');
  });
});
