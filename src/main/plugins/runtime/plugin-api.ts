/**
 * What a plugin sees: the plugin object it exports and the contexts the runtime hands it. The SDK
 * (`src/sdk/index.ts`) re-exports these types; they live here so the runtime that implements them
 * is checked against them.
 */

export type HealthStatus = 'ok' | 'degraded' | 'down';

/** What `health()` returns; a plugin without `health` is always `{ status: 'ok' }`. */
export interface HealthResult {
  status: HealthStatus;
  message?: string;
}

/** Codes a plugin may throw (as an object or error with a `code`); anything else is E_PLUGIN_ERROR. */
export type PluginErrorCode = 'E_BAD_REQUEST' | 'E_NOT_FOUND' | 'E_CONFLICT';

/** Errors from `ctx.state` and `ctx.request` carry the contract code of the failure. */
export interface PluginCallError extends Error {
  code: string;
}

export interface PluginLogger {
  /** `util.format`-style: `log.info('user %s', name)`. Lands in the conductor's log, tagged. */
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string, ...args: unknown[]): void;
}

/** The plugin's persistent key-value state, shared by its instances; every call is executed in main. */
export interface PluginState {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  /** True when the key existed. */
  delete(key: string): Promise<boolean>;
  /** Atomic; returns the new value. */
  increment(key: string, by?: number): Promise<number>;
  /** Atomic; true when the value was `expected` and is now `value`. */
  compareAndSet(key: string, expected: unknown, value: unknown): Promise<boolean>;
  keys(prefix?: string): Promise<string[]>;
}

export interface RequestOptions {
  /** Upper bound for this call; never later than the deadline of the request being handled. */
  timeoutMs?: number;
}

/** A capability name (`'text.echo'`), `{ capability }` or `{ plugin }`. */
export type RequestTarget = string | { capability: string } | { plugin: string };

export interface PluginContext<Config = Record<string, unknown>> {
  plugin: { name: string; instance: string };
  config: Config;
  /** The env/secrets the manifest declares (nothing else of the conductor's environment). */
  env: Record<string, string>;
  log: PluginLogger;
  state: PluginState;
  /** Calls another plugin through the conductor's router. */
  request(target: RequestTarget, payload: unknown, options?: RequestOptions): Promise<unknown>;
}

/** What `handle` gets besides the payload. */
export interface RequestContext<Config = Record<string, unknown>> extends PluginContext<Config> {
  /** Aborts at the deadline or when the caller goes away. */
  readonly signal: AbortSignal;
  /** The capability asked for, when the caller named one. */
  readonly capability: string | undefined;
  /** Epoch ms after which the answer is no longer wanted. */
  readonly deadline: number;
}

export interface Plugin<Config = Record<string, unknown>> {
  /** Runs once before the first request; a throw fails the instance's start. */
  activate?(ctx: PluginContext<Config>): void | Promise<void>;
  /**
   * Answers one request: a value, a promise of one, or an async iterable (e.g. an `async function*`)
   * whose items are streamed to the caller as they are produced (a slow reader pauses it at its
   * `yield`; a caller that goes away aborts `ctx.signal` and ends the iteration).
   */
  handle(payload: unknown, ctx: RequestContext<Config>): unknown;
  /** Readiness; bounded by the conductor. */
  health?(ctx: PluginContext<Config>): HealthResult | Promise<HealthResult>;
  /** Runs once on a graceful stop; bounded by the conductor, which then kills the process group. */
  deactivate?(ctx: PluginContext<Config>): void | Promise<void>;
}
