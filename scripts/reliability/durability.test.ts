/**
 * Durability, short form (run by `npm test`): a real headless conductor is SIGKILLed 10 times at
 * random moments (mostly mid-writes, sometimes mid-startup) while a driver writes through its API;
 * after each restart on the same data dir, `PRAGMA integrity_check` is ok and every acknowledged
 * write — counter increments (plugin state), a saved setting and its event, instance bounds — is
 * present (see durability-run.ts). The last conductor exits 0 on SIGTERM and leaves no process.
 */
import { describe, expect, it } from 'vitest';
import { formatDurability, runDurability } from './durability-run';

describe('durability (real headless conductor, kill -9 mid-writes)', () => {
  it('10 kills: integrity_check ok and every acknowledged write present after each restart', async () => {
    const report = await runDurability({ kills: 10, seed: Date.now() % 100_000 });
    const text = formatDurability(report).join('\n');
    expect(report.violations, text).toEqual([]);
    expect(report.checks, text).toBeGreaterThanOrEqual(1);
    expect(report.acknowledged.increments, text).toBeGreaterThan(0);
    expect(report.finalCount!, text).toBeGreaterThanOrEqual(report.acknowledged.increments);
    expect(report.exit).toEqual({ code: 0, signal: null });
    expect(report.orphans).toEqual([]);
  }, 150_000);
});
