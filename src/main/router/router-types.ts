import type { ErrorCode } from '../../shared/result';
import type { RoutableInstance } from '../plugins/instance-types';

/** One request through the router. Exactly one of `capability` / `plugin`. */
export interface RouterRequest {
  /** Any plugin that lists this capability. */
  capability?: string;
  /** This plugin, by name. */
  plugin?: string;
  payload: unknown;
  /** Overrides the plugin's `requestTimeoutMs`, ms (> 0). */
  timeoutMs?: number;
  /** Absolute clock time (epoch ms); a nested request passes its outer request's deadline. */
  deadline?: number;
  /** May be retried once, on another instance, after E_PLUGIN_CRASHED or a transport failure. */
  idempotent?: boolean;
  /** Aborting it cancels the request: it leaves the queue, or its call is aborted (E_CONFLICT). */
  signal?: AbortSignal;
}

/**
 * A plugin as the router sees it; the plugin manager registers one per loaded plugin. The
 * optional hooks are where a circuit breaker plugs in: they default to "admit everything" and
 * "ignore results".
 */
export interface RoutedPlugin {
  name: string;
  capabilities: readonly string[];
  /** Default deadline of a request, ms from arrival; unset or ≤ 0 → the router's default. */
  requestTimeoutMs?: number;
  /** Requests that may wait (FIFO) when no instance can take them; beyond it E_OVERLOADED. Unset → router default. */
  queueLimit?: number;
  /** An instance with this many calls outstanding is busy. Unset → router default. */
  maxConcurrentPerInstance?: number;
  /** The plugin's current instances; the router picks among those `ready` or `degraded`. Called per request: keep it cheap (return a kept array). */
  instances(): readonly RoutableInstance[];
  /**
   * A request arrived and the plugin has no instance that is ready, degraded or starting
   * (scaled to zero, or not started): wake it. May be called once per such request: idempotent.
   */
  onDemand?(): void;
  /**
   * Asked only when no instance can take a request at once: why the plugin cannot serve until a
   * person acts (e.g. it waits for a dependency that is quarantined or disabled), or null. A
   * reason refuses the request at once with E_CONFLICT and that message, instead of queueing it
   * until its deadline.
   */
  blocked?(): string | null;
  /**
   * Breaker hook: may this (ready/degraded, not busy) instance take a call now? Called while
   * choosing, so it must be cheap and free of side effects. If every routable instance is
   * refused and none is merely busy, the request fails with E_CIRCUIT_OPEN.
   */
  admit?(instance: RoutableInstance): boolean;
  /** Breaker hook: a call is being sent to `instance` (e.g. count a half-open trial). */
  onCallStart?(instance: RoutableInstance): void;
  /**
   * Breaker hook: a call ended. `code` is the error code when `ok` is false (a non-contract
   * rejection is reported as E_PLUGIN_CRASHED). Calls the router abandoned (deadline, caller
   * cancel) still report when the instance answers.
   */
  onCallResult?(instance: RoutableInstance, ok: boolean, latencyMs: number, code: ErrorCode | null): void;
}

/** Shutdown drain outcome. */
export interface DrainResult {
  /** True when every request settled before the deadline. */
  drained: boolean;
  /** Requests still unsettled (0 when drained). */
  remaining: number;
}
