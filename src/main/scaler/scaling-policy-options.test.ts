import { describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { DEFAULT_SCALING_POLICY_OPTIONS, ScalingPolicy, resolveScalingPolicyOptions, type ScalingPolicyOptions } from './scaling-policy';
import { policyOn, tick } from './scaling-policy.test-helper';

describe('ScalingPolicyOptions', () => {
  it('fills the documented defaults', () => {
    expect(resolveScalingPolicyOptions()).toEqual({
      mode: 'predictive',
      stabilizationWindowMs: 120_000,
      scaleUpStabilizationMs: 0,
      cooldownMs: 5000,
      tolerance: 0.1,
      idleToZeroMs: 300_000,
      maxCpuPercent: 90,
      maxMemPercent: 90,
      forecastAlpha: 0.5,
      forecastBeta: 0.07,
      lookAheadMs: 30_000,
      maxLeadInstances: 1,
    });
    expect(resolveScalingPolicyOptions({ cooldownMs: undefined }).cooldownMs).toBe(DEFAULT_SCALING_POLICY_OPTIONS.cooldownMs);
  });

  it.each([
    [{ mode: 'eager' as ScalingPolicyOptions['mode'] }, 'mode'],
    [{ stabilizationWindowMs: -1 }, 'stabilizationWindowMs'],
    [{ scaleUpStabilizationMs: Number.NaN }, 'scaleUpStabilizationMs'],
    [{ cooldownMs: -5 }, 'cooldownMs'],
    [{ tolerance: 1.5 }, 'tolerance'],
    [{ idleToZeroMs: -1 }, 'idleToZeroMs'],
    [{ maxCpuPercent: 101 }, 'maxCpuPercent'],
    [{ maxMemPercent: -1 }, 'maxMemPercent'],
    [{ forecastAlpha: 0 }, 'forecastAlpha'],
    [{ forecastBeta: 2 }, 'forecastBeta'],
    [{ lookAheadMs: -1 }, 'lookAheadMs'],
    [{ maxLeadInstances: 0.5 }, 'maxLeadInstances'],
  ])('rejects %j naming %s', (options, name) => {
    expect(() => new ScalingPolicy(new ManualClock(), options)).toThrow(`ScalingPolicyOptions.${name}`);
  });

  it.each([
    [{ inFlight: -1 }, 'inFlight'],
    [{ arrivalRatePerSec: Number.NaN }, 'arrivalRatePerSec'],
    [{ avgLatencyMs: -3 }, 'avgLatencyMs'],
    [{ currentInstances: 1.5 }, 'currentInstances'],
    [{ min: -1 }, 'min'],
    [{ min: 3, max: 2 }, 'max'],
    [{ max: 0, min: 0 }, 'max'],
    [{ targetPerInstance: 0 }, 'targetPerInstance'],
  ])('decide rejects %j naming %s', (input, name) => {
    const { policy } = policyOn();
    expect(() => policy.decide(tick(input))).toThrow(`ScalingPolicy.decide: ${name}`);
  });

  it('takes the time from its clock unless the input names it', () => {
    const { clock, policy } = policyOn();
    clock.advance(1234);
    expect(policy.decide(tick()).inputs.now).toBe(1234);
    expect(policy.decide(tick({ now: 99 })).inputs.now).toBe(99);
  });
});
