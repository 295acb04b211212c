/**
 * What the plugin detail page loads beyond the live status: the plugin's config and env
 * (`plugins:get`), its stored events (`events:query`) and its recent logs (`logs:query`, then
 * only the newer ones). Polled while the page is open and the connection is up.
 */
import { useCallback, useRef, useState } from 'react';
import type { LogEntry, PluginDetail, StoredEvent } from '../../../shared/domain';
import type { ErrorInfo } from '../../../shared/result';
import { usePolling } from '../hooks/use-polling';
import { useClient } from './plugins-client-context';
import { useConductor } from './store-context';

export const DETAIL_POLL_MS = 5000;
export const EVENTS_POLL_MS = 1500;
export const LOGS_POLL_MS = 1500;
export const LOGS_KEEP = 300;

export interface Loaded<T> {
  value: T | null;
  error: ErrorInfo | null;
}

function useOpen(): boolean {
  return useConductor((s) => s.connection === 'open');
}

export function usePluginDetail(name: string): Loaded<PluginDetail> {
  const client = useClient();
  const [state, setState] = useState<Loaded<PluginDetail>>({ value: null, error: null });
  const poll = useCallback(async () => {
    const r = await client.invoke('plugins:get', { name });
    setState((s) => (r.ok ? { value: r.value, error: null } : { value: s.value?.name === name ? s.value : null, error: r.error }));
  }, [client, name]);
  usePolling(poll, DETAIL_POLL_MS, useOpen());
  return state;
}

export function usePluginEvents(name: string): Loaded<StoredEvent[]> {
  const client = useClient();
  const [state, setState] = useState<Loaded<StoredEvent[]>>({ value: null, error: null });
  const poll = useCallback(async () => {
    const r = await client.invoke('events:query', { source: `plugin:${name}`, limit: 300 });
    setState((s) => (r.ok ? { value: r.value.events, error: null } : { value: s.value, error: r.error }));
  }, [client, name]);
  usePolling(poll, EVENTS_POLL_MS, useOpen());
  return state;
}

/** Appends `next` to `current` (by seq, no duplicates) and keeps the newest `keep`. */
export function mergeLogs(current: readonly LogEntry[], next: readonly LogEntry[], keep = LOGS_KEEP): LogEntry[] {
  const last = current.length > 0 ? current[current.length - 1]!.seq : -1;
  const merged = [...current, ...next.filter((e) => e.seq > last).sort((a, b) => a.seq - b.seq)];
  return merged.length > keep ? merged.slice(merged.length - keep) : merged;
}

export function usePluginLogs(name: string): Loaded<LogEntry[]> {
  const client = useClient();
  const [state, setState] = useState<Loaded<LogEntry[]>>({ value: null, error: null });
  const lastSeq = useRef<{ name: string; seq: number } | null>(null);
  const poll = useCallback(async () => {
    const after = lastSeq.current?.name === name ? lastSeq.current.seq : undefined;
    const r = await client.invoke('logs:query', { plugin: name, limit: 200, ...(after !== undefined ? { afterSeq: after } : {}) });
    if (!r.ok) {
      setState((s) => ({ value: s.value, error: r.error }));
      return;
    }
    const entries = r.value.entries;
    const fresh = after === undefined;
    // The store is complete up to lastSeq: the next poll asks only for what came after it.
    const maxSeq = entries.reduce((m, e) => Math.max(m, e.seq), Math.max(after ?? 0, r.value.lastSeq));
    lastSeq.current = { name, seq: maxSeq };
    setState((s) => ({ value: mergeLogs(fresh ? [] : (s.value ?? []), entries), error: null }));
  }, [client, name]);
  usePolling(poll, LOGS_POLL_MS, useOpen());
  return state;
}
