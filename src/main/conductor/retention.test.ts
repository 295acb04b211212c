/**
 * Retention: on its first health tick (then hourly) the conductor prunes events, request and
 * resource rollups and probe history older than `metrics.retentionDays`, and log entries beyond
 * `logs.retainEntries`.
 */
import Database from 'better-sqlite3';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../store/store';
import { Sandbox, waitFor, type Harness } from '../plugins/integration/integration.test-helper';

describe('retention', () => {
  let box: Sandbox;
  let h: Harness;

  beforeAll(async () => {
    box = new Sandbox('retention', { health: { intervalMs: 50 }, metrics: { retentionDays: 1 }, logs: { retainEntries: 100 } });
    const store = new Store({ dataDir: box.dataDir, clock: { now: () => Date.now() - 3 * 86_400_000 } as never });
    store.open();
    store.events.append('old.event', 'test', {});
    store.metrics.writeRollups([{ plugin: 'echo', minute: 1, count: 1, errors: 0, p50Ms: 1, p99Ms: 1 }]);
    store.resources.writeRollups([{ subject: 'system', minute: 1, samples: 1, cpuAvg: 1, cpuMax: 1, memAvg: 1, memMax: 1 }]);
    store.logs.appendMany(Array.from({ length: 500 }, (_, i) => ({ seq: i + 1, ts: 1, level: 'info' as const, source: 'seed', message: `seed ${i + 1}` })));
    store.close();
    h = await box.start();
  });

  afterAll(async () => {
    await box?.dispose();
  });

  it('prunes what is past retention on the first tick, keeps the rest', async () => {
    await waitFor(async () => {
      const { events } = await h.must('events:query', { kind: 'old.event' });
      return events.length === 0 ? true : null;
    }, 'the old event to be pruned');
    const { entries } = await h.must('logs:query', { source: 'seed', limit: 5000 });
    // 100 kept overall; the newest seeded ones may make way for this run's own lines.
    expect(entries.length).toBeLessThanOrEqual(100);
    expect(entries.every((e) => e.seq > 400)).toBe(true);
    expect((await h.must('events:query', { kind: 'lifecycle.ready' })).events.length).toBe(1);
    const db = new Database(join(box.dataDir, basename(h.conductor.settingsView().runtime.databasePath)), { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) AS n FROM metrics_minute WHERE minute = 1').get()).toEqual({ n: 0 });
      expect(db.prepare('SELECT count(*) AS n FROM resource_minute WHERE minute = 1').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });
});
