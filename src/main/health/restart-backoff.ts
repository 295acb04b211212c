import type { Clock } from '../common/clock';
import { checkFunction, checkNumber, withDefaults } from './option-checks';

export interface RestartBackoffOptions {
  /**
   * Delay before the first restart after a crash, ms; at most 250 (DESIGN: a crash is replaced
   * at once, not after a pause a person notices). Default 200 — PM2's exponential backoff starts
   * at 100 ms; 200 ms lets the dead process group and its port go away first.
   */
  firstDelayMs: number;
  /**
   * Each further restart waits `factor` times longer. Default 1.5 — PM2's
   * `exp_backoff_restart_delay` factor. Kubernetes doubles (10 s, 20 s … 5 min) but it restarts
   * containers on a shared cluster; here the crash-loop detector quarantines a plugin that keeps
   * crashing (5 crashes in 60 s by default) long before a steeper curve would matter, so the
   * gentler curve only makes a plugin with one bad moment come back sooner.
   */
  factor: number;
  /** Cap of the delay, ms. Default 15 000 — PM2's cap (Kubernetes caps at 5 min). */
  maxDelayMs: number;
  /**
   * Random share taken OFF the delay: a delay is uniform in [base × (1 − jitter), base], so it
   * never exceeds the policy's base (the first restart stays ≤ `firstDelayMs` ≤ 250 ms, the cap
   * stays a cap) while instances that died together (a shared dependency went away) do not all
   * come back in the same millisecond. Default 0.2.
   */
  jitter: number;
  /**
   * Once the (replacement) instance has been up this long, the delays start over from
   * `firstDelayMs`. Default 30 000 — PM2 resets its backoff after 30 s up (Kubernetes after
   * 10 min running); half the crash-loop window, so a plugin crashing every 40 s restarts fast
   * each time but is still caught by the detector if it crashes often enough.
   */
  resetAfterStableMs: number;
  /** Uniform random in [0, 1) for the jitter. Default `Math.random`. */
  random: () => number;
}

export const DEFAULT_RESTART_BACKOFF_OPTIONS: Readonly<RestartBackoffOptions> = Object.freeze({
  firstDelayMs: 200,
  factor: 1.5,
  maxDelayMs: 15_000,
  jitter: 0.2,
  resetAfterStableMs: 30_000,
  random: Math.random,
});

const OWNER = 'RestartBackoffOptions';

/**
 * The delay before each restart of a plugin slot's crashed instance: `firstDelayMs ×
 * factor^attempt`, capped at `maxDelayMs`, minus a random jitter share; it starts over once the
 * replacement has stayed up for `resetAfterStableMs` (checked on the next crash, or by
 * `onStable` on the health tick) or on `reset()` (a retry after quarantine).
 *
 * Usage: at each crash `clock.setTimeout(restart, backoff.nextDelay())`; when the replacement is
 * up (ready) `backoff.onUp()`.
 */
export class RestartBackoff {
  readonly options: Readonly<RestartBackoffOptions>;
  private attempts = 0;
  private upSince: number | null = null;

  constructor(
    options: Partial<RestartBackoffOptions> | undefined,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    const o = withDefaults(DEFAULT_RESTART_BACKOFF_OPTIONS, options);
    checkNumber(OWNER, 'firstDelayMs', o.firstDelayMs, 0, 250);
    checkNumber(OWNER, 'factor', o.factor, 1);
    checkNumber(OWNER, 'maxDelayMs', o.maxDelayMs, o.firstDelayMs);
    checkNumber(OWNER, 'jitter', o.jitter, 0, 0.99);
    checkNumber(OWNER, 'resetAfterStableMs', o.resetAfterStableMs, 1);
    checkFunction(OWNER, 'random', o.random);
    this.options = Object.freeze(o);
  }

  /** Restarts since the delays last started over. */
  get attempt(): number {
    return this.attempts;
  }

  /** The base (jitter-free) delay the next `nextDelay()` would draw from, ms. */
  peekDelay(): number {
    const o = this.options;
    return Math.min(o.maxDelayMs, o.firstDelayMs * o.factor ** this.attempts);
  }

  /**
   * A crash happened: the delay to wait before restarting, ms (not rounded). If the instance that
   * crashed had been up for `resetAfterStableMs`, the delays start over first.
   */
  nextDelay(now: number = this.clock.now()): number {
    this.onStable(now);
    this.upSince = null;
    const base = this.peekDelay();
    this.attempts++;
    const r = this.options.random();
    return base * (1 - this.options.jitter * Math.min(Math.max(r, 0), 1));
  }

  /** The (replacement) instance is up: the stable period counts from `now`. */
  onUp(now: number = this.clock.now()): void {
    this.upSince = now;
  }

  /**
   * Health tick: if the instance has been up for `resetAfterStableMs`, start the delays over.
   * Returns true when this call reset them.
   */
  onStable(now: number = this.clock.now()): boolean {
    if (this.upSince === null || this.attempts === 0 || now - this.upSince < this.options.resetAfterStableMs) return false;
    this.attempts = 0;
    return true;
  }

  /** Start over (a person retried a quarantined plugin). */
  reset(): void {
    this.attempts = 0;
    this.upSince = null;
  }
}
