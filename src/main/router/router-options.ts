import type { Logger } from '../logging/logger';

/** Router tuning. Every field has a default (below); `validateRouterOptions` names a bad one. */
export interface RouterOptions {
  /** Request timeout used when neither the request nor the plugin sets one, ms. Default 30 000. */
  defaultRequestTimeoutMs: number;
  /** Queue bound used when a plugin does not set `queueLimit`. Default 100. */
  defaultQueueLimit: number;
  /** Concurrent calls per instance used when a plugin does not set one. Default 8. */
  defaultMaxConcurrentPerInstance: number;
  /**
   * Retries may be at most this share of the requests seen over the retry window (counted per
   * plugin), plus `retryBudgetMinRetries`. Default 0.1 (10 %).
   */
  retryBudgetRatio: number;
  /** The rolling window of the retry budget, ms. Default 10 000. */
  retryBudgetWindowMs: number;
  /** Bucket width of the retry budget's window, ms; must divide the window. Default 1000. */
  retryBudgetBucketMs: number;
  /**
   * Retries allowed per window on top of the ratio, so a quiet plugin (a desktop app sees a few
   * requests a minute) can still retry a crash. Default 3.
   */
  retryBudgetMinRetries: number;
  /** With more routable instances than this, balance by power of two choices. Default 4. */
  p2cThreshold: number;
  /** A `degraded` instance's load counts this many times a `ready` one's. Default 2. */
  degradedLoadFactor: number;
  /** `retryAfterMs` of an E_OVERLOADED when there is no latency yet to estimate from. Default 1000. */
  fallbackRetryAfterMs: number;
  /** Closed per-minute rollups kept for `drainRollup` per plugin; the oldest go first. Default 1440 (a day). */
  maxPendingRollups: number;
  /** Random source in [0, 1) for power of two choices. Default `Math.random`. */
  random: () => number;
  /** Where a throwing hook (`onDemand`, `admit`, `onCallStart`, `onCallResult`) is reported. Default: nowhere. */
  logger: Pick<Logger, 'warn'> | null;
}

export const DEFAULT_ROUTER_OPTIONS: Readonly<RouterOptions> = Object.freeze({
  defaultRequestTimeoutMs: 30_000,
  defaultQueueLimit: 100,
  defaultMaxConcurrentPerInstance: 8,
  retryBudgetRatio: 0.1,
  retryBudgetWindowMs: 10_000,
  retryBudgetBucketMs: 1000,
  retryBudgetMinRetries: 3,
  p2cThreshold: 4,
  degradedLoadFactor: 2,
  fallbackRetryAfterMs: 1000,
  maxPendingRollups: 1440,
  random: Math.random,
  logger: null,
});

/** Fills defaults and validates; throws an Error naming the first bad option. */
export function resolveRouterOptions(partial: Partial<RouterOptions> = {}): RouterOptions {
  const o: RouterOptions = { ...DEFAULT_ROUTER_OPTIONS };
  for (const [key, value] of Object.entries(partial)) {
    if (value !== undefined) (o as unknown as Record<string, unknown>)[key] = value;
  }
  const positive = (name: keyof RouterOptions, integer: boolean): void => {
    const v = o[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
      throw new Error(`RouterOptions.${name} must be a positive ${integer ? 'integer' : 'number'}, got ${String(v)}`);
    }
  };
  positive('defaultRequestTimeoutMs', false);
  positive('defaultMaxConcurrentPerInstance', true);
  positive('retryBudgetWindowMs', true);
  positive('retryBudgetBucketMs', true);
  positive('p2cThreshold', true);
  positive('fallbackRetryAfterMs', false);
  positive('maxPendingRollups', true);
  if (!Number.isInteger(o.defaultQueueLimit) || o.defaultQueueLimit < 0) {
    throw new Error(`RouterOptions.defaultQueueLimit must be a non-negative integer, got ${String(o.defaultQueueLimit)}`);
  }
  if (typeof o.retryBudgetRatio !== 'number' || !(o.retryBudgetRatio >= 0 && o.retryBudgetRatio <= 1)) {
    throw new Error(`RouterOptions.retryBudgetRatio must be a number in [0, 1], got ${String(o.retryBudgetRatio)}`);
  }
  if (!Number.isInteger(o.retryBudgetMinRetries) || o.retryBudgetMinRetries < 0) {
    throw new Error(`RouterOptions.retryBudgetMinRetries must be a non-negative integer, got ${String(o.retryBudgetMinRetries)}`);
  }
  if (o.retryBudgetWindowMs % o.retryBudgetBucketMs !== 0) {
    throw new Error(`RouterOptions.retryBudgetBucketMs must divide retryBudgetWindowMs (${o.retryBudgetWindowMs}), got ${o.retryBudgetBucketMs}`);
  }
  if (typeof o.degradedLoadFactor !== 'number' || !Number.isFinite(o.degradedLoadFactor) || o.degradedLoadFactor < 1) {
    throw new Error(`RouterOptions.degradedLoadFactor must be a number ≥ 1, got ${String(o.degradedLoadFactor)}`);
  }
  if (typeof o.random !== 'function') throw new Error('RouterOptions.random must be a function returning [0, 1)');
  if (o.logger !== null && typeof o.logger?.warn !== 'function') throw new Error('RouterOptions.logger must have a warn method or be null');
  return o;
}
