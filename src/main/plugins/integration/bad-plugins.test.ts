/**
 * Broken plugins next to good ones: a plugin whose activate throws stays not-ready with the reason
 * in its status (also while it is retried); an invalid manifest shows as `invalid` with a reason
 * naming the field; a dependency on a missing plugin names both; a duplicate name is listed as
 * invalid, not dropped; the good plugin starts and serves regardless.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PluginSummary } from '../../../shared/domain';
import { Sandbox, waitFor, type Harness } from './integration.test-helper';

const ACTIVATE_THROWS = `
export default {
  activate() { throw new Error('missing API key'); },
  handle() { return 'never'; },
};
`;

describe('bad plugins (real conductor)', () => {
  let box: Sandbox;
  let h: Harness;
  let list: PluginSummary[];

  beforeAll(async () => {
    box = new Sandbox('bad');
    box.copyPlugin('echo');
    box.writePlugin('broken', { capabilities: ['test.broken'] }, ACTIVATE_THROWS);
    box.writeRaw('bad-manifest', JSON.stringify({ name: 'bad-manifest', version: '1.0.0', entry: 'index.mjs', instances: { min: 'two' } }));
    box.writePlugin('needy', { capabilities: ['test.needy'], dependsOn: ['ghost'] }, 'export default { handle() { return 1; } };\n');
    // A second folder whose manifest says "echo" too: the first found (folder "echo") wins.
    box.copyPlugin('echo', { as: 'echo-again', manifest: { name: 'echo' } });
    h = await box.start();
    await h.waitReady('echo');
    list = await h.list();
  });

  afterAll(async () => {
    await box?.dispose();
  });

  const byDir = (folder: string) => {
    const found = list.find((p) => p.dir.endsWith(`/${folder}`));
    if (!found) throw new Error(`no plugin from folder ${folder} in ${list.map((p) => p.dir).join(', ')}`);
    return found;
  };

  it('the good plugin starts and serves as if nothing were wrong', async () => {
    expect(await h.send({ capability: 'text.echo', payload: 'still here' })).toEqual({ ok: true, value: { echo: 'still here' } });
    expect(byDir('echo')).toMatchObject({ name: 'echo', state: 'ready' });
  });

  it('a plugin whose activate throws stays not ready, with the reason in its status', async () => {
    const broken = await waitFor(async () => {
      const p = await h.plugin('broken');
      return p.reason?.includes('missing API key') ? p : null;
    }, "broken's reason to name the activate error", 10_000);
    expect(broken.state).not.toBe('ready');
    expect(broken.reason).toContain('activate() failed: missing API key');
    // It never serves: no ready instance, and its requests fail (not hang).
    expect(broken.instances.filter((i) => i.state === 'ready')).toEqual([]);
    expect(await h.send({ plugin: 'broken', payload: 1, timeoutMs: 300 })).toMatchObject({ ok: false });
    // The start failure is on record, and it is retried (with a backoff).
    const failures = await waitFor(async () => {
      const { events } = await h.must('events:query', { kind: 'instance.start-failed' });
      return events.length >= 2 ? events : null;
    }, 'a retry of broken', 10_000);
    for (const e of failures) expect(JSON.stringify(e.data)).toContain('missing API key');
    // While it is retried its status keeps saying why: every state change after the first failure carries the reason.
    const { events } = await h.must('events:query', { kind: 'plugin.state', limit: 1000 });
    const changes = events.filter((e) => e.source === 'plugin:broken').reverse();
    const firstFailure = changes.findIndex((e) => e.data.to === 'stopped');
    expect(firstFailure).toBeGreaterThanOrEqual(0);
    const later = changes.slice(firstFailure);
    expect(later.length).toBeGreaterThanOrEqual(3); // stopped → starting → stopped at least
    for (const e of later) {
      expect(e.data.to).not.toBe('ready');
      expect(String(e.data.reason)).toContain('missing API key');
    }
  });

  it('an invalid manifest shows as invalid, its reason naming the field', async () => {
    const bad = byDir('bad-manifest');
    expect(bad.name).toBe('bad-manifest'); // the folder's name, as before the plugins step (not its path)
    expect(bad.state).toBe('invalid');
    expect(bad.reason).toContain('instances.min');
    expect(bad.instances).toEqual([]);
  });

  it('a dependency on a missing plugin: invalid, naming both the plugin and the missing one', async () => {
    const needy = byDir('needy');
    expect(needy.state).toBe('invalid');
    expect(needy.reason).toContain('"needy"');
    expect(needy.reason).toContain('"ghost"');
    expect(needy.reason).toContain('missing');
    expect(await h.send({ capability: 'test.needy', payload: 1 })).toMatchObject({ ok: false, code: 'E_NOT_FOUND' });
  });

  it('a duplicate plugin name is listed as invalid, naming both folders; the first one serves', async () => {
    const dup = byDir('echo-again');
    expect(dup).toMatchObject({ name: 'echo', state: 'invalid', instances: [] });
    expect(dup.reason).toContain('duplicate plugin name "echo"');
    expect(dup.reason).toContain(byDir('echo').dir);
    expect(dup.reason).toContain(dup.dir);
    expect(dup.metrics.total).toBe(0);
    expect((await h.plugin('echo')).dir).toBe(byDir('echo').dir);
  });

  it('the overall status lists every plugin folder, good and bad, as discovery found them', async () => {
    const status = await h.must('system:status');
    const folders = status.plugins.map((p) => p.dir.split('/').pop()).sort();
    expect(folders).toEqual(['bad-manifest', 'broken', 'echo', 'echo-again', 'needy']);
    expect(status.plugins.map((p) => `${p.name}:${p.state === 'invalid' ? 'invalid' : 'valid'}`).sort()).toEqual([
      'bad-manifest:invalid',
      'broken:valid',
      'echo:invalid',
      'echo:valid',
      'needy:invalid',
    ]);
  });
});
