import { describe, expect, it } from 'vitest';
import { policyOn, tick } from './scaling-policy.test-helper';

describe('ScalingPolicy, min and max', () => {
  it('caps at max and says so', () => {
    const { policy } = policyOn();
    const d = policy.decide(tick({ inFlight: 100, currentInstances: 1, max: 8 }));
    expect(d).toMatchObject({ desired: 8, recommended: 8, changed: true });
    expect(d.reason).toBe('100 in flight, target 2 per instance → 8 instances, capped at max 8 (was 1)');
  });

  it('raises to min and says so', () => {
    const { policy } = policyOn();
    const d = policy.decide(tick({ inFlight: 0, currentInstances: 5, min: 2 }));
    expect(d).toMatchObject({ desired: 2, action: 'down' });
    expect(d.reason).toBe('0 in flight, target 2 per instance → 2 instances, raised to min 2 (was 5)');
  });

  it('keeps every desired count within [min, max] whatever the load', () => {
    const { clock, policy } = policyOn({ mode: 'predictive', cooldownMs: 3000, stabilizationWindowMs: 10_000 });
    let n = 2;
    for (let t = 0; t < 400; t++) {
      const load = Math.round(30 + 29 * Math.sin(t / 7) + (t % 13 === 0 ? 40 : 0));
      const d = policy.decide(tick({ inFlight: load, currentInstances: n, min: 2, max: 9 }));
      expect(d.desired).toBeGreaterThanOrEqual(2);
      expect(d.desired).toBeLessThanOrEqual(9);
      n = d.desired;
      clock.advance(1000);
    }
  });

  it('brings a count outside the bounds back at once, cooldown or not', () => {
    const { clock, policy } = policyOn({ cooldownMs: 60_000 });
    expect(policy.decide(tick({ inFlight: 8, currentInstances: 1 })).desired).toBe(4);
    clock.advance(1000);
    // The person lowered max to 2 (or min rose): the bounds apply inside the cooldown.
    const down = policy.decide(tick({ inFlight: 8, currentInstances: 4, max: 2 }));
    expect(down).toMatchObject({ desired: 2, changed: true });
    clock.advance(1000);
    const up = policy.decide(tick({ inFlight: 0, currentInstances: 1, min: 3 }));
    expect(up).toMatchObject({ desired: 3, changed: true });
  });
});
