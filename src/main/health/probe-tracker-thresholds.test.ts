import { describe, expect, it } from 'vitest';
import { setupTracker, T0 } from './probe-tracker.test-helper';

describe('ProbeTracker thresholds', () => {
  it('liveness recycles after failureThreshold failures in a row, not when a success breaks the run', () => {
    const { tracker, log, probe } = setupTracker({ startup: { graceMs: 0 } });
    tracker.onActivated(T0);
    for (const a of ['fail', 'fail', 'ok', 'fail', 'fail'] as const) probe('liveness', a);
    expect(tracker.liveness).toBe('ok');
    probe('liveness', { outcome: 'fail', message: 'no pong' });
    expect(tracker.liveness).toBe('recycle');
    expect(log.at(-1)).toBe('30010 liveness recycle (liveness): 3 liveness probes failed in a row (last: failed: no pong)');
    expect(tracker.due(T0 + 100_000)).toEqual([]);
    expect(tracker.nextDueAt('readiness')).toBeNull();
  });

  it('liveness timeouts are failures too', () => {
    const { tracker, log, probe } = setupTracker({ startup: { graceMs: 0 }, liveness: { failureThreshold: 2 } });
    tracker.onActivated(T0);
    probe('liveness', 'timeout');
    probe('liveness', 'hang');
    tracker.due(T0 + 11_000); // the hung one expires
    expect(log.at(-1)).toBe('11000 liveness recycle (liveness): 2 liveness probes failed in a row (last: no answer within 1 s)');
  });

  it('readiness: failureThreshold failures → unready; successThreshold passes → ready again', () => {
    const { tracker, log, probe } = setupTracker({ startup: { graceMs: 0 }, readiness: { successThreshold: 2 } });
    tracker.onActivated(T0);
    probe('readiness', 'fail');
    probe('readiness', 'fail');
    expect(tracker.readiness).toBe('ready');
    probe('readiness', { outcome: 'fail', message: 'queue full' });
    expect(tracker.readiness).toBe('unready');
    probe('readiness', 'ok');
    expect(tracker.readiness).toBe('unready'); // 1 of 2
    probe('readiness', 'fail');
    probe('readiness', 'ok');
    expect(tracker.readiness).toBe('unready'); // the run was broken
    probe('readiness', 'ok');
    expect(tracker.readiness).toBe('ready');
    expect(log).toEqual([
      '0 readiness starting→ready: activated',
      '15010 readiness ready→unready: 3 readiness probes failed in a row (last: failed: queue full)',
      '35010 readiness unready→ready: 2 readiness probes passed in a row',
    ]);
    expect(tracker.liveness).toBe('ok'); // readiness never recycles
  });

  it('a serving instance follows the plugin’s ok / degraded answer at once', () => {
    const { tracker, log, probe } = setupTracker({ startup: { graceMs: 0 }, readiness: { successThreshold: 3 } });
    tracker.onActivated(T0);
    probe('readiness', { outcome: 'degraded', message: 'cache cold' });
    expect(tracker.readiness).toBe('degraded');
    probe('readiness', 'degraded'); // no change, no event
    probe('readiness', 'ok');
    expect(log.slice(1)).toEqual(['5010 readiness ready→degraded: plugin reports degraded: cache cold', '15010 readiness degraded→ready: plugin reports ok again']);
  });

  it('an unready instance that passes degraded comes back degraded', () => {
    const { tracker, log, probe } = setupTracker({ startup: { graceMs: 0 }, readiness: { failureThreshold: 1 } });
    tracker.onActivated(T0);
    probe('readiness', 'fail');
    probe('readiness', { outcome: 'degraded', message: 'read-only' });
    expect(tracker.readiness).toBe('degraded');
    expect(log.at(-1)).toBe('10010 readiness unready→degraded: 1 readiness probe passed in a row; plugin reports degraded: read-only');
  });
});
