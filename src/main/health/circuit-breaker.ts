import type { Clock } from '../common/clock';
import type { Disposable } from '../common/disposable';
import { Emitter } from '../common/emitter';
import { resolveCircuitBreakerOptions, type CircuitBreakerOptions } from './circuit-breaker-options';
import { formatMs, formatPercent } from './option-checks';

export { DEFAULT_CIRCUIT_BREAKER_OPTIONS, type CircuitBreakerOptions } from './circuit-breaker-options';

export type CircuitState = 'closed' | 'open' | 'halfOpen';

/** Payload of every transition. */
export interface CircuitTransition {
  from: CircuitState;
  to: CircuitState;
  /** Why, in words: "7 of 12 calls failed (58 %) in the last 10 s, threshold 50 %". */
  reason: string;
  /** Clock time of the transition. */
  at: number;
}

export interface CircuitOpenEvent extends CircuitTransition {
  to: 'open';
  /** Length of this open period, ms. */
  openMs: number;
  /** Clock time from which the next `canPass()` (or `tick()`) goes half-open. */
  until: number;
  /** Opens in a row, this one included (1 for the first). */
  consecutiveOpens: number;
}

export interface CircuitBreakerEvents {
  open: CircuitOpenEvent;
  halfOpen: CircuitTransition & { to: 'halfOpen' };
  close: CircuitTransition & { to: 'closed' };
}

/** For status and the UI; allocated on request, never on the call path. */
export interface CircuitBreakerSnapshot {
  state: CircuitState;
  /** Reason of the last transition (null before the first). */
  reason: string | null;
  /** Clock time of the last transition (construction time before the first). */
  since: number;
  /** When open: the time it goes half-open. Otherwise null. */
  openUntil: number | null;
  consecutiveOpens: number;
  /** Calls, failures and slow calls in the current window (closed state; zero otherwise). */
  window: { calls: number; failures: number; slowCalls: number };
}

/**
 * A circuit breaker for one plugin slot: closed → open when the failure rate (or, if enabled, the
 * slow-call rate) over a rolling window of time buckets reaches its threshold after at least
 * `minimumCalls`; open refuses calls for an open period that grows with consecutive opens; then
 * half-open admits `halfOpenTrials` calls: all succeed → closed, any fails → open again, longer.
 *
 * The call path does not allocate or sort: the window is a ring of preallocated typed arrays
 * advanced by the clock, and `canPass` / `onCallStart` / `onResult` / `release` are O(1)
 * amortised (at most `buckets` slots cleared per clock jump). Only transitions allocate (the
 * reason and the event), and they are rare.
 *
 * Protocol for a caller: `canPass()` asks (no side effect except the time-driven open → half-open
 * step, so a balancer may ask about several candidates), `onCallStart()` when the call is really
 * sent (this claims a half-open trial), then exactly one of `onResult(ok, latencyMs)` or
 * `release(latencyMs)` (the call ended without a verdict, e.g. the caller cancelled).
 * `latencyMs` must be measured on the same clock: a result whose call started before the current
 * state began (`now − latencyMs < since`) is stale — a call from before the breaker opened that
 * finishes while it is half-open is not a trial — and is ignored.
 *
 * The breaker's history belongs to a plugin SLOT, not to an instance process: keep one breaker
 * per slot index and hand the same object to the replacement when an instance is recycled, so a
 * crash-looping slot's open period keeps growing (see `SlotBreakers`).
 */
export class CircuitBreaker {
  readonly options: Readonly<CircuitBreakerOptions>;
  private readonly emitter = new Emitter<CircuitBreakerEvents>();
  private current: CircuitState = 'closed';
  /** Clock time the current state began; results of calls started earlier are stale. */
  private since: number;
  private lastReason: string | null = null;
  private openUntil = 0;
  private opens = 0;
  private trialsStarted = 0;
  private trialsPassed = 0;

  // The rolling window: one slot per bucket, indexed by absolute bucket number modulo `buckets`.
  private readonly bucketMs: number;
  private readonly ringCalls: Uint32Array;
  private readonly ringFailures: Uint32Array;
  private readonly ringSlow: Uint32Array;
  /** Absolute bucket number (floor(time / bucketMs)) of the newest slot. */
  private head: number;
  private calls = 0;
  private failures = 0;
  private slowCalls = 0;

