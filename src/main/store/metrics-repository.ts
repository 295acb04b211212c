import type Database from 'better-sqlite3';
import { ConductorError } from '../../shared/result';

/** One plugin's requests in one minute. */
export interface MetricsRollup {
  plugin: string;
  /** Epoch minute: `Math.floor(epochMs / 60_000)`. */
  minute: number;
  /** Requests finished in that minute. */
  count: number;
  /** Of those, how many failed. */
  errors: number;
  /** Latency percentiles, ms; null when unknown (no successful request timed). */
  p50Ms: number | null;
  p99Ms: number | null;
}

interface RollupRow {
  plugin: string;
  minute: number;
  count: number;
  errors: number;
  p50_ms: number | null;
  p99_ms: number | null;
}

/** Epoch minute of an epoch-ms time. */
export function epochMinute(ms: number): number {
  return Math.floor(ms / 60_000);
}

/**
 * The `metrics_minute` table: per-plugin, per-minute request rollups for charts and history. A
 * minute may be written more than once (e.g. flushed in parts): counts add up; percentiles cannot
 * be merged exactly, so p50 becomes the count-weighted mean and p99 the larger of the two.
 */
export class MetricsRepository {
  private readonly upsertStmt: Database.Statement<RollupRow>;
  private readonly queryAllStmt: Database.Statement<[number], RollupRow>;
  private readonly queryPluginStmt: Database.Statement<[string, number], RollupRow>;
  private readonly pruneStmt: Database.Statement<[number]>;
  private readonly writeMany: (rows: readonly MetricsRollup[]) => void;

  constructor(db: Database.Database) {
    this.upsertStmt = db.prepare(
      'INSERT INTO metrics_minute (plugin, minute, count, errors, p50_ms, p99_ms) VALUES (@plugin, @minute, @count, @errors, @p50_ms, @p99_ms) ' +
        'ON CONFLICT (plugin, minute) DO UPDATE SET ' +
        'count = metrics_minute.count + excluded.count, ' +
        'errors = metrics_minute.errors + excluded.errors, ' +
        'p50_ms = CASE ' +
        '  WHEN excluded.p50_ms IS NULL THEN metrics_minute.p50_ms ' +
        '  WHEN metrics_minute.p50_ms IS NULL OR metrics_minute.count + excluded.count = 0 THEN excluded.p50_ms ' +
        '  ELSE (metrics_minute.p50_ms * metrics_minute.count + excluded.p50_ms * excluded.count) / (metrics_minute.count + excluded.count) END, ' +
        'p99_ms = CASE ' +
        '  WHEN excluded.p99_ms IS NULL THEN metrics_minute.p99_ms ' +
        '  WHEN metrics_minute.p99_ms IS NULL THEN excluded.p99_ms ' +
        '  ELSE max(metrics_minute.p99_ms, excluded.p99_ms) END',
    );
    const columns = 'plugin, minute, count, errors, p50_ms, p99_ms';
    this.queryAllStmt = db.prepare(`SELECT ${columns} FROM metrics_minute WHERE minute >= ? ORDER BY minute, plugin`);
    this.queryPluginStmt = db.prepare(`SELECT ${columns} FROM metrics_minute WHERE plugin = ? AND minute >= ? ORDER BY minute`);
    this.pruneStmt = db.prepare('DELETE FROM metrics_minute WHERE minute < ?');
    this.writeMany = db.transaction((rows: readonly MetricsRollup[]) => {
      for (const row of rows) {
        this.upsertStmt.run({ plugin: row.plugin, minute: row.minute, count: row.count, errors: row.errors, p50_ms: row.p50Ms, p99_ms: row.p99Ms });
      }
    });
  }

  /** Writes rollups in one transaction (all or none); a minute already stored is merged into. */
  writeRollups(rows: readonly MetricsRollup[]): void {
    rows.forEach(checkRollup);
    if (rows.length > 0) this.writeMany(rows);
  }

  /** Rollups from `sinceMinute` on, oldest first; of one plugin when `plugin` is given. */
  query(plugin: string | undefined | null, sinceMinute: number): MetricsRollup[] {
    const rows = plugin === undefined || plugin === null ? this.queryAllStmt.all(sinceMinute) : this.queryPluginStmt.all(plugin, sinceMinute);
    return rows.map((r) => ({ plugin: r.plugin, minute: r.minute, count: r.count, errors: r.errors, p50Ms: r.p50_ms, p99Ms: r.p99_ms }));
  }

  /** Deletes rollups older than `beforeMinute`; returns how many. */
  prune(beforeMinute: number): number {
    return this.pruneStmt.run(beforeMinute).changes;
  }
}

function checkRollup(row: MetricsRollup, index: number): void {
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new ConductorError('E_BAD_REQUEST', `metrics rollup ${index}: ${field}: expected ${expected}, got ${JSON.stringify(got) ?? String(got)}`, { field: `${index}.${field}` });
  };
  if (typeof row.plugin !== 'string' || row.plugin === '') fail('plugin', 'a plugin name', row.plugin);
  if (!Number.isSafeInteger(row.minute) || row.minute < 0) fail('minute', 'an epoch minute', row.minute);
  if (!Number.isSafeInteger(row.count) || row.count < 0) fail('count', 'an integer of 0 or more', row.count);
  if (!Number.isSafeInteger(row.errors) || row.errors < 0 || row.errors > row.count) fail('errors', `an integer from 0 to count (${row.count})`, row.errors);
  for (const field of ['p50Ms', 'p99Ms'] as const) {
    const v = row[field];
    if (v !== null && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) fail(field, 'a duration of 0 or more, or null', v);
  }
}
