/**
 * Scaling policies replayed over fixed traces (see bench/scaler/README.md for the model, the
 * traces and the tuning). Run: `npm run bench:scaler` (or `npx tsx bench/scaler.bench.ts`).
 * Deterministic: an injected clock, 1 s ticks, no randomness, no wall-clock timing.
 */
import { DEFAULT_SCALING_POLICY_OPTIONS, type ScalingPolicyOptions } from '../src/main/scaler/scaling-policy';
import { DEFAULT_SIMULATION_MODEL, simulate, type SimulationModel, type SimulationResult } from './scaler/simulator';
import { TRACES } from './scaler/traces';

/** The goal: on these traces predictive has fewer violation seconds at ≤ 10 % more instance-seconds. */
const GOAL_TRACES = ['ramp', 'sine'];
const COST_BUDGET = 1.1;

function run(policy: Partial<ScalingPolicyOptions>, model: SimulationModel): Map<string, { reactive: SimulationResult; predictive: SimulationResult }> {
  const out = new Map<string, { reactive: SimulationResult; predictive: SimulationResult }>();
  for (const trace of TRACES) {
    out.set(trace.name, {
      reactive: simulate(trace, { ...policy, mode: 'reactive' }, model),
      predictive: simulate(trace, { ...policy, mode: 'predictive' }, model),
    });
  }
  return out;
}

function pct(value: number, base: number): string {
  if (base === 0) return value === 0 ? '±0 %' : 'n/a';
  const p = ((value - base) / base) * 100;
  return `${p >= 0 ? '+' : '−'}${Math.abs(p).toFixed(1)} %`;
}

function goalHolds(results: ReturnType<typeof run>): boolean {
  return GOAL_TRACES.every((name) => {
    const r = results.get(name)!;
    return r.predictive.violationSeconds < r.reactive.violationSeconds && r.predictive.instanceSeconds <= r.reactive.instanceSeconds * COST_BUDGET;
  });
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
}

const model = DEFAULT_SIMULATION_MODEL;
const o = DEFAULT_SCALING_POLICY_OPTIONS;
console.log('Scaler bench: reactive (HPA rule) vs predictive (Holt + Little) over fixed traces, 1 s ticks');
console.log(
  `model: target ${model.targetPerInstance} in flight per instance, min ${model.min}, max ${model.max}, startup ${model.startupMs / 1000} s, latency ${model.latencyMs} ms; ` +
    `shared: stabilisation ${o.stabilizationWindowMs / 1000} s, cooldown ${o.cooldownMs / 1000} s, tolerance ${o.tolerance}; ` +
    `predictive: alpha ${o.forecastAlpha}, beta ${o.forecastBeta}, look-ahead ${o.lookAheadMs / 1000} s, lead ≤ ${o.maxLeadInstances} instance`,
);
console.log('');
const results = run({}, model);
const widths = [6, 11, 12, 14, 8, 5, 11, 11];
console.log(pad(['trace', 'policy', 'violation s', 'instance-s', 'changes', 'peak', 'Δ viol.', 'Δ cost'], widths));
for (const [name, r] of results) {
  for (const res of [r.reactive, r.predictive]) {
    const base = r.reactive;
    const delta = res === base ? ['', ''] : [pct(res.violationSeconds, base.violationSeconds), pct(res.instanceSeconds, base.instanceSeconds)];
    console.log(pad([name, res.mode, String(res.violationSeconds), String(res.instanceSeconds), String(res.changes), String(res.peakInstances), ...delta], widths));
  }
}

// The same comparison with one shared setting or the model changed (both policies alike): is the result an artefact of one choice?
console.log('');
console.log('Sensitivity (both policies alike; ramp and sine, violation s / instance-s, reactive → predictive):');
const variants: { label: string; policy: Partial<ScalingPolicyOptions>; model: SimulationModel }[] = [
  { label: 'defaults', policy: {}, model },
  { label: "HPA's 300 s stabilisation", policy: { stabilizationWindowMs: 300_000 }, model },
  { label: 'no cooldown', policy: { cooldownMs: 0 }, model },
  { label: '15 s cooldown', policy: { cooldownMs: 15_000 }, model },
  { label: 'tolerance 0', policy: { tolerance: 0 }, model },
  { label: '5 s instance startup', policy: {}, model: { ...model, startupMs: 5000 } },
  { label: 'target 2 per instance', policy: {}, model: { ...model, targetPerInstance: 2, max: 32 } },
];
let variantsHolding = 0;
for (const v of variants) {
  const r = run(v.policy, v.model);
  const holds = goalHolds(r);
  if (holds) variantsHolding++;
  const cells = GOAL_TRACES.map((name) => {
    const x = r.get(name)!;
    return `${name} ${x.reactive.violationSeconds}/${x.reactive.instanceSeconds} → ${x.predictive.violationSeconds}/${x.predictive.instanceSeconds} (${pct(x.predictive.instanceSeconds, x.reactive.instanceSeconds)})`;
  });
  console.log(`  ${v.label.padEnd(26)} ${cells.join('   ')}   goal ${holds ? 'holds' : 'MISSED'}`);
}

console.log('');
const parts = GOAL_TRACES.map((name) => {
  const r = results.get(name)!;
  return `${name} ${r.reactive.violationSeconds}→${r.predictive.violationSeconds} violation s at ${pct(r.predictive.instanceSeconds, r.reactive.instanceSeconds)} instance-s`;
});
console.log(`Summary: goal ${goalHolds(results) ? 'MET' : 'NOT MET'} — predictive vs reactive: ${parts.join('; ')}; holds in ${variantsHolding}/${variants.length} sensitivity variants.`);
