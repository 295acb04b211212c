/**
 * Starts the BUILT headless conductor (`out/main/headless.js`) as a real child process on a
 * fresh data dir and port 0, and waits for its one ready line on stdout:
 * `Conductor ready: http://127.0.0.1:<port>/?token=<token>`.
 *
 * `test` is Playwright's test with a `conductor` fixture that starts one per test and stops it
 * (SIGTERM, bounded, then SIGKILL) and removes its data dir afterwards.
 */
import { test as base } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const HEADLESS_ENTRY = join(REPO_ROOT, 'out', 'main', 'headless.js');

const READY_LINE = /^Conductor ready: (http:\/\/127\.0\.0\.1:\d+)\/\?token=([A-Za-z0-9_-]+)\s*$/;

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface HeadlessConductor {
  /** The login URL as printed (with `?token=`). */
  url: string;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  token: string;
  dataDir: string;
  proc: ChildProcess;
  /** Settles when the process exits, however it exits. */
  exited: Promise<ExitInfo>;
  /** What the process wrote to stderr so far (its log), bounded. */
  stderr(): string;
  /** SIGTERM, wait up to `timeoutMs` for the exit, then SIGKILL. Safe to call more than once. */
  stop(timeoutMs?: number): Promise<ExitInfo>;
  /** SIGKILL, as a crash would; the fixture then does not treat the exit as a failure. */
  kill(): Promise<ExitInfo>;
  /** True after `kill()`. */
  readonly killed: boolean;
}

export interface StartOptions {
  /** How long to wait for the ready line. Default 30 s. */
  readyTimeoutMs?: number;
  logLevel?: 'error' | 'warn' | 'info' | 'debug';
  /** Use this data dir (e.g. one seeded with plugins) instead of a fresh temp dir; not removed on failure. */
  dataDir?: string;
  extraArgs?: string[];
  /**
   * Runs after the data dir exists and before the conductor starts, e.g. to seed its database
   * (e2e/logs.spec.ts seeds 100k log lines). A throw fails the start.
   */
  beforeStart?: (dataDir: string) => void | Promise<void>;
}

const STDERR_KEEP = 64 * 1024;

export async function startHeadlessConductor(options: StartOptions = {}): Promise<HeadlessConductor> {
  if (!existsSync(HEADLESS_ENTRY)) {
    throw new Error(`${HEADLESS_ENTRY} is missing: run \`npx electron-vite build\` (npm run build) first`);
  }
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'conductor-e2e-')));
  if (options.beforeStart) {
    try {
      await options.beforeStart(dataDir);
    } catch (error) {
      if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
      throw error;
    }
  }
  const args = [HEADLESS_ENTRY, '--data-dir', dataDir, '--port', '0', '--log-level', options.logLevel ?? 'info'];
  args.push(...(options.extraArgs ?? []));
  const proc = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });

  let stderr = '';
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP);
  });

  const exited = new Promise<ExitInfo>((resolve) => {
    proc.once('exit', (code, signal) => resolve({ code, signal }));
  });

  const ready = new Promise<{ baseUrl: string; token: string }>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => {
      reject(new Error(`the headless conductor printed no ready line within ${readyTimeoutMs} ms; stderr:\n${stderr}`));
    }, readyTimeoutMs);
    proc.stdout!.setEncoding('utf8');
    proc.stdout!.on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        const match = READY_LINE.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve({ baseUrl: match[1]!, token: match[2]! });
        }
      }
    });
    proc.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not start the headless conductor: ${error.message}`));
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the headless conductor exited (code ${code}, signal ${signal}) before it was ready; stderr:\n${stderr}`));
    });
  });

  let stopping: Promise<ExitInfo> | null = null;
  const stop = (timeoutMs = 15_000): Promise<ExitInfo> => {
    stopping ??= (async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), timeoutMs);
        });
        const first = await Promise.race([exited, timedOut]);
        clearTimeout(timer);
        if (first === 'timeout') proc.kill('SIGKILL');
      }
      return exited;
    })();
    return stopping;
  };

  let killed = false;
  const kill = (): Promise<ExitInfo> => {
    killed = true;
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    return exited;
  };

  try {
    const { baseUrl, token } = await ready;
    return {
      url: `${baseUrl}/?token=${token}`,
      baseUrl,
      token,
      dataDir,
      proc,
      exited,
      stderr: () => stderr,
      stop,
      kill,
      get killed() {
        return killed;
      },
    };
  } catch (error) {
    await stop(5_000);
    if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

export const test = base.extend<{ conductor: HeadlessConductor; conductorOptions: StartOptions }>({
  /** How the fixture starts its conductor; set per file or describe with `test.use({ conductorOptions })`. */
  conductorOptions: [{}, { option: true }],
  conductor: async ({ conductorOptions }, use, testInfo) => {
    const conductor = await startHeadlessConductor(conductorOptions);
    try {
      await use(conductor);
    } finally {
      const exit = await conductor.stop();
      if (testInfo.status !== testInfo.expectedStatus) {
        await testInfo.attach('conductor-stderr.log', { body: conductor.stderr(), contentType: 'text/plain' });
      }
      await rm(conductor.dataDir, { recursive: true, force: true });
      if (exit.code !== 0 && !conductor.killed) {
        const how = exit.signal === null ? `with code ${exit.code}` : `by ${exit.signal} (it did not stop on SIGTERM in time)`;
        throw new Error(`the headless conductor exited ${how}; stderr:\n${conductor.stderr()}`);
      }
    }
  },
});

export { expect } from '@playwright/test';
