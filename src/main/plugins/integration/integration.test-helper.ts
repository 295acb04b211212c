/**
 * Shared by the plugin-runtime integration tests: a temp sandbox (plugins folder, data dir,
 * config file), a real in-process Conductor driven through its contract commands, bounded polling,
 * a bounded load generator and process-liveness checks. Real processes, real SQLite; no sleeps.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandName, CommandResult } from '../../../shared/contract';
import type { PluginDetail, PluginSummary } from '../../../shared/domain';
import type { Result } from '../../../shared/result';
import { Conductor, type ConductorOptions } from '../../conductor/conductor';

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const BUNDLED_PLUGINS = join(REPO_ROOT, 'plugins');
export const RUNTIME_JS = join(REPO_ROOT, 'out', 'main', 'plugin-runtime.js');

export function requireRuntimeBuild(): void {
  if (!existsSync(RUNTIME_JS)) {
    throw new Error(`${RUNTIME_JS} is missing: run \`npx electron-vite build\` first (npm test does it before vitest)`);
  }
}

export type Manifest = Record<string, unknown>;

/** Polls `check` every `intervalMs` until it holds (returns its truthy value) or `timeoutMs` passes (throws naming `what`). */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 10_000, intervalMs = 25): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${describe(last)})`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  try {
    return JSON.stringify(value)?.slice(0, 500) ?? String(value);
  } catch {
    return String(value);
  }
}

/** True while `pid` exists and is not a zombie (a zombie has exited; only its parent has not reaped it). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S …": the state follows the last ')' (comm may contain spaces and parentheses).
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** SIGKILLs `pid`'s process group and `pid` itself; never throws. */
export function killHard(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Outcome of one request: its value, or its error code. */
export type Outcome = { ok: true; value: unknown } | { ok: false; code: string; message: string };

/**
 * Sends `total` requests, at most `concurrency` at a time, each as soon as a slot is free.
 * `onSettled(done)` is told after each answer (e.g. to kill something mid-load). Never rejects.
 */
export async function runLoad(total: number, concurrency: number, send: (i: number) => Promise<Outcome>, onSettled?: (done: number) => void): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array<Outcome>(total);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      outcomes[i] = await send(i).catch((error: unknown) => ({ ok: false as const, code: 'THROWN', message: String(error) }));
      done++;
      onSettled?.(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return outcomes;
}

export function codesOf(outcomes: readonly Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) {
    const key = o.ok ? 'ok' : o.code;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

export interface SendArgs {
  capability?: string;
  plugin?: string;
  payload: unknown;
  timeoutMs?: number;
  idempotent?: boolean;
}

/** One in-process Conductor, driven through its contract dispatcher like a binding would. */
export class Harness {
  constructor(readonly conductor: Conductor) {}

  cmd(command: CommandName, args: unknown = {}): Promise<Result<unknown>> {
    return this.conductor.dispatcher.dispatch(command, args, { binding: 'internal' });
  }

  /** The command's value; throws with the error code and message when it fails. */
  async must<C extends CommandName>(command: C, args: unknown = {}): Promise<CommandResult<C>> {
    const result = await this.cmd(command, args);
    if (!result.ok) throw new Error(`${command} ${JSON.stringify(args)} failed: ${result.error.code} ${result.error.message}`);
    return result.value as CommandResult<C>;
  }

  /** `requests:send`, as an outcome (never rejects). */
  async send(args: SendArgs): Promise<Outcome> {
    const result = await this.cmd('requests:send', args);
    if (result.ok) return { ok: true, value: (result.value as { value: unknown }).value };
    return { ok: false, code: result.error.code, message: result.error.message };
  }

  plugin(name: string): Promise<PluginDetail> {
    return this.must('plugins:get', { name });
  }

  async list(): Promise<PluginSummary[]> {
    return (await this.must('plugins:list')).plugins;
  }

  /** Waits until `name` is `ready` with exactly `count` ready instances; returns its detail. */
  waitReady(name: string, count = 1, timeoutMs = 20_000): Promise<PluginDetail> {
    return waitFor(
      async () => {
        const p = await this.plugin(name);
        const ready = p.instances.filter((i) => i.state === 'ready');
        return p.state === 'ready' && ready.length === count && p.instances.length === count ? p : null;
      },
      `${name} to have ${count} ready instance(s)`,
      timeoutMs,
    );
  }

  /** Every plugin process pid the conductor reports now. */
  async pids(): Promise<number[]> {
    const plugins = this.conductor.plugins?.summaries() ?? [];
    return plugins.flatMap((p) => p.instances.map((i) => i.pid)).filter((pid): pid is number => pid !== null);
  }
}

/**
 * A temp folder with `plugins/` (the configured plugin folder), `data/` (the data dir) and a
 * config file; starts Conductors on it and cleans everything up (conductors shut down, leftover
 * plugin processes SIGKILLed, the folder removed).
 */
export class Sandbox {
  readonly root: string;
  readonly pluginsDir: string;
  readonly dataDir: string;
  readonly configPath: string;
  private readonly conductors: Conductor[] = [];
  private readonly seenPids = new Set<number>();

  constructor(prefix: string, config: Record<string, unknown> = {}) {
    requireRuntimeBuild();
    this.root = mkdtempSync(join(tmpdir(), `conductor-it-${prefix}-`));
    this.pluginsDir = join(this.root, 'plugins');
    this.dataDir = join(this.root, 'data');
    this.configPath = join(this.root, 'config.json');
    mkdirSync(this.pluginsDir, { recursive: true });
    const plugins = { dirs: [this.pluginsDir], bundled: false, ...((config.plugins as Record<string, unknown> | undefined) ?? {}) };
    writeFileSync(this.configPath, JSON.stringify({ ...config, plugins }, null, 2));
  }

  /** Copies a bundled example plugin into `dest` (default: the plugins folder) as `as` (default: its name), patching its manifest. */
  copyPlugin(name: string, options: { as?: string; manifest?: Manifest; dest?: string; source?: (text: string) => string } = {}): string {
    const dir = join(options.dest ?? this.pluginsDir, options.as ?? name);
    cpSync(join(BUNDLED_PLUGINS, name), dir, { recursive: true });
    const manifestPath = join(dir, 'plugin.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, ...(options.as ? { name: options.as } : {}), ...options.manifest }, null, 2));
    if (options.source) {
      const entry = join(dir, 'index.mjs');
      writeFileSync(entry, options.source(readFileSync(entry, 'utf8')));
    }
    return dir;
  }

  /** Writes a fixture plugin: `plugin.json` (name, version and entry filled in) and `index.mjs`. */
  writePlugin(name: string, manifest: Manifest, source: string, dest = this.pluginsDir): string {
    const dir = join(dest, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'plugin.json'), JSON.stringify({ name, version: '1.0.0', entry: 'index.mjs', ...manifest }, null, 2));
    writeFileSync(join(dir, 'index.mjs'), source);
    return dir;
  }

  /** Writes a raw `plugin.json` text (for invalid manifests) and an entry. */
  writeRaw(folder: string, manifestText: string, source = 'export default { handle() { return 1; } };\n'): string {
    const dir = join(this.pluginsDir, folder);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'plugin.json'), manifestText);
    writeFileSync(join(dir, 'index.mjs'), source);
    return dir;
  }

  /** Starts a Conductor on this sandbox's data dir and config; `extra` adds options (test hooks). */
  async start(extra: Partial<ConductorOptions> = {}): Promise<Harness> {
    const conductor = this.create(extra);
    await conductor.start();
    return new Harness(conductor);
  }

  /** A Conductor on this sandbox, not started yet (a test may watch its startup); disposed with the sandbox. */
  create(extra: Partial<ConductorOptions> = {}): Conductor {
    const conductor = new Conductor({
      cli: { dataDir: this.dataDir, config: this.configPath, dryRun: false, hidden: false, logLevel: 'info' },
      host: 'headless',
      version: '0.0.0-test',
      bundledPluginsDir: null,
      signals: null,
      console: false,
      pluginRuntimePath: RUNTIME_JS,
      sampler: { sample: async () => ({ cpuPercent: 1, memUsedBytes: 1, memTotalBytes: 2 }) },
      ...extra,
    });
    this.conductors.push(conductor);
    // Remember every plugin pid it ever reports, to SIGKILL leftovers at the end.
    conductor.events.on('status:changed', (status) => {
      for (const p of status.plugins) for (const i of p.instances) if (i.pid !== null) this.seenPids.add(i.pid);
    });
    return conductor;
  }

  /** Shuts a conductor down and checks it went cleanly. */
  async stop(h: Harness, reason = 'test step'): Promise<void> {
    for (const pid of await h.pids()) this.seenPids.add(pid);
    await h.conductor.shutdown(reason);
  }

  trackPid(pid: number): void {
    this.seenPids.add(pid);
  }

  async dispose(): Promise<void> {
    for (const conductor of this.conductors.splice(0)) {
      for (const p of conductor.plugins?.summaries() ?? []) for (const i of p.instances) if (i.pid !== null) this.seenPids.add(i.pid);
      await conductor.shutdown('test over').catch(() => undefined);
    }
    for (const pid of this.seenPids) if (isAlive(pid)) killHard(pid);
    rmSync(this.root, { recursive: true, force: true });
  }
}
