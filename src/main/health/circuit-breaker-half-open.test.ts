import { describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { CircuitBreaker, type CircuitBreakerOptions, type CircuitTransition } from './circuit-breaker';

function setup(options: Partial<CircuitBreakerOptions> = {}) {
  const clock = new ManualClock();
  const breaker = new CircuitBreaker({ minimumCalls: 2, ...options }, clock);
  const events: (CircuitTransition & { openMs?: number })[] = [];
  breaker.on('open', (e) => events.push(e));
  breaker.on('halfOpen', (e) => events.push(e));
  breaker.on('close', (e) => events.push(e));
  const trip = (): void => {
    breaker.onResult(false, 0);
    breaker.onResult(false, 0);
  };
  /** Sends one trial: asks, starts, and after `latency` ms reports. */
  const trial = (ok: boolean, latency = 10): void => {
    expect(breaker.canPass()).toBe(true);
    breaker.onCallStart();
    clock.advance(latency);
    breaker.onResult(ok, latency);
  };
  return { clock, breaker, events, trip, trial };
}

describe('CircuitBreaker half-open', () => {
  it('refuses for the open period, then the next canPass goes half-open', () => {
    const { clock, breaker, events, trip } = setup();
    trip();
    clock.advance(9_999);
    expect(breaker.canPass()).toBe(false);
    clock.advance(1);
    expect(breaker.state).toBe('open'); // nothing moves without a caller or a tick
    expect(breaker.canPass()).toBe(true);
    expect(breaker.state).toBe('halfOpen');
    expect(events.map((e) => e.to)).toEqual(['open', 'halfOpen']);
    expect(events[1]!.reason).toBe('open period of 10 s ended; admitting 3 trial calls');
  });

  it('tick() makes the step without traffic', () => {
    const { clock, breaker, trip } = setup();
    trip();
    clock.advance(10_000);
    breaker.tick();
    expect(breaker.state).toBe('halfOpen');
  });

  it('admits exactly halfOpenTrials calls; asking without starting claims nothing', () => {
    const { clock, breaker, trip } = setup({ halfOpenTrials: 3 });
    trip();
    clock.advance(10_000);
    for (let i = 0; i < 5; i++) expect(breaker.canPass()).toBe(true); // a balancer asking about candidates
    let admitted = 0;
    for (let i = 0; i < 10; i++) {
      if (breaker.canPass()) {
        breaker.onCallStart();
        admitted++;
      }
    }
    expect(admitted).toBe(3);
    expect(breaker.canPass()).toBe(false);
  });

  it('all trials succeeding closes it, with a fresh window', () => {
    const { clock, breaker, events, trip, trial } = setup({ halfOpenTrials: 3 });
    trip();
    clock.advance(10_000);
    trial(true);
    trial(true);
    expect(breaker.state).toBe('halfOpen');
    trial(true);
    expect(breaker.state).toBe('closed');
    expect(events.at(-1)).toMatchObject({ from: 'halfOpen', to: 'closed', reason: '3 of 3 trial calls succeeded' });
    expect(breaker.windowCalls).toBe(0);
    breaker.onResult(false, 0);
    expect(breaker.state).toBe('closed'); // 1 failure: below minimumCalls again
  });

  it('any failed trial reopens with the period × multiplier', () => {
    const { clock, breaker, events, trip, trial } = setup({ halfOpenTrials: 3 });
    trip();
    clock.advance(10_000);
    trial(true);
    trial(true);
    trial(false);
    expect(breaker.state).toBe('open');
    expect(events.at(-1)).toMatchObject({ from: 'halfOpen', to: 'open', openMs: 20_000, consecutiveOpens: 2 });
    expect(events.at(-1)!.reason).toBe('half-open trial 3 of 3 failed; open for 20 s (open 2 times in a row)');
    clock.advance(19_999);
    expect(breaker.canPass()).toBe(false);
    clock.advance(1);
    expect(breaker.canPass()).toBe(true);
  });

  it('the period grows 10, 20, 40, 80 s and stays at the 120 s cap', () => {
    const { clock, breaker, events, trip, trial } = setup();
    trip();
    for (let i = 0; i < 6; i++) {
      clock.advance((events.at(-1) as { openMs: number }).openMs);
      trial(false);
    }
    const periods = events.filter((e) => e.to === 'open').map((e) => e.openMs);
    expect(periods).toEqual([10_000, 20_000, 40_000, 80_000, 120_000, 120_000, 120_000]);
  });

  it('a slow trial counts as failed when the slow-call rule is on', () => {
    const { clock, breaker, events, trip, trial } = setup({ slowCallRateThreshold: 0.5, slowCallMs: 1_000 });
    trip();
    clock.advance(10_000);
    trial(true, 1_500);
    expect(breaker.state).toBe('open');
    expect(events.at(-1)!.reason).toMatch(/^half-open trial 1 of 3 was slow \(1\.5 s ≥ 1 s\)/);
  });

  it('a released trial (cancelled, no verdict) frees its place', () => {
    const { clock, breaker, trip } = setup({ halfOpenTrials: 1 });
    trip();
    clock.advance(10_000);
    expect(breaker.canPass()).toBe(true);
    breaker.onCallStart();
    expect(breaker.canPass()).toBe(false);
    clock.advance(5);
    breaker.release(5);
    expect(breaker.canPass()).toBe(true);
  });

  it('a result of a call started before the breaker went half-open is not a trial', () => {
    const { clock, breaker, trip } = setup({ halfOpenTrials: 1 });
    trip();
    clock.advance(10_000);
    expect(breaker.canPass()).toBe(true); // half-open now
    clock.advance(100);
    breaker.onResult(false, 12_000); // a slow call from before the open finally failed
    expect(breaker.state).toBe('halfOpen');
    breaker.onResult(true, 10_100); // nor does a stale success close it
    expect(breaker.state).toBe('halfOpen');
  });

  it('the run of opens resets after staying closed resetOpensAfterMs; sooner, the next open is longer', () => {
    const { clock, breaker, events, trip, trial } = setup({ halfOpenTrials: 1, resetOpensAfterMs: 60_000 });
    trip();
    clock.advance(10_000);
    trial(true); // closed after one open
    clock.advance(59_000);
    trip(); // flapping: second open in a row
    expect(events.at(-1)).toMatchObject({ openMs: 20_000, consecutiveOpens: 2 });
    clock.advance(20_000);
    trial(true);
    clock.advance(60_000);
    expect(breaker.consecutiveOpens).toBe(0);
    trip();
    expect(events.at(-1)).toMatchObject({ openMs: 10_000, consecutiveOpens: 1 });
  });

  it('reset() closes and forgets the run of opens', () => {
    const { clock, breaker, events, trip } = setup();
    trip();
    breaker.reset('retried by the user');
    expect(breaker.state).toBe('closed');
    expect(events.at(-1)).toMatchObject({ from: 'open', to: 'closed', reason: 'retried by the user' });
    clock.advance(1);
    trip();
    expect(events.at(-1)).toMatchObject({ openMs: 10_000, consecutiveOpens: 1 });
  });
});
