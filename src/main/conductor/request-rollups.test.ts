/**
 * The request hot path does no I/O: requests are counted in memory, and each plugin's minute is
 * written to SQLite (`metrics_minute`) in one batch on the first health tick after the minute
 * closes. The conductor runs on a wall clock we can move forward (real timers, real processes,
 * real SQLite), so "the minute closes" needs no minute of waiting.
 */
import Database from 'better-sqlite3';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../common/clock';
import { runLoad, Sandbox, waitFor, codesOf, type Harness } from '../plugins/integration/integration.test-helper';

const MINUTE_MS = 60_000;

describe('request rollups', () => {
  let box: Sandbox;
  let h: Harness;
  let offset = 0;
  const clock: Clock = { ...systemClock, now: () => Date.now() + offset };

  beforeAll(async () => {
    // Start a second into a minute, so that the whole test stays inside it until we move on.
    offset = Math.ceil(Date.now() / MINUTE_MS) * MINUTE_MS + 1_000 - Date.now();
    box = new Sandbox('rollups', { health: { intervalMs: 50 } });
    box.copyPlugin('echo', { manifest: { instances: { min: 1, max: 1 } } });
    h = await box.start({ clock });
    await h.waitReady('echo');
  }, 30_000);

  afterAll(async () => {
    await box?.dispose();
  });

  function rows(): Array<{ plugin: string; minute: number; count: number; errors: number; p50_ms: number | null }> {
    const db = new Database(join(box.dataDir, basename(h.conductor.settingsView().runtime.databasePath)), { readonly: true });
    try {
      return db.prepare("SELECT plugin, minute, count, errors, p50_ms FROM metrics_minute WHERE plugin = 'echo' ORDER BY minute").all() as never;
    } finally {
      db.close();
    }
  }

  it('counts in memory during the minute and writes it in one batch after it closes', async () => {
    const minute = Math.floor(clock.now() / MINUTE_MS);
    const outcomes = await runLoad(300, 16, (i) => h.send({ plugin: 'echo', payload: { i } }));
    expect(codesOf(outcomes)).toEqual({ ok: 300 });
    // Three health ticks later (each records a chart sample, then stores what is due), still
    // nothing stored: the minute is open.
    const afterLoad = clock.now();
    await waitFor(async () => {
      const { requests } = await h.must('metrics:history', {});
      return requests.filter((s) => s.ts > afterLoad).length >= 3 ? true : null;
    }, 'three health ticks');
    expect(Math.floor(clock.now() / MINUTE_MS)).toBe(minute);
    expect(rows()).toEqual([]);

    offset += MINUTE_MS;
    const stored = await waitFor(() => (rows().length > 0 ? rows() : null), 'the closed minute to be stored', 5_000);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ plugin: 'echo', minute, count: 300, errors: 0 });
    expect(stored[0]!.p50_ms).toBeGreaterThan(0);
  });
});
