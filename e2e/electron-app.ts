/**
 * Starting the BUILT desktop app (`out/main/index.js`) under Electron with Playwright's
 * `_electron.launch`, and telling whether that can work here at all. The Electron binary is found
 * the way electron's own resolver finds it — `node_modules/electron/path.txt` names a file under
 * `node_modules/electron/dist/` — without `require('electron')`, whose index.js tries to download
 * the binary when it is missing.
 */
import { _electron, type ElectronApplication, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const MAIN_ENTRY = join(REPO_ROOT, 'out', 'main', 'index.js');
/** The Electron-ABI better-sqlite3 (`npm run prepare:electron-sqlite`); as in src/main/electron/app-paths.ts. */
export const ELECTRON_SQLITE_BINDING = join(REPO_ROOT, '.electron-native', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');

export type Availability = { ok: true; executable: string } | { ok: false; reason: string };

/** Whether the desktop app can be launched here, and if not, why (the first missing piece). */
export function electronAvailability(env: NodeJS.ProcessEnv = process.env): Availability {
  const pkgDir = join(REPO_ROOT, 'node_modules', 'electron');
  const pathTxt = join(pkgDir, 'path.txt');
  if (!existsSync(pathTxt)) {
    return { ok: false, reason: 'the Electron binary was never downloaded: node_modules/electron/path.txt is missing' };
  }
  const name = readFileSync(pathTxt, 'utf8').trim();
  if (!name) return { ok: false, reason: 'node_modules/electron/path.txt is empty' };
  const executable = join(pkgDir, 'dist', name);
  try {
    if (!statSync(executable).isFile()) return { ok: false, reason: `node_modules/electron/dist/${name} is not a file` };
    accessSync(executable, constants.X_OK);
  } catch {
    return { ok: false, reason: `the Electron binary node_modules/electron/dist/${name} is missing or not executable` };
  }
  if (process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return { ok: false, reason: 'no display: DISPLAY and WAYLAND_DISPLAY are unset (run under xvfb-run)' };
  }
  if (!existsSync(ELECTRON_SQLITE_BINDING)) {
    return { ok: false, reason: 'better-sqlite3 is not built for Electron: run `npm run prepare:electron-sqlite`' };
  }
  if (!existsSync(MAIN_ENTRY)) return { ok: false, reason: `${MAIN_ENTRY} is missing: run \`npm run build\` first` };
  return { ok: true, executable };
}

/** Chromium refuses to run as root without this; elsewhere the sandbox stays on. */
const CHROMIUM_SWITCHES = typeof process.getuid === 'function' && process.getuid() === 0 ? ['--no-sandbox'] : [];

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface DesktopApp {
  app: ElectronApplication;
  window: Page;
  dataDir: string;
  /** Settles when the Electron process exits, however it exits. */
  exited: Promise<ExitInfo>;
  /** What the process wrote (stdout and stderr: the conductor's log), so far. */
  output(): string;
}

/** Launches the built app on `dataDir` (a fresh temp dir when omitted) and waits for its window. */
export async function launchDesktopApp(executable: string, options: { dataDir?: string; args?: string[] } = {}): Promise<DesktopApp> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'conductor-electron-e2e-')));
  const app = await _electron.launch({
    executablePath: executable,
    args: [...CHROMIUM_SWITCHES, MAIN_ENTRY, '--data-dir', dataDir, '--log-level', 'info', ...(options.args ?? [])],
    cwd: REPO_ROOT,
    timeout: 60_000,
  });
  const proc = app.process();
  let output = '';
  const keep = (chunk: Buffer | string) => {
    output = (output + chunk.toString()).slice(-256 * 1024);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const exited = new Promise<ExitInfo>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve({ code: proc.exitCode, signal: proc.signalCode });
    else proc.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const window = await app.firstWindow();
  return { app, window, dataDir, exited, output: () => output };
}

/** Ends the app if a test left it running (SIGKILL after a bounded close), and removes its data dir. */
export async function disposeDesktopApp(desktop: DesktopApp | undefined): Promise<void> {
  if (!desktop) return;
  const proc = desktop.app.process();
  if (proc.exitCode === null && proc.signalCode === null) {
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000).unref());
    proc.kill('SIGTERM');
    if ((await Promise.race([desktop.exited, timeout])) === 'timeout') proc.kill('SIGKILL');
    await desktop.exited;
  }
  await rm(desktop.dataDir, { recursive: true, force: true });
}

/** A second launch on the same data dir, as a person would start it: a plain child process. */
export function launchSecondInstance(executable: string, dataDir: string, args: string[] = []): { proc: ChildProcess; done: Promise<ExitInfo & { stdout: string }> } {
  const proc = spawn(executable, [...CHROMIUM_SWITCHES, MAIN_ENTRY, '--data-dir', dataDir, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  proc.stdout!.setEncoding('utf8');
  proc.stdout!.on('data', (chunk: string) => {
    stdout += chunk;
  });
  proc.stderr!.resume();
  const done = new Promise<ExitInfo & { stdout: string }>((resolve) => {
    proc.once('close', (code, signal) => resolve({ code, signal, stdout }));
  });
  return { proc, done };
}
