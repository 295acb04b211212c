/**
 * The Logs page's state: a bounded window of entries from the store (`logs:query`), followed live
 * (`logs:appended`), with filters, pause/resume and paging back. One store per mounted page.
 *
 * - A filter change re-queries the tail (text input debounced); live batches that arrive while a
 *   query is out are kept and merged after it (deduped by seq).
 * - The window holds at most `cap` entries: following the tail drops the oldest (scrolling up pages
 *   them back in); paging back past the cap drops the newest, and the live tail is then held back
 *   until "jump to latest" reloads it.
 * - While paused, matching live entries are counted and kept (up to the cap), and added on resume.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { LogEntry, LogLevel } from '../../../shared/domain';
import type { ErrorInfo } from '../../../shared/result';
import type { ConductorClient } from '../api/conductor-client';
import { appendNewer, DEFAULT_WINDOW_CAP, filterArgs, matchesFilter, prependOlder, type LogFilter } from './logs-window';

export type LogsPhase = 'loading' | 'filtering' | 'ready' | 'error';

export interface LogsState {
  /** The filter the entries match (text as typed; the query follows after the debounce). */
  filter: LogFilter;
  entries: LogEntry[];
  phase: LogsPhase;
  loadingOlder: boolean;
  error: ErrorInfo | null;
  /** The store may hold older matching entries (scroll up to load them). */
  hasOlder: boolean;
  /** The window stops short of the newest entries (paged back past the cap). */
  hasNewer: boolean;
  paused: boolean;
  /** Matching live entries not shown yet (while paused, or while the window stops short of the tail). */
  pendingCount: number;
  /**
   * Bumped whenever rows were added to or dropped from the top of the window, with the net number
   * of rows (+ added, − dropped), so the view can keep the same rows on screen.
   */
  headShift: { version: number; rows: number };
  /** Bumped when the window was replaced (a new filter, a jump to the latest). */
  resetVersion: number;

  setLevel(level: LogLevel | undefined): void;
  setPlugin(plugin: string | undefined): void;
  setText(text: string): void;
  loadOlder(): Promise<void>;
  pause(): void;
  resume(): void;
  /** Resumes and makes sure the window ends at the newest entry. */
  jumpToLatest(): void;
  reload(): Promise<void>;
}

export interface LogsStoreOptions {
  /** Most entries kept in memory. Default 20 000. */
  cap?: number;
  /** Entries per query (the first load and each page back). Default 1000; the contract allows ≤ 5000. */
  pageSize?: number;
  /** Quiet time after the last keystroke before the text filter is queried. Default 200 ms. */
  textDebounceMs?: number;
  initialFilter?: LogFilter;
}

export const DEFAULT_LOGS_STORE_OPTIONS = { cap: DEFAULT_WINDOW_CAP, pageSize: 1000, textDebounceMs: 200 } as const;

export type LogsStore = StoreApi<LogsState> & {
  /** Subscribes to live entries and the connection, and loads the tail; returns the disposer. */
  start(): () => void;
};

