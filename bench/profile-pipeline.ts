/**
 * A focused run for profiling and quick A/B checks (not part of `npm run bench`): the pipeline and
 * the raw baselines a target compares it with, at one concurrency, in alternation, printing req/s
 * and the pipeline's ratio to each baseline per rep.
 *
 *   npx tsx --expose-gc bench/profile-pipeline.ts [concurrency=256] [requests=100000] [reps=3]
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-pipeline.ts 256 200000 1
 *
 * Besides req/s it prints CPU time per request, of this process (`main`) and of its child
 * processes (`kids`, from /proc; the idle variants' children add next to nothing): on a machine
 * shared with other work those move much less than req/s.
 *
 * Environment: BENCH_PIPELINE=conductor|router (default conductor); PROFILE_ONLY=1 runs only the
 * pipeline (a cleaner CPU profile), PROFILE_ONLY=fork-coalesced only that baseline.
 */
import { readFileSync } from 'node:fs';
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
  const only = process.env.PROFILE_ONLY;
  const pipeline = only === 'fork-coalesced' ? null : await (process.env.BENCH_PIPELINE === 'router' ? routerPipeline : conductorPipeline)({ concurrency: 256, queueLimit: 256 });
  const baselines: Target[] = only === '1' ? [] : only === 'fork-coalesced' ? [await rawForkCoalesced()] : [await rawFork(), await rawForkCoalesced()];
  const all = pipeline === null ? baselines : [pipeline, ...baselines];
  const results = new Map<string, Measured[]>(all.map((t) => [t.name, []]));
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
        line.push(`${t.name}=${Math.round(r.reqPerSec / 1000)}k p50=${r.p50Us.toFixed(1)}µs p99=${r.p99Us.toFixed(0)}µs cpu main/kids=${r.mainUsPerReq.toFixed(2)}/${r.kidsUsPerReq.toFixed(2)}µs`);
      }
      const p = results.get('pipeline')?.[rep];
      if (p !== undefined) for (const b of baselines) line.push(`pipeline/${b.name}=${(p.reqPerSec / results.get(b.name)![rep]!.reqPerSec).toFixed(2)}`);
      console.log(`c${concurrency} rep ${rep + 1}: ${line.join('  ')}`);
    }
    const cpuOf = (name: string) => {
      const rs = results.get(name)!;
      return `${name} cpu/req main=${median(rs.map((r) => r.mainUsPerReq)).toFixed(2)}µs kids=${median(rs.map((r) => r.kidsUsPerReq)).toFixed(2)}µs`;
    };
    console.log(`c${concurrency} median ${all.map((t) => cpuOf(t.name)).join(' | ')}`);
    const p = results.get('pipeline');
    if (p === undefined) return;
    const summary = baselines.map((b) => `pipeline/${b.name}=${median(p.map((r, i) => r.reqPerSec / results.get(b.name)![i]!.reqPerSec)).toFixed(2)}`);
    const delta = baselines.length > 1 ? ` p50Δ(fork)=${median(p.map((r, i) => r.p50Us - results.get('fork')![i]!.p50Us)).toFixed(1)}µs` : '';
    console.log(`c${concurrency} median: pipeline=${Math.round(median(p.map((r) => r.reqPerSec)) / 1000)}k ${summary.join(' ')}${delta}`);
  } finally {
    for (const t of all) await t.close();
  }
}

interface Measured extends RunResult {
  mainUsPerReq: number;
  kidsUsPerReq: number;
}

async function measure(target: Target, n: number): Promise<Measured> {
  gc?.();
  await new Promise((resolve) => setImmediate(resolve));
  const cpu0 = process.cpuUsage();
  const kids0 = childrenCpuMs();
  const r = await runClosedLoop(target, concurrency, n, 10_000);
  const cpu = process.cpuUsage(cpu0);
  const kids = childrenCpuMs() - kids0;
  return { ...r, mainUsPerReq: (cpu.user + cpu.system) / r.completed, kidsUsPerReq: (kids * 1000) / r.completed };
}

/** CPU time (user + system, ms) of this process's child processes, from /proc (0 where there is none). */
function childrenCpuMs(): number {
  let total = 0;
  let kids: string[];
  try {
    kids = readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    return 0;
  }
  for (const pid of kids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    } catch {
      // gone
    }
  }
  return total;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
