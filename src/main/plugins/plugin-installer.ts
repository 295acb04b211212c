/**
 * Installs a plugin folder into the data dir's plugins folder and removes one from it.
 *
 * Install validates the source like discovery does, refuses anything that could reach outside it
 * (symlinks leading out, special files), copies it to a hidden temp sibling of the target and
 * renames that into place, so `<pluginsDir>/<name>` is either the old plugin or the new one, never
 * half of either. Hidden folders (`.name…`) are skipped by discovery, so the temp copies are never
 * mistaken for plugins. Synchronous, like discovery: plugin folders are small.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConductorError } from '../../shared/result';
import { isInside, readPlugin } from './discovery';

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export interface InstalledPlugin {
  name: string;
  version: string;
  /** Absolute path of the installed folder, `<pluginsDir>/<name>`. */
  dir: string;
  /** The version that was replaced, when this was an upgrade (or a reinstall). */
  upgradedFrom?: string;
}

export interface UninstalledPlugin {
  name: string;
  /** The folder (or symlink) that was removed. */
  dir: string;
  /** The removed plugin's version, when its manifest could be read. */
  version?: string;
}

function badRequest(message: string, details: Record<string, unknown>): ConductorError {
  return new ConductorError('E_BAD_REQUEST', message, details);
}

