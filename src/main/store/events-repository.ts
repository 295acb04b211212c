import type Database from 'better-sqlite3';
import type { StoredEvent } from '../../shared/domain';
import { ConductorError } from '../../shared/result';
import type { Clock } from '../common/clock';

export interface NewEvent {
  kind: string;
  source: string;
  data: Record<string, unknown>;
}

export interface EventQuery {
  /** Only events of this kind. */
  kind?: string | undefined;
  /** Only events from this source (e.g. `plugin:echo`). */
  source?: string | undefined;
  /** Only events with an id below this one (paging: pass the last id of the previous page). */
  beforeId?: number | undefined;
  /** Only events at or after this epoch ms. */
  sinceTs?: number | undefined;
  /** At most this many events (1 … MAX_EVENT_QUERY_LIMIT). */
  limit: number;
}

/** The most events one query returns. */
export const MAX_EVENT_QUERY_LIMIT = 10_000;

interface EventRow {
  id: number;
  ts: number;
  kind: string;
  source: string;
  data: string;
}

/** The `events` table: an append-only journal of what happened, newest first on read. */
export class EventsRepository {
  private readonly insertStmt: Database.Statement<[number, string, string, string]>;
  private readonly queryAllStmt: Database.Statement<{ beforeId: number; sinceTs: number; limit: number }, EventRow>;
  private readonly queryKindStmt: Database.Statement<{ kind: string; beforeId: number; sinceTs: number; limit: number }, EventRow>;
  private readonly querySourceStmt: Database.Statement<{ source: string; beforeId: number; sinceTs: number; limit: number }, EventRow>;
  private readonly querySourceKindStmt: Database.Statement<{ source: string; kind: string; beforeId: number; sinceTs: number; limit: number }, EventRow>;
  private readonly countStmt: Database.Statement<[], { n: number }>;
  private readonly pruneStmt: Database.Statement<[number]>;
  private readonly insertMany: (events: readonly NewEvent[]) => StoredEvent[];

  constructor(
    db: Database.Database,
    private readonly clock: Clock,
  ) {
    this.insertStmt = db.prepare('INSERT INTO events (ts, kind, source, data) VALUES (?, ?, ?, ?)');
    // Two statements rather than `(kind = @kind OR @kind IS NULL)`, so the kind query uses the
    // (kind, id) index and the other walks the rowid backwards.
    this.queryAllStmt = db.prepare(
      'SELECT id, ts, kind, source, data FROM events WHERE id < @beforeId AND ts >= @sinceTs ORDER BY id DESC LIMIT @limit',
    );
    this.queryKindStmt = db.prepare(
      'SELECT id, ts, kind, source, data FROM events WHERE kind = @kind AND id < @beforeId AND ts >= @sinceTs ORDER BY id DESC LIMIT @limit',
    );
    this.querySourceStmt = db.prepare(
      'SELECT id, ts, kind, source, data FROM events WHERE source = @source AND id < @beforeId AND ts >= @sinceTs ORDER BY id DESC LIMIT @limit',
    );
    this.querySourceKindStmt = db.prepare(
      'SELECT id, ts, kind, source, data FROM events WHERE source = @source AND kind = @kind AND id < @beforeId AND ts >= @sinceTs ORDER BY id DESC LIMIT @limit',
    );
    this.countStmt = db.prepare('SELECT count(*) AS n FROM events');
    this.pruneStmt = db.prepare('DELETE FROM events WHERE ts < ?');
    this.insertMany = db.transaction((events: readonly NewEvent[]) => events.map((e) => this.insert(e.kind, e.source, e.data)));
  }

  /** Appends one event stamped with the clock's time and returns it as stored. */
  append(kind: string, source: string, data: Record<string, unknown>): StoredEvent {
    return this.insert(kind, source, data);
  }

  /** Appends several events in one transaction: all are stored or none. */
  appendMany(events: readonly NewEvent[]): StoredEvent[] {
    return events.length === 0 ? [] : this.insertMany(events);
  }

  /** Events matching the query, newest first. */
  query(query: EventQuery): StoredEvent[] {
    const { limit } = query;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EVENT_QUERY_LIMIT) {
      throw new ConductorError('E_BAD_REQUEST', `limit must be an integer from 1 to ${MAX_EVENT_QUERY_LIMIT}`, { field: 'limit' });
    }
    const params = {
      beforeId: query.beforeId ?? Number.MAX_SAFE_INTEGER,
      sinceTs: query.sinceTs ?? Number.MIN_SAFE_INTEGER,
      limit,
    };
    const { kind, source } = query;
    const rows =
      source !== undefined
        ? kind === undefined
          ? this.querySourceStmt.all({ ...params, source })
          : this.querySourceKindStmt.all({ ...params, source, kind })
        : kind === undefined
          ? this.queryAllStmt.all(params)
          : this.queryKindStmt.all({ ...params, kind });
    return rows.map(toStoredEvent);
  }

  count(): number {
    return this.countStmt.get()!.n;
  }

  /** Deletes events older than `olderThanTs` (epoch ms); returns how many were deleted. */
  prune(olderThanTs: number): number {
    return this.pruneStmt.run(olderThanTs).changes;
  }

  private insert(kind: string, source: string, data: Record<string, unknown>): StoredEvent {
    const ts = this.clock.now();
    const json = JSON.stringify(data);
    if (typeof json !== 'string' || !json.startsWith('{')) {
      throw new TypeError(`event ${kind}: data must be a JSON object`);
    }
    const info = this.insertStmt.run(ts, kind, source, json);
    return { id: Number(info.lastInsertRowid), ts, kind, source, data: parseData(json) };
  }
}

function toStoredEvent(row: EventRow): StoredEvent {
  return { id: row.id, ts: row.ts, kind: row.kind, source: row.source, data: parseData(row.data) };
}

function parseData(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    return { value };
  } catch {
    // Rows are written by us as JSON; one that is not (a hand-edited database) is shown, not thrown.
    return { unparsed: json };
  }
}
