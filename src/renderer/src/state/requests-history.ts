/**
 * The Requests console's short history of sent requests (newest first, bounded), kept for the
 * session so it survives switching pages; and what to do next for each error code.
 */
import { createStore } from 'zustand/vanilla';
import type { ErrorCode, ErrorInfo } from '../../../shared/result';
import type { StreamSummary } from './requests-stream';

export type RequestTarget = { kind: 'capability'; name: string } | { kind: 'plugin'; name: string };

export interface SentRequest {
  id: number;
  target: RequestTarget;
  /** The payload as typed (sent parsed). */
  payloadText: string;
  timeoutMs: number | undefined;
  idempotent: boolean;
  sentAt: number;
  /** For a streamed answer (`value` is then its first chunks): what the history keeps of the stream. */
  stream?: StreamSummary;
  outcome: { ok: true; value: unknown; latencyMs: number } | { ok: false; error: ErrorInfo; elapsedMs: number };
}

export const HISTORY_LIMIT = 10;

export interface RequestsHistoryState {
  entries: SentRequest[];
  add(entry: Omit<SentRequest, 'id'>): SentRequest;
  clear(): void;
}

export function createRequestsHistory(limit = HISTORY_LIMIT) {
  let nextId = 1;
  return createStore<RequestsHistoryState>()((set) => ({
    entries: [],
    add(entry) {
      const full = { ...entry, id: nextId++ };
      set((s) => ({ entries: [full, ...s.entries].slice(0, limit) }));
      return full;
    },
    clear() {
      set({ entries: [] });
    },
  }));
}

/** One history for the page, kept while the panel is open. */
export const requestsHistory = createRequestsHistory();

/** `capability:text.echo` / `plugin:echo`: a target as one select value. */
export function targetKey(target: RequestTarget): string {
  return `${target.kind}:${target.name}`;
}

export function parseTargetKey(key: string): RequestTarget | null {
  const colon = key.indexOf(':');
  if (colon <= 0 || colon === key.length - 1) return null;
  const kind = key.slice(0, colon);
  const name = key.slice(colon + 1);
  return kind === 'capability' || kind === 'plugin' ? { kind, name } : null;
}

/** What a person can do about each error the router answers with. */
const NEXT_STEP: Record<ErrorCode, string> = {
  E_BAD_REQUEST: 'Check the request: the field named above failed validation.',
  E_UNAUTHORIZED: 'Open the panel again with the address Conductor printed (it carries a fresh token).',
  E_FORBIDDEN: 'Open the panel from the address Conductor printed, on 127.0.0.1.',
  E_NOT_FOUND: 'No enabled plugin serves this. Check the Plugins page: enable the plugin or install one that provides it.',
  E_PLUGIN_NOT_FOUND: 'No plugin has that name. Check the Plugins page for the installed plugins.',
  E_CONFLICT: 'Conductor is not in a state to route requests (starting or stopping). Wait until it is ready and send again.',
  E_PAYLOAD_TOO_LARGE: 'Send a smaller payload, or raise server.maxBodyBytes in the config file.',
  E_OVERLOADED: 'The plugin’s queue is full. Send again in a moment, or raise its maximum instances on the Plugins page.',
  E_PLUGIN_ERROR: 'The plugin threw while handling the payload. Check the payload, and the plugin’s logs for the cause.',
  E_PLUGIN_CRASHED: 'The instance died while handling the request; Conductor restarts it. Check the plugin’s logs, then send again.',
  E_CIRCUIT_OPEN: 'Every instance’s circuit breaker is open after repeated failures. Wait for it to try again (half-open), or check the plugin’s logs.',
  E_SHUTTING_DOWN: 'Conductor is shutting down. Start it again, then send.',
  E_TIMEOUT: 'The deadline passed. Raise the timeout, or check whether the plugin is overloaded or stuck.',
  E_INTERNAL: 'A bug in Conductor. The conductor’s log has the details; please report it.',
};

export function nextStepFor(code: ErrorCode): string {
  return NEXT_STEP[code] ?? NEXT_STEP.E_INTERNAL;
}

/** The plugin whose logs explain an error, when the target names one. */
export function pluginOfTarget(target: RequestTarget): string | null {
  return target.kind === 'plugin' ? target.name : null;
}
