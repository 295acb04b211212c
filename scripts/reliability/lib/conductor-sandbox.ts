/**
 * A real headless conductor (child process, `out/main/headless.js`) on a temp sandbox: a plugins
 * folder with copies of the bundled examples (manifests patched, e.g. the crash-loop limit
 * raised), a data dir and a config file. `ApiClient` talks to it over loopback HTTP with the
 * bearer token. The sandbox remembers every pid it ever saw (conductors and plugin instances)
 * so `dispose()` can SIGKILL leftovers even when a run fails, and `orphans()` can check that
 * nothing outlived a shutdown.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PluginSummary } from '../../../src/shared/domain';
import { startHeadless, type HeadlessProcess } from '../../../src/main/testing/headless-process';
import { identify, killIdentity, waitAllGone, type ProcessIdentity } from './procfs';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BUNDLED_PLUGINS = join(REPO_ROOT, 'plugins');

export type Envelope<T = unknown> = { ok: true; value: T } | { ok: false; error: { code: string; message: string; details?: unknown } };

/** One request's outcome as the caller saw it. */
export type Outcome = { ok: true; value: unknown } | { ok: false; code: string; message: string };

export interface SendArgs {
  capability?: string;
  plugin?: string;
  payload: unknown;
  timeoutMs?: number;
  idempotent?: boolean;
}

/** The conductor's HTTP API on loopback, bearer-token authenticated. Every call is bounded in time. */
export class ApiClient {
  private readonly headers: Record<string, string>;

  constructor(
    readonly origin: string,
    token: string,
    private readonly onPlugins: (plugins: PluginSummary[]) => void = () => undefined,
  ) {
    this.headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  }

