/**
 * A `runtime: "command"` instance: any executable (a Python bot, a model server), supervised like
 * a node instance — its own process group, stdout/stderr captured to the plugin's log, the same
 * restart policy, breaker and quarantine (the manager treats it like any instance), probes by
 * process liveness plus an optional HTTP GET or TCP connect on loopback, SIGTERM then SIGKILL of
 * the group at the deadline. Requests are POSTed as JSON to its declared loopback URL.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { isAbsolute, join } from 'node:path';
import { ConductorError } from '../../../shared/result';
import type { Clock } from '../../common/clock';
import { toDisposable, type Disposable } from '../../common/disposable';
import type { CallOptions, InstanceExit, InstanceHost, InstanceState, PluginInstance } from '../instance-types';
import type { InstanceVitals } from '../instance/child-instance';
import { childEnvironment } from '../instance/instance-options';
import { LineRing, readLines } from '../instance/output-lines';
import type { PluginManifest } from '../manifest';
import { ChunkStream } from '../chunk-stream';

export interface CommandInstanceOptions {
  id: string;
  plugin: string;
  /** The plugin folder (absolute). */
  dir: string;
  command: NonNullable<PluginManifest['command']>;
  /** Declared env values (and secrets) for the process. */
  env: Record<string, string>;
  host: InstanceHost;
  clock: Clock;
  /** Not ready within this: the start fails (and counts as a crash). */
  startTimeoutMs: number;
}

/** How often a starting instance is checked for readiness. */
const READY_POLL_MS = 100;
/** After SIGKILL, how long to wait for the exit before giving up on it. */
const KILL_GIVE_UP_MS = 5_000;
const SERVING: ReadonlySet<InstanceState> = new Set<InstanceState>(['ready', 'degraded', 'unready']);

/** A free loopback port, chosen by the OS (released again before the plugin binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

let pdeathsigWrapper: string | null | undefined;
/**
 * Linux: `setpriv --pdeathsig KILL` makes the kernel kill the command if the conductor dies
 * without stopping it (kill -9), so no orphan survives it. Null where setpriv is missing.
 */
function deathSignalWrapper(): string | null {
  if (pdeathsigWrapper !== undefined) return pdeathsigWrapper;
  pdeathsigWrapper = null;
  if (process.platform === 'linux') {
    const probe = spawnSync('setpriv', ['--pdeathsig', 'KILL', 'true'], { stdio: 'ignore', timeout: 5_000 });
    if (probe.status === 0) pdeathsigWrapper = 'setpriv';
  }
  return pdeathsigWrapper;
}

export class CommandInstance implements PluginInstance, InstanceVitals {
  readonly id: string;
  readonly plugin: string;
  readonly threadId = null;
  private currentState: InstanceState = 'starting';
  private child: ChildProcess | null = null;
  private port: number | null = null;
  private url: string | null = null;
  private healthUrl: string | null = null;
  private started = false;
  private exited = false;
  private stopRequested = false;
  private exitInfo: InstanceExit | null = null;
  private readonly lastLines = new LineRing(50);
  private readonly stateListeners = new Set<(state: InstanceState, previous: InstanceState) => void>();
  private readonly exitListeners = new Set<(exit: InstanceExit) => void>();
  private readonly exitWaiters = new Set<() => void>();
  private readonly inFlightCalls = new Set<AbortController>();
  private inFlightCount = 0;
  private servedCount = 0;
  private errorCount = 0;
  private startedAtMs: number | null = null;
  private heartbeatAt: number | null = null;
  private lastMemory: { rss: number; heapUsed: number } | null = null;

  constructor(private readonly options: CommandInstanceOptions) {
    this.id = options.id;
    this.plugin = options.plugin;
  }

  get state(): InstanceState {
    return this.currentState;
  }
  get pid(): number | null {
    return this.child?.pid ?? null;
  }
  get startedAt(): number | null {
    return this.startedAtMs;
  }
  get inFlight(): number {
    return this.inFlightCount;
  }
  get served(): number {
    return this.servedCount;
  }
  get errors(): number {
    return this.errorCount;
  }
  get lastHeartbeatAt(): number | null {
    return this.heartbeatAt;
  }
  get memory(): { rss: number; heapUsed: number } | null {
    return this.lastMemory;
  }
  /** The port it was given (null without one). */
  get assignedPort(): number | null {
    return this.port;
  }

