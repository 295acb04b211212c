/**
 * `npm run test:durability` — 100 kill -9 of a real headless conductor at random moments while a
 * driver writes through its API; after each restart, integrity_check is ok and every acknowledged
 * write is present (see durability-run.ts). Exits 1 when an invariant is violated.
 * Needs `npm run build`.
 *
 *   npm run test:durability -- --kills 100 --writers 4 --seed 1
 */
import { DEFAULT_DURABILITY_OPTIONS, formatDurability, runDurability } from './durability-run';
import { numberFlags } from './lib/stats';

const USAGE = 'usage: tsx scripts/reliability/durability.ts [--kills N] [--writers N] [--seed N]';

async function main(): Promise<void> {
  const d = DEFAULT_DURABILITY_OPTIONS;
  const flags = numberFlags(process.argv.slice(2), { kills: d.kills, writers: d.counterWriters, seed: d.seed }, USAGE);
  const report = await runDurability({ kills: flags.kills, counterWriters: flags.writers, seed: flags.seed, log: (line) => process.stderr.write(`${line}\n`) });
  for (const line of formatDurability(report)) process.stdout.write(`${line}\n`);
  process.exitCode = report.violations.length === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`durability failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
