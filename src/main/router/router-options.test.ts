import { describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { Router } from './router';
import { DEFAULT_ROUTER_OPTIONS, resolveRouterOptions } from './router-options';

describe('RouterOptions', () => {
  it('fills documented defaults', () => {
    expect(resolveRouterOptions()).toMatchObject({
      defaultRequestTimeoutMs: 30_000,
      retryBudgetRatio: 0.1,
      retryBudgetWindowMs: 10_000,
      retryBudgetBucketMs: 1000,
      p2cThreshold: 4,
      degradedLoadFactor: 2,
    });
    expect(resolveRouterOptions({ defaultQueueLimit: undefined }).defaultQueueLimit).toBe(DEFAULT_ROUTER_OPTIONS.defaultQueueLimit);
  });

  it.each([
    [{ defaultRequestTimeoutMs: 0 }, 'defaultRequestTimeoutMs'],
    [{ defaultQueueLimit: -1 }, 'defaultQueueLimit'],
    [{ defaultMaxConcurrentPerInstance: 1.5 }, 'defaultMaxConcurrentPerInstance'],
    [{ retryBudgetRatio: 2 }, 'retryBudgetRatio'],
    [{ retryBudgetWindowMs: 10_000, retryBudgetBucketMs: 3000 }, 'retryBudgetBucketMs'],
    [{ retryBudgetMinRetries: -1 }, 'retryBudgetMinRetries'],
    [{ p2cThreshold: 0 }, 'p2cThreshold'],
    [{ degradedLoadFactor: 0.5 }, 'degradedLoadFactor'],
    [{ random: 3 as unknown as () => number }, 'random'],
  ])('rejects %j naming %s', (options, name) => {
    expect(() => new Router(new ManualClock(), options)).toThrow(`RouterOptions.${name}`);
  });
});
