import { ManualClock } from '../../src/main/common/clock';
import { ScalingPolicy, type ScalingPolicyOptions } from '../../src/main/scaler/scaling-policy';
import type { Trace } from './traces';

/**
 * The system model (deliberately simple; see README):
 * - Demand is exogenous: the trace says how many requests are in flight each second, whatever the
 *   capacity (queueing is not modelled; in-flight is the trace rounded to whole requests).
 * - Each ready instance serves up to `targetPerInstance` in flight comfortably; a second in which
 *   in-flight > target × ready instances is one SLO-violation second (0 ready with traffic: too).
 * - A new instance costs from the moment it is asked for but serves only `startupMs` later;
 *   a scale-down stops instances at once (starting ones first).
 * - Requests take `latencyMs`, so the router's arrival rate is in-flight / latency (Little's law
 *   then gives back the same concurrency: the bench does not favour either signal).
 * - The scaler decides once a second (the health tick), after the second is measured.
 */
export interface SimulationModel {
  targetPerInstance: number;
  min: number;
  max: number;
  startupMs: number;
  latencyMs: number;
  tickMs: number;
}

export const DEFAULT_SIMULATION_MODEL: Readonly<SimulationModel> = Object.freeze({
  targetPerInstance: 4,
  min: 1,
  max: 16,
  startupMs: 2000,
  latencyMs: 500,
  tickMs: 1000,
});

export interface SimulationResult {
  trace: string;
  mode: string;
  /** Seconds with in-flight above target × ready instances. */
  violationSeconds: number;
  /** Σ instances (starting or ready) × seconds. */
  instanceSeconds: number;
  /** Decisions that changed the count. */
  changes: number;
  /** Highest instance count reached. */
  peakInstances: number;
}

export function simulate(trace: Trace, policyOptions: Partial<ScalingPolicyOptions>, model: SimulationModel = DEFAULT_SIMULATION_MODEL): SimulationResult {
  const clock = new ManualClock(0);
  const policy = new ScalingPolicy(clock, policyOptions);
  // readyAt per provisioned instance, oldest first.
  const instances: number[] = [];
  for (let i = 0; i < model.min; i++) instances.push(0);
  let violationSeconds = 0;
  let instanceSeconds = 0;
  let changes = 0;
  let peakInstances = instances.length;
  const tickSeconds = model.tickMs / 1000;

  for (let t = 0; t < trace.concurrency.length; t++) {
    const now = clock.now();
    const inFlight = Math.round(trace.concurrency[t]!);
    const ready = instances.filter((readyAt) => readyAt <= now).length;
    if (inFlight > model.targetPerInstance * ready + 1e-9) violationSeconds += tickSeconds;
    instanceSeconds += instances.length * tickSeconds;

    const decision = policy.decide({
      inFlight,
      arrivalRatePerSec: inFlight / (model.latencyMs / 1000),
      avgLatencyMs: model.latencyMs,
      currentInstances: instances.length,
      min: model.min,
      max: model.max,
      targetPerInstance: model.targetPerInstance,
      system: null,
      idle: inFlight === 0,
    });
    if (decision.changed) changes++;
    while (instances.length < decision.desired) instances.push(now + model.startupMs);
    // Stop the newest first: starting ones before ready ones.
    while (instances.length > decision.desired) instances.pop();
    peakInstances = Math.max(peakInstances, instances.length);
    clock.advance(model.tickMs);
  }
  return { trace: trace.name, mode: policyOptions.mode ?? 'predictive', violationSeconds, instanceSeconds, changes, peakInstances };
}
