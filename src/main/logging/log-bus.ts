import { LOG_LEVELS, type LogEntry, type LogLevel } from '../../shared/domain';
import { ConductorError } from '../../shared/result';
import { systemClock, type Clock } from '../common/clock';
import { toDisposable, type Disposable } from '../common/disposable';

export interface LogBusOptions {
  /** Entries kept in memory; when full, each new entry drops the oldest. Default: 5000. */
  capacity: number;
  /** Entries appended within this many ms of a batch's first entry are delivered together. Default: 50. */
  batchMs: number;
  /** Time source for the batch timer. Default: the system clock. */
  clock?: Clock;
}

export const DEFAULT_LOG_BUS_OPTIONS = {
  capacity: 5000,
  batchMs: 50,
  clock: systemClock,
} as const satisfies Required<LogBusOptions>;

export interface LogQuery {
  /** This level or more severe (`warn` matches warn and error). */
  level?: LogLevel | undefined;
  /** Exact source, e.g. `conductor`, `router`, `plugin:echo`. */
  source?: string | undefined;
  /** Exact plugin name. */
  plugin?: string | undefined;
  /** Case-insensitive substring of the message. */
  text?: string | undefined;
  /** Only entries with a larger seq (resume a tail without duplicates). */
  afterSeq?: number | undefined;
  /** Only entries with a smaller seq (page back). */
  beforeSeq?: number | undefined;
  /** At most this many entries: the newest that match. */
  limit: number;
}

export interface LogQueryResult {
  /** Matching entries, ascending seq. */
  entries: LogEntry[];
  /** The newest seq in the bus when queried (0 if nothing was ever appended); pass it back as `afterSeq`. */
  lastSeq: number;
}

export type LogBatchListener = (batch: LogEntry[]) => void;

/** error = 0 … debug = 3: a lower rank is more severe. */
const RANK: Record<LogLevel, number> = Object.fromEntries(LOG_LEVELS.map((level, index) => [level, index])) as Record<LogLevel, number>;

/** True when `level` is `threshold` or more severe, i.e. passes a filter at `threshold`. */
export function isAtLeast(level: LogLevel, threshold: LogLevel): boolean {
  return RANK[level] <= RANK[threshold];
}

/**
 * The in-memory log: a bounded ring buffer of entries with monotonic sequence numbers, queried by
 * the UI and fanned out in batches to subscribers (the windows, the WebSocket clients).
 */
export class LogBus implements Disposable {
  readonly capacity: number;
  private readonly batchMs: number;
  private readonly clock: Clock;
  /** Entry with seq `s` lives at `ring[(s - 1) % capacity]`; seqs are contiguous. */
  private readonly ring: (LogEntry | undefined)[];
  private seq = 0;
  private count = 0;
  private readonly listeners = new Set<LogBatchListener>();
  private pending: LogEntry[] = [];
  private timer: Disposable | undefined;
  private disposed = false;

