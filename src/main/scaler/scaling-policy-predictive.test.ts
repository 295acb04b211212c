import { describe, expect, it } from 'vitest';
import { policyOn, tick } from './scaling-policy.test-helper';

describe('ScalingPolicy, predictive (Holt over concurrency and Little\'s law)', () => {
  it('explains itself in the specified words', () => {
    const { policy } = policyOn({ mode: 'predictive' });
    // 7 in flight, 14.8 requests/s × 500 ms = 7.4 by Little's law; the first sample is the forecast.
    const d = policy.decide(tick({ inFlight: 7, arrivalRatePerSec: 14.8, avgLatencyMs: 500, currentInstances: 2 }));
    expect(d.reason).toBe('forecast 7.4 in flight, target 2 per instance → 4 instances (was 2)');
    expect(d).toMatchObject({ desired: 4, previous: 2, changed: true, mode: 'predictive', forecast: 7.4 });
    expect(d.concurrency).toBeCloseTo(7.4, 10);
  });

  it('scales ahead of a ramp that the reactive rule follows', () => {
    const firstAbove = (mode: 'reactive' | 'predictive'): number => {
      const { clock, policy } = policyOn({ mode, lookAheadMs: 10_000 });
      let n = 1;
      for (let t = 0; t < 120; t++) {
        n = policy.decide(tick({ inFlight: Math.round(t / 5), currentInstances: n })).desired; // +1 in flight per 5 s
        if (n >= 4) return t;
        clock.advance(1000);
      }
      return Infinity;
    };
    const predictive = firstAbove('predictive');
    const reactive = firstAbove('reactive');
    expect(reactive).toBeLessThan(Infinity);
    expect(predictive).toBeLessThan(reactive);
  });

  it('never sizes below what is seen now, nor more than maxLeadInstances above it', () => {
    const { clock, policy } = policyOn({ mode: 'predictive', maxLeadInstances: 1, cooldownMs: 0 });
    let n = 1;
    for (let t = 0; t < 10; t++) {
      n = policy.decide(tick({ inFlight: 2, currentInstances: n, targetPerInstance: 4 })).desired;
      clock.advance(1000);
    }
    // A step from 2 to 20: Holt reads it as a steep trend; the lead is capped at one instance.
    const step = policy.decide(tick({ inFlight: 20, currentInstances: n, targetPerInstance: 4 }));
    expect(step.forecast).toBe(24);
    expect(step.desired).toBe(6);
    expect(step.reason).toBe('forecast 24 in flight, target 4 per instance → 6 instances (was 1)');
    // Through a rise and a fall, the forecast stays within [seen, seen + 1 instance's target].
    for (let t = 0; t < 80; t++) {
      clock.advance(1000);
      const load = t < 40 ? t : 80 - t;
      const d = policy.decide(tick({ inFlight: load, currentInstances: n, targetPerInstance: 4, max: 64 }));
      expect(d.forecast!).toBeGreaterThanOrEqual(load);
      expect(d.forecast!).toBeLessThanOrEqual(load + 4);
      if (t > 60) expect(d.forecast).toBe(load); // once the trend points down: sized for what is seen
      n = d.desired;
    }
  });

  it('with maxLeadInstances 0 decides like the reactive rule', () => {
    const a = policyOn({ mode: 'predictive', maxLeadInstances: 0 });
    const b = policyOn({ mode: 'reactive' });
    let na = 1;
    let nb = 1;
    for (let t = 0; t < 60; t++) {
      const load = Math.round(t / 3);
      na = a.policy.decide(tick({ inFlight: load, currentInstances: na })).desired;
      nb = b.policy.decide(tick({ inFlight: load, currentInstances: nb })).desired;
      expect(na).toBe(nb);
      a.clock.advance(1000);
      b.clock.advance(1000);
    }
  });

  it('survives irregular ticks (a late tick, two in the same millisecond)', () => {
    const { clock, policy } = policyOn({ mode: 'predictive' });
    policy.decide(tick({ inFlight: 4, currentInstances: 2 }));
    policy.decide(tick({ inFlight: 4, currentInstances: 2 }));
    clock.advance(30_000);
    const d = policy.decide(tick({ inFlight: 4, currentInstances: 2 }));
    expect(d.forecast).toBe(4);
    expect(d.desired).toBe(2);
  });
});
