import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { clockTicksPerSecond, createProcessSampler, parseProcStat } from './process-sampler';

const children: ChildProcess[] = [];

function start(command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { stdio: 'ignore' });
  children.push(child);
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

afterEach(async () => {
  await Promise.all(children.splice(0).map(stop));
});

/** A measuring window (CPU% needs wall time to pass), not a synchronisation sleep. */
const measure = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(process.platform === 'linux')('process sampler on Linux (/proc)', () => {
  it('shows a busy child near one core, an idle one near zero, RSS for both, and drops a dead pid', async () => {
    const busy = start('sh', ['-c', 'while :; do :; done']);
    const idle = start('sleep', ['30']);
    const sampler = createProcessSampler();
    const pids = [busy.pid!, idle.pid!];
    await sampler.sampleProcesses(pids);
    await measure(1000);
    const usage = await sampler.sampleProcesses(pids);
    // "High" is relative: this 2-core machine is shared (load average above 6 at times), so a busy
    // loop may get a third of a core; the idle one gets nothing at all.
    expect(usage.get(busy.pid!)!.cpuPercent).toBeGreaterThan(10);
    expect(usage.get(busy.pid!)!.cpuPercent).toBeLessThan(110); // one thread: at most one core (+ tick rounding)
    expect(usage.get(idle.pid!)!.cpuPercent).toBeLessThan(5);
    expect(usage.get(busy.pid!)!.rssBytes).toBeGreaterThan(0);
    expect(usage.get(idle.pid!)!.rssBytes).toBeGreaterThan(0);

    await stop(busy);
    const after = await sampler.sampleProcesses(pids);
    expect(after.has(busy.pid!)).toBe(false);
    expect(after.has(idle.pid!)).toBe(true);
  });

  it('reports a first sight as the average since the process started', async () => {
    const busy = start('sh', ['-c', 'while :; do :; done']);
    await measure(500);
    const usage = await createProcessSampler().sampleProcesses([busy.pid!]);
    expect(usage.get(busy.pid!)!.cpuPercent).toBeGreaterThan(5);
  });

  it('ignores pids that never existed and bad pids', async () => {
    const usage = await createProcessSampler().sampleProcesses([2 ** 22 + 12_345, -1, 0, 1.5]);
    expect(usage.size).toBe(0);
  });

  it('reads CLK_TCK once', () => {
    expect(clockTicksPerSecond()).toBeGreaterThan(0);
    expect(clockTicksPerSecond()).toBe(clockTicksPerSecond());
  });
});

describe('process sampler through systeminformation (the non-Linux path)', () => {
  it('finds a child by pid with its RSS, and drops it once dead', async () => {
    const idle = start('sleep', ['30']);
    const sampler = createProcessSampler({ platform: 'darwin' });
    const usage = await sampler.sampleProcesses([idle.pid!, 2 ** 22 + 12_345]);
    expect([...usage.keys()]).toEqual([idle.pid!]);
    expect(usage.get(idle.pid!)!.rssBytes).toBeGreaterThan(0);
    expect(usage.get(idle.pid!)!.cpuPercent).toBeGreaterThanOrEqual(0);
    await stop(idle);
    await measure(600); // systeminformation answers calls under 500 ms apart from its cache
    expect((await sampler.sampleProcesses([idle.pid!])).size).toBe(0);
  });
});

describe('parseProcStat', () => {
  const status = 'Name:\tx\nState:\tS (sleeping)\nVmRSS:\t    2048 kB\n';
  // Fields after the command: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime prio nice threads itreal starttime …
  const tail = 'S 1 1 1 0 -1 4194304 100 0 0 0 150 50 0 0 20 0 1 0 777 1000 100';

  it('counts fields from the last parenthesis, whatever the command name holds', () => {
    expect(parseProcStat(`42 (my (odd) name) ${tail}`, status)).toEqual({ cpuTicks: 200, startTicks: 777, rssBytes: 2048 * 1024 });
  });

  it('treats zombies, missing VmRSS and garbage as gone', () => {
    expect(parseProcStat(`42 (x) Z${tail.slice(1)}`, status)).toBeNull();
    expect(parseProcStat(`42 (x) ${tail}`, 'Name:\tx\n')).toBeNull();
    expect(parseProcStat('nonsense', status)).toBeNull();
  });
});

describe('createProcessSampler options', () => {
  it.each([
    [{ platform: '' as NodeJS.Platform }, 'platform'],
    [{ procRoot: '' }, 'procRoot'],
    [{ clockTicksPerSecond: 0 }, 'clockTicksPerSecond'],
    [{ clock: {} as ManualClock }, 'clock'],
  ])('rejects %j naming %s', (options, name) => {
    expect(() => createProcessSampler(options)).toThrow(`ProcessSamplerOptions.${name}`);
  });

  it('measures CPU over the injected clock and a fake procfs', async () => {
    const { mkdtemp, mkdir, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const root = await mkdtemp(join(tmpdir(), 'proc-'));
    try {
      await mkdir(join(root, '7'));
      const write = (ticks: number): Promise<void> =>
        writeFile(join(root, '7', 'stat'), `7 (w) S 1 1 1 0 -1 0 0 0 0 0 ${ticks} 0 0 0 20 0 1 0 500 0 0`);
      await writeFile(join(root, '7', 'status'), 'VmRSS:\t100 kB\n');
      await writeFile(join(root, 'uptime'), '15.00 20.00\n');
      await write(250);
      const clock = new ManualClock(0);
      const sampler = createProcessSampler({ platform: 'linux', procRoot: root, clockTicksPerSecond: 100, clock });
      // First sight: 2.5 s of CPU over the 10 s since it started (uptime 15 s − start 5 s).
      expect((await sampler.sampleProcesses([7])).get(7)).toEqual({ cpuPercent: 25, rssBytes: 102_400 });
      await write(400); // +1.5 s of CPU …
      clock.advance(2000); // … over 2 s of wall time
      expect((await sampler.sampleProcesses([7])).get(7)!.cpuPercent).toBe(75);
      // Sampling other pids in between does not lose pid 7's baseline.
      await sampler.sampleProcesses([8]);
      await write(500);
      clock.advance(1000);
      expect((await sampler.sampleProcesses([7])).get(7)!.cpuPercent).toBe(100);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
