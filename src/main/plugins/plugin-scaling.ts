/**
 * The plugin manager as the scaler's target: what one plugin's scaling input is this tick, and how
 * a decision is shown in status. The manager carries decisions out (`scaleTo` → `fitToBounds`).
 */
import type { ScalingSummary } from '../../shared/domain';
import type { RouterRequestMetrics } from '../router/request-metrics';
import type { ScalingDecision, ScalingInput } from '../scaler/scaling-policy';
import type { PluginSlot } from './plugin-slot';

/** One plugin's figures for the scaling policy; remembers the request total to tell idleness. */
export function scalingInputOf(slot: PluginSlot, m: RouterRequestMetrics | null): Omit<ScalingInput, 'system' | 'now'> {
  let current = 0;
  for (const i of slot.instances) if (i.state === 'starting' || i.state === 'ready' || i.state === 'degraded') current++;
  const inFlight = m ? Math.max(m.inFlight, m.queueDepth) : 0;
  const total = m?.total ?? 0;
  const idle = inFlight === 0 && total === slot.lastTotal;
  slot.lastTotal = total;
  return {
    inFlight,
    arrivalRatePerSec: m?.ratePerSec ?? null,
    avgLatencyMs: m?.p50Ms ?? null,
    currentInstances: current,
    min: slot.min,
    max: slot.max,
    targetPerInstance: slot.manifest.instances.targetPerInstance,
    idle,
  };
}

export function scalingSummaryOf(decision: ScalingDecision): ScalingSummary {
  return { at: decision.inputs.now, desired: decision.desired, previous: decision.previous, reason: decision.reason, blocked: decision.blocked ?? false };
}
