import type { Disposable } from '../common/disposable';
import { Emitter } from '../common/emitter';
import { checkNumber, checkPositiveInt, formatMiB, formatMs, withDefaults } from './option-checks';

export interface CrashLoopDetectorOptions {
  /**
   * This many crashes within `windowMs` quarantine the plugin (the `maxCrashes`-th crash trips
   * it). Default 5 — the manifest's `restart.maxCrashes` default, and systemd's
   * `StartLimitBurst=5`.
   */
  maxCrashes: number;
  /**
   * The window, ms: crashes count together while the newest is less than `windowMs` after the
   * oldest. Default 60 000 — the manifest's `restart.windowMs`; systemd uses 10 s, but with the
   * restart backoff (200 ms × 1.5ⁿ) five quick crashes take only a few seconds, and a plugin that
   * dies every ~12 s for a minute is a loop a person should be told about rather than a
   * flicker to hide.
   */
  windowMs: number;
  /** Lines of the last crash's output kept in the cause. Default 20 (the instance keeps more). */
  keepLines: number;
}

export const DEFAULT_CRASH_LOOP_DETECTOR_OPTIONS: Readonly<CrashLoopDetectorOptions> = Object.freeze({
  maxCrashes: 5,
  windowMs: 60_000,
  keepLines: 20,
});

/** One crash, as the plugin manager saw it. */
export interface CrashCause {
  exitCode: number | null;
  signal: string | null;
  /** Last lines the instance printed or logged, newest last. */
  lastLines: readonly string[];
  /** Highest RSS seen for the instance (the memory watchdog's `peakRssBytes`), if sampled. */
  peakRssBytes: number | null;
  /** Clock time of the crash. */
  at: number;
  /**
   * Set when the start failed and the conductor ended the process itself (activate threw, or it
   * was not ready in time): why, told instead of the exit that ending caused (always SIGKILL).
   */
  startFailure?: string;
}

export type CrashLoopState = 'watching' | 'quarantined';

export interface CrashLoopQuarantinedEvent {
  from: 'watching';
  to: 'quarantined';
  /** "5 crashes in 4.2 s (limit: 5 within 60 s); last: exit code 1, peak RSS 80 MiB — Error: boom". */
  reason: string;
  at: number;
  /** The crash that tripped it. */
  cause: CrashCause;
}

export interface CrashLoopReleasedEvent {
  from: 'quarantined';
  to: 'watching';
  reason: string;
  at: number;
}

export interface CrashLoopDetectorEvents {
  quarantined: CrashLoopQuarantinedEvent;
  released: CrashLoopReleasedEvent;
}

/**
 * Watches one plugin's crashes (unexpected exits, and instances killed for failing startup or
 * liveness): `maxCrashes` of them within `windowMs` → quarantined, with the tripping crash kept as
 * the cause. A quarantined plugin is not restarted until `retry()`. Keeps only the last
 * `maxCrashes` crash times, in a preallocated ring.
 */
export class CrashLoopDetector {
  readonly options: Readonly<CrashLoopDetectorOptions>;
  private readonly emitter = new Emitter<CrashLoopDetectorEvents>();
  private readonly times: Float64Array;
  private written = 0;
  private current: CrashLoopState = 'watching';
  private tripCause: CrashCause | null = null;
  private tripReason: string | null = null;

  constructor(options?: Partial<CrashLoopDetectorOptions>) {
    const o = withDefaults(DEFAULT_CRASH_LOOP_DETECTOR_OPTIONS, options);
    checkPositiveInt('CrashLoopDetectorOptions', 'maxCrashes', o.maxCrashes, 10_000);
    checkPositiveInt('CrashLoopDetectorOptions', 'windowMs', o.windowMs);
    checkNumber('CrashLoopDetectorOptions', 'keepLines', o.keepLines, 0, 10_000, true);
    this.options = Object.freeze(o);
    this.times = new Float64Array(o.maxCrashes);
  }

  get state(): CrashLoopState {
    return this.current;
  }

  get quarantined(): boolean {
    return this.current === 'quarantined';
  }

  /** The crash that caused the quarantine (null while watching). */
  get cause(): CrashCause | null {
    return this.tripCause;
  }

  /** Why it is quarantined, in words (null while watching). */
  get reason(): string | null {
    return this.tripReason;
  }

  /** Crashes recorded with `at` in (now − windowMs, now]. */
  crashesInWindow(now: number): number {
    const n = Math.min(this.written, this.options.maxCrashes);
    let count = 0;
    for (let k = 0; k < n; k++) {
      const t = this.times[k]!;
      if (t <= now && now - t < this.options.windowMs) count++;
    }
    return count;
  }

  /**
   * Records a crash. Returns true when the plugin is (now) quarantined: do not restart it.
   * A crash reported while already quarantined changes nothing.
   */
  onCrash(cause: CrashCause): boolean {
    if (this.current === 'quarantined') return true;
    const { maxCrashes, windowMs } = this.options;
    this.times[this.written % maxCrashes] = cause.at;
    this.written++;
    if (this.written < maxCrashes) return false;
    const oldest = this.times[this.written % maxCrashes]!; // the slot written maxCrashes crashes ago
    const spread = cause.at - oldest;
    if (spread >= windowMs) return false;
    const keep = this.options.keepLines;
    const kept: CrashCause = { ...cause, lastLines: keep === 0 ? [] : cause.lastLines.slice(-keep) };
    this.tripCause = kept;
    this.tripReason = `${maxCrashes} ${maxCrashes === 1 ? 'crash' : 'crashes'} in ${formatMs(spread)} (limit: ${maxCrashes} within ${formatMs(windowMs)}); last: ${describeCrash(kept)}`;
    this.current = 'quarantined';
    this.emitter.emit('quarantined', { from: 'watching', to: 'quarantined', reason: this.tripReason, at: cause.at, cause: kept });
    return true;
  }

  /** A person retried the plugin: forget the crashes and the cause (start a fresh backoff too). */
  retry(now: number, reason = 'retried'): void {
    this.written = 0;
    this.times.fill(0);
    if (this.current === 'watching') return;
    this.current = 'watching';
    this.tripCause = null;
    this.tripReason = null;
    this.emitter.emit('released', { from: 'quarantined', to: 'watching', reason, at: now });
  }

  on<K extends keyof CrashLoopDetectorEvents>(event: K, listener: (payload: CrashLoopDetectorEvents[K]) => void): Disposable {
    return this.emitter.on(event, listener);
  }
}

/** "exit code 1, peak RSS 80 MiB — Error: boom" */
export function describeCrash(cause: CrashCause): string {
  const rss = cause.peakRssBytes !== null ? `, peak RSS ${formatMiB(cause.peakRssBytes)}` : '';
  if (cause.startFailure !== undefined) return `${cause.startFailure}${rss}`;
  const how = cause.signal !== null ? `killed by ${cause.signal}` : cause.exitCode !== null ? `exit code ${cause.exitCode}` : 'exited';
  const last = cause.lastLines.length > 0 ? ` — ${cause.lastLines[cause.lastLines.length - 1]}` : '';
  return `${how}${rss}${last}`;
}