  async start(): Promise<void> {
    if (this.started) throw new Error(`${this.id}: already started`);
    this.started = true;
    const c = this.options.command;
    if (c.port === 'auto') this.port = await freePort();
    else if (typeof c.port === 'number') this.port = c.port;
    const fill = (text: string) => (this.port === null ? text : text.replaceAll('{port}', String(this.port)));
    this.url = c.url ? fill(c.url) : null;
    this.healthUrl = c.healthUrl ? fill(c.healthUrl) : null;
    const env: Record<string, string> = { ...this.options.env };
    if (this.port !== null) env[c.portEnv] = String(this.port);
    const cwd = c.cwd ? join(this.options.dir, c.cwd) : this.options.dir;
    // A path with a slash is relative to the plugin folder; a bare name is looked up on PATH.
    const exec = c.exec.includes('/') && !isAbsolute(c.exec) ? join(this.options.dir, c.exec) : c.exec;
    const args = c.args.map(fill);
    const wrapper = deathSignalWrapper();
    const [file, argv] = wrapper ? [wrapper, ['--pdeathsig', 'KILL', exec, ...args]] : [exec, args];

    const child = spawn(file, argv, { cwd, env: childEnvironment(env), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.startedAtMs = this.options.clock.now();
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (error) => reject(new Error(`cannot run ${c.exec}: ${error.message}`)));
    });
    const output = Promise.all([
      readLines(child.stdout!, (line) => this.output('info', line)),
      readLines(child.stderr!, (line) => this.output('warn', line)),
    ]);
    child.once('exit', (code, signal) => {
      // The last lines may still be in the pipes: read them before reporting the exit.
      void output.then(() => this.handleExit(code, signal));
    });
    await spawned;
    await this.waitReady();
  }

  private output(level: 'info' | 'warn', line: string): void {
    this.lastLines.push(line);
    this.options.host.log({ level, message: line, plugin: this.plugin, instance: this.id, ts: this.options.clock.now() });
  }

  /** Ready when the health URL answers 2xx, else when the port accepts, else once running. */
  private async waitReady(): Promise<void> {
    const until = this.options.clock.now() + this.options.startTimeoutMs;
    for (;;) {
      if (this.exited) throw new Error(`exited before it was ready${this.describeExit()}`);
      const check = await this.probeOnce(Math.min(1_000, this.options.startTimeoutMs)).then(
        () => true,
        () => false,
      );
      if (this.exited) throw new Error(`exited before it was ready${this.describeExit()}`);
      if (check) break;
      if (this.options.clock.now() >= until) {
        this.kill();
        throw new Error(`not ready within ${this.options.startTimeoutMs} ms (${this.healthUrl ? `GET ${this.healthUrl}` : `port ${this.port}`} did not answer)`);
      }
      await new Promise<void>((resolve) => {
        const t = this.options.clock.setTimeout(resolve, READY_POLL_MS);
        this.exitWaiters.add(() => {
          t.dispose();
          resolve();
        });
      });
    }
    this.setState('ready');
  }

  private describeExit(): string {
    const e = this.exitInfo;
    if (!e) return '';
    const last = e.lastLines.at(-1);
    return ` (${e.signal ? `signal ${e.signal}` : `exit code ${e.code}`}${last ? `; last line: ${last}` : ''})`;
  }

  /** One readiness/liveness check: GET healthUrl, or connect to the port, or the process is alive. */
  private async probeOnce(timeoutMs: number): Promise<{ status: 'ok' | 'degraded' | 'down'; message?: string }> {
    if (this.healthUrl) {
      const res = await fetch(this.healthUrl, { signal: AbortSignal.timeout(timeoutMs) });
      const text = await res.text();
      if (!res.ok) throw new Error(`GET ${this.healthUrl} answered ${res.status}`);
      try {
        const body = JSON.parse(text) as { status?: unknown; message?: unknown };
        if (body.status === 'degraded' || body.status === 'down') return { status: body.status, ...(typeof body.message === 'string' ? { message: body.message } : {}) };
      } catch {
        // Any 2xx body is healthy.
      }
      return { status: 'ok' };
    }
    if (this.port !== null) {
      await tcpConnect(this.port, timeoutMs);
      return { status: 'ok' };
    }
    if (!this.isAlive()) throw new Error('the process is gone');
    return { status: 'ok' };
  }

  private isAlive(): boolean {
    const pid = this.pid;
    if (pid === null || this.exited) return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  call(payload: unknown, options: CallOptions): Promise<unknown> {
    if (!SERVING.has(this.currentState)) return Promise.reject(new ConductorError('E_CONFLICT', `${this.id} is ${this.currentState}`));
    if (!this.url) return Promise.reject(new ConductorError('E_PLUGIN_ERROR', `${this.plugin} serves no requests: its manifest has no command.url`));
    const remaining = options.deadline - this.options.clock.now();
    if (remaining <= 0) return Promise.reject(new ConductorError('E_TIMEOUT', 'the deadline passed before the call was sent'));
    return this.post(this.url, payload, remaining, options);
  }

  private async post(url: string, payload: unknown, timeoutMs: number, options: CallOptions): Promise<unknown> {
    const controller = new AbortController();
    const timer = this.options.clock.setTimeout(() => controller.abort(new ConductorError('E_TIMEOUT', `no answer within ${timeoutMs} ms`)), timeoutMs);
    const onCallerAbort = () => controller.abort(options.signal?.reason ?? new ConductorError('E_TIMEOUT', 'the call was cancelled by the caller'));
    options.signal?.addEventListener('abort', onCallerAbort, { once: true });
    this.inFlightCalls.add(controller);
    this.inFlightCount++;
    let finished = false;
    const finish = (ok: boolean) => {
      if (finished) return;
      finished = true;
      timer.dispose();
      options.signal?.removeEventListener('abort', onCallerAbort);
      this.inFlightCalls.delete(controller);
      this.inFlightCount--;
      if (ok) this.servedCount++;
      else this.errorCount++;
    };
    const failure = (error: unknown): ConductorError => {
      if (error instanceof ConductorError) return error;
      if (controller.signal.aborted) return controller.signal.reason instanceof ConductorError ? controller.signal.reason : new ConductorError('E_TIMEOUT', 'the call was aborted');
      // The connection failed: the process died with the call in flight, or is not listening.
      if (this.exited || !this.isAlive()) return new ConductorError('E_PLUGIN_CRASHED', `${this.id} exited with the request in flight${this.describeExit()}`);
      return new ConductorError('E_PLUGIN_ERROR', `${this.plugin} did not answer at ${url}: ${causeOf(error)}`);
    };
    let streaming = false;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, application/x-ndjson',
          'x-conductor-deadline': String(options.deadline),
          ...(options.capability ? { 'x-conductor-capability': options.capability } : {}),
        },
        body: JSON.stringify(payload ?? null),
        signal: controller.signal,
      });
      const type = res.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
      if (res.ok && res.body && (type === 'application/x-ndjson' || type === 'application/ndjson')) {
        streaming = true;
        return ndjsonStream(res.body, controller, (ok, error) => {
          finish(ok);
          return error === undefined ? undefined : failure(error);
        });
      }
      const text = await res.text();
      const value = parseAnswer(text, res.headers.get('content-type'));
      if (!res.ok) {
        const message = (value as { error?: { message?: unknown } } | null)?.error?.message;
        throw new ConductorError('E_PLUGIN_ERROR', typeof message === 'string' ? message : `the plugin answered HTTP ${res.status}${text ? `: ${text.slice(0, 500)}` : ''}`);
      }
      finish(true);
      return value;
    } catch (error) {
      if (!streaming) finish(false);
      throw failure(error);
    }
  }

  setReadiness(next: 'ready' | 'degraded' | 'unready'): void {
    if (SERVING.has(this.currentState)) this.setState(next);
  }

  drain(): void {
    if (SERVING.has(this.currentState) || this.currentState === 'starting') this.setState('draining');
  }

  async stop(options: { deadline: number }): Promise<void> {
    this.stopRequested = true;
    if (this.exited || !this.child) {
      if (!this.exited) this.setState('stopped');
      return;
    }
    this.drain();
    this.signalGroup('SIGTERM');
    const remaining = options.deadline - this.options.clock.now();
    if (!(await this.waitExit(Math.max(0, remaining)))) {
      this.options.host.log({ level: 'warn', message: `${this.id} did not stop within the deadline after SIGTERM; sending SIGKILL to its process group`, plugin: this.plugin, instance: this.id, ts: this.options.clock.now() });
      this.signalGroup('SIGKILL');
      await this.waitExit(KILL_GIVE_UP_MS);
    }
  }

  kill(): void {
    this.signalGroup('SIGKILL');
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.pid;
    if (pid === null || this.exited) return;
    try {
      process.kill(-pid, signal);
    } catch {
      try {
        process.kill(pid, signal);
      } catch {
        // Already gone.
      }
    }
  }

  private killGroupRemnants(): void {
    const pid = this.pid;
    if (pid === null) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // No one left in the group.
    }
  }

  private waitExit(ms: number): Promise<boolean> {
    if (this.exited) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = this.options.clock.setTimeout(() => {
        this.exitWaiters.delete(done);
        resolve(false);
      }, ms);
      const done = () => {
        timer.dispose();
        resolve(true);
      };
      this.exitWaiters.add(done);
    });
  }

  async ping(timeoutMs: number): Promise<number> {
    const t0 = performance.now();
    if (this.options.command.tcpProbe && this.port !== null) await tcpConnect(this.port, timeoutMs);
    else if (this.healthUrl) await this.probeOnce(timeoutMs);
    else if (!this.isAlive()) throw new Error('the process is gone');
    this.heartbeatAt = this.options.clock.now();
    this.lastMemory = readRss(this.pid);
    return performance.now() - t0;
  }

  checkHealth(timeoutMs: number): Promise<{ status: 'ok' | 'degraded' | 'down'; message?: string }> {
    return this.healthUrl ? this.probeOnce(timeoutMs).catch((error: unknown) => ({ status: 'down' as const, message: causeOf(error) })) : Promise.resolve({ status: 'ok' as const });
  }

  onStateChange(listener: (state: InstanceState, previous: InstanceState) => void): Disposable {
    this.stateListeners.add(listener);
    return toDisposable(() => this.stateListeners.delete(listener));
  }

  onExit(listener: (exit: InstanceExit) => void): Disposable {
    this.exitListeners.add(listener);
    return toDisposable(() => this.exitListeners.delete(listener));
  }

  private setState(next: InstanceState): void {
    const previous = this.currentState;
    if (previous === next || previous === 'stopped' || previous === 'crashed') return;
    this.currentState = next;
    for (const l of [...this.stateListeners]) l(next, previous);
  }

  private handleExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.exited) return;
    this.exited = true;
    const exit: InstanceExit = { code, signal, expected: this.stopRequested, lastLines: this.lastLines.toArray() };
    this.exitInfo = exit;
    // Whatever it started in its process group goes with it: no orphans.
    this.killGroupRemnants();
    // Calls still in flight fail now (their fetch would only see a reset).
    for (const c of this.inFlightCalls) c.abort(new ConductorError('E_PLUGIN_CRASHED', `${this.id} exited with the request in flight${this.describeExit()}`));
    this.setState(this.stopRequested ? 'stopped' : 'crashed');
    for (const w of [...this.exitWaiters]) w();
    this.exitWaiters.clear();
    for (const l of [...this.exitListeners]) l(exit);
  }
}

