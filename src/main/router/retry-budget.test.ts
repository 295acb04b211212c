import { describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { RetryBudget } from './retry-budget';

describe('RetryBudget', () => {
  it('allows retries up to ratio × requests + minRetries over the window', () => {
    const clock = new ManualClock(0);
    const budget = new RetryBudget(clock, { ratio: 0.1, windowMs: 10_000, bucketMs: 1000, minRetries: 0 });
    for (let i = 0; i < 30; i++) budget.recordRequest();
    expect([budget.tryAcquire(), budget.tryAcquire(), budget.tryAcquire(), budget.tryAcquire()]).toEqual([true, true, true, false]);
    expect(budget.window()).toEqual({ requests: 30, retries: 3 });
  });

  it('forgets buckets older than the window, bucket by bucket', () => {
    const clock = new ManualClock(0);
    const budget = new RetryBudget(clock, { ratio: 0.5, windowMs: 3000, bucketMs: 1000, minRetries: 0 });
    budget.recordRequest(); // t=0
    clock.advance(1000);
    budget.recordRequest(); // t=1000
    expect(budget.tryAcquire()).toBe(true);
    expect(budget.window()).toEqual({ requests: 2, retries: 1 });
    clock.advance(2000); // t=3000: the t=0 bucket falls out
    expect(budget.window()).toEqual({ requests: 1, retries: 1 });
    clock.advance(1000); // t=4000: the t=1000 bucket falls out
    expect(budget.window()).toEqual({ requests: 0, retries: 0 });
    clock.advance(60_000);
    expect(budget.window()).toEqual({ requests: 0, retries: 0 });
  });

  it('grants the reserve with no traffic at all', () => {
    const clock = new ManualClock(0);
    const budget = new RetryBudget(clock, { ratio: 0.1, windowMs: 10_000, bucketMs: 1000, minRetries: 2 });
    expect([budget.tryAcquire(), budget.tryAcquire(), budget.tryAcquire()]).toEqual([true, true, false]);
  });
});
