import { describe, expect, it } from 'vitest';
import { policyOn, tick } from './scaling-policy.test-helper';

describe('ScalingPolicy, resource guard', () => {
  it('blocks a scale-up while memory is above its threshold and records why', () => {
    const { policy } = policyOn();
    const d = policy.decide(tick({ inFlight: 7, currentInstances: 2, system: { cpuPercent: 20, memPercent: 93 } }));
    expect(d).toMatchObject({ desired: 2, previous: 2, changed: false, blocked: true, action: 'hold', recommended: 4 });
    expect(d.reason).toBe('7 in flight, target 2 per instance → 4 instances; scale-up blocked: memory 93% above 90% (stays 2)');
  });

  it('names every resource over its threshold', () => {
    const { policy } = policyOn({ maxCpuPercent: 80 });
    const d = policy.decide(tick({ inFlight: 7, currentInstances: 2, system: { cpuPercent: 95.25, memPercent: 91 } }));
    expect(d.reason).toBe('7 in flight, target 2 per instance → 4 instances; scale-up blocked: CPU 95.3% above 80% and memory 91% above 90% (stays 2)');
  });

  it('lets through at the threshold, without figures, and for scale-down', () => {
    const { policy } = policyOn();
    expect(policy.decide(tick({ inFlight: 7, currentInstances: 2, system: { cpuPercent: 90, memPercent: 90 } })).desired).toBe(4);
    expect(policy.decide(tick({ inFlight: 7, currentInstances: 2, system: null })).desired).toBe(4);
    const down = policy.decide(tick({ inFlight: 2, currentInstances: 4, system: { cpuPercent: 99, memPercent: 99 } }));
    expect(down).toMatchObject({ desired: 1, changed: true });
    expect(down.blocked).toBeUndefined();
  });

  it('still restores min and wakes from zero, blocking only the rest', () => {
    const { policy } = policyOn();
    const hot = { cpuPercent: 99, memPercent: 50 };
    const min = policy.decide(tick({ inFlight: 12, currentInstances: 0, min: 2, system: hot }));
    expect(min).toMatchObject({ desired: 2, changed: true, blocked: true });
    expect(min.reason).toBe('12 in flight, target 2 per instance → 6 instances; scale-up blocked: CPU 99% above 90% (2 instances, the least allowed; was 0)');
    const wake = policy.decide(tick({ inFlight: 3, currentInstances: 0, min: 0, system: hot }));
    expect(wake).toMatchObject({ desired: 1, blocked: true });
  });

  it('does not count a blocked tick as a change: once memory is back the scale-up is immediate', () => {
    const { clock, policy } = policyOn({ cooldownMs: 60_000 });
    policy.decide(tick({ inFlight: 7, currentInstances: 2, system: { cpuPercent: 20, memPercent: 95 } }));
    clock.advance(1000);
    expect(policy.decide(tick({ inFlight: 7, currentInstances: 2 })).desired).toBe(4);
  });
});
