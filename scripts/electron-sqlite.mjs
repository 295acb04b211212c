// `npm run prepare:electron-sqlite`: builds better-sqlite3 for Electron's ABI, next to (never in
// place of) the Node build in node_modules, which tests and headless mode keep using.
//
// Copies node_modules/better-sqlite3 (without its build/) to a staging folder, rebuilds that copy
// with @electron/rebuild for the installed Electron, and on success moves it to
// .electron-native/better-sqlite3 (git-ignored) with a stamp naming the versions it was built for.
// The Electron entry passes .electron-native/better-sqlite3/build/Release/better_sqlite3.node to
// better-sqlite3 as `nativeBinding`.
//
// The rebuild downloads a prebuilt binary (GitHub) or the Electron headers (electronjs.org); with
// no network it fails: one line says why, the tool output goes to .electron-native/rebuild.log,
// and the exit code is 1.
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import {
  ELECTRON_SQLITE_BINDING,
  ELECTRON_SQLITE_DIR,
  ELECTRON_SQLITE_STAMP,
  betterSqliteVersion,
  electronVersion,
} from './electron-binary.mjs';

const NETWORK_ERROR = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|getaddrinfo|fetch failed|socket hang up|network/i;

/**
 * @param {string} root project root
 * @returns {Promise<{ ok: true, binding: string } | { ok: false, message: string }>}
 */
export async function prepareElectronSqlite(root) {
  const electron = electronVersion(root);
  if (!electron) return { ok: false, message: 'the electron package is not installed: node_modules/electron/package.json is missing' };
  const sqlite = betterSqliteVersion(root);
  if (!sqlite) return { ok: false, message: 'better-sqlite3 is not installed: node_modules/better-sqlite3/package.json is missing' };
  let abi = '?';
  try {
    abi = readFileSync(join(root, 'node_modules', 'electron', 'abi_version'), 'utf8').trim();
  } catch {
    // Only for messages.
  }
  const what = `better-sqlite3 ${sqlite} for Electron ${electron} (ABI ${abi})`;

  const nativeDir = join(root, '.electron-native');
  const staging = join(nativeDir, `.staging-${process.pid}`);
  const copy = join(staging, 'better-sqlite3');
  const source = join(root, 'node_modules', 'better-sqlite3');
  const logFile = join(nativeDir, 'rebuild.log');
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  // Not build/: it holds the Node-ABI binary, which must never pass for the Electron one.
  const skip = join(source, 'build');
  cpSync(source, copy, { recursive: true, filter: (src) => src !== skip && !src.startsWith(skip + sep) });

  // @electron/rebuild and node-gyp print a lot; keep it for the log file, not the terminal.
  const captured = [];
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error };
  for (const key of Object.keys(saved)) console[key] = (...args) => captured.push(format(...args));
  let failure = null;
  try {
    const { rebuild } = await import('@electron/rebuild');
    // buildPath is the copy itself: @electron/rebuild always rebuilds the module at buildPath (it
    // has binding.gyp and its own package.json); projectRootPath keeps it from walking upwards.
    await rebuild({
      buildPath: copy,
      projectRootPath: copy,
      electronVersion: electron,
      onlyModules: ['better-sqlite3'],
      force: true,
      mode: 'sequential',
    });
    if (!existsSync(join(copy, 'build', 'Release', 'better_sqlite3.node'))) {
      failure = new Error('the rebuild finished but produced no build/Release/better_sqlite3.node');
    }
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
  } finally {
    Object.assign(console, saved);
  }

  if (failure) {
    rmSync(staging, { recursive: true, force: true });
    writeFileSync(logFile, `${captured.join('\n')}\n${failure.stack ?? failure.message}\n`);
    const text = `${failure.message}\n${captured.join('\n')}`;
    const cause = NETWORK_ERROR.test(text)
      ? 'it needs a prebuilt binary (github.com) or the Electron headers (electronjs.org), and the network is not reachable'
      : failure.message.split('\n')[0];
    return { ok: false, message: `could not build ${what}: ${cause} (details in ${relative(root, logFile)})` };
  }

  writeFileSync(
    join(copy, 'conductor-build.json'),
    `${JSON.stringify({ electronVersion: electron, electronAbi: abi, betterSqlite3Version: sqlite, builtAt: new Date().toISOString() }, null, 2)}\n`,
  );
  const target = join(root, ELECTRON_SQLITE_DIR);
  rmSync(target, { recursive: true, force: true });
  renameSync(copy, target);
  rmSync(staging, { recursive: true, force: true });
  rmSync(logFile, { force: true });
  if (!existsSync(join(root, ELECTRON_SQLITE_STAMP))) throw new Error('the stamp was not written');
  return { ok: true, binding: join(root, ELECTRON_SQLITE_BINDING) };
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  const result = await prepareElectronSqlite(root).catch((error) => ({ ok: false, message: String(error?.message ?? error) }));
  if (result.ok) {
    process.stdout.write(`prepare:electron-sqlite: built ${relative(root, result.binding)}\n`);
  } else {
    process.stderr.write(`prepare:electron-sqlite: ${result.message}\n`);
    process.exitCode = 1;
  }
}
