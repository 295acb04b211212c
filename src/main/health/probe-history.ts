import { checkPositiveInt, withDefaults } from './option-checks';

export type ProbeKind = 'liveness' | 'readiness';

/** A probe's state changed (e.g. readiness ready → unready); one row per change. */
export interface ProbeChangeRow {
  type: 'change';
  /** Whose probe: an instance id such as "echo#1". */
  subject: string;
  probe: ProbeKind;
  from: string;
  to: string;
  reason: string;
  at: number;
}

/** Probe results of one subject and kind during one minute. */
export interface ProbeRollupRow {
  type: 'rollup';
  subject: string;
  probe: ProbeKind;
  /** Clock time the minute began (a multiple of `rollupMs`). */
  minute: number;
  ok: number;
  fail: number;
}

export type ProbeHistoryRow = ProbeChangeRow | ProbeRollupRow;

export interface ProbeHistoryOptions {
  /** Length of a rollup period, ms. Default 60 000 (per-minute rows). */
  rollupMs: number;
  /**
   * Rows kept waiting for `drain()`; beyond it the oldest are dropped (and counted in
   * `dropped`), so a stalled writer cannot grow memory without bound. Default 10 000 — more than
   * a day of rollups for three instances (2 kinds × 1440 minutes × 3).
   */
  maxPendingRows: number;
}

export const DEFAULT_PROBE_HISTORY_OPTIONS: Readonly<ProbeHistoryOptions> = Object.freeze({
  rollupMs: 60_000,
  maxPendingRows: 10_000,
});

/**
 * What the probes did, shaped for SQLite: a row per state CHANGE and a per-minute rollup of ok
 * and failed results per subject and probe kind — never a row per probe. The integrator
 * `drain()`s closed rows on the health tick (or every minute) and writes each batch in one
 * transaction; `drain(now, true)` at shutdown also closes the current minute.
 */
export class ProbeHistory {
  readonly options: Readonly<ProbeHistoryOptions>;
  private pending: ProbeHistoryRow[] = [];
  private readonly open = new Map<string, ProbeRollupRow>();
  private droppedRows = 0;

  constructor(options?: Partial<ProbeHistoryOptions>) {
    const o = withDefaults(DEFAULT_PROBE_HISTORY_OPTIONS, options);
    checkPositiveInt('ProbeHistoryOptions', 'rollupMs', o.rollupMs);
    checkPositiveInt('ProbeHistoryOptions', 'maxPendingRows', o.maxPendingRows);
    this.options = Object.freeze(o);
  }

  /** Rows dropped because `maxPendingRows` was reached. */
  get dropped(): number {
    return this.droppedRows;
  }

  /** Rows waiting (closed rollups and changes; open minutes not included). */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** One probe result: counted in its minute's rollup. */
  recordResult(subject: string, probe: ProbeKind, ok: boolean, at: number): void {
    const minute = at - (at % this.options.rollupMs);
    const key = `${probe}\u0000${subject}`;
    let row = this.open.get(key);
    if (row && row.minute !== minute) {
      if (minute < row.minute) return; // the clock stepped back: drop, never reopen a closed minute
      this.push(row);
      row = undefined;
    }
    if (!row) {
      row = { type: 'rollup', subject, probe, minute, ok: 0, fail: 0 };
      this.open.set(key, row);
    }
    if (ok) row.ok++;
    else row.fail++;
  }

  /** A probe state change. */
  recordChange(subject: string, probe: ProbeKind, from: string, to: string, reason: string, at: number): void {
    this.push({ type: 'change', subject, probe, from, to, reason, at });
  }

  /**
   * Takes the rows ready to write: every change, and the rollups of minutes that ended before
   * `now` (with `includeOpen`, the current minutes too — at shutdown). Oldest first per kind of
   * row; empty when there is nothing to write.
   */
  drain(now: number, includeOpen = false): ProbeHistoryRow[] {
    const current = now - (now % this.options.rollupMs);
    for (const [key, row] of this.open) {
      if (includeOpen || row.minute < current) {
        this.push(row);
        this.open.delete(key);
      }
    }
    const rows = this.pending;
    this.pending = [];
    return rows;
  }

  private push(row: ProbeHistoryRow): void {
    if (this.pending.length >= this.options.maxPendingRows) {
      this.pending.shift();
      this.droppedRows++;
    }
    this.pending.push(row);
  }
}
