import { describe, expect, it } from 'vitest';
import { policyOn, tick } from './scaling-policy.test-helper';

describe('ScalingPolicy, stabilisation', () => {
  it('scales down only to the highest recommendation of the window; one made at t counts until t + window', () => {
    const { clock, policy } = policyOn({ stabilizationWindowMs: 10_000 });
    expect(policy.decide(tick({ inFlight: 10, currentInstances: 1 })).desired).toBe(5); // t = 0: 5
    clock.advance(1000);
    const held = policy.decide(tick({ inFlight: 2, currentInstances: 5 })); // t = 1 s: 1
    expect(held).toMatchObject({ desired: 5, changed: false, recommended: 1 });
    expect(held.reason).toBe('2 in flight, target 2 per instance → 1 instance; stabilising: 5 recommended within the last 10 s (unchanged)');
    clock.advance(8999); // t = 9.999 s
    expect(policy.decide(tick({ inFlight: 2, currentInstances: 5 })).desired).toBe(5);
    clock.advance(1); // t = 10 s: the recommendation of t = 0 has expired
    const down = policy.decide(tick({ inFlight: 2, currentInstances: 5 }));
    expect(down).toMatchObject({ desired: 1, changed: true, action: 'down' });
    expect(down.reason).toBe('2 in flight, target 2 per instance → 1 instance (was 5)');
  });

  it('steps down through the recommendations as they expire', () => {
    const { clock, policy } = policyOn({ stabilizationWindowMs: 10_000 });
    policy.decide(tick({ inFlight: 10, currentInstances: 1 })); // t = 0: 5
    clock.advance(5000);
    policy.decide(tick({ inFlight: 6, currentInstances: 5 })); // t = 5 s: 3
    clock.advance(5000);
    const mid = policy.decide(tick({ inFlight: 2, currentInstances: 5 })); // t = 10 s: 1, window holds 3
    expect(mid.desired).toBe(3);
    expect(mid.reason).toBe('2 in flight, target 2 per instance → 1 instance; stabilising: 3 recommended within the last 10 s (was 5)');
    clock.advance(5000);
    expect(policy.decide(tick({ inFlight: 2, currentInstances: 3 })).desired).toBe(1);
  });

  it('scales up at once by default', () => {
    const { clock, policy } = policyOn({ stabilizationWindowMs: 300_000 });
    policy.decide(tick({ inFlight: 2, currentInstances: 1 }));
    clock.advance(1000);
    expect(policy.decide(tick({ inFlight: 20, currentInstances: 1 })).desired).toBe(10);
  });

  it('with scaleUpStabilizationMs, scales up only to the lowest recommendation of that window', () => {
    const { clock, policy } = policyOn({ scaleUpStabilizationMs: 3000 });
    policy.decide(tick({ inFlight: 2, currentInstances: 1 })); // t = 0: 1
    clock.advance(1000);
    const held = policy.decide(tick({ inFlight: 10, currentInstances: 1 })); // t = 1 s: 5
    expect(held.desired).toBe(1);
    expect(held.reason).toBe('10 in flight, target 2 per instance → 5 instances; stabilising: as few as 1 recommended within the last 3 s (unchanged)');
    clock.advance(1000);
    policy.decide(tick({ inFlight: 6, currentInstances: 1 })); // t = 2 s: 3
    clock.advance(1000);
    expect(policy.decide(tick({ inFlight: 10, currentInstances: 1 })).desired).toBe(3); // t = 3 s: min of {5, 3, 5}
  });

  it('in predictive mode holds against dips of the load, not against a forecast that has cooled', () => {
    const { clock, policy } = policyOn({ mode: 'predictive', stabilizationWindowMs: 120_000, lookAheadMs: 30_000, maxLeadInstances: 1, tolerance: 0 });
    const decide = (load: number) => policy.decide(tick({ inFlight: load, currentInstances: n, targetPerInstance: 4, max: 20 }));
    let n = 1;
    for (let t = 0; t < 30; t++) {
      n = decide(t).desired; // rising 1 per s
      clock.advance(1000);
    }
    expect(n).toBe(9); // 29 seen needs 8; the forecast leads by one
    const levelledAt = clock.now();
    while (n === 9 && clock.now() - levelledAt < 120_000) {
      n = decide(29).desired;
      clock.advance(1000);
    }
    // The load levelled off at 29: the extra instance goes as soon as the forecast no longer
    // asks for it, well before the 9 recommended at the top would leave a 120 s window.
    expect(n).toBe(8);
    expect(clock.now() - levelledAt).toBeLessThan(60_000);
    // A dip of the load, though, is held for the whole window.
    const dip = decide(4);
    expect(dip.desired).toBe(8);
    expect(dip.reason).toMatch(/stabilising: 8 recommended within the last 120 s \(unchanged\)$/);
  });
});
