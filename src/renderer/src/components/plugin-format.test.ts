import { describe, expect, it } from 'vitest';
import type { InstanceSummary } from '../../../shared/domain';
import { breakerOf, instanceHandle } from './plugin-format';

const inst = (over: Partial<InstanceSummary>): InstanceSummary => ({
  id: 'x#1', pid: 1, threadId: null, state: 'ready', startedAt: 0, inFlight: 0, served: 0, errors: 0, breaker: 'closed', cpuPercent: null, rssBytes: null,
  ...over,
});

describe('plugin figures', () => {
  it('shows the worst breaker and how many instances are in it', () => {
    expect(breakerOf({ instances: [] }).state).toBe('none');
    expect(breakerOf({ instances: [inst({}), inst({})] })).toEqual({ state: 'closed', label: 'Closed' });
    expect(breakerOf({ instances: [inst({ breaker: 'open' }), inst({ breaker: 'halfOpen' })] })).toEqual({ state: 'open', label: 'Open (1 of 2)' });
    expect(breakerOf({ instances: [inst({ breaker: 'halfOpen' })] })).toEqual({ state: 'halfOpen', label: 'Half-open' });
    expect(breakerOf({ instances: [inst({ breaker: 'open', state: 'crashed' })] }).state).toBe('none');
  });

  it('names an instance by pid or thread', () => {
    expect(instanceHandle(inst({ pid: 42 }))).toBe('pid 42');
    expect(instanceHandle(inst({ pid: null, threadId: 3 }))).toBe('thread 3');
  });
});
