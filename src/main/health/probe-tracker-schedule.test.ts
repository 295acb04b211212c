import { describe, expect, it } from 'vitest';
import { setupTracker, T0 } from './probe-tracker.test-helper';

describe('ProbeTracker schedule', () => {
  it('readiness every second while starting, then every readiness.intervalMs; liveness every liveness.intervalMs', () => {
    const { tracker, issued, log, drive } = setupTracker();
    expect(tracker.due(T0)).toEqual([]); // nothing at start
    drive(1000, 16_000, () => 'ok');
    expect(issued).toEqual(['R@1000', 'L@5000', 'R@6000', 'L@10000', 'R@11000', 'L@15000', 'R@16000']);
    expect(log).toEqual(['1010 readiness starting→ready: 1 readiness probe passed in a row']);
  });

  it('a probe in flight is not issued again; past its timeout it counts as a timeout and the schedule goes on', () => {
    const { issued, drive } = setupTracker({ startup: { graceMs: 60_000 } }); // failures not counted here
    drive(1000, 11_000, () => 'hang');
    // readiness: timeout 2 s, so each probe expires on the tick 2 s later, when the next is issued
    // liveness: expires 1 s later; next due 5 s after the last
    expect(issued).toEqual(['R@1000', 'R@3000', 'L@5000', 'R@5000', 'R@7000', 'R@9000', 'L@10000', 'R@11000']);
  });

  it('a tick that comes late issues the probe late, and the interval counts from then', () => {
    const { issued, drive } = setupTracker();
    drive(1000, 1000, () => 'ok');
    drive(7_500, 20_000, () => 'ok', 2_500);
    expect(issued).toEqual(['R@1000', 'L@7500', 'R@7500', 'L@12500', 'R@12500', 'L@17500', 'R@17500']);
  });

  it('an answer at or after the timeout counts as a timeout', () => {
    const { tracker, log } = setupTracker({ startup: { graceMs: 0 }, readiness: { failureThreshold: 1 } });
    tracker.onActivated(T0);
    const ticket = tracker.due(T0 + 5_000).find((t) => t.kind === 'readiness');
    tracker.report(ticket!, 'ok', T0 + 7_000); // timeout 2 s
    expect(tracker.readiness).toBe('unready');
    expect(log.at(-1)).toBe('7000 readiness ready→unready: 1 readiness probe failed in a row (last: no answer within 2 s)');
  });

  it('a report for a ticket that already timed out, or twice, is ignored', () => {
    const { tracker } = setupTracker({ startup: { graceMs: 0 }, readiness: { failureThreshold: 2, successThreshold: 1 } });
    tracker.onActivated(T0);
    const first = tracker.due(T0 + 5_000).find((t) => t.kind === 'readiness');
    expect(tracker.due(T0 + 7_000)).toEqual([]); // expired as a timeout (1 of 2); next due at 10 000
    tracker.report(first!, 'ok', T0 + 7_001); // too late: must not reset the failure count
    const second = tracker.due(T0 + 10_000).find((t) => t.kind === 'readiness');
    expect(second).toMatchObject({ kind: 'readiness', seq: 2, timeoutMs: 2_000, startedAt: T0 + 10_000 });
    tracker.report(second!, 'fail', T0 + 10_001, 'db unreachable');
    tracker.report(second!, 'ok', T0 + 10_002);
    expect(tracker.readiness).toBe('unready');
    expect(tracker.decision()).toEqual({ liveness: 'ok', readiness: 'unready', reason: '2 readiness probes failed in a row (last: failed: db unreachable)' });
  });
});
