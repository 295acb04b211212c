/**
 * What the renderer talks to: the contract's `ConductorApi` plus the state of the connection
 * behind it. In Electron the IPC bridge is always there ("open"); in a browser the WebSocket
 * client can lose its server and reconnect, and the UI shows that.
 */
import type { ConductorApi } from '../../../shared/contract';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export type Transport = 'ipc' | 'websocket';

export interface ConductorClient extends ConductorApi {
  readonly transport: Transport;
  connectionState(): ConnectionState;
  /** Called on every change of the connection state; returns an unsubscribe function. */
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
  /** Skips the remaining backoff and tries to connect now (no-op when open or over IPC). */
  reconnectNow(): void;
}

/** Wraps the preload's `window.api`: IPC does not disconnect while the window lives. */
export function ipcClient(api: ConductorApi): ConductorClient {
  return {
    transport: 'ipc',
    invoke: (command, args) => api.invoke(command, args),
    on: (event, listener) => api.on(event, listener),
    connectionState: () => 'open',
    onConnectionChange: () => () => {},
    reconnectNow: () => {},
  };
}