  constructor(
    options: Partial<CircuitBreakerOptions> | undefined,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.options = Object.freeze(resolveCircuitBreakerOptions(options));
    const n = this.options.buckets;
    this.bucketMs = this.options.windowMs / n;
    this.ringCalls = new Uint32Array(n);
    this.ringFailures = new Uint32Array(n);
    this.ringSlow = new Uint32Array(n);
    this.since = clock.now();
    this.head = Math.floor(this.since / this.bucketMs);
  }

  get state(): CircuitState {
    return this.current;
  }

  /** Opens in a row; back to 0 once the breaker has stayed closed for `resetOpensAfterMs`. */
  get consecutiveOpens(): number {
    if (this.current === 'closed' && this.opens > 0 && this.clock.now() - this.since >= this.options.resetOpensAfterMs) this.opens = 0;
    return this.opens;
  }

  /** Length the next open period would have, ms. */
  nextOpenMs(): number {
    return this.openPeriod(this.consecutiveOpens + 1);
  }

  on<K extends keyof CircuitBreakerEvents>(event: K, listener: (payload: CircuitBreakerEvents[K]) => void): Disposable {
    return this.emitter.on(event, listener);
  }

  /**
   * May a call go through now? Closed: yes. Open: no, until the open period has passed — then
   * this call moves the breaker to half-open and answers yes. Half-open: yes while fewer than
   * `halfOpenTrials` trials were started (`onCallStart`). Cheap and allocation-free.
   */
  canPass(): boolean {
    switch (this.current) {
      case 'closed':
        return true;
      case 'open':
        if (this.clock.now() < this.openUntil) return false;
        this.toHalfOpen();
        return true;
      case 'halfOpen':
        return this.trialsStarted < this.options.halfOpenTrials;
    }
  }

  /** A call admitted by `canPass()` is being sent now; while half-open it claims a trial. */
  onCallStart(): void {
    if (this.current === 'halfOpen') this.trialsStarted++;
  }

  /**
   * A call ended with a verdict: `ok` false for a failure, `latencyMs` from its start (same
   * clock). Closed: recorded in the window; then, once the window holds `minimumCalls`, the
   * breaker opens if the failure rate (or the slow-call rate) is at or above its threshold — so a
   * success can complete the sample (4 failures, then a success: 80 % of 5). Half-open: a trial
   * result. Open, or a stale call (started before the current state began): ignored.
   */
  onResult(ok: boolean, latencyMs: number): void {
    if (this.current === 'open') return;
    const now = this.clock.now();
    if (now - latencyMs < this.since) return;
    const o = this.options;
    const slow = o.slowCallRateThreshold !== null && latencyMs >= o.slowCallMs;
    if (this.current === 'halfOpen') {
      this.onTrialResult(ok && !slow, ok, latencyMs, now);
      return;
    }
    this.advance(now);
    const i = this.head % o.buckets;
    this.ringCalls[i]!++;
    this.calls++;
    if (!ok) {
      this.ringFailures[i]!++;
      this.failures++;
    }
    if (slow) {
      this.ringSlow[i]!++;
      this.slowCalls++;
    }
    if (this.calls < o.minimumCalls) return;
    if (this.failures / this.calls >= o.failureRateThreshold) {
      this.toOpen(now, `${this.failures} of ${this.calls} calls failed (${formatPercent(this.failures / this.calls)}) in the last ${formatMs(o.windowMs)}, threshold ${formatPercent(o.failureRateThreshold)}`);
    } else if (o.slowCallRateThreshold !== null && this.slowCalls / this.calls >= o.slowCallRateThreshold) {
      this.toOpen(
        now,
        `${this.slowCalls} of ${this.calls} calls were slow (≥ ${formatMs(o.slowCallMs)}, ${formatPercent(this.slowCalls / this.calls)}) in the last ${formatMs(o.windowMs)}, threshold ${formatPercent(o.slowCallRateThreshold)}`,
      );
    }
  }

  /** A started call ended without a verdict (cancelled by its caller, conductor going down): frees its half-open trial. */
  release(latencyMs: number): void {
    if (this.current !== 'halfOpen' || this.trialsStarted === 0) return;
    if (this.clock.now() - latencyMs < this.since) return;
    this.trialsStarted--;
  }

  /** For the health tick: makes a due open → half-open step visible without traffic. */
  tick(): void {
    if (this.current === 'open' && this.clock.now() >= this.openUntil) this.toHalfOpen();
  }

