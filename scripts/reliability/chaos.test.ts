/**
 * Chaos, short form (run by `npm test`): 10 kill -9 of plugin instances of a real headless
 * conductor under a steady load through its HTTP API. Invariants are strict (see chaos-run.ts):
 * only requests in flight on a killed instance fail, with E_PLUGIN_CRASHED; idempotent ones are
 * retried and succeed; every killed instance is replaced; SIGTERM exits 0 and no process is left.
 * Timing bounds are generous (a loaded 2-core box): the goals (p95 ≤ 2 s, lag ≤ 50 ms) are
 * checked by `npm run test:chaos`, which prints the figures.
 */
import { describe, expect, it } from 'vitest';
import { formatChaos, runChaos } from './chaos-run';

describe('chaos (real headless conductor, kill -9 of plugin instances under load)', () => {
  it('10 kills: only in-flight requests fail (typed), instances come back, clean exit, no orphans', async () => {
    const report = await runChaos({ kills: 10, ratePerSec: 80, concurrency: 8, maxMs: 90_000, readyTimeoutMs: 20_000, attributionMs: 5_000, seed: Date.now() % 100_000 });
    const text = formatChaos(report).join('\n');
    expect(report.violations, text).toEqual([]);
    expect(report.kills).toHaveLength(10);
    expect(report.kills.every((k) => k.readyAt !== null), text).toBe(true);
    expect(report.requests.ok, text).toBeGreaterThan(report.requests.total * 0.9);
    expect(report.timeToReadyMs.p95!, text).toBeLessThan(10_000);
    expect(report.exit).toEqual({ code: 0, signal: null });
    expect(report.orphans).toEqual([]);
  }, 150_000);
});
