/** How the desired instance count is computed; both modes share stabilisation, cooldown, tolerance, bounds and the guard. */
export type ScalingMode = 'reactive' | 'predictive';

/**
 * Scaling policy tuning (one policy per plugin; the plugin's manifest supplies min, max and the
 * target in-flight requests per instance on every `decide`). Every field has a default below;
 * `resolveScalingPolicyOptions` names a bad one. The forecaster defaults were tuned on the traces
 * in `bench/scaler/` (see its README for the table and the sweep).
 */
export interface ScalingPolicyOptions {
  /**
   * `predictive`: desired = ceil(forecast concurrency / target), the forecast being Holt's
   * extrapolation `lookAheadMs` ahead. `reactive`: HPA's ceil(n × current / target).
   * Default `predictive`: in the bench (bench/scaler/README.md) it cuts the SLO-violation seconds
   * of a ramp and of a daily wave by 95 % and 80 % for 10 % and 3 % more instance-seconds, and
   * matches the reactive rule on a step and a spike.
   */
  mode: ScalingMode;
  /**
   * Scale-down stabilisation, ms: the count never drops below the highest recommendation that the
   * load seen made in this window (in predictive mode: not counting the forecast's lead, which
   * may go as soon as the forecast cools), so a dip does not stop instances that the next burst
   * needs. Default 120 000
   * (2 min). Kubernetes' HPA uses 300 s for pods that take tens of seconds to start; a local
   * process starts in about a second, so 2 min rides out bursts yet gives memory back sooner on a
   * desktop.
   */
  stabilizationWindowMs: number;
  /**
   * Scale-up stabilisation, ms: the count rises only to the lowest recommendation made in this
   * window. Default 0 (HPA's): scale up at once.
   */
  scaleUpStabilizationMs: number;
  /**
   * Least time between two changes, ms, so that the last change shows in the figures before the
   * next one is made (an instance takes a second or two to start). Bounds (below min, above
   * max, waking from zero) are enforced regardless. Default 5000.
   */
  cooldownMs: number;
  /**
   * No change while the load per instance is within this fraction of the target
   * (|load / target − 1| ≤ tolerance). Default 0.1 (HPA's): ignores noise of ±10 %.
   */
  tolerance: number;
  /**
   * With min 0: no traffic for this long scales the plugin to zero (state `idle`). Default
   * 300 000 (5 min): a plugin may load a model on start, so a cold start is not free; five quiet
   * minutes on a desktop means the person has moved on.
   */
  idleToZeroMs: number;
  /** Resource guard: no scale-up while system CPU is above this percentage. Default 90: a saturated CPU gains nothing from more processes. */
  maxCpuPercent: number;
  /** Resource guard: no scale-up while system memory in use is above this percentage. Default 90: another process would push the machine into swap. */
  maxMemPercent: number;
  /** Holt level gain for the predictive forecast, in (0, 1]. Default 0.5 (bench-tuned). */
  forecastAlpha: number;
  /** Holt trend gain for the predictive forecast, in [0, 1]. Default 0.07 (bench-tuned: the slope over roughly the last 15 ticks). */
  forecastBeta: number;
  /**
   * How far ahead the predictive mode looks, ms: one decision window, i.e. the time a change
   * needs to pay off (cooldown + instance start) plus the tolerance band's head start on a ramp.
   * Default 30 000 (bench-tuned).
   */
  lookAheadMs: number;
  /**
   * The forecast may put the count at most this many instances ahead of what the load seen now
   * asks for (an integer ≥ 0; 0 makes the predictive mode reactive). Default 1: a ramp needs only
   * its next instance early, whereas Holt reads a sudden jump as a steep trend and would start
   * several extra instances for a step that reacting handles in one tick.
   */
  maxLeadInstances: number;
}

export const DEFAULT_SCALING_POLICY_OPTIONS: Readonly<ScalingPolicyOptions> = Object.freeze({
  mode: 'predictive',
  stabilizationWindowMs: 120_000,
  scaleUpStabilizationMs: 0,
  cooldownMs: 5000,
  tolerance: 0.1,
  idleToZeroMs: 300_000,
  maxCpuPercent: 90,
  maxMemPercent: 90,
  forecastAlpha: 0.5,
  forecastBeta: 0.07,
  lookAheadMs: 30_000,
  maxLeadInstances: 1,
});

/** Fills defaults and validates; throws an Error naming the first bad option. */
export function resolveScalingPolicyOptions(partial: Partial<ScalingPolicyOptions> = {}): ScalingPolicyOptions {
  const o: ScalingPolicyOptions = { ...DEFAULT_SCALING_POLICY_OPTIONS };
  for (const [key, value] of Object.entries(partial)) {
    if (value !== undefined) (o as unknown as Record<string, unknown>)[key] = value;
  }
  if (o.mode !== 'reactive' && o.mode !== 'predictive') {
    throw new Error(`ScalingPolicyOptions.mode must be "reactive" or "predictive", got ${String(o.mode)}`);
  }
  const nonNegative = (name: keyof ScalingPolicyOptions): void => {
    const v = o[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new Error(`ScalingPolicyOptions.${name} must be a number ≥ 0, got ${String(v)}`);
    }
  };
  const within = (name: keyof ScalingPolicyOptions, low: number, high: number, lowOpen = false): void => {
    const v = o[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v > high || v < low || (lowOpen && v === low)) {
      throw new Error(`ScalingPolicyOptions.${name} must be a number in ${lowOpen ? '(' : '['}${low}, ${high}], got ${String(v)}`);
    }
  };
  nonNegative('stabilizationWindowMs');
  nonNegative('scaleUpStabilizationMs');
  nonNegative('cooldownMs');
  within('tolerance', 0, 1);
  nonNegative('idleToZeroMs');
  within('maxCpuPercent', 0, 100);
  within('maxMemPercent', 0, 100);
  within('forecastAlpha', 0, 1, true);
  within('forecastBeta', 0, 1);
  nonNegative('lookAheadMs');
  if (!Number.isInteger(o.maxLeadInstances) || o.maxLeadInstances < 0) {
    throw new Error(`ScalingPolicyOptions.maxLeadInstances must be an integer ≥ 0, got ${String(o.maxLeadInstances)}`);
  }
  return o;
}
