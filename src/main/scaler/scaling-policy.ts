import type { Clock } from '../common/clock';
import { HoltForecaster } from './holt-forecaster';
import { resolveScalingPolicyOptions, type ScalingMode, type ScalingPolicyOptions } from './scaling-policy-options';

export { DEFAULT_SCALING_POLICY_OPTIONS, resolveScalingPolicyOptions } from './scaling-policy-options';
export type { ScalingMode, ScalingPolicyOptions } from './scaling-policy-options';

/** Recommendations kept at most (a guard against `decide` being called far more often than once a tick). */
const MAX_HISTORY = 4096;

/** What the conductor's health tick knows about one plugin. */
export interface ScalingInput {
  /** Decision time, epoch ms. Default: the policy's clock. */
  now?: number;
  /** Requests admitted and not yet settled (queued included). */
  inFlight: number;
  /** Requests arriving per second (null or 0: unknown). */
  arrivalRatePerSec: number | null;
  /** Typical latency of a request, ms (null or 0: unknown). */
  avgLatencyMs: number | null;
  /** Instances running or starting (not draining, stopped or crashed). */
  currentInstances: number;
  /** The manifest's bounds and target. */
  min: number;
  max: number;
  targetPerInstance: number;
  /** System load for the resource guard; null: not sampled yet (the guard lets everything through). */
  system: { cpuPercent: number; memPercent: number } | null;
  /** No request in flight, queued or arrived since the previous tick. */
  idle: boolean;
}

export type ScalingAction = 'up' | 'down' | 'hold';

export interface ScalingDecision {
  /** Instances the plugin should have now. */
  desired: number;
  /** `currentInstances` of the input. */
  previous: number;
  changed: boolean;
  action: ScalingAction;
  /** True when the resource guard held back a scale-up; `reason` says which resource. */
  blocked?: boolean;
  /** In words, e.g. "forecast 7.4 in flight, target 2 per instance → 4 instances (was 2)". */
  reason: string;
  mode: ScalingMode;
  /** Concurrency seen now: max(in flight, arrival rate × latency). */
  concurrency: number;
  /** Predictive mode: the concurrency the decision sized for (≥ `concurrency`); null in reactive mode. */
  forecast: number | null;
  /** The count the load alone asks for, within the bounds, before stabilisation, cooldown and guard. */
  recommended: number;
  inputs: ScalingInput & { now: number };
}

/**
 * Little's law: mean requests in the system = arrival rate × time in the system. Gives the
 * concurrency between ticks that one in-flight snapshot can miss (short requests); null when
 * either figure is unknown.
 */
export function littleConcurrency(arrivalRatePerSec: number | null, avgLatencyMs: number | null): number | null {
  if (arrivalRatePerSec === null || avgLatencyMs === null) return null;
  if (!(arrivalRatePerSec > 0) || !(avgLatencyMs > 0)) return null;
  return (arrivalRatePerSec * avgLatencyMs) / 1000;
}

/**
 * HPA's proportional rule: ceil(n × load per instance / target) = ceil(demand / target), except
 * that nothing changes while the load per instance is within `tolerance` of the target.
 * With no instance (scaled to zero) the tolerance does not apply.
 */
export function proportionalDesired(demand: number, current: number, target: number, tolerance: number): { desired: number; withinTolerance: boolean } {
  if (current > 0 && Math.abs(demand / current / target - 1) <= tolerance + 1e-9) return { desired: current, withinTolerance: true };
  // The epsilon keeps 8.000000001 (float noise in demand/target) from becoming 9.
  return { desired: Math.max(0, Math.ceil(demand / target - 1e-9)), withinTolerance: false };
}

/** (a) Reactive: sized for the concurrency seen now. */
export function reactiveDesired(concurrency: number, current: number, target: number, tolerance: number): { desired: number; withinTolerance: boolean } {
  return proportionalDesired(concurrency, current, target, tolerance);
}

/** (b) Predictive: sized for the forecast concurrency (never below what is seen now). */
export function predictiveDesired(forecast: number, concurrency: number, current: number, target: number, tolerance: number): { desired: number; withinTolerance: boolean } {
  return proportionalDesired(Math.max(forecast, concurrency), current, target, tolerance);
}

