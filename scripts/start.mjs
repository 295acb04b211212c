// `npm start`: the desktop app when Electron can run here, headless mode otherwise.
//
// Electron needs its binary (downloaded by electron's install script), a display, and
// better-sqlite3 built for its ABI (`npm run prepare:electron-sqlite`, tried once if missing).
// When all three are there: `electron-vite build`, then Electron on the project with the user's
// flags. Otherwise one line says why, then `electron-vite build` and
// `node out/main/headless.js <flags>` in the foreground.
//
// The child runs in its own process group and gets each signal exactly once, from here: a
// terminal's Ctrl-C reaches this process (and npm, which forwards it again) but not the child,
// and the conductor takes a second signal to mean "force".
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { displayStatus, electronBinaryStatus, electronSqliteStatus } from './electron-binary.mjs';

const FORWARDED_SIGNALS = /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP']);
/** The same signal again within this window is one signal delivered twice (terminal + npm). */
const SIGNAL_DEDUP_MS = 300;

/**
 * @typedef {{ available: boolean, path?: string, reason?: string }} Status
 * @param {{ binary: Status, display: Status, sqlite?: Status }} checks
 * @returns {{ mode: 'electron', binary: string } | { mode: 'headless', reason: string }}
 */
export function chooseMode({ binary, display, sqlite }) {
  if (!binary.available || !binary.path) return { mode: 'headless', reason: binary.reason ?? 'no Electron binary' };
  if (!display.available) return { mode: 'headless', reason: display.reason ?? 'no display' };
  if (!sqlite?.available) return { mode: 'headless', reason: sqlite?.reason ?? 'better-sqlite3 is not built for Electron' };
  return { mode: 'electron', binary: binary.path };
}

/**
 * Runs a command in the foreground with stdio inherited, in its own process group, forwarding
 * signals once; resolves with the exit code to use (128 + signal number if it died of a signal).
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd: string, env?: NodeJS.ProcessEnv }} options
 * @returns {Promise<number>}
 */
export function runForeground(command, args, options) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: 'inherit',
      shell: false,
      detached: process.platform !== 'win32',
    });
    /** @type {Map<string, number>} */
    const lastSent = new Map();
    /** @type {Array<[NodeJS.Signals, () => void]>} */
    const handlers = FORWARDED_SIGNALS.map((signal) => [
      signal,
      () => {
        const now = Date.now();
        if (now - (lastSent.get(signal) ?? -Infinity) < SIGNAL_DEDUP_MS) return;
        lastSent.set(signal, now);
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      },
    ]);
    for (const [signal, handler] of handlers) process.on(signal, handler);
    const done = (/** @type {number} */ code) => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
      resolve(code);
    };
    child.on('error', (error) => {
      process.stderr.write(`start: could not run ${command}: ${error.message}\n`);
      done(1);
    });
    child.on('exit', (code, signal) => {
      done(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1));
    });
  });
}

/** @param {string} root */
function electronViteCommand(root) {
  // node_modules/.bin/electron-vite is a symlink with a node shebang on POSIX; Windows has .cmd
  // shims instead, which need a shell, so there the bin script runs under this node.
  return process.platform === 'win32'
    ? { command: process.execPath, args: [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js')] }
    : { command: join(root, 'node_modules', '.bin', 'electron-vite'), args: [] };
}

/** @param {string} root */
async function build(root) {
  const { command, args } = electronViteCommand(root);
  return runForeground(command, [...args, 'build', '--logLevel', 'warn'], { cwd: root });
}

/** @param {string} root @param {string[]} flags */
export async function start(root, flags) {
  const binary = electronBinaryStatus(root);
  const display = displayStatus();
  let sqlite;
  if (binary.available && display.available) {
    sqlite = electronSqliteStatus(root);
    if (!sqlite.available) {
      process.stderr.write(`start: ${sqlite.reason}; running npm run prepare:electron-sqlite once.\n`);
      await runForeground(process.execPath, [join(root, 'scripts', 'electron-sqlite.mjs')], { cwd: root });
      sqlite = electronSqliteStatus(root);
    }
  }
  const choice = chooseMode({ binary, display, sqlite });
  if (choice.mode === 'headless') {
    process.stderr.write(`Electron is not available here (${choice.reason}); starting headless mode instead.\n`);
  }
  const built = await build(root);
  if (built !== 0) return built;
  if (choice.mode === 'electron') {
    const env = { ...process.env };
    delete env.ELECTRON_RUN_AS_NODE; // would turn Electron into plain Node
    return runForeground(choice.binary, [root, ...flags], { cwd: root, env });
  }
  return runForeground(process.execPath, [join(root, 'out', 'main', 'headless.js'), ...flags], { cwd: root });
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  process.exitCode = await start(root, process.argv.slice(2));
}
