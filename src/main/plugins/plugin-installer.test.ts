import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConductorError } from '../../shared/result';
import { discoverPlugins } from './discovery';
import { installPlugin, uninstallPlugin } from './plugin-installer';

let root: string;
let pluginsDir: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'conductor-installer-'));
  pluginsDir = join(root, 'data', 'plugins');
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function source(folder: string, manifest: Record<string, unknown>, files: Record<string, string> = {}): string {
  const dir = join(root, folder);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'plugin.json'), JSON.stringify({ version: '1.0.0', entry: 'index.mjs', ...manifest }));
  writeFileSync(join(dir, 'index.mjs'), 'export default {};\n');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function thrown(fn: () => unknown): ConductorError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConductorError);
    return error as ConductorError;
  }
  throw new Error('expected a ConductorError');
}

/** Nothing but the installed plugin folders: no temp or aside copies left behind. */
const listing = () => readdirSync(pluginsDir).sort();

describe('installPlugin', () => {
  it('copies a valid plugin into <pluginsDir>/<name>, creating the folder, and discovery finds it', () => {
    const src = source('src-hello', { name: 'hello' }, { 'lib/util.mjs': 'export const x = 1;\n' });
    const installed = installPlugin(src, pluginsDir);
    expect(installed).toEqual({ name: 'hello', version: '1.0.0', dir: join(pluginsDir, 'hello') });
    expect(readFileSync(join(pluginsDir, 'hello', 'lib', 'util.mjs'), 'utf8')).toBe('export const x = 1;\n');
    expect(listing()).toEqual(['hello']);
    const found = discoverPlugins([{ dir: pluginsDir, origin: 'data-dir' }]);
    expect(found.plugins).toMatchObject([{ valid: true, origin: 'data-dir', manifest: { name: 'hello' } }]);
    // The source is untouched.
    expect(existsSync(join(src, 'plugin.json'))).toBe(true);
  });

  it('upgrades in place, returning the previous version; files of the old version are gone', () => {
    installPlugin(source('v1', { name: 'hello' }, { 'old-only.txt': 'old' }), pluginsDir);
    const upgraded = installPlugin(source('v2', { name: 'hello', version: '2.0.0' }), pluginsDir);
    expect(upgraded).toEqual({ name: 'hello', version: '2.0.0', dir: join(pluginsDir, 'hello'), upgradedFrom: '1.0.0' });
    expect(existsSync(join(pluginsDir, 'hello', 'old-only.txt'))).toBe(false);
    expect(JSON.parse(readFileSync(join(pluginsDir, 'hello', 'plugin.json'), 'utf8'))).toMatchObject({ version: '2.0.0' });
    expect(listing()).toEqual(['hello']);
  });

  it('refuses an invalid plugin with the reason, leaving nothing behind', () => {
    const src = source('bad', { name: 'bad', instances: { min: 3 } });
    const error = thrown(() => installPlugin(src, pluginsDir));
    expect(error.code).toBe('E_BAD_REQUEST');
    expect(error.message).toBe(`cannot install ${src}: plugin.json: instances.min: expected at most instances.max (1), got 3`);
    expect(existsSync(pluginsDir)).toBe(false);
  });

  it('refuses a missing source (E_NOT_FOUND) and a file (E_BAD_REQUEST)', () => {
    expect(thrown(() => installPlugin(join(root, 'nope'), pluginsDir)).code).toBe('E_NOT_FOUND');
    writeFileSync(join(root, 'file'), 'x');
    expect(thrown(() => installPlugin(join(root, 'file'), pluginsDir)).message).toBe(`cannot install ${join(root, 'file')}: not a folder`);
  });

  it('refuses an entry leading out of the source', () => {
    writeFileSync(join(root, 'evil.mjs'), 'export default {};\n');
    const src = source('escape', { name: 'escape', entry: '../evil.mjs' });
    expect(thrown(() => installPlugin(src, pluginsDir)).message).toContain('entry: "../evil.mjs" leads out of the plugin folder');
  });

  it('refuses a symlink anywhere inside the source that leads out of it, naming it', () => {
    mkdirSync(join(root, 'secrets'));
    writeFileSync(join(root, 'secrets', 'key'), 'secret');
    const src = source('sneaky', { name: 'sneaky' }, { 'data/readme.txt': 'hi' });
    symlinkSync(join(root, 'secrets'), join(src, 'data', 'more'));
    const error = thrown(() => installPlugin(src, pluginsDir));
    expect(error.code).toBe('E_BAD_REQUEST');
    expect(error.message).toBe(`cannot install ${src}: ${join(src, 'data', 'more')} is a symlink leading out of the plugin folder (to ${join(root, 'secrets')})`);
    // Refused before anything was created.
    expect(existsSync(pluginsDir)).toBe(false);
  });

  it('refuses a relative symlink climbing out with ..', () => {
    writeFileSync(join(root, 'outside.txt'), 'x');
    const src = source('climb', { name: 'climb' });
    symlinkSync('../outside.txt', join(src, 'link.txt'));
    expect(thrown(() => installPlugin(src, pluginsDir)).message).toContain('link.txt is a symlink leading out of the plugin folder');
  });

  it('refuses a dangling symlink', () => {
    const src = source('dangling', { name: 'dangling' });
    symlinkSync('nowhere', join(src, 'gone'));
    expect(thrown(() => installPlugin(src, pluginsDir)).message).toContain('gone is a dangling symlink');
  });

  it('refuses a special file (a FIFO) and keeps the installed version when an upgrade is refused', () => {
    installPlugin(source('v1', { name: 'hello' }), pluginsDir);
    const src = source('v2', { name: 'hello', version: '2.0.0' });
    execFileSync('mkfifo', [join(src, 'pipe')]);
    const error = thrown(() => installPlugin(src, pluginsDir));
    expect(error.message).toBe(`cannot install ${src}: ${join(src, 'pipe')} is not a regular file or folder`);
    expect(JSON.parse(readFileSync(join(pluginsDir, 'hello', 'plugin.json'), 'utf8'))).toMatchObject({ version: '1.0.0' });
    expect(listing()).toEqual(['hello']);
  });

  it('keeps symlinks inside the source as links inside the copy', () => {
    const src = source('links', { name: 'links' }, { 'lib/real.mjs': 'export default 1;\n' });
    symlinkSync(join(src, 'lib', 'real.mjs'), join(src, 'absolute-link.mjs'));
    symlinkSync('lib', join(src, 'lib-link'));
    const { dir } = installPlugin(src, pluginsDir);
    expect(lstatSync(join(dir, 'absolute-link.mjs')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'absolute-link.mjs'))).toBe(join('lib', 'real.mjs'));
    expect(readFileSync(join(dir, 'absolute-link.mjs'), 'utf8')).toBe('export default 1;\n');
    expect(readlinkSync(join(dir, 'lib-link'))).toBe('lib');
  });

  it('refuses to install into a plugins folder inside the source', () => {
    const src = source('nest', { name: 'nest' });
    expect(thrown(() => installPlugin(src, join(src, 'plugins'))).message).toContain('is inside it');
  });

  it('refuses to reinstall the installed copy onto itself', () => {
    const { dir } = installPlugin(source('self', { name: 'self' }), pluginsDir);
    expect(thrown(() => installPlugin(dir, pluginsDir)).code).toBe('E_CONFLICT');
    expect(existsSync(join(dir, 'plugin.json'))).toBe(true);
  });

  it('refuses to replace a folder that is not a plugin, or holds another plugin', () => {
    mkdirSync(join(pluginsDir, 'hello'), { recursive: true });
    writeFileSync(join(pluginsDir, 'hello', 'precious.txt'), 'keep me');
    const error = thrown(() => installPlugin(source('hello-src', { name: 'hello' }), pluginsDir));
    expect(error.code).toBe('E_CONFLICT');
    expect(error.message).toBe(`${join(pluginsDir, 'hello')} exists and is not a plugin folder (no plugin.json); remove it by hand`);
    expect(readFileSync(join(pluginsDir, 'hello', 'precious.txt'), 'utf8')).toBe('keep me');

    mkdirSync(join(pluginsDir, 'other'));
    writeFileSync(join(pluginsDir, 'other', 'plugin.json'), JSON.stringify({ name: 'someone-else', version: '1.0.0' }));
    expect(thrown(() => installPlugin(source('other-src', { name: 'other' }), pluginsDir)).message).toBe(
      `${join(pluginsDir, 'other')} holds the plugin "someone-else", not "other"`,
    );
  });
});