/**
 * The scaling decisions of one plugin: pure logic plus the little memory it needs (recent
 * recommendations, the time of the last change, since when it has been idle, the forecaster).
 * It does not act; the caller applies `desired` and calls again on the next health tick.
 *
 * Order of a decision: scale to zero (min 0, idle for `idleToZeroMs`) → recommendation from the
 * load (reactive or predictive, tolerance band, clamped to the bounds) → stabilisation (up: the
 * lowest recommendation of `scaleUpStabilizationMs`; down: the highest load-based recommendation
 * of `stabilizationWindowMs`) → cooldown (bounds and waking bypass it) → resource guard (never
 * below the bounds or the wake-up instance). A recommendation made at t counts while
 * now − t < window.
 *
 * Scale to zero: at 0 instances the policy holds 0 while idle and wakes to at least 1 as soon as a
 * tick is not idle; the router's `onDemand` hook (a request that finds no instance) should start
 * one at once rather than wait for the tick. With min 0 and recent traffic the floor is 1, so a
 * momentary 0 in flight never stops the last instance before `idleToZeroMs`.
 */
export class ScalingPolicy {
  readonly options: Readonly<ScalingPolicyOptions>;
  private readonly forecaster: HoltForecaster;
  /** Recent recommendations, oldest first. */
  private history: { at: number; recommended: number; seen: number }[] = [];
  private lastChangeAt: number | null = null;
  private idleSince: number | null = null;
  private lastDecisionAt: number | null = null;

  constructor(
    private readonly clock: Clock,
    options: Partial<ScalingPolicyOptions> = {},
  ) {
    this.options = Object.freeze(resolveScalingPolicyOptions(options));
    this.forecaster = new HoltForecaster({ alpha: this.options.forecastAlpha, beta: this.options.forecastBeta, stepSeconds: 1 });
  }

  /** Forgets history, cooldown, idleness and the forecast (e.g. when the plugin is disabled). */
  reset(): void {
    this.history = [];
    this.lastChangeAt = null;
    this.idleSince = null;
    this.lastDecisionAt = null;
    this.forecaster.reset();
  }

  decide(input: ScalingInput): ScalingDecision {
    const now = input.now ?? this.clock.now();
    validateInput(input, now);
    const o = this.options;
    const { currentInstances: current, min, max, targetPerInstance: target } = input;
    const inputs = { ...input, now };

    const little = littleConcurrency(input.arrivalRatePerSec, input.avgLatencyMs);
    const concurrency = little === null ? input.inFlight : Math.max(input.inFlight, little);
    let forecast: number | null = null;
    if (o.mode === 'predictive') {
      const dt = this.lastDecisionAt === null ? 1 : Math.max(0, (now - this.lastDecisionAt) / 1000);
      this.forecaster.update(concurrency, dt);
      // At least what is seen now, at most `maxLeadInstances` × target above it, to the 0.1 the reason prints.
      const ahead = this.forecaster.forecast(o.lookAheadMs / 1000);
      forecast = round1(clamp(ahead, concurrency, concurrency + o.maxLeadInstances * target));
    }
    this.lastDecisionAt = now;
    if (input.idle) this.idleSince ??= now;
    else this.idleSince = null;

    const decision = (desired: number, recommended: number, reason: string, blocked = false): ScalingDecision => {
      const changed = desired !== current;
      if (changed) this.lastChangeAt = now;
      const out: ScalingDecision = {
        desired,
        previous: current,
        changed,
        action: desired > current ? 'up' : desired < current ? 'down' : 'hold',
        reason,
        mode: o.mode,
        concurrency,
        forecast,
        recommended,
        inputs,
      };
      if (blocked) out.blocked = true;
      return out;
    };

    // Scale to zero: min 0 and idle long enough. Not subject to stabilisation or cooldown: the idle period is the wait.
    if (min === 0 && this.idleSince !== null && now - this.idleSince >= o.idleToZeroMs) {
      this.history = [];
      const idleFor = now - this.idleSince;
      return current === 0
        ? decision(0, 0, `idle for ${seconds(idleFor)} → 0 instances (scaled to zero)`)
        : decision(0, 0, `idle for ${seconds(idleFor)} → 0 instances (was ${current})`);
    }

    // The floor: min, or with min 0 one instance while traffic is recent (0 only while idle at zero).
    const floor = min > 0 ? min : current > 0 || !input.idle ? 1 : 0;
    const demand = forecast ?? concurrency;
    const raw = o.mode === 'predictive'
      ? predictiveDesired(demand, concurrency, current, target, o.tolerance)
      : reactiveDesired(concurrency, current, target, o.tolerance);
    const recommended = clamp(raw.desired, floor, max);
    // What the load seen now asks for (the same as `recommended` in reactive mode).
    const seen = o.mode === 'predictive' ? clamp(reactiveDesired(concurrency, current, target, o.tolerance).desired, floor, max) : recommended;

    let text = `${o.mode === 'predictive' ? 'forecast ' : ''}${num(demand)} in flight, target ${num(target)} per instance → ${instances(recommended)}`;
    if (raw.desired > max) text += `, capped at max ${max}`;
    else if (raw.desired < floor) text += min > 0 ? `, raised to min ${min}` : `, kept until idle for ${seconds(o.idleToZeroMs)}`;

    // Stabilisation.
    this.history.push({ at: now, recommended, seen });
    const keep = Math.max(o.stabilizationWindowMs, o.scaleUpStabilizationMs);
    while (this.history.length > 1 && (now - this.history[0]!.at >= keep || this.history.length > MAX_HISTORY)) this.history.shift();
    let upBound = recommended;
    let downBound = recommended;
    for (const entry of this.history) {
      const age = now - entry.at;
      if (age < o.scaleUpStabilizationMs) upBound = Math.min(upBound, entry.recommended);
      if (age < o.stabilizationWindowMs) downBound = Math.max(downBound, entry.seen);
    }
    let stabilised = current;
    if (stabilised < upBound) stabilised = upBound;
    if (stabilised > downBound) stabilised = downBound;
    stabilised = clamp(stabilised, floor, max);
    if (stabilised !== recommended) {
      text += stabilised > recommended
        ? `; stabilising: ${downBound} recommended within the last ${seconds(o.stabilizationWindowMs)}`
        : `; stabilising: as few as ${upBound} recommended within the last ${seconds(o.scaleUpStabilizationMs)}`;
    }

    const outOfBounds = current < floor || current > max;
    if (stabilised === current) {
      return decision(current, recommended, `${text} (${raw.withinTolerance && stabilised === recommended ? `unchanged, within the ${num(o.tolerance * 100)}% tolerance` : 'unchanged'})`);
    }

    // Cooldown.
    if (!outOfBounds && this.lastChangeAt !== null && now - this.lastChangeAt < o.cooldownMs) {
      return decision(current, recommended, `${text}; cooldown: last change ${seconds(now - this.lastChangeAt)} ago, cooldown ${seconds(o.cooldownMs)} (stays ${current})`);
    }

    // Resource guard: only the part of a scale-up above what the bounds require.
    if (stabilised > current && input.system !== null) {
      const over: string[] = [];
      if (input.system.cpuPercent > o.maxCpuPercent) over.push(`CPU ${num(input.system.cpuPercent)}% above ${num(o.maxCpuPercent)}%`);
      if (input.system.memPercent > o.maxMemPercent) over.push(`memory ${num(input.system.memPercent)}% above ${num(o.maxMemPercent)}%`);
      const allowed = Math.max(current, floor);
      if (over.length > 0 && stabilised > allowed) {
        const outcome = allowed === current ? `stays ${current}` : `${instances(allowed)}, the least allowed; was ${current}`;
        return decision(allowed, recommended, `${text}; scale-up blocked: ${over.join(' and ')} (${outcome})`, true);
      }
    }

    return decision(stabilised, recommended, `${text} (was ${current})`);
  }
}