export function createLogsStore(client: ConductorClient, options: LogsStoreOptions = {}): LogsStore {
  const cap = options.cap ?? DEFAULT_LOGS_STORE_OPTIONS.cap;
  const pageSize = options.pageSize ?? DEFAULT_LOGS_STORE_OPTIONS.pageSize;
  const debounceMs = options.textDebounceMs ?? DEFAULT_LOGS_STORE_OPTIONS.textDebounceMs;
  if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`LogsStoreOptions.cap must be a positive integer, got ${cap}`);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 5000) {
    throw new RangeError(`LogsStoreOptions.pageSize must be an integer in 1..5000, got ${pageSize}`);
  }

  /** Bumped per reload; answers to an older one are ignored. */
  let generation = 0;
  /** Live entries that arrived while a reload was out. */
  let duringReload: LogEntry[] = [];
  /** Live entries held while paused (null once more than the cap arrived: resume reloads). */
  let held: LogEntry[] | null = [];
  let textTimer: ReturnType<typeof setTimeout> | null = null;
  let running = false;

  const clearTextTimer = () => {
    if (textTimer !== null) {
      clearTimeout(textTimer);
      textTimer = null;
    }
  };

  const store = createStore<LogsState>()((set, get) => {
    const shiftHead = (rows: number) => {
      if (rows !== 0) set((s) => ({ headShift: { version: s.headShift.version + 1, rows } }));
    };

    /** Adds entries at the tail; the oldest beyond the cap go. */
    const addAtTail = (batch: readonly LogEntry[]) => {
      const s = get();
      const { entries, added, droppedOldest } = appendNewer(s.entries, batch, cap);
      if (added === 0) return;
      set({ entries, hasOlder: s.hasOlder || droppedOldest > 0 });
      shiftHead(-droppedOldest);
    };

    const reload = async (): Promise<void> => {
      clearTextTimer();
      const gen = ++generation;
      duringReload = [];
      held = [];
      const s = get();
      set({ phase: s.entries.length > 0 || s.phase === 'filtering' ? 'filtering' : 'loading', error: null, loadingOlder: false });
      const result = await client.invoke('logs:query', { ...filterArgs(s.filter), limit: pageSize });
      if (gen !== generation) return;
      if (!result.ok) {
        set({ phase: 'error', error: result.error });
        return;
      }
      const first = appendNewer([], result.value.entries, cap);
      const withLive = appendNewer(first.entries, duringReload, cap);
      duringReload = [];
      set((prev) => ({
        entries: withLive.entries,
        phase: 'ready',
        error: null,
        hasOlder: result.value.entries.length >= pageSize || withLive.droppedOldest > 0,
        hasNewer: false,
        pendingCount: 0,
        resetVersion: prev.resetVersion + 1,
      }));
    };

    const scheduleReload = (debounce: boolean) => {
      clearTextTimer();
      // Answers to the current query no longer match what the person asked for.
      generation++;
      set((s) => ({ phase: s.entries.length > 0 || s.phase !== 'loading' ? 'filtering' : 'loading', loadingOlder: false }));
      if (!running) return;
      if (debounce) {
        textTimer = setTimeout(() => {
          textTimer = null;
          void reload();
        }, debounceMs);
      } else {
        void reload();
      }
    };

    return {
      filter: { ...options.initialFilter },
      entries: [],
      phase: 'loading',
      loadingOlder: false,
      error: null,
      hasOlder: false,
      hasNewer: false,
      paused: false,
      pendingCount: 0,
      headShift: { version: 0, rows: 0 },
      resetVersion: 0,

      setLevel(level) {
        if (get().filter.level === level) return;
        set((s) => ({ filter: { ...s.filter, level } }));
        scheduleReload(false);
      },

      setPlugin(plugin) {
        if (get().filter.plugin === plugin) return;
        set((s) => ({ filter: { ...s.filter, plugin } }));
        scheduleReload(false);
      },

      setText(text) {
        if ((get().filter.text ?? '') === text) return;
        set((s) => ({ filter: { ...s.filter, text } }));
        scheduleReload(true);
      },

      async loadOlder() {
        const s = get();
        if (!s.hasOlder || s.loadingOlder || s.phase !== 'ready' || s.entries.length === 0) return;
        const gen = generation;
        set({ loadingOlder: true });
        const result = await client.invoke('logs:query', { ...filterArgs(s.filter), beforeSeq: s.entries[0]!.seq, limit: pageSize });
        if (gen !== generation) return;
        if (!result.ok) {
          set({ loadingOlder: false, error: result.error });
          return;
        }
        const { entries, added, droppedNewest } = prependOlder(get().entries, result.value.entries, cap);
        set((prev) => ({
          entries,
          loadingOlder: false,
          error: null,
          hasOlder: result.value.entries.length >= pageSize,
          hasNewer: prev.hasNewer || droppedNewest > 0,
        }));
        shiftHead(added);
      },

      pause() {
        if (get().paused) return;
        held = [];
        set({ paused: true, pendingCount: 0 });
      },

      resume() {
        const s = get();
        if (!s.paused) return;
        const kept = held;
        held = [];
        set({ paused: false });
        if (s.hasNewer || s.phase !== 'ready') {
          return;
        }
        if (kept === null) {
          void reload();
          return;
        }
        set({ pendingCount: 0 });
        addAtTail(kept);
      },

      jumpToLatest() {
        const s = get();
        if (s.hasNewer || (s.paused && held === null)) {
          set({ paused: false });
          void reload();
          return;
        }
        if (s.paused) get().resume();
      },

      reload,
    };
  });

  const onAppended = (batch: LogEntry[]) => {
    const s = store.getState();
    const matching = batch.filter((e) => matchesFilter(e, s.filter));
    if (matching.length === 0) return;
    if (s.phase === 'loading' || s.phase === 'filtering') {
      duringReload.push(...matching);
      if (duringReload.length > cap) duringReload = duringReload.slice(-cap);
      return;
    }
    if (s.phase !== 'ready') return;
    if (s.paused || s.hasNewer) {
      if (s.paused && held !== null) {
        held.push(...matching);
        if (held.length > cap) held = null;
      }
      store.setState({ pendingCount: s.pendingCount + matching.length });
      return;
    }
    const { entries, added, droppedOldest } = appendNewer(s.entries, matching, cap);
    if (added === 0) return;
    store.setState((prev) => ({
      entries,
      hasOlder: prev.hasOlder || droppedOldest > 0,
      ...(droppedOldest > 0 ? { headShift: { version: prev.headShift.version + 1, rows: -droppedOldest } } : {}),
    }));
  };

  let stop: (() => void) | null = null;
  const start = () => {
    if (stop) return stop;
    running = true;
    const offLogs = client.on('logs:appended', onAppended);
    let lost = false;
    const offConnection = client.onConnectionChange((state) => {
      if (state !== 'open') lost = true;
      else if (lost) {
        // Batches may have been missed while disconnected: load the tail again.
        lost = false;
        void store.getState().reload();
      }
    });
    void store.getState().reload();
    stop = () => {
      running = false;
      generation++;
      clearTextTimer();
      offLogs();
      offConnection();
      stop = null;
    };
    return stop;
  };

  return Object.assign(store, { start });
}
