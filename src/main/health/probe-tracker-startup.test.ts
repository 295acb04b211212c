import { describe, expect, it } from 'vitest';
import { setupTracker, T0 } from './probe-tracker.test-helper';

describe('ProbeTracker startup', () => {
  it('failures within the grace are not counted; after it they are', () => {
    const { log, drive } = setupTracker(); // grace 10 s, thresholds 3
    drive(1000, 9_000, () => 'fail');
    expect(log).toEqual([]);
    drive(10_000, 20_000, () => 'fail');
    expect(log).toEqual([
      '12010 readiness starting→unready: 3 readiness probes failed in a row (last: failed)',
      '20010 liveness recycle (liveness): 3 liveness probes failed in a row (last: failed)',
    ]);
  });

  it('the grace does not delay a quick starter: a pass within it makes the instance ready', () => {
    const { tracker, log, drive } = setupTracker();
    drive(1000, 1000, () => 'ok');
    expect(tracker.readiness).toBe('ready');
    expect(log).toEqual(['1010 readiness starting→ready: 1 readiness probe passed in a row']);
  });

  it('activation makes a starting instance ready at once', () => {
    const { tracker, log } = setupTracker();
    tracker.onActivated(T0 + 300);
    tracker.onActivated(T0 + 400); // no-op
    expect(log).toEqual(['300 readiness starting→ready: activated']);
    expect(tracker.nextDueAt('readiness')).toBe(T0 + 5_300);
  });

  it('an instance never ready within startup.maxMs is recycled, as a crash', () => {
    const { tracker, log, drive } = setupTracker({ startup: { graceMs: 5_000, maxMs: 30_000 } });
    drive(1000, 29_000, (kind) => (kind === 'liveness' ? 'ok' : { outcome: 'fail', message: 'port not open' }));
    expect(tracker.liveness).toBe('ok');
    drive(30_000, 30_000, () => 'ok'); // even a pass now is too late: the check comes first
    expect(tracker.decision()).toMatchObject({ liveness: 'recycle', readiness: 'unready' });
    expect(log).toEqual([
      '7010 readiness starting→unready: 3 readiness probes failed in a row (last: failed: port not open)',
      '30000 liveness recycle (startup): not ready 30 s after start (startup.maxMs)',
    ]);
  });

  it('startup.maxMs no longer applies once the instance was ready', () => {
    const { tracker, drive } = setupTracker({ startup: { graceMs: 0, maxMs: 5_000 }, readiness: { failureThreshold: 1 } });
    drive(1000, 1000, () => 'ok');
    drive(2000, 60_000, (kind) => (kind === 'liveness' ? 'ok' : 'fail'));
    expect(tracker.decision()).toMatchObject({ liveness: 'ok', readiness: 'unready' });
  });
});