function validateInput(input: ScalingInput, now: number): void {
  const fail = (name: string, expected: string, got: unknown): never => {
    throw new RangeError(`ScalingPolicy.decide: ${name} must be ${expected}, got ${String(got)}`);
  };
  if (!Number.isFinite(now)) fail('now', 'a finite number', now);
  if (!(Number.isFinite(input.inFlight) && input.inFlight >= 0)) fail('inFlight', 'a number ≥ 0', input.inFlight);
  if (input.arrivalRatePerSec !== null && !(Number.isFinite(input.arrivalRatePerSec) && input.arrivalRatePerSec >= 0)) fail('arrivalRatePerSec', 'a number ≥ 0 or null', input.arrivalRatePerSec);
  if (input.avgLatencyMs !== null && !(Number.isFinite(input.avgLatencyMs) && input.avgLatencyMs >= 0)) fail('avgLatencyMs', 'a number ≥ 0 or null', input.avgLatencyMs);
  if (!(Number.isInteger(input.currentInstances) && input.currentInstances >= 0)) fail('currentInstances', 'an integer ≥ 0', input.currentInstances);
  if (!(Number.isInteger(input.min) && input.min >= 0)) fail('min', 'an integer ≥ 0', input.min);
  if (!(Number.isInteger(input.max) && input.max >= Math.max(1, input.min))) fail('max', `an integer ≥ max(1, min)`, input.max);
  if (!(Number.isFinite(input.targetPerInstance) && input.targetPerInstance > 0)) fail('targetPerInstance', 'a positive number', input.targetPerInstance);
}

function clamp(n: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, n));
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** 7.44 → "7.4", 2 → "2". */
function num(n: number): string {
  return String(round1(n));
}

function seconds(ms: number): string {
  return `${num(ms / 1000)} s`;
}

function instances(n: number): string {
  return `${n} instance${n === 1 ? '' : 's'}`;
}
