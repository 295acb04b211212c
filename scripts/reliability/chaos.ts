/**
 * `npm run test:chaos` — 100 kill -9 of plugin instances under a steady load through the HTTP API
 * of a real headless conductor; prints time to ready (p50/p95), the event-loop lag p99 and the
 * invariants (see chaos-run.ts). Exits 1 when an invariant is violated or a goal is missed.
 * Needs `npm run build` (the headless entry and plugin runtime live in out/main/).
 *
 *   npm run test:chaos -- --kills 100 --rate 150 --concurrency 12 --max-backoff-attempts 4 --seed 1
 */
import { formatChaos, runChaos, DEFAULT_CHAOS_OPTIONS } from './chaos-run';
import { numberFlags } from './lib/stats';

const USAGE = 'usage: tsx scripts/reliability/chaos.ts [--kills N] [--rate REQ_PER_S] [--concurrency N] [--max-backoff-attempts N] [--seed N] [--minutes MAX]';
const GOALS = { p95ReadyMs: 2000, lagMs: 50 };

async function main(): Promise<void> {
  const d = DEFAULT_CHAOS_OPTIONS;
  const flags = numberFlags(process.argv.slice(2), { kills: d.kills, rate: d.ratePerSec, concurrency: d.concurrency, maxBackoffAttempts: d.maxBackoffAttempts, seed: d.seed, minutes: d.maxMs / 60_000 }, USAGE);
  const report = await runChaos({
    kills: flags.kills,
    ratePerSec: flags.rate,
    concurrency: flags.concurrency,
    maxBackoffAttempts: flags.maxBackoffAttempts,
    seed: flags.seed,
    maxMs: flags.minutes * 60_000,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  for (const line of formatChaos(report, GOALS)) process.stdout.write(`${line}\n`);
  const goalsMet = report.timeToReadyMs.p95 !== null && report.timeToReadyMs.p95 <= GOALS.p95ReadyMs && report.lag.eventLoopP99Ms !== null && report.lag.eventLoopP99Ms <= GOALS.lagMs;
  process.exitCode = report.violations.length === 0 && goalsMet ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`chaos failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
