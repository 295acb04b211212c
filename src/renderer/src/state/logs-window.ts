/**
 * The Logs page's in-memory window onto the log: a bounded, ascending, duplicate-free run of
 * entries. Pure functions, so merging live batches, paging back and capping are tested exactly.
 *
 * Invariant: `entries` is sorted by `seq` ascending with no two entries sharing a `seq`, and holds
 * at most the cap given to the function that produced it.
 */
import { LOG_LEVELS, type LogEntry, type LogLevel } from '../../../shared/domain';

/** The filters the page sends to `logs:query`, and applies to live entries itself. */
export interface LogFilter {
  /** The least severe level to include (`info` includes warn and error); undefined: all. */
  level?: LogLevel | undefined;
  /** Only this plugin's entries; undefined: every source. */
  plugin?: string | undefined;
  /** Case-insensitive substring of the message; '' or undefined: no text filter. */
  text?: string | undefined;
}

/** Default bound of the page's window: enough to scroll a lot, small enough to stay fast. */
export const DEFAULT_WINDOW_CAP = 20_000;

const rank = (level: LogLevel): number => LOG_LEVELS.indexOf(level);

/** True when `entry` passes `filter`, with the same meaning as the store's query. */
export function matchesFilter(entry: LogEntry, filter: LogFilter): boolean {
  if (filter.level !== undefined && rank(entry.level) > rank(filter.level)) return false;
  if (filter.plugin !== undefined && entry.plugin !== filter.plugin) return false;
  if (filter.text !== undefined && filter.text !== '' && !entry.message.toLowerCase().includes(filter.text.toLowerCase())) return false;
  return true;
}

/** Two filters ask the same question (text compared as typed: the store lower-cases it). */
export function sameFilter(a: LogFilter, b: LogFilter): boolean {
  return a.level === b.level && a.plugin === b.plugin && (a.text ?? '') === (b.text ?? '');
}

/** The filter as `logs:query` arguments (empty values left out). */
export function filterArgs(filter: LogFilter): { level?: LogLevel; plugin?: string; text?: string } {
  const args: { level?: LogLevel; plugin?: string; text?: string } = {};
  if (filter.level !== undefined) args.level = filter.level;
  if (filter.plugin !== undefined) args.plugin = filter.plugin;
  if (filter.text !== undefined && filter.text !== '') args.text = filter.text;
  return args;
}

/** Sorted ascending by seq, one entry per seq (the first one seen wins). */
function normalise(entries: readonly LogEntry[]): LogEntry[] {
  let sorted = true;
  for (let i = 1; i < entries.length; i++) {
    if (entries[i]!.seq <= entries[i - 1]!.seq) {
      sorted = false;
      break;
    }
  }
  if (sorted) return entries as LogEntry[];
  const bySeq = new Map<number, LogEntry>();
  for (const e of entries) if (!bySeq.has(e.seq)) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

export interface AppendResult {
  entries: LogEntry[];
  /** How many entries were added (after dedupe). */
  added: number;
  /** How many of the oldest entries were dropped to stay within the cap. */
  droppedOldest: number;
}

/**
 * Adds newer entries (a live batch, or a catch-up query) and drops the oldest beyond `cap`.
 * Entries already present (same seq) are ignored; so is anything out of order, which is merged in
 * its place. Returns the same array when nothing was added.
 */
export function appendNewer(current: readonly LogEntry[], incoming: readonly LogEntry[], cap: number): AppendResult {
  if (incoming.length === 0) return { entries: current as LogEntry[], added: 0, droppedOldest: 0 };
  const batch = normalise(incoming);
  const last = current.length > 0 ? current[current.length - 1]!.seq : -Infinity;
  let merged: LogEntry[];
  let added: number;
  if (batch[0]!.seq > last) {
    // The usual case: the whole batch is newer than the window.
    merged = current.concat(batch);
    added = batch.length;
  } else {
    const present = new Set(current.map((e) => e.seq));
    const fresh = batch.filter((e) => !present.has(e.seq));
    if (fresh.length === 0) return { entries: current as LogEntry[], added: 0, droppedOldest: 0 };
    merged = normalise(current.concat(fresh));
    added = fresh.length;
  }
  const droppedOldest = Math.max(0, merged.length - cap);
  return { entries: droppedOldest > 0 ? merged.slice(droppedOldest) : merged, added, droppedOldest };
}

export interface PrependResult {
  entries: LogEntry[];
  added: number;
  /** How many of the newest entries were dropped to stay within the cap. */
  droppedNewest: number;
}

/** Adds older entries (a page back into the store) and drops the newest beyond `cap`. */
export function prependOlder(current: readonly LogEntry[], older: readonly LogEntry[], cap: number): PrependResult {
  const first = current.length > 0 ? current[0]!.seq : Infinity;
  const fresh = normalise(older).filter((e) => e.seq < first);
  if (fresh.length === 0) return { entries: current as LogEntry[], added: 0, droppedNewest: 0 };
  const merged = fresh.concat(current);
  const droppedNewest = Math.max(0, merged.length - cap);
  return { entries: droppedNewest > 0 ? merged.slice(0, merged.length - droppedNewest) : merged, added: fresh.length, droppedNewest };
}

/** `2024-05-01 12:03:04.005` in local time (the export's and the row tooltip's timestamp). */
export function formatLogTimestamp(ts: number): string {
  const d = new Date(ts);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** `12:03:04.005`: what a row shows. */
export function formatLogTime(ts: number): string {
  return formatLogTimestamp(ts).slice(11);
}

/** Where an entry came from, as a row shows it: `echo#1`, `echo`, or the source. */
export function originOf(entry: LogEntry): string {
  if (entry.instance !== undefined) return entry.instance;
  if (entry.plugin !== undefined) return entry.plugin;
  return entry.source;
}

export type ExportFormat = 'log' | 'ndjson';

/** The export file's text: one line per entry, ascending. */
export function exportText(entries: readonly LogEntry[], format: ExportFormat): string {
  if (format === 'ndjson') return entries.map((e) => JSON.stringify(e)).join('\n') + (entries.length > 0 ? '\n' : '');
  return entries
    .map((e) => `${new Date(e.ts).toISOString()} ${e.level.toUpperCase().padEnd(5)} [${originOf(e)}] ${e.message}`)
    .join('\n')
    .concat(entries.length > 0 ? '\n' : '');
}

/** `conductor-logs-20240501-120304.log` */
export function exportFileName(format: ExportFormat, now: number): string {
  const stamp = formatLogTimestamp(now).replace(/[-:]/g, '').replace(' ', '-').slice(0, 15);
  return `conductor-logs-${stamp}.${format === 'ndjson' ? 'ndjson' : 'log'}`;
}
