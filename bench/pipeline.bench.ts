/**
 * `npm run bench`: echo through the full request pipeline next to the raw transports it is built
 * on, in the same run. See bench/README.md.
 *
 * Variants: pipeline (Conductor → router → instance → child runtime → echo plugin), raw fork IPC,
 * raw fork IPC coalesced per tick, raw worker_threads, piscina. Concurrency 1, 16, 256 (closed
 * loop: that many requests outstanding at all times). Each rep runs every (concurrency, variant)
 * pair once, the variants in a rotated order; the table shows the median over the reps.
 *
 * Environment: BENCH_QUICK=1 (about 1/10 of the requests, 3 reps), BENCH_REPS=n (≥ 3),
 * BENCH_PIPELINE=conductor|router (default conductor), BENCH_ECHO_CONCURRENCY=n (the echo
 * manifest's concurrency; default 256, so nothing waits in the router's queue at 256).
 *
 * Targets are printed PASS/MISS; a miss does not fail the process (benchmarks report, tests assert).
 */
import { availableParallelism, cpus } from 'node:os';
import { median, runClosedLoop, type RunResult, type Target } from './lib/harness';
import { conductorPipeline, missingBuild, routerPipeline, staleBuildSources, type PipelineKind } from './lib/pipeline-targets';
import { piscina, rawFork, rawForkCoalesced, rawWorker } from './lib/raw-targets';

const QUICK = process.env.BENCH_QUICK === '1';
const REPS = Math.max(3, Number.parseInt(process.env.BENCH_REPS ?? '', 10) || (QUICK ? 3 : 5));
const PIPELINE: PipelineKind = process.env.BENCH_PIPELINE === 'router' ? 'router' : 'conductor';
const ECHO_CONCURRENCY = Math.max(1, Number.parseInt(process.env.BENCH_ECHO_CONCURRENCY ?? '', 10) || 256);
const CONCURRENCIES = [1, 16, 256] as const;
type Concurrency = (typeof CONCURRENCIES)[number];
/** Requests per measured run. */
const REQUESTS: Record<Concurrency, number> = QUICK ? { 1: 2_000, 16: 10_000, 256: 20_000 } : { 1: 20_000, 16: 100_000, 256: 200_000 };
/** A run stops sending at this bound (and says so); a slow variant then reports what it did. */
const MAX_RUN_MS = QUICK ? 2_000 : 8_000;
/** The whole benchmark gives up after this. */
const OVERALL_LIMIT_MS = 20 * 60_000;
const VARIANTS = ['pipeline', 'fork', 'fork-coalesced', 'worker', 'piscina'] as const;
type Variant = (typeof VARIANTS)[number];

interface Measured {
  /** Per rep, in rep order. */
  runs: RunResult[];
}

const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  const missing = missingBuild();
  if (missing !== null) {
    console.error(`bench: ${missing}`);
    process.exitCode = 1;
    return;
  }
  const watchdog = setTimeout(() => {
    console.error(`bench: gave up after ${OVERALL_LIMIT_MS / 60_000} min`);
    process.exit(2);
  }, OVERALL_LIMIT_MS);
  watchdog.unref();

  const cpuModel = cpus()[0]?.model.trim() ?? 'unknown CPU';
  console.log(`pipeline bench — ${new Date().toISOString()} — node ${process.version}, ${availableParallelism()} cores (${cpuModel})`);
  console.log(
    `mode: ${QUICK ? 'QUICK' : 'full'}; ${REPS} interleaved reps; requests per run c1=${REQUESTS[1]} c16=${REQUESTS[16]} c256=${REQUESTS[256]}; ≤ ${MAX_RUN_MS / 1000} s per run; gc between runs: ${gc ? 'yes' : 'no (run node with --expose-gc for it)'}`,
  );
  const stale = staleBuildSources();
  if (stale.length > 0) console.log(`warning: the built child runtime is older than ${stale.join(', ')}: rebuild (npx electron-vite build) to measure the current code`);

  const targets = new Map<Variant, Target>();
  try {
    targets.set('pipeline', await (PIPELINE === 'router' ? routerPipeline : conductorPipeline)({ concurrency: ECHO_CONCURRENCY, queueLimit: 256 }));
    targets.set('fork', await rawFork());
    targets.set('fork-coalesced', await rawForkCoalesced());
    targets.set('worker', await rawWorker());
    targets.set('piscina', await piscina());
    console.log('variants:');
    for (const v of VARIANTS) console.log(`  ${v.padEnd(15)} ${targets.get(v)!.description}`);

    // Warm-up: every pair once at a fifth of the requests, discarded (JIT, pipes, thread pools).
    process.stderr.write('warm-up…');
    for (const c of CONCURRENCIES) for (const v of VARIANTS) await measure(targets.get(v)!, c, Math.ceil(REQUESTS[c] / 5));
    process.stderr.write(' done\n');

    const results = new Map<string, Measured>();
    for (let rep = 0; rep < REPS; rep++) {
      process.stderr.write(`rep ${rep + 1}/${REPS}:`);
      for (const c of CONCURRENCIES) {
        // Rotate the order each rep so no variant always runs first (or right after a heavy one).
        for (let k = 0; k < VARIANTS.length; k++) {
          const v = VARIANTS[(k + rep) % VARIANTS.length]!;
          const result = await measure(targets.get(v)!, c, REQUESTS[c]);
          const key = `${v}@${c}`;
          const entry = results.get(key) ?? { runs: [] };
          entry.runs[rep] = result;
          results.set(key, entry);
          process.stderr.write(` ${v}@${c}=${Math.round(result.reqPerSec / 1000)}k`);
        }
      }
      process.stderr.write('\n');
    }
    report(results);
  } finally {
    for (const target of targets.values()) {
      try {
        await target.close();
      } catch (error) {
        console.error(`bench: closing ${target.name} failed: ${String(error)}`);
      }
    }
    clearTimeout(watchdog);
  }
}

