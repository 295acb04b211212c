import { describe, expect, it } from 'vitest';
import { proportionalDesired } from './scaling-policy';
import { policyOn, tick } from './scaling-policy.test-helper';

describe('ScalingPolicy, reactive (HPA rule)', () => {
  it('sizes for ceil(n × load per instance / target)', () => {
    const { policy } = policyOn();
    const d = policy.decide(tick({ inFlight: 7, currentInstances: 2 }));
    expect(d).toMatchObject({ desired: 4, previous: 2, changed: true, action: 'up', mode: 'reactive', concurrency: 7, forecast: null, recommended: 4 });
    expect(d.blocked).toBeUndefined();
    expect(d.reason).toBe('7 in flight, target 2 per instance → 4 instances (was 2)');
    expect(d.inputs).toMatchObject({ inFlight: 7, currentInstances: 2, targetPerInstance: 2, now: 0 });
  });

  it('holds within the tolerance band, inclusive, and moves just outside it', () => {
    const { policy } = policyOn();
    // 2 instances × target 2 = 4; ±10 % is [3.6, 4.4].
    const at = policy.decide(tick({ inFlight: 4.4, currentInstances: 2 }));
    expect(at).toMatchObject({ desired: 2, changed: false, action: 'hold' });
    expect(at.reason).toBe('4.4 in flight, target 2 per instance → 2 instances (unchanged, within the 10% tolerance)');
    expect(policy.decide(tick({ inFlight: 4.5, currentInstances: 2 })).desired).toBe(3);
    // Down: 10 instances × target 1: 9 is within, 8.9 is not.
    expect(policy.decide(tick({ inFlight: 9, currentInstances: 10, targetPerInstance: 1 })).desired).toBe(10);
    expect(policy.decide(tick({ inFlight: 8.9, currentInstances: 10, targetPerInstance: 1 })).desired).toBe(9);
  });

  it('says "unchanged" when the load asks for what runs', () => {
    const { policy } = policyOn();
    const d = policy.decide(tick({ inFlight: 6, currentInstances: 3 }));
    expect(d.reason).toBe('6 in flight, target 2 per instance → 3 instances (unchanged, within the 10% tolerance)');
    const one = policy.decide(tick({ inFlight: 1, currentInstances: 1 }));
    expect(one.reason).toBe('1 in flight, target 2 per instance → 1 instance (unchanged)');
  });

  it('counts Little\'s law concurrency when it exceeds the in-flight snapshot', () => {
    const { policy } = policyOn();
    // 20 requests/s of 300 ms each: 6 in the system on average, though the snapshot saw 1.
    const d = policy.decide(tick({ inFlight: 1, arrivalRatePerSec: 20, avgLatencyMs: 300, currentInstances: 1 }));
    expect(d.concurrency).toBeCloseTo(6, 10);
    expect(d.desired).toBe(3);
    // Unknown figures fall back to the snapshot.
    expect(policy.decide(tick({ inFlight: 1, arrivalRatePerSec: 20, avgLatencyMs: null })).concurrency).toBe(1);
  });

  it('does not let float noise add an instance', () => {
    expect(proportionalDesired(0.1 + 0.2, 1, 0.1, 0).desired).toBe(3);
    expect(proportionalDesired(8, 1, 2, 0.1).desired).toBe(4);
    expect(proportionalDesired(3, 0, 2, 0.1)).toEqual({ desired: 2, withinTolerance: false });
  });
});
