import { describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { CircuitBreaker, type CircuitBreakerOptions, type CircuitOpenEvent } from './circuit-breaker';

// ManualClock starts on a whole second, so with 1 s buckets the bucket edges are whole seconds.
function setup(options: Partial<CircuitBreakerOptions> = {}) {
  const clock = new ManualClock();
  const breaker = new CircuitBreaker(options, clock);
  const opens: CircuitOpenEvent[] = [];
  breaker.on('open', (e) => opens.push(e));
  const record = (results: string): void => {
    for (const r of results) breaker.onResult(r === '.', 0);
  };
  return { clock, breaker, opens, record };
}

describe('CircuitBreaker opens on failure rate', () => {
  it('stays closed below minimumCalls, however many of them fail', () => {
    const { breaker, record } = setup(); // minimumCalls 5
    record('xxxx');
    expect(breaker.state).toBe('closed');
    expect(breaker.canPass()).toBe(true);
    expect(breaker.windowFailures).toBe(4);
  });

  it('opens at the call that reaches minimumCalls with the rate at or above the threshold, with the figures in words', () => {
    const { breaker, opens, record } = setup({ minimumCalls: 12 });
    record('.....xxxxxx'); // 11 calls: below minimumCalls
    expect(breaker.state).toBe('closed');
    record('x');
    expect(breaker.state).toBe('open');
    expect(opens).toHaveLength(1);
    expect(opens[0]).toMatchObject({ from: 'closed', to: 'open', openMs: 10_000, consecutiveOpens: 1 });
    expect(opens[0]!.reason).toBe('7 of 12 calls failed (58 %) in the last 10 s, threshold 50 %; open for 10 s');
  });

  it('does not open below the threshold, and opens exactly at it (≥)', () => {
    const a = setup({ minimumCalls: 10, failureRateThreshold: 0.3 });
    a.record('......xx..');
    expect(a.breaker.state).toBe('closed'); // 2 of 10 = 20 %
    const b = setup({ minimumCalls: 10, failureRateThreshold: 0.3 });
    b.record('.......xxx');
    expect(b.breaker.state).toBe('open'); // 3 of 10 = 30 %
  });

  it('a success can complete the sample: 4 failures then a success is 80 % of 5', () => {
    const { breaker, record } = setup();
    record('xxxx.');
    expect(breaker.state).toBe('open');
  });

  it('calls that fell out of the window do not count (the window is the last 10 whole 1 s buckets)', () => {
    const { clock, breaker, record } = setup();
    record('xxxx');
    clock.advance(9_999); // still the 10th bucket counting the first
    expect(breaker.windowCalls).toBe(4);
    clock.advance(1); // the first bucket has left
    expect(breaker.windowCalls).toBe(0);
    record('x');
    expect(breaker.state).toBe('closed'); // 1 call in the window, not 5
    record('xxx');
    expect(breaker.state).toBe('closed');
    record('x');
    expect(breaker.state).toBe('open');
  });

  it('keeps calls spread over the window, dropping only whole buckets', () => {
    const { clock, breaker, record } = setup();
    record('xx');
    clock.advance(5_000);
    record('x');
    clock.advance(4_500); // 9.5 s after the first two: all three still counted
    record('.');
    expect(breaker.windowCalls).toBe(4);
    clock.advance(500); // the first bucket leaves: 2 calls remain
    expect(breaker.windowCalls).toBe(2);
    record('..x');
    expect(breaker.state).toBe('closed'); // 2 of 5 = 40 %
  });

  it('a long silence clears the whole window at once', () => {
    const { clock, breaker, record } = setup();
    record('xxxx');
    clock.advance(3_600_000);
    expect(breaker.windowCalls).toBe(0);
    record('x.');
    expect(breaker.state).toBe('closed');
  });

  it('open refuses at once and ignores results that arrive while open', () => {
    const { breaker, record, opens } = setup();
    record('xxxxx');
    expect(breaker.canPass()).toBe(false);
    record('xxxxx');
    expect(opens).toHaveLength(1);
    expect(breaker.snapshot()).toMatchObject({ state: 'open', consecutiveOpens: 1, window: { calls: 0 } });
  });

  it('the slow-call rule is off by default: slow successes are successes', () => {
    const { clock, breaker } = setup();
    for (let i = 0; i < 10; i++) {
      clock.advance(60_000);
      breaker.onResult(true, 60_000);
    }
    expect(breaker.state).toBe('closed');
  });

  it('with slowCallRateThreshold set, slow calls (≥ slowCallMs) open it, said apart from failures', () => {
    const { clock, breaker, opens } = setup({ slowCallRateThreshold: 0.8, slowCallMs: 1_000 });
    for (let i = 0; i < 5; i++) {
      clock.advance(1_000);
      breaker.onResult(i !== 0, i === 4 ? 999 : 1_000);
    }
    // 5 calls: 1 failure (20 %), 4 slow (80 %)
    expect(breaker.state).toBe('open');
    expect(opens[0]!.reason).toBe('4 of 5 calls were slow (≥ 1 s, 80 %) in the last 10 s, threshold 80 %; open for 10 s');
  });
});