  /** Closes the breaker and forgets its history (a person chose to retry the plugin). */
  reset(reason = 'reset'): void {
    this.opens = 0;
    this.clearWindow();
    if (this.current !== 'closed') this.toClosed(this.clock.now(), reason);
  }

  snapshot(): CircuitBreakerSnapshot {
    const now = this.clock.now();
    if (this.current === 'closed') this.advance(now);
    return {
      state: this.current,
      reason: this.lastReason,
      since: this.since,
      openUntil: this.current === 'open' ? this.openUntil : null,
      consecutiveOpens: this.consecutiveOpens,
      window: { calls: this.calls, failures: this.failures, slowCalls: this.slowCalls },
    };
  }

  /** Calls in the current window (closed state). */
  get windowCalls(): number {
    this.advance(this.clock.now());
    return this.calls;
  }

  get windowFailures(): number {
    this.advance(this.clock.now());
    return this.failures;
  }

  get windowSlowCalls(): number {
    this.advance(this.clock.now());
    return this.slowCalls;
  }

  // -------------------------------------------------------------------------------------------

  private onTrialResult(passed: boolean, ok: boolean, latencyMs: number, now: number): void {
    const trials = this.options.halfOpenTrials;
    const n = this.trialsPassed + 1;
    if (!passed) {
      const what = ok ? `was slow (${formatMs(latencyMs)} ≥ ${formatMs(this.options.slowCallMs)})` : 'failed';
      this.toOpen(now, `half-open trial ${n} of ${trials} ${what}`);
      return;
    }
    this.trialsPassed = n;
    if (n >= trials) this.toClosed(now, `${trials} of ${trials} trial calls succeeded`);
  }

  private openPeriod(consecutive: number): number {
    const o = this.options;
    return Math.min(o.maxOpenMs, o.openMs * o.openMultiplier ** (consecutive - 1));
  }

  private toOpen(now: number, cause: string): void {
    const from = this.current;
    if (from === 'open') return;
    const consecutive = this.consecutiveOpens + 1;
    const openMs = this.openPeriod(consecutive);
    this.opens = consecutive;
    this.openUntil = now + openMs;
    this.enter('open', now, `${cause}; open for ${formatMs(openMs)}${consecutive > 1 ? ` (open ${consecutive} times in a row)` : ''}`);
    this.clearWindow();
    this.emitter.emit('open', { from, to: 'open', reason: this.lastReason!, at: now, openMs, until: this.openUntil, consecutiveOpens: consecutive });
  }

  private toHalfOpen(): void {
    if (this.current !== 'open') return;
    const now = this.clock.now();
    this.trialsStarted = 0;
    this.trialsPassed = 0;
    const trials = this.options.halfOpenTrials;
    this.enter('halfOpen', now, `open period of ${formatMs(this.openPeriod(this.opens))} ended; admitting ${trials} trial call${trials === 1 ? '' : 's'}`);
    this.emitter.emit('halfOpen', { from: 'open', to: 'halfOpen', reason: this.lastReason!, at: now });
  }

  private toClosed(now: number, reason: string): void {
    const from = this.current;
    if (from === 'closed') return;
    this.clearWindow();
    this.enter('closed', now, reason);
    this.emitter.emit('close', { from, to: 'closed', reason, at: now });
  }

  private enter(state: CircuitState, now: number, reason: string): void {
    this.current = state;
    this.since = now;
    this.lastReason = reason;
  }

  /** Moves the ring to the bucket of `now`, clearing the slots that fell out of the window. */
  private advance(now: number): void {
    const bucket = Math.floor(now / this.bucketMs);
    const head = this.head;
    if (bucket <= head) return; // same bucket, or the clock stepped back: keep recording in the newest
    const n = this.options.buckets;
    this.head = bucket;
    if (bucket - head >= n) {
      this.clearWindow();
      return;
    }
    for (let b = head + 1; b <= bucket; b++) {
      const i = b % n;
      this.calls -= this.ringCalls[i]!;
      this.failures -= this.ringFailures[i]!;
      this.slowCalls -= this.ringSlow[i]!;
      this.ringCalls[i] = 0;
      this.ringFailures[i] = 0;
      this.ringSlow[i] = 0;
    }
  }

  private clearWindow(): void {
    this.ringCalls.fill(0);
    this.ringFailures.fill(0);
    this.ringSlow.fill(0);
    this.calls = 0;
    this.failures = 0;
    this.slowCalls = 0;
  }
}
