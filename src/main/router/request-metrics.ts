import type { RequestMetrics } from '../../shared/domain';
import { ERROR_CODES, type ErrorCode } from '../../shared/result';
import type { Clock } from '../common/clock';

/**
 * Request counters aggregated in memory (nothing on the request path allocates, sorts or does
 * I/O): totals, errors by code, a per-second ring for the rate over the last minute, a fixed
 * log-scale latency histogram for p50/p99, and per-minute rollups that a store writer drains in
 * batches (`takeRollups`).
 */
const BUCKET_BOUNDS_MS = (() => {
  const bounds: number[] = [];
  // 0.05 ms … ~105 s, ×1.25 per bucket: about 66 buckets, ≤ 25 % over the true value on a quantile.
  for (let b = 0.05; b < 120_000; b *= 1.25) bounds.push(b);
  return Float64Array.from(bounds);
})();

/** Each reported quantile is the upper bound of its bucket: true ≤ reported ≤ true × this (below ~105 s). */
export const LATENCY_BUCKET_RATIO = 1.25;

const RATE_WINDOW_S = 60;
const MINUTE_MS = 60_000;

const CODE_INDEX = Object.fromEntries(ERROR_CODES.map((code, i) => [code, i])) as Record<ErrorCode, number>;

/** Overall or per-plugin request metrics, beyond the status's `RequestMetrics`. */
export interface RouterRequestMetrics extends RequestMetrics {
  /** Failed requests by their final code (only codes seen). */
  errorsByCode: Partial<Record<ErrorCode, number>>;
  /** Requests waiting in a queue now. */
  queueDepth: number;
  /** Retries sent since start. */
  retries: number;
  /** Requests settled in the last 60 s. */
  lastMinute: number;
  /** Of those, the ones that failed. */
  lastMinuteErrors: number;
}

/** One plugin's requests settled within one clock minute. */
export interface MetricsRollup {
  plugin: string;
  /** Start of the minute, epoch ms (a multiple of 60 000). */
  minute: number;
  /** Requests settled in that minute (including those refused at admission). */
  count: number;
  errors: number;
  /** Null when no request in that minute reached an instance or a queue. */
  p50Ms: number | null;
  p99Ms: number | null;
}

export interface RequestMetricsOptions {
  /** Name put on rollups; null: this recorder keeps no rollups. */
  rollupName: string | null;
  /** Closed rollups kept until taken; beyond it the oldest are dropped. */
  maxPendingRollups: number;
}

export class RequestMetricsRecorder {
  private total = 0;
  private errors = 0;
  private inFlight = 0;
  private retries = 0;
  private readonly errorsByCode = new Uint32Array(ERROR_CODES.length);
  private readonly latency = new Uint32Array(BUCKET_BOUNDS_MS.length + 1);
  private readonly perSecond = new Uint32Array(RATE_WINDOW_S);
  private readonly errorsPerSecond = new Uint32Array(RATE_WINDOW_S);
  private currentSecond = 0;

  private readonly rollupName: string | null;
  private readonly maxPendingRollups: number;
  private readonly pendingRollups: MetricsRollup[] = [];
  private minute: number;
  private minuteCount = 0;
  private minuteErrors = 0;
  private readonly minuteLatency = new Uint32Array(BUCKET_BOUNDS_MS.length + 1);
  private droppedRollups = 0;

  constructor(
    private readonly clock: Clock,
    options: Partial<RequestMetricsOptions> = {},
  ) {
    this.currentSecond = Math.floor(clock.now() / 1000);
    this.minute = Math.floor(clock.now() / MINUTE_MS) * MINUTE_MS;
    this.rollupName = options.rollupName ?? null;
    this.maxPendingRollups = options.maxPendingRollups ?? 1440;
  }

  /** A request was admitted (queued or sent). */
  begin(): void {
    this.inFlight++;
  }

