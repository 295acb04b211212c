import { describe, expect, it } from 'vitest';
import { policyOn, tick } from './scaling-policy.test-helper';

describe('ScalingPolicy, scale to zero', () => {
  it('with min 0, goes to 0 after idleToZeroMs without traffic, and not a tick sooner', () => {
    const { clock, policy } = policyOn({ idleToZeroMs: 60_000, cooldownMs: 5000, stabilizationWindowMs: 120_000 });
    expect(policy.decide(tick({ inFlight: 6, currentInstances: 1, min: 0 })).desired).toBe(3);
    clock.advance(1000);
    // Traffic stops at t = 1 s: the last instance stays until idle for 60 s.
    const first = policy.decide(tick({ inFlight: 0, currentInstances: 3, min: 0, idle: true }));
    expect(first.desired).toBe(3); // held by stabilisation
    clock.advance(59_999);
    const before = policy.decide(tick({ inFlight: 0, currentInstances: 1, min: 0, idle: true }));
    expect(before).toMatchObject({ desired: 1, changed: false });
    expect(before.reason).toBe('0 in flight, target 2 per instance → 1 instance, kept until idle for 60 s (unchanged)');
    clock.advance(1);
    const zero = policy.decide(tick({ inFlight: 0, currentInstances: 1, min: 0, idle: true }));
    expect(zero).toMatchObject({ desired: 0, previous: 1, changed: true, action: 'down' });
    expect(zero.reason).toBe('idle for 60 s → 0 instances (was 1)');
    clock.advance(1000);
    const asleep = policy.decide(tick({ inFlight: 0, currentInstances: 0, min: 0, idle: true }));
    expect(asleep).toMatchObject({ desired: 0, changed: false });
    expect(asleep.reason).toBe('idle for 61 s → 0 instances (scaled to zero)');
  });

  it('wakes on the first tick with traffic, cooldown or not', () => {
    const { clock, policy } = policyOn({ idleToZeroMs: 10_000, cooldownMs: 60_000 });
    policy.decide(tick({ currentInstances: 1, min: 0, idle: true }));
    clock.advance(10_000);
    expect(policy.decide(tick({ currentInstances: 1, min: 0, idle: true })).desired).toBe(0);
    clock.advance(1000);
    const wake = policy.decide(tick({ inFlight: 3, currentInstances: 0, min: 0, idle: false }));
    expect(wake).toMatchObject({ desired: 2, changed: true, action: 'up' });
    expect(wake.reason).toBe('3 in flight, target 2 per instance → 2 instances (was 0)');
  });

  it('a tick with traffic restarts the idle period', () => {
    const { clock, policy } = policyOn({ idleToZeroMs: 10_000 });
    policy.decide(tick({ currentInstances: 1, min: 0, idle: true }));
    clock.advance(9000);
    policy.decide(tick({ inFlight: 1, currentInstances: 1, min: 0, idle: false }));
    clock.advance(1000);
    policy.decide(tick({ currentInstances: 1, min: 0, idle: true }));
    clock.advance(9999);
    expect(policy.decide(tick({ currentInstances: 1, min: 0, idle: true })).desired).toBe(1);
    clock.advance(1);
    expect(policy.decide(tick({ currentInstances: 1, min: 0, idle: true })).desired).toBe(0);
  });

  it('never goes to zero with min ≥ 1, nor on a momentary 0 in flight with min 0', () => {
    const { clock, policy } = policyOn({ idleToZeroMs: 10_000 });
    for (let t = 0; t < 30; t++) {
      expect(policy.decide(tick({ currentInstances: 1, min: 1, idle: true })).desired).toBe(1);
      clock.advance(1000);
    }
    const other = policyOn({ idleToZeroMs: 10_000 });
    for (let t = 0; t < 30; t++) {
      // Not idle (requests arrived since the last tick), though none is in flight at the tick.
      expect(other.policy.decide(tick({ inFlight: 0, currentInstances: 1, min: 0, idle: false })).desired).toBe(1);
      other.clock.advance(1000);
    }
  });

  it('stays at zero while idle even before idleToZeroMs (e.g. started with no instance)', () => {
    const { policy } = policyOn({ idleToZeroMs: 10_000 });
    const d = policy.decide(tick({ currentInstances: 0, min: 0, idle: true }));
    expect(d).toMatchObject({ desired: 0, changed: false });
  });
});
