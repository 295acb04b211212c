/**
 * A plugins step that runs past `startup.stepTimeoutMs` (a plugin whose activate never returns)
 * fails startup, and the step is stopped like the ones before it: no plugin process is left
 * running behind a failed conductor, and the data dir can be used again at once.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive, Sandbox, waitFor } from './integration.test-helper';

describe('a startup step that times out', () => {
  let box: Sandbox | null = null;

  afterEach(async () => {
    await box?.dispose();
    box = null;
  });

  it('the plugins step past its deadline: startup fails naming it, and the plugin processes it started are stopped', async () => {
    box = new Sandbox('startup-timeout', { startup: { stepTimeoutMs: 1_500 } });
    const pidFile = join(box.root, 'held.pid');
    box.writePlugin(
      'held',
      { capabilities: ['test.held'] },
      `import { writeFileSync } from 'node:fs';
export default {
  async activate() {
    writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));
    await new Promise(() => {}); // never ready
  },
  handle() { return 1; },
};
`,
    );
    box.copyPlugin('echo');
    const error = (await box.start().catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('startup step "plugins" failed: did not start within 1500 ms');

    expect(existsSync(pidFile)).toBe(true);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    box.trackPid(pid);
    await waitFor(() => (isAlive(pid) ? null : true), 'the held plugin process to be stopped', 10_000);

    // Nothing of the failed run holds the data dir: with the plugin fixed and the default step
    // deadline, a conductor starts on it and serves.
    box.writePlugin('held', { capabilities: ['test.held'] }, 'export default { handle() { return 1; } };\n');
    const config = JSON.parse(readFileSync(box.configPath, 'utf8')) as Record<string, unknown>;
    delete config.startup;
    writeFileSync(box.configPath, JSON.stringify(config));
    const h = await box.start();
    expect(await h.send({ plugin: 'held', payload: null })).toEqual({ ok: true, value: 1 });
    expect(await h.send({ plugin: 'echo', payload: 'x' })).toEqual({ ok: true, value: { echo: 'x' } });
  }, 60_000);
});
