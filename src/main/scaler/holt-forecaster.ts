/**
 * Holt's double exponential smoothing: a smoothed level plus a smoothed trend, so a forecast of a
 * rising load leads it instead of trailing it (a plain moving average always lags a ramp; Holt
 * tracks a linear ramp with no steady-state error).
 *
 *   level_t = a·y_t + (1 − a)·(level_{t−1} + trend_{t−1}·dt)
 *   trend_t = b·(level_t − level_{t−1})/dt + (1 − b)·trend_{t−1}
 *   forecast(h) = max(0, level_t + trend_t·h)
 *
 * Time is measured in steps of `stepSeconds`. Samples may arrive irregularly (a late health tick,
 * a pause while scaled to zero): for a gap of `dt` steps the gains become `1 − (1 − a)^dt` and
 * `1 − (1 − b)^dt`, which is exactly what `dt` regular updates with the same observation would
 * weigh it by, so one step reduces to textbook Holt and a long gap mostly forgets the past.
 *
 * The defaults below are general-purpose; the scaling policy passes its own bench-tuned gains
 * (`ScalingPolicyOptions.forecastAlpha` / `forecastBeta`).
 */
export interface HoltForecasterOptions {
  /**
   * Level gain per step, in (0, 1]. Default 0.5: the level follows a new load within a few ticks
   * (half of a jump is absorbed per step) while one noisy in-flight snapshot moves it only halfway.
   */
  alpha: number;
  /**
   * Trend gain per step, in [0, 1]. Default 0.1: the trend is the average slope over roughly the
   * last 10 steps, so the integer staircase of an in-flight count reads as a slope, not as jumps.
   * 0 disables the trend (plain exponential smoothing).
   */
  beta: number;
  /** Length of one step in seconds (the unit of `update`'s default gap and of `forecast`). Default 1 (the health tick). */
  stepSeconds: number;
}

export const DEFAULT_HOLT_FORECASTER_OPTIONS: Readonly<HoltForecasterOptions> = Object.freeze({
  alpha: 0.5,
  beta: 0.1,
  stepSeconds: 1,
});

/** Fills defaults and validates; throws an Error naming the first bad option. */
export function resolveHoltForecasterOptions(partial: Partial<HoltForecasterOptions> = {}): HoltForecasterOptions {
  const o: HoltForecasterOptions = { ...DEFAULT_HOLT_FORECASTER_OPTIONS };
  for (const [key, value] of Object.entries(partial)) {
    if (value !== undefined) (o as unknown as Record<string, unknown>)[key] = value;
  }
  if (!isFiniteNumber(o.alpha) || !(o.alpha > 0 && o.alpha <= 1)) {
    throw new Error(`HoltForecasterOptions.alpha must be a number in (0, 1], got ${String(o.alpha)}`);
  }
  if (!isFiniteNumber(o.beta) || !(o.beta >= 0 && o.beta <= 1)) {
    throw new Error(`HoltForecasterOptions.beta must be a number in [0, 1], got ${String(o.beta)}`);
  }
  if (!isFiniteNumber(o.stepSeconds) || o.stepSeconds <= 0) {
    throw new Error(`HoltForecasterOptions.stepSeconds must be a positive number, got ${String(o.stepSeconds)}`);
  }
  return o;
}

export class HoltForecaster {
  readonly options: Readonly<HoltForecasterOptions>;
  private levelValue = 0;
  private trendValue = 0;
  private count = 0;

  constructor(options: Partial<HoltForecasterOptions> = {}) {
    this.options = Object.freeze(resolveHoltForecasterOptions(options));
  }

  /** The smoothed current value (0 before the first sample). */
  get level(): number {
    return this.levelValue;
  }

  /** The smoothed slope, per step (0 until the second sample). */
  get trend(): number {
    return this.trendValue;
  }

  /** Samples taken since construction or the last `reset`. */
  get samples(): number {
    return this.count;
  }

  /**
   * Takes one observation (≥ 0) made `dtSeconds` after the previous one (default one step).
   * The first sample sets the level and leaves the trend at 0: a slope is never guessed from one
   * point, nor from the first two alone (an irregular start, such as two samples 10 ms apart,
   * would otherwise yield a wild slope); the trend gain learns it instead. A gap of 0 (two samples
   * in the same instant) refines the level and leaves the trend alone.
   */
  update(observation: number, dtSeconds: number = this.options.stepSeconds): void {
    if (!isFiniteNumber(observation) || observation < 0) {
      throw new RangeError(`HoltForecaster.update: observation must be a finite number ≥ 0, got ${String(observation)}`);
    }
    if (!isFiniteNumber(dtSeconds) || dtSeconds < 0) {
      throw new RangeError(`HoltForecaster.update: dtSeconds must be a finite number ≥ 0, got ${String(dtSeconds)}`);
    }
    this.count++;
    if (this.count === 1) {
      this.levelValue = observation;
      this.trendValue = 0;
      return;
    }
    const { alpha, beta, stepSeconds } = this.options;
    const steps = dtSeconds / stepSeconds;
    if (steps === 0) {
      this.levelValue = Math.max(0, alpha * observation + (1 - alpha) * this.levelValue);
      return;
    }
    const a = 1 - Math.pow(1 - alpha, steps);
    const b = 1 - Math.pow(1 - beta, steps);
    const previous = this.levelValue;
    // The level never goes below 0 (the load cannot); the trend then sees the clamped change.
    this.levelValue = Math.max(0, a * observation + (1 - a) * (previous + this.trendValue * steps));
    this.trendValue = b * ((this.levelValue - previous) / steps) + (1 - b) * this.trendValue;
  }

  /** The value expected `horizonSteps` steps ahead (0 = the current level); never negative, 0 before any sample. */
  forecast(horizonSteps: number): number {
    if (!isFiniteNumber(horizonSteps) || horizonSteps < 0) {
      throw new RangeError(`HoltForecaster.forecast: horizonSteps must be a finite number ≥ 0, got ${String(horizonSteps)}`);
    }
    if (this.count === 0) return 0;
    return Math.max(0, this.levelValue + this.trendValue * horizonSteps);
  }

  /** Forgets every sample (e.g. when a plugin is disabled and later enabled again). */
  reset(): void {
    this.levelValue = 0;
    this.trendValue = 0;
    this.count = 0;
  }
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
