import type Database from 'better-sqlite3';
import { LOG_LEVELS, type LogEntry, type LogLevel } from '../../shared/domain';
import type { LogQuery } from '../logging/log-bus';

/** What the Logs page asks the store for: the same filters as the live ring buffer. */
export type StoredLogQuery = LogQuery;

interface LogRow {
  seq: number;
  ts: number;
  level: number;
  source: string;
  plugin: string | null;
  instance: string | null;
  message: string;
}

const rankOf = (level: LogLevel): number => LOG_LEVELS.indexOf(level);

/**
 * The `logs` table: every log entry the bus saw, written in batches, kept up to a number of
 * entries (oldest pruned first). Queried newest first with the Logs page's filters; no iterator
 * is held open between calls.
 */
export class LogsRepository {
  private readonly insertStmt: Database.Statement<LogRow>;
  private readonly maxSeqStmt: Database.Statement<[], { seq: number | null }>;
  private readonly countStmt: Database.Statement<[], { n: number }>;
  private readonly pruneStmt: Database.Statement<[number]>;
  private readonly insertMany: (entries: readonly LogEntry[]) => void;
  private readonly queries = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {
    // OR IGNORE: a batch written twice (a flush racing shutdown) keeps one copy.
    this.insertStmt = db.prepare(
      'INSERT OR IGNORE INTO logs (seq, ts, level, source, plugin, instance, message) VALUES (@seq, @ts, @level, @source, @plugin, @instance, @message)',
    );
    this.maxSeqStmt = db.prepare('SELECT max(seq) AS seq FROM logs');
    this.countStmt = db.prepare('SELECT count(*) AS n FROM logs');
    this.pruneStmt = db.prepare('DELETE FROM logs WHERE seq <= ?');
    this.insertMany = db.transaction((entries: readonly LogEntry[]) => {
      for (const e of entries) {
        this.insertStmt.run({
          seq: e.seq,
          ts: e.ts,
          level: rankOf(e.level),
          source: e.source,
          plugin: e.plugin ?? null,
          instance: e.instance ?? null,
          message: e.message,
        });
      }
    });
  }

  /** Writes a batch in one transaction. */
  appendMany(entries: readonly LogEntry[]): void {
    if (entries.length > 0) this.insertMany(entries);
  }

  /** The highest stored sequence number (0 when empty): the log bus continues after it. */
  maxSeq(): number {
    return this.maxSeqStmt.get()?.seq ?? 0;
  }

  count(): number {
    return this.countStmt.get()!.n;
  }

  /** Matching entries, newest first, at most `limit`. */
  query(q: StoredLogQuery): LogEntry[] {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: q.limit };
    if (q.level !== undefined) {
      where.push('level <= @level');
      params.level = rankOf(q.level);
    }
    if (q.source !== undefined) {
      where.push('source = @source');
      params.source = q.source;
    }
    if (q.plugin !== undefined) {
      where.push('plugin = @plugin');
      params.plugin = q.plugin;
    }
    if (q.text !== undefined && q.text !== '') {
      // instr over lower(): a plain substring, no LIKE wildcards to escape.
      where.push('instr(lower(message), @text) > 0');
      params.text = q.text.toLowerCase();
    }
    if (q.afterSeq !== undefined) {
      where.push('seq > @afterSeq');
      params.afterSeq = q.afterSeq;
    }
    if (q.beforeSeq !== undefined) {
      where.push('seq < @beforeSeq');
      params.beforeSeq = q.beforeSeq;
    }
    const sql = `SELECT seq, ts, level, source, plugin, instance, message FROM logs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT @limit`;
    // One prepared statement per combination of filters (at most 2^6), made on first use.
    let stmt = this.queries.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.queries.set(sql, stmt);
    }
    return (stmt.all(params) as LogRow[]).map(toEntry);
  }

  /** Keeps the newest `keep` entries; returns how many were deleted. */
  prune(keep: number): number {
    const max = this.maxSeq();
    if (max <= keep) return 0;
    return this.pruneStmt.run(max - keep).changes;
  }
}

function toEntry(row: LogRow): LogEntry {
  const entry: LogEntry = { seq: row.seq, ts: row.ts, level: LOG_LEVELS[row.level] ?? 'info', source: row.source, message: row.message };
  if (row.plugin !== null) entry.plugin = row.plugin;
  if (row.instance !== null) entry.instance = row.instance;
  return entry;
}
