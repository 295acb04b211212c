/**
 * The seam between the router, the plugin manager and the instance runtime. An instance is one
 * running copy of a plugin, in its own child process (default) or worker thread.
 */
import type { LogLevel } from '../../shared/domain';
import type { WireStateOp } from '../../shared/plugin-protocol';
import type { Disposable } from '../common/disposable';

/** DESIGN.md, States. */
export type InstanceState = 'starting' | 'ready' | 'degraded' | 'unready' | 'draining' | 'stopped' | 'crashed';

export interface CallOptions {
  /** Epoch ms (clock time) after which the call fails with E_TIMEOUT and the plugin's signal aborts. */
  deadline: number;
  /** The capability asked for (a plugin may serve several). */
  capability?: string;
  /** Aborts the call (caller went away); the plugin's signal fires. */
  signal?: AbortSignal;
}

export interface InstanceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when we asked it to stop; anything else is a crash. */
  expected: boolean;
  /** Last lines the instance logged or printed, newest last. */
  lastLines: string[];
}

/** What the router needs from an instance. */
export interface RoutableInstance {
  readonly id: string;
  readonly state: InstanceState;
  /** Requests sent and not yet answered. */
  readonly inFlight: number;
  /**
   * Sends one request. Resolves with the plugin's value; rejects with a `ConductorError`:
   * `E_PLUGIN_ERROR` (the plugin threw; its message), `E_PLUGIN_CRASHED` (the instance died with
   * it in flight), `E_TIMEOUT` (deadline passed; the plugin's abort signal was fired).
   */
  call(payload: unknown, options: CallOptions): Promise<unknown>;
}

/** A log line from an instance (plugin `ctx.log`, or captured stdout/stderr). */
export interface InstanceLogEntry {
  level: LogLevel;
  message: string;
  plugin: string;
  instance: string;
  ts: number;
}

/** Everything main provides to a running instance. */
export interface InstanceHost {
  /** `ctx.log` and captured output. */
  log(entry: InstanceLogEntry): void;
  /** `ctx.state.*`, executed in main (atomic across instances). */
  state(plugin: string, op: StateOp): Promise<unknown>;
  /** `ctx.request(...)`: another plugin, through the router. Resolves/rejects like the router. */
  request(from: string, target: { capability?: string; plugin?: string }, payload: unknown, options: { timeoutMs?: number; deadline: number }): Promise<unknown>;
}

/** A `ctx.state` operation, exactly as it travels on the plugin protocol. */
export type StateOp = WireStateOp;

export interface PluginInstance extends RoutableInstance {
  readonly plugin: string;
  readonly pid: number | null;
  readonly threadId: number | null;
  readonly startedAt: number | null;
  readonly served: number;
  readonly errors: number;
  /** Starts the process/thread, runs the plugin's `activate`; resolves when ready. */
  start(): Promise<void>;
  /** Stop taking new calls; in-flight ones finish (bounded by the caller). */
  drain(): void;
  /** Ask the plugin to deactivate, wait up to `deadline`, then kill the process group. */
  stop(options: { deadline: number }): Promise<void>;
  /** Kill the process group (or terminate the thread) now. */
  kill(): void;
  /** Liveness: round-trip to the child-side runtime. */
  ping(timeoutMs: number): Promise<number>;
  /** Readiness: the plugin's `health()`. */
  checkHealth(timeoutMs: number): Promise<{ status: 'ok' | 'degraded' | 'down'; message?: string }>;
  onStateChange(listener: (state: InstanceState, previous: InstanceState) => void): Disposable;
  onExit(listener: (exit: InstanceExit) => void): Disposable;
}
