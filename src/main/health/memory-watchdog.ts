import type { Disposable } from '../common/disposable';
import { Emitter } from '../common/emitter';
import { checkNumber, checkPositiveInt, formatMiB, withDefaults } from './option-checks';

export interface MemoryWatchdogOptions {
  /** The RSS limit, bytes: the plugin's `memoryLimitMb` × 1 MiB. Default 256 MiB, the manifest's default. */
  limitBytes: number;
  /**
   * Consecutive samples above the limit before recycling. Default 3 — with the 1 s health tick,
   * about 3 s over the limit: a garbage-collection peak or a burst of work passes, a leak or a
   * runaway does not (the same count as Kubernetes' probe `failureThreshold` 3; PM2's
   * `max_memory_restart` acts on one sample every 30 s).
   */
  samples: number;
}

export const DEFAULT_MEMORY_WATCHDOG_OPTIONS: Readonly<MemoryWatchdogOptions> = Object.freeze({
  limitBytes: 256 * 1024 * 1024,
  samples: 3,
});

/** `within` the limit, `over` it for fewer than `samples` samples, or `recycle` (terminal until `reset`). */
export type MemoryWatchdogState = 'within' | 'over' | 'recycle';

export interface MemoryWatchdogTransition {
  from: MemoryWatchdogState;
  to: MemoryWatchdogState;
  /** "RSS above the 256 MiB limit for 3 samples in a row (300, 310, 312 MiB)". */
  reason: string;
  at: number;
  rssBytes: number;
  limitBytes: number;
  /** Samples in a row above the limit, this one included (0 when back within). */
  consecutive: number;
}

export interface MemoryWatchdogEvents {
  within: MemoryWatchdogTransition & { to: 'within' };
  over: MemoryWatchdogTransition & { to: 'over' };
  recycle: MemoryWatchdogTransition & { to: 'recycle' };
}

/**
 * The RSS watchdog of one instance, fed by resource sampling on the health tick: an instance
 * whose RSS stays above its limit for `samples` consecutive samples is to be recycled (drained
 * and replaced), with the figures in the reason. One sample back within the limit starts the
 * count over. Also keeps the peak RSS, for a crash's cause.
 */
export class MemoryWatchdog {
  readonly options: Readonly<MemoryWatchdogOptions>;
  private readonly emitter = new Emitter<MemoryWatchdogEvents>();
  /** The last `samples` readings while over the limit, as a ring. */
  private readonly overReadings: Float64Array;
  private current: MemoryWatchdogState = 'within';
  private consecutive = 0;
  private peak = 0;
  private lastReason: string | null = null;

  constructor(options?: Partial<MemoryWatchdogOptions>) {
    const o = withDefaults(DEFAULT_MEMORY_WATCHDOG_OPTIONS, options);
    checkNumber('MemoryWatchdogOptions', 'limitBytes', o.limitBytes, 1);
    checkPositiveInt('MemoryWatchdogOptions', 'samples', o.samples, 10_000);
    this.options = Object.freeze(o);
    this.overReadings = new Float64Array(o.samples);
  }

  get state(): MemoryWatchdogState {
    return this.current;
  }

  /** Highest RSS sampled, bytes (0 before the first sample). */
  get peakRssBytes(): number {
    return this.peak;
  }

  /** Reason of the last transition (null before the first). */
  get reason(): string | null {
    return this.lastReason;
  }

  /** One RSS reading. Returns the state after it; `recycle` stays until `reset()`. */
  sample(rssBytes: number, now: number): MemoryWatchdogState {
    if (rssBytes > this.peak) this.peak = rssBytes;
    if (this.current === 'recycle') return 'recycle';
    const { limitBytes, samples } = this.options;
    if (rssBytes <= limitBytes) {
      if (this.current === 'over') {
        this.consecutive = 0;
        this.transition('within', now, rssBytes, `RSS ${formatMiB(rssBytes)} back within the ${formatMiB(limitBytes)} limit`);
      }
      return this.current;
    }
    this.overReadings[this.consecutive % samples] = rssBytes;
    this.consecutive++;
    if (this.consecutive >= samples) {
      const figures: string[] = [];
      for (let k = this.consecutive - samples; k < this.consecutive; k++) figures.push(String(Math.round(this.overReadings[k % samples]! / (1024 * 1024))));
      const times = samples === 1 ? 'at a sample' : `for ${samples} samples in a row`;
      this.transition('recycle', now, rssBytes, `RSS above the ${formatMiB(limitBytes)} limit ${times} (${figures.join(', ')} MiB)`);
    } else if (this.current === 'within') {
      this.transition('over', now, rssBytes, `RSS ${formatMiB(rssBytes)} above the ${formatMiB(limitBytes)} limit (1 of ${samples} samples)`);
    }
    return this.current;
  }

  /** Back to `within` with no count (the instance was replaced); the peak is kept. */
  reset(now: number): void {
    this.consecutive = 0;
    if (this.current !== 'within') this.transition('within', now, 0, 'reset');
  }

  on<K extends keyof MemoryWatchdogEvents>(event: K, listener: (payload: MemoryWatchdogEvents[K]) => void): Disposable {
    return this.emitter.on(event, listener);
  }

  private transition(to: MemoryWatchdogState, now: number, rssBytes: number, reason: string): void {
    const from = this.current;
    if (from === to) return;
    this.current = to;
    this.lastReason = reason;
    const payload: MemoryWatchdogTransition = { from, to, reason, at: now, rssBytes, limitBytes: this.options.limitBytes, consecutive: this.consecutive };
    this.emitter.emit(to, payload as MemoryWatchdogEvents[typeof to]);
  }
}
