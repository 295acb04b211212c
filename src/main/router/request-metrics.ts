import type { RequestMetrics } from '../../shared/domain';
import type { Clock } from '../common/clock';

/**
 * Request counters aggregated in memory (nothing on the request path allocates, sorts or does
 * I/O): totals, a per-second ring for the rate over the last minute, and a fixed log-scale
 * latency histogram for p50/p99.
 */
const BUCKET_BOUNDS_MS = (() => {
  const bounds: number[] = [];
  // 0.05 ms … ~105 s, ×1.25 per bucket: about 66 buckets, ≤ 12.5 % error on a quantile.
  for (let b = 0.05; b < 120_000; b *= 1.25) bounds.push(b);
  return Float64Array.from(bounds);
})();

const RATE_WINDOW_S = 60;

export class RequestMetricsRecorder {
  private total = 0;
  private errors = 0;
  private inFlight = 0;
  private readonly latency = new Uint32Array(BUCKET_BOUNDS_MS.length + 1);
  private readonly perSecond = new Uint32Array(RATE_WINDOW_S);
  private currentSecond = 0;

  constructor(private readonly clock: Clock) {
    this.currentSecond = Math.floor(clock.now() / 1000);
  }

  begin(): void {
    this.inFlight++;
  }

  end(latencyMs: number, failed: boolean): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.total++;
    if (failed) this.errors++;
    this.latency[bucketOf(latencyMs)]!++;
    this.advance();
    this.perSecond[this.currentSecond % RATE_WINDOW_S]!++;
  }

  snapshot(): RequestMetrics {
    this.advance();
    let lastMinute = 0;
    for (const n of this.perSecond) lastMinute += n;
    return {
      total: this.total,
      errors: this.errors,
      inFlight: this.inFlight,
      ratePerSec: Math.round((lastMinute / RATE_WINDOW_S) * 100) / 100,
      p50Ms: this.quantile(0.5),
      p99Ms: this.quantile(0.99),
    };
  }

  private quantile(q: number): number | null {
    let count = 0;
    for (const n of this.latency) count += n;
    if (count === 0) return null;
    const rank = Math.ceil(q * count);
    let seen = 0;
    for (let i = 0; i < this.latency.length; i++) {
      seen += this.latency[i]!;
      if (seen >= rank) {
        const upper = i < BUCKET_BOUNDS_MS.length ? BUCKET_BOUNDS_MS[i]! : BUCKET_BOUNDS_MS[BUCKET_BOUNDS_MS.length - 1]!;
        return Math.round(upper * 1000) / 1000;
      }
    }
    return null;
  }

  private advance(): void {
    const second = Math.floor(this.clock.now() / 1000);
    if (second === this.currentSecond) return;
    const steps = Math.min(second - this.currentSecond, RATE_WINDOW_S);
    for (let i = 1; i <= steps; i++) this.perSecond[(this.currentSecond + i) % RATE_WINDOW_S] = 0;
    this.currentSecond = second;
  }
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