describe('uninstallPlugin', () => {
  it('removes an installed plugin and reports its version', () => {
    installPlugin(source('hello-src', { name: 'hello', version: '1.2.3' }), pluginsDir);
    expect(uninstallPlugin('hello', pluginsDir)).toEqual({ name: 'hello', dir: join(pluginsDir, 'hello'), version: '1.2.3' });
    expect(listing()).toEqual([]);
  });

  it.each(['../data', '..', '.', 'a/b', '/etc', '', 'Hello', '.hidden'])('refuses the name %j (E_BAD_REQUEST)', (name) => {
    mkdirSync(pluginsDir, { recursive: true });
    const error = thrown(() => uninstallPlugin(name, pluginsDir));
    expect(error.code).toBe('E_BAD_REQUEST');
    expect(error.details).toEqual({ field: 'name' });
  });

  it('reports a plugin that is not installed (E_NOT_FOUND), also with no plugins folder', () => {
    expect(thrown(() => uninstallPlugin('ghost', pluginsDir)).code).toBe('E_NOT_FOUND');
    mkdirSync(pluginsDir, { recursive: true });
    expect(thrown(() => uninstallPlugin('ghost', pluginsDir)).message).toBe(`cannot uninstall "ghost": nothing installed at ${join(pluginsDir, 'ghost')}`);
  });

  it('refuses to remove a folder that is not a plugin (E_CONFLICT)', () => {
    mkdirSync(join(pluginsDir, 'notes'), { recursive: true });
    writeFileSync(join(pluginsDir, 'notes', 'todo.txt'), 'x');
    expect(thrown(() => uninstallPlugin('notes', pluginsDir)).code).toBe('E_CONFLICT');
    expect(existsSync(join(pluginsDir, 'notes', 'todo.txt'))).toBe(true);
  });

  it('removes a symlinked plugin as a link only, never what it points to', () => {
    const outside = source('dev-plugin', { name: 'dev' });
    mkdirSync(pluginsDir, { recursive: true });
    symlinkSync(outside, join(pluginsDir, 'dev'));
    expect(uninstallPlugin('dev', pluginsDir)).toMatchObject({ name: 'dev', version: '1.0.0' });
    expect(existsSync(join(pluginsDir, 'dev'))).toBe(false);
    expect(existsSync(join(outside, 'plugin.json'))).toBe(true);
  });

  it('never follows symlinks inside the plugin folder out while deleting', () => {
    mkdirSync(join(root, 'keep'));
    writeFileSync(join(root, 'keep', 'file.txt'), 'keep me');
    const { dir } = installPlugin(source('hello-src', { name: 'hello' }), pluginsDir);
    // Planted after install (installs refuse such links): removal must still not follow it.
    symlinkSync(join(root, 'keep'), join(dir, 'planted'));
    uninstallPlugin('hello', pluginsDir);
    expect(readFileSync(join(root, 'keep', 'file.txt'), 'utf8')).toBe('keep me');
    expect(listing()).toEqual([]);
  });
});
