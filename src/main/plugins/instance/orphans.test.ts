/**
 * The conductor is SIGKILLed: no plugin process, nor what a plugin spawned, may survive it — even
 * when the plugin's event loop is wedged (see runtime/orphan-watchdog.ts).
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, REPO_ROOT, RUNTIME_JS, isAlive, requireRuntimeBuild, waitFor } from './instance.test-helper';

const cleanup: number[] = [];
afterEach(() => {
  for (const pid of cleanup.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

describe('orphans', () => {
  it('when the conductor is SIGKILLed, every plugin process and grandchild dies within 10 s', async () => {
    requireRuntimeBuild();
    const parent = spawn(process.execPath, ['--import', 'tsx', `${FIXTURES}orphan-parent.ts`, RUNTIME_JS], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanup.push(parent.pid!);
    let out = '';
    let err = '';
    parent.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    parent.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    await waitFor(() => out.includes('\n') || parent.exitCode !== null, `the parent's report (stderr: ${err})`, 20_000);
    const report = JSON.parse(out.split('\n')[0]!) as { pids: number[]; grandchild: number };
    const victims = [...report.pids, report.grandchild];
    cleanup.push(...victims);
    expect(victims.every((pid) => isAlive(pid))).toBe(true);

    const exited = new Promise((resolve) => parent.once('exit', resolve));
    parent.kill('SIGKILL');
    await exited;
    await waitFor(() => victims.every((pid) => !isAlive(pid)), `plugin pids ${victims.join(', ')} to die`, 10_000);
  });
});
