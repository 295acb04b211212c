/**
 * Plugin management through the contract commands, with real folders, processes and SQLite:
 * install from a folder (it serves), upgrade over it (new version, new code, new capability, still
 * serves), disable (requests fail fast with a clear code instead of waiting for their deadline),
 * enable (serves again), enabled/disabled and bounds persist across a conductor restart, uninstall
 * removes the folder and the plugin (and its state with `removeState: true`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Sandbox, waitFor, type Harness } from './integration.test-helper';

/** A plugin that counts its calls in its persistent state: the answer shows the version and the count. */
function greeter(version: string, capabilities: string[]): { manifest: Record<string, unknown>; source: string } {
  return {
    manifest: { version, capabilities, instances: { min: 1, max: 3 } },
    source: `
export default {
  async handle(payload, ctx) {
    const calls = await ctx.state.increment('calls', 1);
    return { greeting: 'hello ' + payload, version: '${version}', calls };
  },
};
`,
  };
}

describe('plugin management (install, upgrade, disable, enable, persist, uninstall)', () => {
  let box: Sandbox | null = null;

  afterEach(async () => {
    await box?.dispose();
    box = null;
  });

  function source(name: string, version: string, capabilities: string[]): string {
    const g = greeter(version, capabilities);
    return box!.writePlugin('greeter', g.manifest, g.source, join(box!.root, 'sources', name));
  }

  async function greet(h: Harness, target: { plugin?: string; capability?: string }) {
    return h.send({ ...target, payload: 'you', timeoutMs: 10_000 });
  }

  it('install, upgrade, disable/enable (fail fast while disabled), persistence across a restart, uninstall', async () => {
    box = new Sandbox('manage');
    box.copyPlugin('echo');
    let h = await box.start();
    await h.waitReady('echo');
    const installedDir = join(box.dataDir, 'plugins', 'greeter');

    // Install from a folder: copied into the data dir and serving.
    const v1 = source('v1', '1.0.0', ['text.greet']);
    const installed = await h.must('plugins:install', { path: v1 });
    expect(installed).toMatchObject({ name: 'greeter', version: '1.0.0' });
    expect(installed.upgradedFrom).toBeUndefined();
    expect(installed.plugin).toMatchObject({ name: 'greeter', state: 'ready', origin: 'data-dir', version: '1.0.0' });
    expect(existsSync(join(installedDir, 'plugin.json'))).toBe(true);
    expect(await greet(h, { plugin: 'greeter' })).toEqual({ ok: true, value: { greeting: 'hello you', version: '1.0.0', calls: 1 } });
    expect(await greet(h, { capability: 'text.greet' })).toMatchObject({ ok: true, value: { version: '1.0.0', calls: 2 } });

    // Upgrade over it: new version, new code, a new capability; the state is kept.
    const v1Pid = (await h.plugin('greeter')).instances[0]!.pid;
    const v2 = source('v2', '2.0.0', ['text.greet', 'text.greet2']);
    const upgraded = await h.must('plugins:install', { path: v2 });
    expect(upgraded).toMatchObject({ name: 'greeter', version: '2.0.0', upgradedFrom: '1.0.0' });
    expect(upgraded.plugin).toMatchObject({ version: '2.0.0', state: 'ready' });
    const afterUpgrade = await h.waitReady('greeter', 1);
    expect(afterUpgrade.instances[0]!.pid).not.toBe(v1Pid);
    expect(await greet(h, { plugin: 'greeter' })).toEqual({ ok: true, value: { greeting: 'hello you', version: '2.0.0', calls: 3 } });
    expect(await greet(h, { capability: 'text.greet' })).toMatchObject({ ok: true, value: { version: '2.0.0' } });
    expect(await greet(h, { capability: 'text.greet2' })).toMatchObject({ ok: true, value: { version: '2.0.0' } });
    expect((await h.list()).filter((p) => p.name === 'greeter')).toHaveLength(1);

    // Disable: no instances, and requests fail fast with a clear code instead of waiting for their deadline.
    const disabled = await h.must('plugins:disable', { name: 'greeter' });
    expect(disabled).toMatchObject({ state: 'disabled', enabled: false, instances: [] });
    for (const [target, code] of [
      [{ plugin: 'greeter' }, 'E_PLUGIN_NOT_FOUND'],
      [{ capability: 'text.greet' }, 'E_NOT_FOUND'],
    ] as const) {
      const t0 = Date.now();
      const outcome = await greet(h, target);
      expect(outcome).toMatchObject({ ok: false, code });
      expect(Date.now() - t0).toBeLessThan(1_000);
    }
    expect((await h.plugin('greeter')).queueDepth).toBe(0);
    // Other plugins are untouched.
    expect(await h.send({ plugin: 'echo', payload: 1 })).toEqual({ ok: true, value: { echo: 1 } });

    // Enable: serves again.
    const enabled = await h.must('plugins:enable', { name: 'greeter' });
    expect(enabled).toMatchObject({ state: 'ready', enabled: true });
    expect(await greet(h, { capability: 'text.greet2' })).toMatchObject({ ok: true, value: { version: '2.0.0', calls: 6 } });

    // Bounds and disabled persist across a conductor restart on the same data dir.
    const bounded = await h.must('plugins:setBounds', { name: 'greeter', min: 2, max: 3 });
    expect(bounded).toMatchObject({ min: 2, max: 3 });
    await h.waitReady('greeter', 2);
    await h.must('plugins:disable', { name: 'greeter' });
    await box.stop(h, 'test: restart');
    h = await box.start();
    await h.waitReady('echo');
    const reloaded = await h.plugin('greeter');
    expect(reloaded).toMatchObject({ state: 'disabled', enabled: false, min: 2, max: 3, version: '2.0.0', origin: 'data-dir', instances: [] });
    const t0 = Date.now();
    expect(await greet(h, { plugin: 'greeter' })).toMatchObject({ ok: false, code: 'E_PLUGIN_NOT_FOUND' });
    expect(Date.now() - t0).toBeLessThan(1_000);
    await h.must('plugins:enable', { name: 'greeter' });
    const serving = await h.waitReady('greeter', 2);
    expect([serving.min, serving.max]).toEqual([2, 3]);
    expect(await greet(h, { plugin: 'greeter' })).toMatchObject({ ok: true, value: { version: '2.0.0', calls: 7 } });

    // …and the enabled state persists too.
    await box.stop(h, 'test: restart again');
    h = await box.start();
    await h.waitReady('greeter', 2);

    // Uninstall without removeState keeps the state: a reinstall continues the count.
    expect(await h.must('plugins:uninstall', { name: 'greeter' })).toEqual({ name: 'greeter', removedState: false });
    expect(existsSync(installedDir)).toBe(false);
    expect((await h.list()).map((p) => p.name)).toEqual(['echo']);
    expect(await h.cmd('plugins:get', { name: 'greeter' })).toMatchObject({ ok: false, error: { code: 'E_PLUGIN_NOT_FOUND' } });
    expect(await greet(h, { plugin: 'greeter' })).toMatchObject({ ok: false, code: 'E_PLUGIN_NOT_FOUND' });
    expect(await greet(h, { capability: 'text.greet' })).toMatchObject({ ok: false, code: 'E_NOT_FOUND' });
    await h.must('plugins:install', { path: v2 });
    await h.waitReady('greeter', 2);
    expect(await greet(h, { plugin: 'greeter' })).toMatchObject({ ok: true, value: { calls: 8 } });

    // Uninstall with removeState: state and saved settings go; a reinstall starts from scratch.
    expect(await h.must('plugins:uninstall', { name: 'greeter', removeState: true })).toEqual({ name: 'greeter', removedState: true });
    expect(existsSync(installedDir)).toBe(false);
    expect((await h.list()).map((p) => p.name)).toEqual(['echo']);
    const fresh = await h.must('plugins:install', { path: v2 });
    expect(fresh.plugin).toMatchObject({ min: 1, max: 3 });
    await h.waitReady('greeter', 1);
    expect(await greet(h, { plugin: 'greeter' })).toMatchObject({ ok: true, value: { calls: 1 } });

    // No plugin process of an uninstalled plugin is left behind.
    await waitFor(async () => (await h.plugin('greeter')).instances.length === 1, 'one greeter instance', 5_000);
  });

  it('each management command is on record: install, upgrade, disable, enable, bounds, restart, uninstall, in order, naming the plugin', async () => {
    box = new Sandbox('manage-events');
    box.copyPlugin('echo');
    const h = await box.start();
    await h.waitReady('echo');
    const firstId = (await h.must('events:query', { limit: 1 })).events[0]!.id;
    const v1 = source('v1', '1.0.0', ['text.greet']);
    const v2 = source('v2', '2.0.0', ['text.greet', 'text.greet2']);

    await h.must('plugins:install', { path: v1 });
    await h.must('plugins:install', { path: v2 });
    await h.must('plugins:disable', { name: 'greeter' });
    await h.must('plugins:enable', { name: 'greeter' });
    await h.must('plugins:setBounds', { name: 'greeter', min: 2, max: 3 });
    await h.waitReady('greeter', 2);
    await h.must('plugins:restart', { name: 'greeter' });
    // Refused commands change nothing and record nothing.
    expect(await h.cmd('plugins:setBounds', { name: 'greeter', min: 3, max: 2 })).toMatchObject({ ok: false, error: { code: 'E_BAD_REQUEST' } });
    expect(await h.cmd('plugins:uninstall', { name: 'echo' })).toMatchObject({ ok: false, error: { code: 'E_CONFLICT' } });
    expect(await h.cmd('plugins:install', { path: join(box.root, 'sources', 'nowhere') })).toMatchObject({ ok: false });
    await h.must('plugins:uninstall', { name: 'greeter' });

    const MANAGEMENT = new Set(['plugin.installed', 'plugin.upgraded', 'plugin.disabled', 'plugin.enabled', 'plugin.bounds', 'plugin.restart', 'plugin.uninstalled']);
    const { events } = await h.must('events:query', { limit: 1000 });
    const since = events.filter((e) => e.id > firstId).reverse();
    const management = since.filter((e) => MANAGEMENT.has(e.kind));
    expect(management.map((e) => ({ kind: e.kind, source: e.source, data: e.data }))).toEqual([
      { kind: 'plugin.installed', source: 'plugin:greeter', data: { version: '1.0.0' } },
      { kind: 'plugin.upgraded', source: 'plugin:greeter', data: { from: '1.0.0', to: '2.0.0' } },
      { kind: 'plugin.disabled', source: 'plugin:greeter', data: {} },
      { kind: 'plugin.enabled', source: 'plugin:greeter', data: {} },
      { kind: 'plugin.bounds', source: 'plugin:greeter', data: { min: 2, max: 3 } },
      { kind: 'plugin.restart', source: 'plugin:greeter', data: { instances: 2 } },
      { kind: 'plugin.uninstalled', source: 'plugin:greeter', data: { removeState: false } },
    ]);
    // Each is stamped in order, and the plugin's state changes fall between the commands that caused them.
    for (let i = 1; i < management.length; i++) expect(management[i]!.ts).toBeGreaterThanOrEqual(management[i - 1]!.ts);
    const idOf = (kind: string) => management.find((e) => e.kind === kind)!.id;
    const greeterStates = since.filter((e) => e.kind === 'plugin.state' && e.source === 'plugin:greeter');
    const statesBetween = (from: string, to: string) => greeterStates.filter((e) => e.id > idOf(from) && e.id < idOf(to)).map((e) => e.data.to);
    expect(statesBetween('plugin.installed', 'plugin.upgraded')).toEqual(['starting', 'ready']);
    expect(statesBetween('plugin.disabled', 'plugin.enabled')).toEqual(['stopping', 'disabled']);
    expect(statesBetween('plugin.enabled', 'plugin.bounds')).toEqual(['starting', 'ready']);
    expect(greeterStates.filter((e) => e.id > idOf('plugin.uninstalled'))).toEqual([]);
    // Nothing was recorded against the other plugin (its detail view lists its own events).
    expect((await h.plugin('echo')).events.filter((e) => MANAGEMENT.has(e.kind))).toEqual([]);
  });

  it('a bundled or configured plugin cannot be uninstalled (disable it instead)', async () => {
    box = new Sandbox('manage-conflict');
    box.copyPlugin('echo');
    const h = await box.start();
    await h.waitReady('echo');
    expect(await h.cmd('plugins:uninstall', { name: 'echo' })).toMatchObject({ ok: false, error: { code: 'E_CONFLICT' } });
    expect(await h.send({ plugin: 'echo', payload: 2 })).toEqual({ ok: true, value: { echo: 2 } });
  });
});
