import type Database from 'better-sqlite3';
import type { ProbeHistoryRow, ProbeKind } from '../health/probe-history';

interface Row {
  at: number;
  subject: string;
  probe: string;
  type: string;
  from_state: string | null;
  to_state: string | null;
  reason: string | null;
  ok: number | null;
  fail: number | null;
}

/**
 * The `probe_history` table (migration 3): probe state changes and per-minute ok/fail rollups,
 * as drained from `ProbeHistory` on the health tick and written in one transaction per batch.
 */
export class ProbeHistoryRepository {
  private readonly insertStmt: Database.Statement<Row>;
  private readonly querySubjectStmt: Database.Statement<[string, number, number], Row>;
  private readonly queryAllStmt: Database.Statement<[number, number], Row>;
  private readonly pruneStmt: Database.Statement<[number]>;
  private readonly writeBatch: (rows: readonly ProbeHistoryRow[]) => void;

  constructor(db: Database.Database) {
    this.insertStmt = db.prepare(
      'INSERT INTO probe_history (at, subject, probe, type, from_state, to_state, reason, ok, fail) VALUES (@at, @subject, @probe, @type, @from_state, @to_state, @reason, @ok, @fail)',
    );
    const columns = 'at, subject, probe, type, from_state, to_state, reason, ok, fail';
    this.querySubjectStmt = db.prepare(`SELECT ${columns} FROM probe_history WHERE subject = ? AND at >= ? ORDER BY at, id LIMIT ?`);
    this.queryAllStmt = db.prepare(`SELECT ${columns} FROM probe_history WHERE at >= ? ORDER BY at, id LIMIT ?`);
    this.pruneStmt = db.prepare('DELETE FROM probe_history WHERE at < ?');
    this.writeBatch = db.transaction((rows: readonly ProbeHistoryRow[]) => {
      for (const r of rows) {
        this.insertStmt.run(
          r.type === 'change'
            ? { at: r.at, subject: r.subject, probe: r.probe, type: 'change', from_state: r.from, to_state: r.to, reason: r.reason, ok: null, fail: null }
            : { at: r.minute, subject: r.subject, probe: r.probe, type: 'rollup', from_state: null, to_state: null, reason: null, ok: r.ok, fail: r.fail },
        );
      }
    });
  }

  /** Writes a batch in one transaction (all or none). */
  writeMany(rows: readonly ProbeHistoryRow[]): void {
    if (rows.length > 0) this.writeBatch(rows);
  }

  /** Rows from `sinceTs` on, oldest first; of one subject when given. */
  query(options: { subject?: string; sinceTs?: number; limit?: number } = {}): ProbeHistoryRow[] {
    const since = options.sinceTs ?? 0;
    const limit = options.limit ?? 1000;
    const rows = options.subject !== undefined ? this.querySubjectStmt.all(options.subject, since, limit) : this.queryAllStmt.all(since, limit);
    return rows.map((r): ProbeHistoryRow =>
      r.type === 'change'
        ? { type: 'change', subject: r.subject, probe: r.probe as ProbeKind, from: r.from_state ?? '', to: r.to_state ?? '', reason: r.reason ?? '', at: r.at }
        : { type: 'rollup', subject: r.subject, probe: r.probe as ProbeKind, minute: r.at, ok: r.ok ?? 0, fail: r.fail ?? 0 },
    );
  }

  /** Deletes rows older than `beforeTs`; returns how many. */
  prune(beforeTs: number): number {
    return this.pruneStmt.run(beforeTs).changes;
  }
}