  constructor(options: Partial<LogBusOptions> = {}) {
    const capacity = options.capacity ?? DEFAULT_LOG_BUS_OPTIONS.capacity;
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`LogBusOptions.capacity must be a positive integer, got ${capacity}`);
    const batchMs = options.batchMs ?? DEFAULT_LOG_BUS_OPTIONS.batchMs;
    if (!Number.isFinite(batchMs) || batchMs < 0) throw new Error(`LogBusOptions.batchMs must be a non-negative number, got ${batchMs}`);
    this.capacity = capacity;
    this.batchMs = batchMs;
    this.clock = options.clock ?? DEFAULT_LOG_BUS_OPTIONS.clock;
    this.ring = new Array<LogEntry | undefined>(capacity);
  }

  /** The newest seq (0 before the first append). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Entries currently held (at most `capacity`). */
  get size(): number {
    return this.count;
  }

  /** Stores the entry with the next seq, dropping the oldest when full, and queues it for subscribers. */
  append(entry: Omit<LogEntry, 'seq'>): LogEntry {
    const stored: LogEntry = Object.freeze({ ...entry, seq: ++this.seq });
    this.ring[(stored.seq - 1) % this.capacity] = stored;
    if (this.count < this.capacity) this.count++;
    if (this.listeners.size > 0 && !this.disposed) {
      this.pending.push(stored);
      // One-shot timer, armed only when a batch starts; nothing runs while the log is quiet.
      this.timer ??= this.clock.setTimeout(() => {
        this.timer = undefined;
        this.deliver();
      }, this.batchMs);
    }
    return stored;
  }

  /** The newest `limit` entries matching every given filter, in ascending seq order. */
  query(query: LogQuery): LogQueryResult {
    const { limit } = query;
    if (!Number.isInteger(limit) || limit < 0) {
      throw new ConductorError('E_BAD_REQUEST', 'limit must be a non-negative integer', { field: 'limit' });
    }
    const oldest = this.seq - this.count + 1;
    const stop = Math.max(oldest, (query.afterSeq ?? 0) + 1);
    const needle = query.text ? query.text.toLowerCase() : undefined;
    const found: LogEntry[] = [];
    // Walk newest to oldest and stop at `limit`: no copy of the ring, no scan past what is needed.
    const start = query.beforeSeq !== undefined ? Math.min(this.seq, query.beforeSeq - 1) : this.seq;
    for (let seq = start; seq >= stop && found.length < limit; seq--) {
      const entry = this.ring[(seq - 1) % this.capacity]!;
      if (query.level !== undefined && !isAtLeast(entry.level, query.level)) continue;
      if (query.source !== undefined && entry.source !== query.source) continue;
      if (query.plugin !== undefined && entry.plugin !== query.plugin) continue;
      if (needle !== undefined && !entry.message.toLowerCase().includes(needle)) continue;
      found.push(entry);
    }
    return { entries: found.reverse(), lastSeq: this.seq };
  }

  /**
   * Moves every sequence number up by `offset` (held and pending entries included), so that
   * numbering continues after what an earlier run stored. Called once, when the store opens,
   * before any client can have seen a number.
   */
  rebase(offset: number): void {
    if (!Number.isSafeInteger(offset) || offset < 0) throw new Error(`LogBus.rebase: offset must be a non-negative integer, got ${offset}`);
    if (offset === 0) return;
    const held: LogEntry[] = [];
    for (let seq = this.seq - this.count + 1; seq <= this.seq; seq++) held.push(this.ring[(seq - 1) % this.capacity]!);
    const moved = new Map<LogEntry, LogEntry>();
    this.ring.fill(undefined);
    for (const entry of held) {
      const next: LogEntry = Object.freeze({ ...entry, seq: entry.seq + offset });
      moved.set(entry, next);
      this.ring[(next.seq - 1) % this.capacity] = next;
    }
    this.pending = this.pending.map((e) => moved.get(e) ?? Object.freeze({ ...e, seq: e.seq + offset }));
    this.seq += offset;
  }

  /** The held entries, oldest first (e.g. to store what was logged before the store opened). */
  held(): LogEntry[] {
    const out: LogEntry[] = [];
    for (let seq = this.seq - this.count + 1; seq <= this.seq; seq++) out.push(this.ring[(seq - 1) % this.capacity]!);
    return out;
  }

  /**
   * Calls `listener` with each batch of entries appended after it subscribed. A listener that
   * throws does not stop the others (and cannot log here without feeding the bus it listens to).
   */
  onAppended(listener: LogBatchListener): Disposable {
    const wrapped: LogBatchListener = (batch) => listener(batch);
    this.listeners.add(wrapped);
    return toDisposable(() => {
      this.listeners.delete(wrapped);
      if (this.listeners.size === 0) this.cancelBatch();
    });
  }

  /** Delivers the pending batch now (e.g. before shutdown) instead of when its timer fires. */
  flush(): void {
    this.timer?.dispose();
    this.timer = undefined;
    this.deliver();
  }

  /** Cancels the batch timer and drops subscribers; entries stay queryable and appends still work. */
  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
    this.cancelBatch();
  }

  private cancelBatch(): void {
    this.timer?.dispose();
    this.timer = undefined;
    this.pending = [];
  }

  private deliver(): void {
    if (this.pending.length === 0) return;
    // Frozen: every listener gets the same array, so none may change it under the others.
    const batch = Object.freeze(this.pending) as LogEntry[];
    this.pending = [];
    for (const listener of [...this.listeners]) {
      try {
        listener(batch);
      } catch {
        // See onAppended: a failing subscriber must not break logging for the rest.
      }
    }
  }
}