  /**
   * An admitted request settled. `latencyMs` from arrival to answer; `code` null on success;
   * `now` the clock time the caller already read.
   */
  end(latencyMs: number, code: ErrorCode | null, now = this.clock.now()): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.count(code, now);
    const bucket = bucketOf(latencyMs);
    this.latency[bucket]!++;
    if (this.rollupName !== null) this.minuteLatency[bucket]!++;
  }

  /** A request refused before it was admitted (bad input, unknown target, closed gate, full queue, open circuits): counted, but not in the latency histogram. */
  rejected(code: ErrorCode): void {
    this.count(code, this.clock.now());
  }

  /** A retry was sent. */
  retried(): void {
    this.retries++;
  }

  /** The status's shape. */
  snapshot(): RequestMetrics {
    const lastMinute = this.lastMinute();
    return {
      total: this.total,
      errors: this.errors,
      inFlight: this.inFlight,
      ratePerSec: Math.round((lastMinute / RATE_WINDOW_S) * 100) / 100,
      p50Ms: quantile(this.latency, 0.5),
      p99Ms: quantile(this.latency, 0.99),
    };
  }

  /** Everything, with the queue depth the caller knows. */
  detail(queueDepth: number): RouterRequestMetrics {
    const errorsByCode: Partial<Record<ErrorCode, number>> = {};
    for (let i = 0; i < ERROR_CODES.length; i++) {
      if (this.errorsByCode[i]! > 0) errorsByCode[ERROR_CODES[i]!] = this.errorsByCode[i]!;
    }
    return { ...this.snapshot(), errorsByCode, queueDepth, retries: this.retries, lastMinute: this.lastMinute(), lastMinuteErrors: this.lastMinuteErrors() };
  }

  /**
   * Hands over the closed per-minute rollups (oldest first) and forgets them. With `flush` the
   * current minute is closed too (at shutdown); requests settling later in that same minute then
   * start a second row for it, which a writer adds to the first.
   */
  takeRollups(flush = false): MetricsRollup[] {
    this.rollMinute(this.clock.now());
    if (flush) this.closeMinute();
    return this.pendingRollups.splice(0, this.pendingRollups.length);
  }

  /** Rollups dropped because nobody took them in time. */
  get rollupsDropped(): number {
    return this.droppedRollups;
  }

  private count(code: ErrorCode | null, now: number): void {
    this.total++;
    if (code !== null) {
      this.errors++;
      this.errorsByCode[CODE_INDEX[code]]!++;
    }
    this.advanceSecond(now);
    this.perSecond[this.currentSecond % RATE_WINDOW_S]!++;
    if (code !== null) this.errorsPerSecond[this.currentSecond % RATE_WINDOW_S]!++;
    if (this.rollupName !== null) {
      this.rollMinute(now);
      this.minuteCount++;
      if (code !== null) this.minuteErrors++;
    }
  }

  private lastMinute(): number {
    return this.sumWindow(this.perSecond);
  }

  private lastMinuteErrors(): number {
    return this.sumWindow(this.errorsPerSecond);
  }

  private sumWindow(window: Uint32Array): number {
    this.advanceSecond(this.clock.now());
    let n = 0;
    for (let i = 0; i < RATE_WINDOW_S; i++) n += window[i]!;
    return n;
  }

  private advanceSecond(now: number): void {
    const second = Math.floor(now / 1000);
    if (second <= this.currentSecond) return;
    const steps = Math.min(second - this.currentSecond, RATE_WINDOW_S);
    for (let i = 1; i <= steps; i++) {
      const slot = (this.currentSecond + i) % RATE_WINDOW_S;
      this.perSecond[slot] = 0;
      this.errorsPerSecond[slot] = 0;
    }
    this.currentSecond = second;
  }

  private rollMinute(now: number): void {
    const minute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
    if (minute <= this.minute) return;
    this.closeMinute();
    this.minute = minute;
  }

  private closeMinute(): void {
    if (this.rollupName === null || this.minuteCount === 0) return;
    this.pendingRollups.push({
      plugin: this.rollupName,
      minute: this.minute,
      count: this.minuteCount,
      errors: this.minuteErrors,
      p50Ms: quantile(this.minuteLatency, 0.5),
      p99Ms: quantile(this.minuteLatency, 0.99),
    });
    if (this.pendingRollups.length > this.maxPendingRollups) {
      this.pendingRollups.shift();
      this.droppedRollups++;
    }
    this.minuteCount = 0;
    this.minuteErrors = 0;
    this.minuteLatency.fill(0);
  }
}

/** The upper bound of the bucket holding the q-quantile, or null for an empty histogram. */
function quantile(histogram: Uint32Array, q: number): number | null {
  let count = 0;
  for (let i = 0; i < histogram.length; i++) count += histogram[i]!;
  if (count === 0) return null;
  const rank = Math.max(1, Math.ceil(q * count));
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i]!;
    if (seen >= rank) {
      const upper = i < BUCKET_BOUNDS_MS.length ? BUCKET_BOUNDS_MS[i]! : BUCKET_BOUNDS_MS[BUCKET_BOUNDS_MS.length - 1]!;
      return Math.round(upper * 1000) / 1000;
    }
  }
  return null;
}

function bucketOf(ms: number): number {
  // Binary search over the fixed bounds: no allocation.
  let lo = 0;
  let hi = BUCKET_BOUNDS_MS.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (BUCKET_BOUNDS_MS[mid]! < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