  async post<T = unknown>(path: string, body: unknown, timeoutMs = 30_000): Promise<Envelope<T>> {
    const res = await fetch(`${this.origin}${path}`, { method: 'POST', headers: this.headers, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
    return (await res.json()) as Envelope<T>;
  }

  async get<T = unknown>(path: string, timeoutMs = 30_000): Promise<Envelope<T>> {
    const res = await fetch(`${this.origin}${path}`, { headers: this.headers, signal: AbortSignal.timeout(timeoutMs) });
    return (await res.json()) as Envelope<T>;
  }

  command<T = unknown>(name: string, args: unknown = {}, timeoutMs?: number): Promise<Envelope<T>> {
    return this.post<T>(`/api/v1/commands/${name}`, args, timeoutMs);
  }

  /** The command's value; throws naming the code when it fails. */
  async must<T = unknown>(name: string, args: unknown = {}): Promise<T> {
    const r = await this.command<T>(name, args);
    if (!r.ok) throw new Error(`${name} ${JSON.stringify(args)} failed: ${r.error.code} ${r.error.message}`);
    return r.value;
  }

  /** `POST /api/v1/requests`, as an outcome; a transport failure (conductor gone) is code `TRANSPORT`. */
  async send(args: SendArgs, timeoutMs = 30_000): Promise<Outcome> {
    try {
      const r = await this.post<{ value: unknown }>('/api/v1/requests', args, timeoutMs);
      return r.ok ? { ok: true, value: r.value.value } : { ok: false, code: r.error.code, message: r.error.message };
    } catch (error) {
      return { ok: false, code: 'TRANSPORT', message: error instanceof Error ? `${error.message}${error.cause ? ` (${String(error.cause)})` : ''}` : String(error) };
    }
  }

  /** `GET /api/v1/plugins`. */
  async plugins(timeoutMs = 10_000): Promise<PluginSummary[]> {
    const r = await this.get<{ plugins: PluginSummary[] }>('/api/v1/plugins', timeoutMs);
    if (!r.ok) throw new Error(`GET /api/v1/plugins failed: ${r.error.code} ${r.error.message}`);
    this.onPlugins(r.value.plugins);
    return r.value.plugins;
  }

  /** `GET /metrics` (Prometheus text). */
  async metrics(timeoutMs = 10_000): Promise<string> {
    const res = await fetch(`${this.origin}/metrics`, { headers: this.headers, signal: AbortSignal.timeout(timeoutMs) });
    return res.text();
  }
}

/** The value of an unlabelled sample `name` in a Prometheus text exposition, or null. */
export function metricValue(text: string, name: string): number | null {
  const m = new RegExp(`^${name} ([^\\s]+)`, 'm').exec(text);
  return m ? Number(m[1]) : null;
}

export interface RunningConductor {
  proc: HeadlessProcess;
  pid: number;
  api: ApiClient;
  origin: string;
  token: string;
}

/** True when `name` is `ready` with exactly `count` ready instances (none of them `exclude`). */
export function fullyReady(p: PluginSummary | undefined, count: number, exclude?: number): boolean {
  if (!p || p.state !== 'ready' || p.instances.length !== count) return false;
  return p.instances.every((i) => i.state === 'ready' && i.pid !== null && i.pid !== exclude);
}

/** Polls `check` until it holds (returns its truthy value) or `timeoutMs` passes (throws naming `what`). */
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
    if (Date.now() >= until) {
      const text = last instanceof Error ? last.message : JSON.stringify(last)?.slice(0, 300);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${text})`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export class ConductorSandbox {
  readonly root: string;
  readonly pluginsDir: string;
  readonly dataDir: string;
  readonly configPath: string;
  /** Every process seen (conductors and plugin instances), by pid, with its start time. */
  readonly seen = new Map<number, ProcessIdentity>();
  readonly conductorPids = new Set<number>();
  private readonly running = new Set<HeadlessProcess>();

  constructor(prefix: string, config: Record<string, unknown> = {}) {
    this.root = mkdtempSync(join(tmpdir(), `conductor-rel-${prefix}-`));
    this.pluginsDir = join(this.root, 'plugins');
    this.dataDir = join(this.root, 'data');
    this.configPath = join(this.root, 'config.json');
    mkdirSync(this.pluginsDir, { recursive: true });
    const plugins = { dirs: [this.pluginsDir], bundled: false };
    writeFileSync(this.configPath, JSON.stringify({ ...config, plugins }, null, 2));
  }

  /** Copies a bundled example plugin as `as` (default: its name), merging `manifest` into its plugin.json. */
  copyPlugin(name: string, options: { as?: string; manifest?: Record<string, unknown> } = {}): string {
    const dir = join(this.pluginsDir, options.as ?? name);
    cpSync(join(BUNDLED_PLUGINS, name), dir, { recursive: true });
    const manifestPath = join(dir, 'plugin.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, ...(options.as ? { name: options.as } : {}), ...options.manifest }, null, 2));
    return dir;
  }

  /** Writes a fixture plugin: `plugin.json` (name, version and entry filled in) and `index.mjs`. */
  writePlugin(name: string, manifest: Record<string, unknown>, source: string): string {
    const dir = join(this.pluginsDir, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'plugin.json'), JSON.stringify({ name, version: '1.0.0', entry: 'index.mjs', ...manifest }, null, 2));
    writeFileSync(join(dir, 'index.mjs'), source);
    return dir;
  }

  /** Spawns `node out/main/headless.js` on this sandbox (tracked for cleanup); does not wait. */
  launch(extraArgs: string[] = []): HeadlessProcess {
    const proc = startHeadless(['--config', this.configPath, '--data-dir', this.dataDir, '--port', '0', '--log-level', 'warn', ...extraArgs]);
    this.running.add(proc);
    void proc.exited.then(() => this.running.delete(proc));
    const pid = proc.proc.pid!;
    this.track(pid);
    this.conductorPids.add(pid);
    return proc;
  }

  /** Launches a conductor and waits for its ready line. */
  async start(extraArgs: string[] = [], readyTimeoutMs = 60_000): Promise<RunningConductor> {
    return this.attach(this.launch(extraArgs), readyTimeoutMs);
  }

  /** Waits for a launched conductor's ready line; its API client records every plugin pid it lists. */
  async attach(proc: HeadlessProcess, readyTimeoutMs = 60_000): Promise<RunningConductor> {
    const { origin, token } = await proc.ready(readyTimeoutMs);
    const api = new ApiClient(origin, token, (plugins) => this.notePlugins(plugins));
    return { proc, pid: proc.proc.pid!, api, origin, token };
  }

  /** Remembers `pid` (with its start time, so a reused pid is never mistaken for it). */
  track(pid: number): void {
    const id = identify(pid);
    if (id) this.seen.set(pid, id);
  }

  notePlugins(plugins: readonly PluginSummary[]): void {
    for (const p of plugins) for (const i of p.instances) if (i.pid !== null) this.track(i.pid);
  }

  /** Plugin-instance pids seen so far. */
  get pluginPids(): number[] {
    return [...this.seen.keys()].filter((pid) => !this.conductorPids.has(pid));
  }

  /** After every conductor has exited: the processes still alive after polling up to `timeoutMs`. */
  async orphans(timeoutMs = 10_000): Promise<number[]> {
    return (await waitAllGone(this.seen.values(), timeoutMs)).map((id) => id.pid);
  }

  /** SIGKILLs every conductor still running and every process ever seen, then removes the folder. Never throws. */
  async dispose(): Promise<void> {
    for (const proc of [...this.running]) await proc.stop('SIGKILL', 5_000).catch(() => undefined);
    for (const id of this.seen.values()) killIdentity(id);
    await waitAllGone(this.seen.values(), 5_000);
    rmSync(this.root, { recursive: true, force: true });
  }
}
