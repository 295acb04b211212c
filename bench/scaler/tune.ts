/**
 * The forecaster sweep behind the defaults (see README): every (alpha, beta, look-ahead) of the
 * grid replayed over the four traces, with the shared settings (stabilisation, cooldown,
 * tolerance) at their defaults and never varied. Run: `npx tsx bench/scaler/tune.ts`.
 *
 * Criterion, fixed before looking at the results:
 *  1. on the ramp and the sine, instance-seconds ≤ reactive's + 10 % (the goal's budget);
 *  2. changes summed over all four traces ≤ 1.5 × reactive's (no flapping bought with forecasts);
 *  3. among those, the fewest violation seconds on ramp + sine; ties → fewest instance-seconds over
 *     all four traces (so overshoot on the step and the spike counts against a setting).
 */
import { simulate, type SimulationResult } from './simulator';
import { TRACES } from './traces';

export const ALPHAS = [0.3, 0.5, 0.7, 0.9];
export const BETAS = [0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2];
export const LOOK_AHEADS_S = [10, 15, 20, 25, 30, 40, 45, 60, 90];

interface Candidate {
  alpha: number;
  beta: number;
  lookAheadS: number;
  results: SimulationResult[];
  ok: boolean;
  violations: number;
  cost: number;
  changes: number;
}

export function sweep(): { reactive: SimulationResult[]; candidates: Candidate[] } {
  const reactive = TRACES.map((trace) => simulate(trace, { mode: 'reactive' }));
  const byName = (rs: SimulationResult[], name: string): SimulationResult => rs.find((r) => r.trace === name)!;
  const reactiveChanges = reactive.reduce((s, r) => s + r.changes, 0);
  const candidates: Candidate[] = [];
  for (const alpha of ALPHAS) {
    for (const beta of BETAS) {
      for (const lookAheadS of LOOK_AHEADS_S) {
        const results = TRACES.map((trace) => simulate(trace, { mode: 'predictive', forecastAlpha: alpha, forecastBeta: beta, lookAheadMs: lookAheadS * 1000 }));
        const withinBudget = ['ramp', 'sine'].every((name) => byName(results, name).instanceSeconds <= byName(reactive, name).instanceSeconds * 1.1);
        const changes = results.reduce((s, r) => s + r.changes, 0);
        candidates.push({
          alpha,
          beta,
          lookAheadS,
          results,
          ok: withinBudget && changes <= reactiveChanges * 1.5,
          violations: byName(results, 'ramp').violationSeconds + byName(results, 'sine').violationSeconds,
          cost: results.reduce((s, r) => s + r.instanceSeconds, 0),
          changes,
        });
      }
    }
  }
  candidates.sort((a, b) => Number(b.ok) - Number(a.ok) || a.violations - b.violations || a.cost - b.cost);
  return { reactive, candidates };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { reactive, candidates } = sweep();
  const fmt = (r: SimulationResult): string => `${r.trace} ${r.violationSeconds}/${r.instanceSeconds}/${r.changes}`;
  console.log(`reactive: ${reactive.map(fmt).join('  ')}   (violation s / instance-s / changes)`);
  const ok = candidates.filter((c) => c.ok);
  console.log(`${ok.length} of ${candidates.length} settings meet the criterion; best first:`);
  for (const c of ok.slice(0, 15)) {
    console.log(`alpha ${c.alpha} beta ${c.beta} look-ahead ${c.lookAheadS} s: ramp+sine violations ${c.violations}, all instance-s ${c.cost}, changes ${c.changes} | ${c.results.map(fmt).join('  ')}`);
  }
}
