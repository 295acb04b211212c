/**
 * The contract's names that carry no schema: IPC channels, event names, HTTP paths. Kept free of
 * zod so the sandboxed preload bundle stays a few kilobytes. `contract.ts` re-exports all of it.
 */

/** Electron IPC channels (the only two). */
export const IPC_INVOKE_CHANNEL = 'conductor:invoke';
export const IPC_EVENT_CHANNEL = 'conductor:event';

/** Every event main publishes (payloads are typed in contract.ts). */
export const EVENT_NAMES = ['status:changed', 'logs:appended', 'settings:changed', 'requests:chunk'] as const;
export type EventName = (typeof EVENT_NAMES)[number];

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (EVENT_NAMES as readonly string[]).includes(name);
}

/** HTTP and WebSocket paths of the headless bridge. */
export const HTTP_PATHS = {
  commands: '/api/v1/commands/',
  status: '/api/v1/status',
  plugins: '/api/v1/plugins',
  requests: '/api/v1/requests',
  ws: '/api/v1/ws',
  metrics: '/metrics',
} as const;

/** Name of the HttpOnly cookie the browser flow sets. */
export const SESSION_COOKIE = 'conductor_session';