async function measure(target: Target, concurrency: number, requests: number): Promise<RunResult> {
  gc?.();
  // Let the previous run's stragglers (timers, batches) settle.
  await new Promise((resolve) => setImmediate(resolve));
  return runClosedLoop(target, concurrency, requests, MAX_RUN_MS);
}

// ── report ─────────────────────────────────────────────────────────────────────────────────────

function report(results: Map<string, Measured>): void {
  const runsOf = (v: Variant, c: Concurrency): RunResult[] => results.get(`${v}@${c}`)!.runs;
  const med = (v: Variant, c: Concurrency, pick: (r: RunResult) => number): number => median(runsOf(v, c).map(pick));
  /** Median over the reps of the per-rep ratio (both measured in the same rep, under the same noise). */
  const ratio = (a: Variant, b: Variant, c: Concurrency): number => median(runsOf(a, c).map((r, i) => r.reqPerSec / runsOf(b, c)[i]!.reqPerSec));
  const p50Delta = (a: Variant, b: Variant, c: Concurrency): number => median(runsOf(a, c).map((r, i) => r.p50Us - runsOf(b, c)[i]!.p50Us));

  console.log('');
  console.log(`results (median of ${REPS} reps; req/s spread = min–max over the reps)`);
  const header = `${'conc'.padEnd(5)} ${'variant'.padEnd(15)} ${'req/s'.padStart(9)} ${'spread'.padStart(17)} ${'p50 µs'.padStart(9)} ${'p99 µs'.padStart(9)}`;
  console.log(header);
  console.log('-'.repeat(header.length));
  for (const c of CONCURRENCIES) {
    for (const v of VARIANTS) {
      const runs = runsOf(v, c);
      const rates = runs.map((r) => r.reqPerSec);
      const capped = runs.some((r) => r.capped) ? '  (time-capped)' : '';
      console.log(
        `${`c${c}`.padEnd(5)} ${v.padEnd(15)} ${fmtInt(med(v, c, (r) => r.reqPerSec)).padStart(9)} ${`${fmtInt(Math.min(...rates))}–${fmtInt(Math.max(...rates))}`.padStart(17)} ${fmtUs(med(v, c, (r) => r.p50Us)).padStart(9)} ${fmtUs(med(v, c, (r) => r.p99Us)).padStart(9)}${capped}`,
      );
    }
  }

  console.log('');
  console.log('ratios (pipeline req/s ÷ baseline req/s, median of per-rep ratios; p50 Δ = pipeline − baseline)');
  for (const c of CONCURRENCIES) {
    const parts = (['fork', 'fork-coalesced', 'worker', 'piscina'] as const).map((b) => `/${b}=${fmtRatio(ratio('pipeline', b, c))}`);
    console.log(`  c${String(c).padEnd(4)} pipeline ${parts.join('  ')}   p50 Δ vs fork ${fmtDelta(p50Delta('pipeline', 'fork', c))} µs`);
  }

  const c256Coalesced = ratio('pipeline', 'fork-coalesced', 256);
  const c256Piscina = ratio('pipeline', 'piscina', 256);
  const c16Fork = ratio('pipeline', 'fork', 16);
  const c1Delta = p50Delta('pipeline', 'fork', 1);
  const targets = [
    { label: 'c256 pipeline ≥ 0.80 × coalesced raw fork IPC', pass: c256Coalesced >= 0.8, value: `${fmtRatio(c256Coalesced)}×` },
    { label: 'c256 pipeline ≥ 5 × piscina', pass: c256Piscina >= 5, value: `${fmtRatio(c256Piscina)}×` },
    { label: 'c16  pipeline ≥ 0.85 × unbatched raw fork IPC', pass: c16Fork >= 0.85, value: `${fmtRatio(c16Fork)}×` },
    { label: 'c1   pipeline p50 ≤ raw fork p50 + 10 µs', pass: c1Delta <= 10, value: `${fmtDelta(c1Delta)} µs` },
  ];
  console.log('');
  console.log('targets');
  for (const t of targets) console.log(`  ${t.pass ? 'PASS' : 'MISS'}  ${t.label.padEnd(48)} ${t.value}`);
  const passed = targets.filter((t) => t.pass).length;
  console.log(
    `summary: c256 pipeline/coalesced=${fmtRatio(c256Coalesced)} pipeline/piscina=${fmtRatio(c256Piscina)} | c16 pipeline/fork=${fmtRatio(c16Fork)} | c1 p50 pipeline-fork=${fmtDelta(c1Delta)}µs | targets ${passed}/${targets.length} PASS${QUICK ? ' (quick)' : ''}`,
  );
}

function fmtInt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a';
}
function fmtUs(n: number): string {
  return Number.isFinite(n) ? n.toFixed(1) : 'n/a';
}
function fmtRatio(n: number): string {
  return Number.isFinite(n) ? n.toFixed(2) : 'n/a';
}
function fmtDelta(n: number): string {
  return Number.isFinite(n) ? `${n >= 0 ? '+' : ''}${n.toFixed(1)}` : 'n/a';
}

main().then(
  () => {
    // Children and threads are closed; anything left (a stray timer of the conductor) must not hold the process.
    process.exit(process.exitCode ?? 0);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
