import { ManualClock } from '../common/clock';
import { ScalingPolicy, type ScalingInput, type ScalingPolicyOptions } from './scaling-policy';

/** A policy on a manual clock, with short windows unless a test says otherwise. */
export function policyOn(options: Partial<ScalingPolicyOptions> = {}): { clock: ManualClock; policy: ScalingPolicy } {
  const clock = new ManualClock(0);
  return { clock, policy: new ScalingPolicy(clock, { mode: 'reactive', stabilizationWindowMs: 0, cooldownMs: 0, ...options }) };
}

/** One plugin's tick: target 2 per instance, bounds [1, 10], no rate or latency figures, system fine. */
export function tick(overrides: Partial<ScalingInput> = {}): ScalingInput {
  return {
    inFlight: 0,
    arrivalRatePerSec: null,
    avgLatencyMs: null,
    currentInstances: 1,
    min: 1,
    max: 10,
    targetPerInstance: 2,
    system: { cpuPercent: 10, memPercent: 40 },
    idle: false,
    ...overrides,
  };
}
