import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoverPlugins, readPlugin, summarize } from './discovery';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'conductor-discovery-'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Writes `<parent>/<folder>/plugin.json` (+ index.mjs) and returns the folder. */
function plugin(parent: string, folder: string, manifest: Record<string, unknown>, files: Record<string, string> = { 'index.mjs': 'export default {};\n' }): string {
  const dir = join(parent, folder);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'plugin.json'), JSON.stringify({ version: '1.0.0', entry: 'index.mjs', ...manifest }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const names = (result: ReturnType<typeof discoverPlugins>, valid: boolean) =>
  result.plugins.filter((p) => p.valid === valid).map((p) => p.manifest?.name ?? p.dir);

describe('readPlugin', () => {
  it('reads a valid plugin with its defaults and the real entry path', () => {
    const dir = plugin(root, 'hello', { name: 'hello' });
    const found = readPlugin(dir, 'bundled');
    expect(found).toMatchObject({ dir, origin: 'bundled', valid: true, entryPath: join(dir, 'index.mjs') });
    expect(found.manifest?.instances).toEqual({ min: 1, max: 1, targetPerInstance: 4 });
  });

  it.each([
    ['name', { name: 'Bad Name' }],
    ['version', { version: 'one' }],
    ['description', { description: 42 }],
    ['runtime', { runtime: 'python' }],
    ['entry', { entry: '' }],
    ['capabilities.0', { capabilities: ['Not A Capability'] }],
    ['isolation', { isolation: 'vm' }],
    ['dependsOn.0', { dependsOn: ['Nope!'] }],
    ['required', { required: 'yes' }],
    ['enabled', { enabled: 1 }],
    ['instances.min', { instances: { min: 5, max: 2 } }],
    ['instances.max', { instances: { max: 1000 } }],
    ['instances.targetPerInstance', { instances: { targetPerInstance: -1 } }],
    ['concurrency', { concurrency: 0 }],
    ['queueLimit', { queueLimit: 'lots' }],
    ['requestTimeoutMs', { requestTimeoutMs: 0 }],
    ['memoryLimitMb', { memoryLimitMb: 1 }],
    ['probes.liveness.intervalMs', { probes: { liveness: { intervalMs: -1 } } }],
    ['probes.liveness.timeoutMs', { probes: { liveness: { timeoutMs: 10_000 } } }],
    ['probes.liveness.failureThreshold', { probes: { liveness: { failureThreshold: 0 } } }],
    ['probes.readiness.timeoutMs', { probes: { readiness: { timeoutMs: 'x' } } }],
    ['probes.readiness.successThreshold', { probes: { readiness: { successThreshold: 0.5 } } }],
    ['probes.startup.graceMs', { probes: { startup: { graceMs: -1 } } }],
    ['probes.startup.maxMs', { probes: { startup: { maxMs: 0 } } }],
    ['restart.maxCrashes', { restart: { maxCrashes: 0 } }],
    ['restart.windowMs', { restart: { windowMs: 'a minute' } }],
    ['config.level.default', { config: { level: { type: 'integer', default: 'high' } } }],
    ['config.__proto__', { config: JSON.parse('{"__proto__":{"type":"string"}}') as unknown }],
    ['env.0.name', { env: [{ name: 'lower-case' }] }],
    ['env.0.required', { env: [{ name: 'TOKEN', required: 'no' }] }],
    ['command', { runtime: 'command' }],
    ['command.url', { runtime: 'command', command: { exec: 'bot', url: 'ftp://127.0.0.1/' } }],
    ['surprise', { surprise: true }],
  ])('an invalid %s is reported naming the field', (field, manifest) => {
    const dir = plugin(root, 'broken', { name: 'broken', ...manifest });
    const found = readPlugin(dir);
    expect(found.valid).toBe(false);
    expect(found.reason).toMatch(new RegExp(`^plugin\\.json: (.*; )?${field.replace(/[.$_]/g, (c) => `\\${c}`)}: `));
  });

  it('reports unreadable JSON with the parser message', () => {
    const dir = join(root, 'garbled');
    mkdirSync(dir);
    writeFileSync(join(dir, 'plugin.json'), '{ nope');
    expect(readPlugin(dir)).toMatchObject({ valid: false, manifest: null, reason: expect.stringMatching(/^plugin\.json: /) as unknown });
  });

  it('refuses an entry leading out with ..', () => {
    writeFileSync(join(root, 'x.mjs'), 'export default {};\n');
    const dir = plugin(root, 'escape', { name: 'escape', entry: '../x.mjs' });
    expect(readPlugin(dir)).toMatchObject({ valid: false, entryPath: null, reason: 'plugin.json: entry: "../x.mjs" leads out of the plugin folder' });
  });

  it('refuses an entry that climbs out through a sub-folder into a sibling', () => {
    plugin(root, 'sibling', { name: 'sibling' });
    const dir = plugin(root, 'climber', { name: 'climber', entry: 'sub/../../sibling/index.mjs' });
    expect(readPlugin(dir).reason).toBe('plugin.json: entry: "sub/../../sibling/index.mjs" leads out of the plugin folder');
  });

  it('refuses an absolute entry, even one pointing inside the folder', () => {
    const dir = join(root, 'absolute');
    const entry = join(dir, 'index.mjs');
    plugin(root, 'absolute', { name: 'absolute', entry });
    expect(readPlugin(dir)).toMatchObject({ valid: false, reason: `plugin.json: entry: "${entry}" leads out of the plugin folder` });
  });

  it('refuses a symlinked entry pointing outside the folder', () => {
    const outside = join(root, 'outside.mjs');
    writeFileSync(outside, 'export default {};\n');
    const dir = plugin(root, 'linked', { name: 'linked', entry: 'index.mjs' }, {});
    symlinkSync(outside, join(dir, 'index.mjs'));
    expect(readPlugin(dir)).toMatchObject({ valid: false, reason: 'plugin.json: entry: "index.mjs" is a symlink leading out of the plugin folder' });
  });

  it('refuses an entry under a symlinked folder pointing outside', () => {
    const outside = join(root, 'elsewhere');
    mkdirSync(outside);
    writeFileSync(join(outside, 'index.mjs'), 'export default {};\n');
    const dir = plugin(root, 'linked-dir', { name: 'linked-dir', entry: 'lib/index.mjs' }, {});
    symlinkSync(outside, join(dir, 'lib'));
    expect(readPlugin(dir).reason).toBe('plugin.json: entry: "lib/index.mjs" is a symlink leading out of the plugin folder');
  });

  it('accepts a symlinked entry that stays inside the folder', () => {
    const dir = plugin(root, 'inside', { name: 'inside', entry: 'main.mjs' }, { 'real.mjs': 'export default {};\n' });
    symlinkSync('real.mjs', join(dir, 'main.mjs'));
    expect(readPlugin(dir)).toMatchObject({ valid: true, entryPath: join(dir, 'real.mjs') });
  });

  it('refuses a missing entry and an entry that is a folder', () => {
    const missing = plugin(root, 'missing', { name: 'missing', entry: 'nope.mjs' });
    expect(readPlugin(missing).reason).toBe('plugin.json: entry: "nope.mjs" does not exist');
    const folder = plugin(root, 'folder', { name: 'folder', entry: 'lib' });
    mkdirSync(join(folder, 'lib'));
    expect(readPlugin(folder).reason).toBe('plugin.json: entry: "lib" is not a file');
  });

  it('checks a command plugin\'s cwd stays inside the folder, and needs no entry', () => {
    const ok = plugin(root, 'cmd', { name: 'cmd', runtime: 'command', command: { exec: 'python3', cwd: 'app' } }, {});
    mkdirSync(join(ok, 'app'));
    expect(readPlugin(ok)).toMatchObject({ valid: true, entryPath: null });
    const bad = plugin(root, 'cmd-out', { name: 'cmd-out', runtime: 'command', command: { exec: 'python3', cwd: '..' } }, {});
    expect(readPlugin(bad).reason).toBe('plugin.json: command.cwd: ".." leads out of the plugin folder');
  });
});

describe('discoverPlugins', () => {
  it('orders valid plugins so each comes after its dependencies (ties by name), invalid ones last', () => {
    plugin(root, 'd', { name: 'd', dependsOn: ['b', 'c'] });
    plugin(root, 'c', { name: 'c', dependsOn: ['a'] });
    plugin(root, 'b', { name: 'b', dependsOn: ['a'] });
    plugin(root, 'a', { name: 'a' });
    plugin(root, 'zz-broken', { name: 'Broken' });
    const result = discoverPlugins([root]);
    expect(names(result, true)).toEqual(['a', 'b', 'c', 'd']);
    expect(result.plugins.at(-1)?.valid).toBe(false);
    expect(result.problems).toEqual([]);
  });

  it('skips hidden folders, folders without plugin.json and missing roots', () => {
    plugin(root, '.hidden', { name: 'hidden' });
    mkdirSync(join(root, 'not-a-plugin'));
    plugin(root, 'shown', { name: 'shown' });
    const result = discoverPlugins([root, join(root, 'does-not-exist')]);
    expect(names(result, true)).toEqual(['shown']);
    expect(result.plugins).toHaveLength(1);
    expect(result.scanned).toEqual([root, join(root, 'does-not-exist')]);
  });

  it('names every plugin in a cycle, and marks plugins depending on the cycle invalid', () => {
    plugin(root, 'a', { name: 'a', dependsOn: ['c'] });
    plugin(root, 'b', { name: 'b', dependsOn: ['a'] });
    plugin(root, 'c', { name: 'c', dependsOn: ['b'] });
    plugin(root, 'user', { name: 'user', dependsOn: ['a'] });
    plugin(root, 'free', { name: 'free' });
    const result = discoverPlugins([root]);
    expect(names(result, true)).toEqual(['free']);
    const cycle = 'dependency cycle among plugins "a", "b", "c"';
    expect(result.problems).toContain(cycle);
    for (const name of ['a', 'b', 'c']) expect(result.plugins.find((p) => p.manifest?.name === name)?.reason).toBe(cycle);
    expect(result.plugins.find((p) => p.manifest?.name === 'user')?.reason).toBe('plugin "user" depends on invalid plugin "a" (dependency cycle)');
  });

  it('names two separate cycles separately', () => {
    plugin(root, 'a', { name: 'a', dependsOn: ['b'] });
    plugin(root, 'b', { name: 'b', dependsOn: ['a'] });
    plugin(root, 'x', { name: 'x', dependsOn: ['y'] });
    plugin(root, 'y', { name: 'y', dependsOn: ['x'] });
    expect(discoverPlugins([root]).problems).toEqual(['dependency cycle among plugins "a", "b"', 'dependency cycle among plugins "x", "y"']);
  });

  it('names both the plugin and its missing dependency', () => {
    plugin(root, 'fanout', { name: 'fanout', dependsOn: ['echo'] });
    const result = discoverPlugins([root]);
    expect(result.problems).toEqual(['plugin "fanout" depends on missing plugin "echo"']);
    expect(result.plugins[0]).toMatchObject({ valid: false, reason: 'plugin "fanout" depends on missing plugin "echo"' });
  });

  it('marks plugins depending on an invalid plugin invalid, transitively', () => {
    plugin(root, 'base', { name: 'base', entry: 'gone.mjs' });
    plugin(root, 'mid', { name: 'mid', dependsOn: ['base'] });
    plugin(root, 'top', { name: 'top', dependsOn: ['mid'] });
    plugin(root, 'top2', { name: 'top2', dependsOn: ['missing-one'] });
    plugin(root, 'top3', { name: 'top3', dependsOn: ['top2'] });
    const result = discoverPlugins([root]);
    expect(names(result, true)).toEqual([]);
    const reason = (name: string) => result.plugins.find((p) => p.manifest?.name === name)?.reason;
    expect(reason('mid')).toBe('plugin "mid" depends on invalid plugin "base"');
    expect(reason('top')).toBe('plugin "top" depends on invalid plugin "mid"');
    expect(reason('top2')).toBe('plugin "top2" depends on missing plugin "missing-one"');
    expect(reason('top3')).toBe('plugin "top3" depends on invalid plugin "top2"');
  });

  it('names a duplicate and both folders; the first root wins', () => {
    const bundled = join(root, 'bundled');
    const data = join(root, 'data');
    const first = plugin(bundled, 'echo', { name: 'echo' });
    const second = plugin(data, 'my-echo', { name: 'echo', version: '2.0.0' });
    const result = discoverPlugins([
      { dir: bundled, origin: 'bundled' },
      { dir: data, origin: 'data-dir' },
    ]);
    const message = `duplicate plugin name "echo": ${first} and ${second}`;
    expect(result.problems).toEqual([message]);
    expect(result.plugins).toMatchObject([
      { dir: first, valid: true, origin: 'bundled' },
      { dir: second, valid: false, reason: message, origin: 'data-dir' },
    ]);
  });

  it('summarizes a plugin from its manifest', () => {
    plugin(root, 'echo', { name: 'echo', capabilities: ['text.echo'], instances: { min: 1, max: 4 }, isolation: 'thread' });
    const [found] = discoverPlugins([{ dir: root, origin: 'bundled' }]).plugins;
    expect(summarize(found!, 'stopped')).toMatchObject({
      name: 'echo',
      state: 'stopped',
      runtime: 'node',
      isolation: 'thread',
      capabilities: ['text.echo'],
      enabled: true,
      min: 1,
      max: 4,
      instances: [],
      origin: 'bundled',
    });
  });
});