/**
 * An NDJSON body as a ChunkStream: lines are parsed as they arrive, and the body is read only
 * while the reader has credit, so a slow reader slows the plugin (TCP backpressure).
 */
function ndjsonStream(
  body: ReadableStream<Uint8Array>,
  controller: AbortController,
  done: (ok: boolean, error?: unknown) => ConductorError | undefined,
): ChunkStream {
  const stream = new ChunkStream();
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const lines: unknown[] = [];
  let partial = '';
  let credit = 0;
  let pumping = false;
  let ended = false;
  const close = (error?: unknown) => {
    if (ended) return;
    ended = true;
    const mapped = done(error === undefined, error);
    if (mapped) stream.fail(mapped);
    else stream.end();
  };
  const pump = async () => {
    if (pumping || ended) return;
    pumping = true;
    try {
      while (credit > 0 && !ended) {
        if (lines.length > 0) {
          stream.push(lines.shift());
          credit--;
          continue;
        }
        const { done: eof, value } = await reader.read();
        if (eof) {
          const rest = (partial + decoder.decode()).trim();
          partial = '';
          if (rest !== '') lines.push(JSON.parse(rest) as unknown);
          while (lines.length > 0) stream.push(lines.shift());
          close();
          break;
        }
        partial += decoder.decode(value, { stream: true });
        const parts = partial.split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) if (line.trim() !== '') lines.push(JSON.parse(line) as unknown);
      }
    } catch (error) {
      close(error instanceof SyntaxError ? new ConductorError('E_PLUGIN_ERROR', `the plugin streamed a line that is not JSON: ${error.message}`) : error);
    } finally {
      pumping = false;
    }
  };
  stream.onDemand((more) => {
    credit += more;
    void pump();
  });
  stream.onCancel((reason) => {
    controller.abort(reason);
    void reader.cancel(reason).catch(() => {});
    close(reason);
  });
  return stream;
}

function parseAnswer(text: string, contentType: string | null): unknown {
  if (text === '') return null;
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/x-ndjson' || type === 'application/ndjson') {
    return text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as unknown);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function causeOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? error.message;
  }
  return String(error);
}

function tcpConnect(port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(timeoutMs);
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`port ${port}: no connection within ${timeoutMs} ms`));
    });
    socket.once('error', (error) => reject(new Error(`port ${port}: ${(error as NodeJS.ErrnoException).code ?? error.message}`)));
  });
}

/** RSS of a pid from /proc (Linux); null elsewhere or when it is gone. */
function readRss(pid: number | null): { rss: number; heapUsed: number } | null {
  if (pid === null || process.platform !== 'linux') return null;
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return Number.isFinite(pages) ? { rss: pages * 4096, heapUsed: 0 } : null;
  } catch {
    return null;
  }
}
