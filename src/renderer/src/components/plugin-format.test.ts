import { describe, expect, it } from 'vitest';
import type { InstanceSummary } from '../../../shared/domain';
import { formatBytes, formatPercent } from '../format';
import { breakerOf, instanceHandle, usageCells } from './plugin-format';

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

describe('usageCells', () => {
  it('shows a process’s CPU and RSS, "—" before the first sample', () => {
    expect(usageCells('process', 12.5, 50 * 1024 * 1024)).toEqual({ cpu: formatPercent(12.5), rss: formatBytes(50 * 1024 * 1024) });
    expect(usageCells('process', null, null)).toEqual({ cpu: '—', rss: '—' });
  });

  it('says "n/a", and why, for worker threads (they share the conductor’s process)', () => {
    const cells = usageCells('thread', 3, 1024);
    expect(cells).toMatchObject({ cpu: 'n/a', rss: 'n/a' });
    expect(cells.title).toMatch(/share the conductor/);
  });
});
