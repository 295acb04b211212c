import type { Clock } from '../common/clock';

export interface RetryBudgetOptions {
  /** Retries may be at most this share of the requests in the window (plus `minRetries`). */
  ratio: number;
  /** Rolling window, ms. */
  windowMs: number;
  /** Bucket width, ms (divides the window). */
  bucketMs: number;
  /** Retries always allowed per window on top of the ratio. */
  minRetries: number;
}

/**
 * A retry budget over a rolling window of fixed buckets: it counts requests and retries, and
 * grants a retry only while `retries + 1 ≤ ratio × requests + minRetries` over the window, so
 * a storm of failures cannot multiply the load. Counting is O(1) and allocation-free; expired
 * buckets are cleared lazily from the clock.
 */
export class RetryBudget {
  private readonly requests: Uint32Array;
  private readonly retries: Uint32Array;
  private readonly buckets: number;
  private currentBucket: number;
  private requestSum = 0;
  private retrySum = 0;

  constructor(
    private readonly clock: Clock,
    private readonly options: RetryBudgetOptions,
  ) {
    this.buckets = Math.max(1, Math.round(options.windowMs / options.bucketMs));
    this.requests = new Uint32Array(this.buckets);
    this.retries = new Uint32Array(this.buckets);
    this.currentBucket = Math.floor(clock.now() / options.bucketMs);
  }

  /** Counts one request (not a retry); `now` is the clock time the caller already read. */
  recordRequest(now = this.clock.now()): void {
    const slot = this.advance(now);
    this.requests[slot]!++;
    this.requestSum++;
  }

  /** Takes one retry from the budget if there is room; true when the retry may go ahead. */
  tryAcquire(): boolean {
    const slot = this.advance(this.clock.now());
    if (this.retrySum + 1 > this.options.ratio * this.requestSum + this.options.minRetries) return false;
    this.retries[slot]!++;
    this.retrySum++;
    return true;
  }

  /** Requests and retries counted in the current window. */
  window(): { requests: number; retries: number } {
    this.advance(this.clock.now());
    return { requests: this.requestSum, retries: this.retrySum };
  }

  private advance(now: number): number {
    const bucket = Math.floor(now / this.options.bucketMs);
    if (bucket > this.currentBucket) {
      // A clock that steps back keeps counting into the current bucket.
      const steps = Math.min(bucket - this.currentBucket, this.buckets);
      for (let i = 1; i <= steps; i++) {
        const slot = (this.currentBucket + i) % this.buckets;
        this.requestSum -= this.requests[slot]!;
        this.retrySum -= this.retries[slot]!;
        this.requests[slot] = 0;
        this.retries[slot] = 0;
      }
      this.currentBucket = bucket;
    }
    return this.currentBucket % this.buckets;
  }
}
