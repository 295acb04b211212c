import { checkNumber, checkPositiveInt, checkRate, withDefaults } from './option-checks';

/**
 * Circuit breaker tuning. Conductor's plugins are local processes on one desktop: traffic is
 * light (a few calls a minute is normal), a sick instance is recycled in well under a second, and
 * a person is watching the panel — so the defaults open on a small sample and retry soon, and
 * back off quickly for a plugin that keeps failing.
 */
export interface CircuitBreakerOptions {
  /**
   * The breaker opens when failed calls / calls in the window reaches this rate (≥).
   * Default 0.5 — opossum's `errorThresholdPercentage` 50 %, also resilience4j's
   * `failureRateThreshold` 50 %.
   */
  failureRateThreshold: number;
  /**
   * Slow-call rule (resilience4j's `slowCallRateThreshold`): the breaker also opens when calls
   * that took ≥ `slowCallMs` (whether they succeeded or failed) reach this share of the calls in
   * the window; `null` turns the rule off, and then latency never counts. Slow calls are counted
   * apart from failures (resilience4j's way) rather than as failures, so the reason can say which
   * rule tripped. Default `null` (off): a plugin's normal latency varies by kind — an AI skill's
   * every call may take 20 s — and calls past their deadline already fail with E_TIMEOUT, which
   * counts as a failure. resilience4j's own default (100 % of calls slower than 60 s) amounts to
   * much the same: only when everything crawls.
   */
  slowCallRateThreshold: number | null;
  /**
   * A call at least this long is slow (only used when `slowCallRateThreshold` is set; then a slow
   * half-open trial also counts as a failed trial). Default 10 000 ms — a third of the default
   * request deadline (30 s); resilience4j's `slowCallDurationThreshold` is 60 s for server RPCs.
   */
  slowCallMs: number;
  /**
   * The rolling window the rates are computed over, ms. Default 10 000 — opossum's
   * `rollingCountTimeout` 10 s, resilience4j's time-based window of 10 s.
   */
  windowMs: number;
  /**
   * Time buckets in the window; must divide `windowMs` into whole milliseconds. The window is the
   * last `buckets` whole buckets, the current (partial) one included: a call leaves it when its
   * bucket is `buckets` buckets behind the current one, i.e. between `windowMs − bucketMs` and
   * `windowMs` after it. Default 10 (1 s buckets) — opossum's `rollingCountBuckets` 10.
   */
  buckets: number;
  /**
   * No verdict before this many calls were recorded in the window: two failures of two calls are
   * not a failing plugin. Default 5 — resilience4j's `minimumNumberOfCalls` is 100 for busy
   * servers (and opossum's `volumeThreshold` is 0); a desktop plugin may see 5 calls in 10 s only
   * when someone is actively using it, which is when the breaker matters.
   */
  minimumCalls: number;
  /**
   * How long the first open period lasts before trial calls are let through, ms. Default 10 000 —
   * shorter than opossum's `resetTimeout` (30 s) and Envoy's `base_ejection_time` (30 s) because a
   * local instance restarts in well under a second, and a person waiting on the panel should see
   * a recovered plugin come back within one window.
   */
  openMs: number;
  /**
   * Each consecutive open lasts `openMs × openMultiplier^(consecutiveOpens − 1)`, capped at
   * `maxOpenMs`. Default 2 (10 s, 20 s, 40 s, 80 s, 120 s…). Envoy grows its ejection time
   * linearly (`base_ejection_time × ejections`); doubling reaches the cap in fewer probes of a
   * plugin that keeps failing, and every trial of a broken plugin is a user request that fails.
   */
  openMultiplier: number;
  /**
   * Cap of the growing open period, ms. Default 120 000 — Envoy caps at `max_ejection_time`
   * 300 s; two minutes keeps a plugin that was fixed from looking dead for long on a desktop.
   */
  maxOpenMs: number;
  /**
   * Calls admitted while half-open; all must succeed to close, any failure reopens with a longer
   * period. Default 3 — between opossum (1 trial, where one lucky call closes a flapping plugin)
   * and resilience4j's `permittedNumberOfCallsInHalfOpenState` 10 (too many for light traffic).
   */
  halfOpenTrials: number;
  /**
   * The count of consecutive opens (which grows the open period) resets once the breaker has
   * stayed closed this long, ms. Default 60 000 — six windows: a plugin that fails again within
   * a minute of closing is still flapping and keeps its longer period; one that has been fine for
   * a minute starts over at `openMs` (Envoy similarly walks its multiplier back while healthy).
   */
  resetOpensAfterMs: number;
}

export const DEFAULT_CIRCUIT_BREAKER_OPTIONS: Readonly<CircuitBreakerOptions> = Object.freeze({
  failureRateThreshold: 0.5,
  slowCallRateThreshold: null,
  slowCallMs: 10_000,
  windowMs: 10_000,
  buckets: 10,
  minimumCalls: 5,
  openMs: 10_000,
  openMultiplier: 2,
  maxOpenMs: 120_000,
  halfOpenTrials: 3,
  resetOpensAfterMs: 60_000,
});

const OWNER = 'CircuitBreakerOptions';

/** Fills defaults and validates; throws an Error naming the first bad option. */
export function resolveCircuitBreakerOptions(partial?: Partial<CircuitBreakerOptions>): CircuitBreakerOptions {
  const o = withDefaults(DEFAULT_CIRCUIT_BREAKER_OPTIONS, partial);
  checkRate(OWNER, 'failureRateThreshold', o.failureRateThreshold);
  if (o.slowCallRateThreshold !== null) checkRate(OWNER, 'slowCallRateThreshold', o.slowCallRateThreshold);
  checkNumber(OWNER, 'slowCallMs', o.slowCallMs, 1);
  checkPositiveInt(OWNER, 'windowMs', o.windowMs);
  checkPositiveInt(OWNER, 'buckets', o.buckets, Math.min(o.windowMs, 10_000));
  if (o.windowMs % o.buckets !== 0) {
    throw new Error(`${OWNER}.buckets must divide windowMs (${o.windowMs}) into whole milliseconds, got ${o.buckets}`);
  }
  checkPositiveInt(OWNER, 'minimumCalls', o.minimumCalls);
  checkPositiveInt(OWNER, 'openMs', o.openMs);
  checkNumber(OWNER, 'openMultiplier', o.openMultiplier, 1);
  checkNumber(OWNER, 'maxOpenMs', o.maxOpenMs, o.openMs);
  checkPositiveInt(OWNER, 'halfOpenTrials', o.halfOpenTrials);
  checkNumber(OWNER, 'resetOpensAfterMs', o.resetOpensAfterMs, 0);
  return o;
}
