/**
 * A focused run for profiling and quick A/B checks (not part of `npm run bench`): the pipeline and
 * the raw baselines a target compares it with, at one concurrency, in alternation, printing req/s
 * and the pipeline's ratio to each baseline per rep.
 *
 *   npx tsx --expose-gc bench/profile-pipeline.ts [concurrency=256] [requests=100000] [reps=3]
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-pipeline.ts 256 200000 1
 *
 * Environment: BENCH_PIPELINE=conductor|router (default conductor); PROFILE_ONLY=1 runs only the
 * pipeline (a cleaner CPU profile).
 */
import { median, runClosedLoop, type RunResult, type Target } from './lib/harness';
import { conductorPipeline, missingBuild, routerPipeline, staleBuildSources } from './lib/pipeline-targets';
import { rawFork, rawForkCoalesced } from './lib/raw-targets';

const concurrency = Number.parseInt(process.argv[2] ?? '', 10) || 256;
const requests = Number.parseInt(process.argv[3] ?? '', 10) || 100_000;
const reps = Number.parseInt(process.argv[4] ?? '', 10) || 3;
const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  const missing = missingBuild();
  if (missing !== null) throw new Error(missing);
  const stale = staleBuildSources();
  if (stale.length > 0) console.log(`warning: stale child runtime build (${stale.join(', ')})`);
  const pipeline = await (process.env.BENCH_PIPELINE === 'router' ? routerPipeline : conductorPipeline)({ concurrency: 256, queueLimit: 256 });
  const baselines: Target[] = process.env.PROFILE_ONLY === '1' ? [] : [await rawFork(), await rawForkCoalesced()];
  const all = [pipeline, ...baselines];
  const results = new Map<string, RunResult[]>(all.map((t) => [t.name, []]));
  try {
    // Warm-up.
    for (const t of all) await measure(t, Math.ceil(requests / 5));
    for (let rep = 0; rep < reps; rep++) {
      const line: string[] = [];
      for (let k = 0; k < all.length; k++) {
        const t = all[(k + rep) % all.length]!;
        const r = await measure(t, requests);
        results.get(t.name)!.push(r);
      }
      for (const t of all) {
        const r = results.get(t.name)![rep]!;
        line.push(`${t.name}=${Math.round(r.reqPerSec / 1000)}k p50=${r.p50Us.toFixed(1)}µs p99=${r.p99Us.toFixed(0)}µs`);
      }
      const p = results.get('pipeline')![rep]!;
      for (const b of baselines) line.push(`pipeline/${b.name}=${(p.reqPerSec / results.get(b.name)![rep]!.reqPerSec).toFixed(2)}`);
      console.log(`c${concurrency} rep ${rep + 1}: ${line.join('  ')}`);
    }
    const p = results.get('pipeline')!;
    const summary = baselines.map((b) => `pipeline/${b.name}=${median(p.map((r, i) => r.reqPerSec / results.get(b.name)![i]!.reqPerSec)).toFixed(2)}`);
    const delta = baselines.length > 0 ? ` p50Δ(fork)=${median(p.map((r, i) => r.p50Us - results.get('fork')![i]!.p50Us)).toFixed(1)}µs` : '';
    console.log(`c${concurrency} median: pipeline=${Math.round(median(p.map((r) => r.reqPerSec)) / 1000)}k ${summary.join(' ')}${delta}`);
  } finally {
    for (const t of all) await t.close();
  }
}

async function measure(target: Target, n: number): Promise<RunResult> {
  gc?.();
  await new Promise((resolve) => setImmediate(resolve));
  return runClosedLoop(target, concurrency, n, 10_000);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