function tempSibling(dir: string, name: string, purpose: string): string {
  return path.join(dir, `.${name}.${purpose}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/**
 * Copies `sourceDir` (a plugin folder) into `<pluginsDir>/<name>`, replacing an installed plugin of
 * the same name. Throws ConductorError: E_NOT_FOUND (no source), E_BAD_REQUEST (invalid plugin,
 * a symlink or path leading out of the source, a special file), E_CONFLICT (the target is not a
 * plugin folder of that name, or is the source itself).
 */
export function installPlugin(sourceDir: string, pluginsDir: string): InstalledPlugin {
  const source = path.resolve(sourceDir);
  let sourceReal: string;
  try {
    sourceReal = fs.realpathSync(source);
  } catch {
    throw new ConductorError('E_NOT_FOUND', `cannot install ${source}: no such folder`, { path: source });
  }
  if (!fs.statSync(sourceReal).isDirectory()) throw badRequest(`cannot install ${source}: not a folder`, { path: source });

  const found = readPlugin(sourceReal);
  if (!found.valid || !found.manifest) {
    throw badRequest(`cannot install ${source}: ${found.reason ?? 'not a valid plugin'}`, { path: source, reason: found.reason });
  }
  const { name, version } = found.manifest;
  checkTree(sourceReal, source);

  fs.mkdirSync(pluginsDir, { recursive: true });
  const pluginsReal = fs.realpathSync(pluginsDir);
  if (isInside(sourceReal, pluginsReal)) {
    throw badRequest(`cannot install ${source}: the plugins folder ${pluginsReal} is inside it`, { path: source });
  }
  const target = path.join(pluginsReal, name);
  if (!isInside(pluginsReal, target) || path.dirname(target) !== pluginsReal) {
    throw badRequest(`cannot install ${source}: plugin name "${name}" leads out of ${pluginsReal}`, { path: source });
  }
  const previous = existingPlugin(target, name);
  if (previous && previous.real === sourceReal) {
    throw new ConductorError('E_CONFLICT', `cannot install ${source}: it is the installed copy itself (${target})`, { path: source });
  }

  const temp = tempSibling(pluginsReal, name, 'install');
  try {
    copyTree(sourceReal, temp, sourceReal);
    // Validate the copy too: the source could have changed while we copied it.
    const copied = readPlugin(temp);
    if (!copied.valid || copied.manifest?.name !== name) {
      throw badRequest(`cannot install ${source}: the copy is not the plugin "${name}" (${copied.reason ?? `named "${copied.manifest?.name}"`}); did the source change?`, { path: source });
    }
    checkTree(temp, source);
    if (copied.manifest.version !== version) throw badRequest(`cannot install ${source}: the source changed while copying`, { path: source });

    if (previous) {
      const aside = tempSibling(pluginsReal, name, 'old');
      fs.renameSync(target, aside);
      try {
        fs.renameSync(temp, target);
      } catch (error) {
        fs.renameSync(aside, target);
        throw error;
      }
      fs.rmSync(aside, { recursive: true, force: true });
    } else {
      fs.renameSync(temp, target);
    }
  } catch (error) {
    fs.rmSync(temp, { recursive: true, force: true });
    if (error instanceof ConductorError) throw error;
    throw new ConductorError('E_INTERNAL', `cannot install ${source} into ${target}: ${(error as Error).message}`, { path: target });
  }

  const result: InstalledPlugin = { name, version, dir: target };
  if (previous?.version !== undefined) result.upgradedFrom = previous.version;
  return result;
}

/**
 * Removes `<pluginsDir>/<name>`: a plugin folder is removed with everything in it (symlinks inside
 * are removed, never followed); a symlink to a plugin folder is removed as a link only, leaving
 * what it points to alone. Throws ConductorError: E_BAD_REQUEST (not a plugin name), E_NOT_FOUND
 * (nothing installed under that name), E_CONFLICT (something there that is not a plugin folder).
 */
export function uninstallPlugin(name: string, pluginsDir: string): UninstalledPlugin {
  if (typeof name !== 'string' || !KEBAB.test(name) || name.length > 64) {
    throw badRequest(`cannot uninstall ${JSON.stringify(name)}: expected a kebab-case plugin name`, { field: 'name' });
  }
  let pluginsReal: string;
  try {
    pluginsReal = fs.realpathSync(pluginsDir);
  } catch {
    throw new ConductorError('E_NOT_FOUND', `cannot uninstall "${name}": no plugins folder ${path.resolve(pluginsDir)}`, { path: path.resolve(pluginsDir) });
  }
  const target = path.join(pluginsReal, name);
  if (path.dirname(target) !== pluginsReal) throw badRequest(`cannot uninstall "${name}": it leads out of ${pluginsReal}`, { field: 'name' });
  const previous = existingPlugin(target, name);
  if (!previous) throw new ConductorError('E_NOT_FOUND', `cannot uninstall "${name}": nothing installed at ${target}`, { path: target });

  if (previous.isLink) {
    fs.unlinkSync(target);
  } else {
    // Rename first so the plugin disappears at once, then delete at leisure. rmSync never follows
    // symlinks, so links inside the folder cannot take anything outside with them.
    const aside = tempSibling(pluginsReal, name, 'removing');
    fs.renameSync(target, aside);
    fs.rmSync(aside, { recursive: true, force: true });
  }
  const result: UninstalledPlugin = { name, dir: target };
  if (previous.version !== undefined) result.version = previous.version;
  return result;
}

/**
 * What is installed at `target`: undefined when nothing; otherwise it must be a plugin folder (or a
 * symlink to one) whose manifest, if readable, carries `name`; else E_CONFLICT.
 */
function existingPlugin(target: string, name: string): { version?: string; isLink: boolean; real: string } | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(target);
  } catch {
    return undefined;
  }
  const isLink = stat.isSymbolicLink();
  let real: string;
  try {
    real = fs.realpathSync(target);
  } catch {
    throw new ConductorError('E_CONFLICT', `${target} is a dangling symlink, not a plugin folder; remove it by hand`, { path: target });
  }
  if (!fs.statSync(real).isDirectory() || !fs.existsSync(path.join(real, 'plugin.json'))) {
    throw new ConductorError('E_CONFLICT', `${target} exists and is not a plugin folder (no plugin.json); remove it by hand`, { path: target });
  }
  let manifest: { name?: unknown; version?: unknown } = {};
  try {
    const raw: unknown = JSON.parse(fs.readFileSync(path.join(real, 'plugin.json'), 'utf8'));
    if (raw !== null && typeof raw === 'object') manifest = raw as typeof manifest;
  } catch {
    // An unreadable manifest: still our plugin folder by its place; replace or remove it.
  }
  if (typeof manifest.name === 'string' && manifest.name !== name) {
    throw new ConductorError('E_CONFLICT', `${target} holds the plugin "${manifest.name}", not "${name}"`, { path: target });
  }
  return typeof manifest.version === 'string' ? { version: manifest.version, isLink, real } : { isLink, real };
}

/** Refuses symlinks leading out of `root` and anything but files, folders and symlinks. */
function checkTree(root: string, shownAs: string): void {
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const shown = path.join(shownAs, path.relative(root, full));
      if (entry.isSymbolicLink()) {
        let real: string;
        try {
          real = fs.realpathSync(full);
        } catch {
          throw badRequest(`cannot install ${shownAs}: ${shown} is a dangling symlink`, { path: shown });
        }
        if (!isInside(root, real)) throw badRequest(`cannot install ${shownAs}: ${shown} is a symlink leading out of the plugin folder (to ${real})`, { path: shown });
      } else if (entry.isDirectory()) {
        walk(full);
      } else if (!entry.isFile()) {
        throw badRequest(`cannot install ${shownAs}: ${shown} is not a regular file or folder`, { path: shown });
      }
    }
  };
  walk(root);
}

/**
 * Copies the tree at `from` (inside `root`, already checked by `checkTree`) to `to`. Symlinks are
 * recreated as relative links to the same place inside the copy, never as links back to the source.
 */
function copyTree(from: string, to: string, root: string): void {
  fs.mkdirSync(to, { mode: fs.statSync(from).mode & 0o777 });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isSymbolicLink()) {
      const real = fs.realpathSync(src);
      if (!isInside(root, real)) throw badRequest(`${src} is a symlink leading out of the plugin folder`, { path: src });
      const copyRoot = path.join(to, path.relative(from, root));
      const targetInCopy = path.join(copyRoot, path.relative(root, real));
      fs.symlinkSync(path.relative(path.dirname(dst), targetInCopy) || '.', dst);
    } else if (entry.isDirectory()) {
      copyTree(src, dst, root);
    } else if (entry.isFile()) {
      fs.copyFileSync(src, dst, fs.constants.COPYFILE_EXCL);
      fs.chmodSync(dst, fs.statSync(src).mode & 0o777);
    } else {
      throw badRequest(`${src} is not a regular file or folder`, { path: src });
    }
  }
}
