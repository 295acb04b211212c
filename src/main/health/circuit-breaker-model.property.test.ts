import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { CircuitBreaker, type CircuitBreakerOptions, type CircuitState } from './circuit-breaker';

/**
 * An independent, deliberately slow model of the breaker's specification: every recorded call is
 * kept in an array with its timestamp, and the window is recomputed by filtering on each result.
 *
 * Bucket alignment: the breaker's window is "the last `buckets` whole buckets, the current one
 * included", where a call's bucket is floor(t / bucketMs). The model filters with exactly that
 * rule — a call counts while floor(now / bucketMs) − floor(t / bucketMs) < buckets — so the two
 * agree exactly. (A model with a true sliding window, now − t < windowMs, would disagree for calls
 * between windowMs − bucketMs and windowMs old; that difference is the documented granularity.)
 */
class Model {
  state: CircuitState = 'closed';
  since: number;
  calls: { t: number; ok: boolean; slow: boolean }[] = [];
  openUntil = 0;
  opens = 0;
  trialsStarted = 0;
  trialsPassed = 0;

  constructor(
    private readonly o: CircuitBreakerOptions,
    now: number,
  ) {
    this.since = now;
  }

  window(now: number) {
    const bucketMs = this.o.windowMs / this.o.buckets;
    return this.calls.filter((c) => Math.floor(now / bucketMs) - Math.floor(c.t / bucketMs) < this.o.buckets);
  }

  canPass(now: number): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'open') {
      if (now < this.openUntil) return false;
      this.halfOpen(now);
      return true;
    }
    return this.trialsStarted < this.o.halfOpenTrials;
  }

  start(): void {
    if (this.state === 'halfOpen') this.trialsStarted++;
  }

  result(now: number, ok: boolean, latency: number): void {
    if (this.state === 'open' || now - latency < this.since) return;
    const slow = this.o.slowCallRateThreshold !== null && latency >= this.o.slowCallMs;
    if (this.state === 'halfOpen') {
      if (!ok || slow) this.open(now);
      else if (++this.trialsPassed === this.o.halfOpenTrials) this.close(now);
      return;
    }
    this.calls.push({ t: now, ok, slow });
    const w = this.window(now);
    if (w.length < this.o.minimumCalls) return;
    const failed = w.filter((c) => !c.ok).length;
    const slowCount = w.filter((c) => c.slow).length;
    if (failed / w.length >= this.o.failureRateThreshold) this.open(now);
    else if (this.o.slowCallRateThreshold !== null && slowCount / w.length >= this.o.slowCallRateThreshold) this.open(now);
  }

  release(now: number, latency: number): void {
    if (this.state === 'halfOpen' && this.trialsStarted > 0 && now - latency >= this.since) this.trialsStarted--;
  }

  tick(now: number): void {
    if (this.state === 'open' && now >= this.openUntil) this.halfOpen(now);
  }

  consecutiveOpens(now: number): number {
    return this.state === 'closed' && now - this.since >= this.o.resetOpensAfterMs ? 0 : this.opens;
  }

  private open(now: number): void {
    this.opens = this.consecutiveOpens(now) + 1;
    let period = this.o.openMs;
    for (let i = 1; i < this.opens; i++) period *= this.o.openMultiplier;
    this.openUntil = now + Math.min(this.o.maxOpenMs, period);
    this.enter('open', now);
  }

  private halfOpen(now: number): void {
    this.trialsStarted = 0;
    this.trialsPassed = 0;
    this.enter('halfOpen', now);
  }

  private close(now: number): void {
    this.enter('closed', now);
  }

  private enter(state: CircuitState, now: number): void {
    this.state = state;
    this.since = now;
    this.calls = [];
  }
}

type Op =
  | { kind: 'advance'; ms: number }
  | { kind: 'request' }
  | { kind: 'finish'; pick: number; outcome: 'ok' | 'fail' | 'release' }
  | { kind: 'stray'; ok: boolean; latency: number }
  | { kind: 'tick' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.oneof(fc.integer({ min: 0, max: 1_500 }), fc.integer({ min: 0, max: 40_000 })) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('request' as const) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('finish' as const), pick: fc.nat(), outcome: fc.constantFrom('ok' as const, 'fail' as const, 'fail' as const, 'release' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stray' as const), ok: fc.boolean(), latency: fc.integer({ min: 0, max: 20_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tick' as const) }) },
);

const options: fc.Arbitrary<CircuitBreakerOptions> = fc
  .record({
    bucketMs: fc.constantFrom(100, 250, 1_000),
    buckets: fc.integer({ min: 1, max: 10 }),
    minimumCalls: fc.integer({ min: 1, max: 6 }),
    failureRateThreshold: fc.constantFrom(0.2, 0.3, 0.5, 0.6, 1),
    slowCallRateThreshold: fc.constantFrom(null, 0.5, 1),
    slowCallMs: fc.constantFrom(300, 1_000),
    openMs: fc.integer({ min: 1, max: 5_000 }),
    openMultiplier: fc.constantFrom(1, 1.5, 2),
    extraOpenMs: fc.integer({ min: 0, max: 20_000 }),
    halfOpenTrials: fc.integer({ min: 1, max: 3 }),
    resetOpensAfterMs: fc.constantFrom(0, 3_000, 60_000),
  })
  .map(({ bucketMs, extraOpenMs, ...o }) => ({ ...o, windowMs: bucketMs * o.buckets, maxOpenMs: o.openMs + extraOpenMs }));

describe('CircuitBreaker against a slow model', () => {
  it('agrees with a filter-and-count model over random calls, results and clock advances', () => {
    fc.assert(
      fc.property(options, fc.integer({ min: 0, max: 999_999 }), fc.array(op, { minLength: 10, maxLength: 200, size: 'max' }), (o, offset, ops) => {
        const clock = new ManualClock(1_700_000_000_000 + offset); // bucket edges fall anywhere
        const breaker = new CircuitBreaker(o, clock);
        const model = new Model(o, clock.now());
        const inFlight: number[] = []; // start times
        for (const step of ops) {
          const now = clock.now();
          switch (step.kind) {
            case 'advance':
              clock.advance(step.ms);
              break;
            case 'request': {
              const pass = breaker.canPass();
              expect(pass).toBe(model.canPass(now));
              if (pass) {
                breaker.onCallStart();
                model.start();
                inFlight.push(now);
              }
              break;
            }
            case 'finish': {
              if (inFlight.length === 0) break;
              const [startedAt] = inFlight.splice(step.pick % inFlight.length, 1);
              const latency = now - startedAt!;
              if (step.outcome === 'release') {
                breaker.release(latency);
                model.release(now, latency);
              } else {
                breaker.onResult(step.outcome === 'ok', latency);
                model.result(now, step.outcome === 'ok', latency);
              }
              break;
            }
            case 'stray': // a result without a matching start, possibly from long ago
              breaker.onResult(step.ok, step.latency);
              model.result(now, step.ok, step.latency);
              break;
            case 'tick':
              breaker.tick();
              model.tick(now);
              break;
          }
          const at = clock.now();
          expect(breaker.state).toBe(model.state);
          expect(breaker.consecutiveOpens).toBe(model.consecutiveOpens(at));
          const w = model.window(at);
          expect([breaker.windowCalls, breaker.windowFailures, breaker.windowSlowCalls]).toEqual([w.length, w.filter((c) => !c.ok).length, w.filter((c) => c.slow).length]);
          if (model.state === 'open') expect(breaker.snapshot().openUntil).toBe(model.openUntil);
        }
      }),
      { numRuns: 300 },
    );
  });
});
