import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built headless entry; tests run it as a real child process so signals reach it. */
export const HEADLESS_JS = fileURLToPath(new URL('../../../out/main/headless.js', import.meta.url));

export function requireBuild(): void {
  if (!existsSync(HEADLESS_JS)) {
    throw new Error(`${HEADLESS_JS} is missing: run \`npm run build\` first (npm test does it before vitest)`);
  }
}

export interface HeadlessProcess {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or 128 + signal number style text for signals). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the URL from the ready line; rejects if the process exits first or after `timeoutMs`. */
  ready(timeoutMs?: number): Promise<{ url: string; origin: string; port: number; token: string }>;
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const READY = /^Conductor ready: (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]+))$/m;

export function startHeadless(args: string[], env: NodeJS.ProcessEnv = {}): HeadlessProcess {
  requireBuild();
  const proc = spawn(process.execPath, [HEADLESS_JS, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  let err = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    proc.once('exit', (code, signal) => res({ code, signal })),
  );
  let done = false;
  void exited.then(() => (done = true));

  const ready = (timeoutMs = 30_000) =>
    new Promise<{ url: string; origin: string; port: number; token: string }>((res, rej) => {
      const check = () => {
        const m = READY.exec(out);
        if (m) {
          cleanup();
          res({ url: m[1]!, origin: `http://127.0.0.1:${m[2]}`, port: Number(m[2]), token: m[3]! });
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        rej(new Error(`no ready line within ${timeoutMs} ms\nstdout: ${out}\nstderr: ${err}`));
      }, timeoutMs);
      const onExit = () => {
        cleanup();
        rej(new Error(`conductor exited before ready\nstdout: ${out}\nstderr: ${err}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        proc.stdout!.off('data', check);
        proc.off('exit', onExit);
      };
      proc.stdout!.on('data', check);
      proc.once('exit', onExit);
      check();
    });

  const stop = async (signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000) => {
    if (!done) proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    const result = await exited;
    clearTimeout(timer);
    return result;
  };

  return { proc, stdout: () => out, stderr: () => err, exited, ready, stop };
}

/** Runs the CLI to completion (for --version, --dry-run, bad flags). */
export async function runHeadless(args: string[], timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = startHeadless(args);
  const timer = setTimeout(() => p.proc.kill('SIGKILL'), timeoutMs);
  const { code } = await p.exited;
  clearTimeout(timer);
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

export function dataDirFile(dataDir: string, name: string): string {
  return join(dataDir, name);
}
