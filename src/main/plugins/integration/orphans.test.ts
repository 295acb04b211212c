/**
 * The REAL headless CLI is SIGKILLed (no handler of it runs): every plugin process — one wedged in
 * a busy loop inside `handle`, one that spawned a grandchild — and the grandchild die within 10 s.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogEntry, PluginSummary } from '../../../shared/domain';
import { startHeadless, type HeadlessProcess } from '../../testing/headless-process';
import { isAlive, killHard, Sandbox, waitFor } from './integration.test-helper';

const BUSY = `
export default {
  handle(payload, ctx) {
    ctx.log.warn('busy: about to spin');
    // The log line is flushed on this tick's setImmediate, queued before ours: it leaves first.
    setImmediate(() => { for (;;) { /* wedged for good */ } });
    return new Promise(() => {});
  },
};
`;

const SPAWNER = `
import { spawn } from 'node:child_process';
let sleeper;
export default {
  activate(ctx) {
    sleeper = spawn('sleep', ['1000'], { stdio: 'ignore' });
    ctx.log.warn('spawner: grandchild ' + sleeper.pid);
  },
  handle() { return { grandchild: sleeper.pid }; },
  deactivate() { sleeper.kill(); },
};
`;

describe('orphans (real headless CLI, SIGKILL)', () => {
  let box: Sandbox | null = null;
  let conductor: HeadlessProcess | null = null;
  const victims: number[] = [];

  afterEach(async () => {
    if (conductor) await conductor.stop('SIGKILL');
    conductor = null;
    for (const pid of victims.splice(0)) if (isAlive(pid)) killHard(pid);
    await box?.dispose();
    box = null;
  });

  it('every plugin process and the grandchild die within 10 s of the conductor being SIGKILLed', async () => {
    box = new Sandbox('orphans');
    box.writePlugin('busy', { capabilities: ['test.busy'] }, BUSY);
    box.writePlugin('spawner', { capabilities: ['test.spawner'] }, SPAWNER);
    conductor = startHeadless(['--config', box.configPath, '--data-dir', box.dataDir, '--port', '0', '--log-level', 'warn']);
    const { origin, token } = await conductor.ready(30_000);
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const command = async (name: string, args: unknown) => {
      const res = await fetch(`${origin}/api/v1/commands/${name}`, { method: 'POST', headers, body: JSON.stringify(args) });
      return (await res.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
    };
    const plugins = async () => {
      const res = await fetch(`${origin}/api/v1/plugins`, { headers });
      return ((await res.json()) as { value: { plugins: PluginSummary[] } }).value.plugins;
    };
    const logLine = (plugin: string, text: string) =>
      waitFor(
        async () => {
          const r = await command('logs:query', { plugin, text });
          return r.ok ? (r.value as { entries: LogEntry[] }).entries[0] : undefined;
        },
        `"${text}" in ${plugin}'s log`,
        15_000,
      );

    const list = await waitFor(async () => {
      const all = await plugins();
      return all.length === 2 && all.every((p) => p.state === 'ready' && p.instances.length === 1 && p.instances[0]!.state === 'ready') ? all : null;
    }, 'both plugins ready', 20_000);
    const pluginPids = list.map((p) => p.instances[0]!.pid!);
    victims.push(...pluginPids);
    expect(pluginPids.every((pid) => typeof pid === 'number' && pid !== conductor!.proc.pid)).toBe(true);

    const grandchild = Number(/grandchild (\d+)/.exec((await logLine('spawner', 'spawner: grandchild')).message)![1]);
    victims.push(grandchild);

    // Wedge the busy plugin: its request is never answered, so it is not awaited.
    void fetch(`${origin}/api/v1/requests`, { method: 'POST', headers, body: JSON.stringify({ plugin: 'busy', payload: {}, timeoutMs: 600_000 }) }).catch(() => undefined);
    await logLine('busy', 'busy: about to spin');
    // And it really spins: its CPU time keeps growing (≥ 100 ms of it), so its event loop is wedged.
    const busyPid = list.find((p) => p.name === 'busy')!.instances[0]!.pid!;
    const cpuTicks = () => {
      const stat = readFileSync(`/proc/${busyPid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (1/100 s)
    };
    const ticks0 = cpuTicks();
    await waitFor(() => cpuTicks() - ticks0 >= 10, 'the busy plugin to burn CPU', 10_000, 50);

    const all = [...pluginPids, grandchild];
    expect(all.map((pid) => isAlive(pid))).toEqual(all.map(() => true));

    await conductor.stop('SIGKILL');
    const started = Date.now();
    await waitFor(() => all.every((pid) => !isAlive(pid)), `plugin pids ${pluginPids.join(', ')} and grandchild ${grandchild} to die`, 10_000, 50);
    expect(Date.now() - started).toBeLessThanOrEqual(10_000);
  });
});
