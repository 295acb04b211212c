import { describe, expect, it } from 'vitest';
import { policyOn, tick } from './scaling-policy.test-helper';

describe('ScalingPolicy, cooldown', () => {
  it('allows the next change exactly cooldownMs after the last one', () => {
    const { clock, policy } = policyOn({ cooldownMs: 5000 });
    expect(policy.decide(tick({ inFlight: 6, currentInstances: 1 })).desired).toBe(3);
    clock.advance(4000);
    const held = policy.decide(tick({ inFlight: 10, currentInstances: 3 }));
    expect(held).toMatchObject({ desired: 3, changed: false, action: 'hold', recommended: 5 });
    expect(held.reason).toBe('10 in flight, target 2 per instance → 5 instances; cooldown: last change 4 s ago, cooldown 5 s (stays 3)');
    clock.advance(999);
    expect(policy.decide(tick({ inFlight: 10, currentInstances: 3 })).desired).toBe(3);
    clock.advance(1);
    const moved = policy.decide(tick({ inFlight: 10, currentInstances: 3 }));
    expect(moved).toMatchObject({ desired: 5, changed: true });
    expect(moved.reason).toBe('10 in flight, target 2 per instance → 5 instances (was 3)');
  });

  it('applies to scale-down as well, and a held tick does not restart it', () => {
    const { clock, policy } = policyOn({ cooldownMs: 5000 });
    policy.decide(tick({ inFlight: 10, currentInstances: 1 })); // → 5 at t = 0
    clock.advance(2000);
    expect(policy.decide(tick({ inFlight: 2, currentInstances: 5 })).desired).toBe(5); // held
    clock.advance(3000);
    expect(policy.decide(tick({ inFlight: 2, currentInstances: 5 })).desired).toBe(1); // 5 s after the change, not after the held tick
  });

  it('starts with no cooldown', () => {
    const { policy } = policyOn({ cooldownMs: 60_000 });
    expect(policy.decide(tick({ inFlight: 6, currentInstances: 1 })).changed).toBe(true);
  });
});
