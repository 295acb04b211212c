// Detection shared by `npm start` (scripts/start.mjs) and `npm run prepare:electron-sqlite`
// (scripts/electron-sqlite.mjs): is the Electron binary here, can it open a window, and is
// better-sqlite3 built for Electron's ABI? Plain Node, no dependencies; never require('electron')
// (its index.js tries to download the binary when it is missing).
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The better-sqlite3 build for Electron's ABI, relative to the project root. The Electron entry
 * reads the same path (`ELECTRON_SQLITE_BINDING` in src/main/electron/app-paths.ts).
 */
export const ELECTRON_SQLITE_DIR = '.electron-native/better-sqlite3';
export const ELECTRON_SQLITE_BINDING = `${ELECTRON_SQLITE_DIR}/build/Release/better_sqlite3.node`;
/** Written next to the build: which Electron and better-sqlite3 it was built for. */
export const ELECTRON_SQLITE_STAMP = `${ELECTRON_SQLITE_DIR}/conductor-build.json`;

/** @typedef {{ available: boolean, path?: string, reason?: string }} Status */

/** @param {string} file */
function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * The version of the installed `electron` package, or null.
 * @param {string} root project root
 * @returns {string | null}
 */
export function electronVersion(root) {
  const pkg = readJson(join(root, 'node_modules', 'electron', 'package.json'));
  return pkg && typeof pkg.version === 'string' ? pkg.version : null;
}

/**
 * The version of the installed `better-sqlite3` package, or null.
 * @param {string} root project root
 * @returns {string | null}
 */
export function betterSqliteVersion(root) {
  const pkg = readJson(join(root, 'node_modules', 'better-sqlite3', 'package.json'));
  return pkg && typeof pkg.version === 'string' ? pkg.version : null;
}

/**
 * Whether the Electron binary is installed: `node_modules/electron/path.txt` names it (written by
 * electron's install script once the download succeeded) and `node_modules/electron/dist/<it>` is
 * an executable file. Honours `ELECTRON_OVERRIDE_DIST_PATH` as electron's own resolver does.
 * @param {string} root project root
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {Status}
 */
export function electronBinaryStatus(root, env = process.env) {
  const pkgDir = join(root, 'node_modules', 'electron');
  if (!existsSync(join(pkgDir, 'package.json'))) {
    return { available: false, reason: 'the electron package is not installed: node_modules/electron is missing' };
  }
  let name = '';
  try {
    name = readFileSync(join(pkgDir, 'path.txt'), 'utf8').trim();
  } catch {
    // No path.txt: fine only with an override dir.
  }
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!name && !override) {
    return {
      available: false,
      reason: 'the Electron binary was never downloaded: node_modules/electron/path.txt is missing',
    };
  }
  const path = override ? join(override, name || 'electron') : join(pkgDir, 'dist', name);
  const shown = override ? path : relative(root, path);
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    return { available: false, path, reason: `the Electron binary ${shown} is missing` };
  }
  if (!isFile) return { available: false, path, reason: `${shown} is not a file` };
  try {
    accessSync(path, constants.X_OK);
  } catch {
    return { available: false, path, reason: `the Electron binary ${shown} is not executable` };
  }
  return { available: true, path };
}

/**
 * Whether there is a display to open a window on. On Linux Electron cannot start without an X
 * server or a Wayland compositor; elsewhere there is always one.
 * @param {NodeJS.ProcessEnv} [env]
 * @param {NodeJS.Platform} [platform]
 * @returns {Status}
 */
export function displayStatus(env = process.env, platform = process.platform) {
  if (platform !== 'linux' && platform !== 'freebsd' && platform !== 'openbsd') return { available: true };
  if (env.DISPLAY || env.WAYLAND_DISPLAY) return { available: true };
  return { available: false, reason: 'no display: DISPLAY and WAYLAND_DISPLAY are unset' };
}

/**
 * Whether better-sqlite3 has been built for Electron's ABI (by `npm run prepare:electron-sqlite`)
 * and, when the build recorded it, for the Electron and better-sqlite3 installed now.
 * @param {string} root project root
 * @returns {Status}
 */
export function electronSqliteStatus(root) {
  const path = join(root, ELECTRON_SQLITE_BINDING);
  if (!existsSync(path)) {
    return { available: false, path, reason: `better-sqlite3 is not built for Electron: ${ELECTRON_SQLITE_BINDING} is missing` };
  }
  const stamp = readJson(join(root, ELECTRON_SQLITE_STAMP));
  if (stamp) {
    const electron = electronVersion(root);
    if (electron && stamp.electronVersion !== electron) {
      return {
        available: false,
        path,
        reason: `better-sqlite3 was built for Electron ${stamp.electronVersion}, but Electron ${electron} is installed`,
      };
    }
    const sqlite = betterSqliteVersion(root);
    if (sqlite && stamp.betterSqlite3Version !== sqlite) {
      return {
        available: false,
        path,
        reason: `the Electron build is of better-sqlite3 ${stamp.betterSqlite3Version}, but ${sqlite} is installed`,
      };
    }
  }
  return { available: true, path };
}
