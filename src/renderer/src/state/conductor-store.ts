/**
 * The control panel's state, fed by the contract only: on start it asks for `system:status`,
 * then follows `status:changed`; it tracks the connection and the shutdown request. Components
 * read it through `useConductor` (store-context.tsx).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { StatusSnapshot } from '../../../shared/domain';
import type { ErrorInfo } from '../../../shared/result';
import type { ConductorClient, ConnectionState } from '../api/conductor-client';

export type ShutdownPhase = 'idle' | 'requesting' | 'accepted';

export interface ConductorState {
  connection: ConnectionState;
  /** True once the connection has been open at least once. */
  everConnected: boolean;
  status: StatusSnapshot | null;
  /** Client clock (ms) when `status` arrived; the uptime ticks from there. */
  statusReceivedAt: number | null;
  /** The last failed `system:status`, cleared by the next success. */
  statusError: ErrorInfo | null;
  shutdown: { phase: ShutdownPhase; error: ErrorInfo | null };

  refresh(): Promise<void>;
  requestShutdown(reason?: string): Promise<void>;
  dismissShutdownError(): void;
  reconnectNow(): void;
}

export type ConductorStore = StoreApi<ConductorState> & {
  /** Subscribes to the client and loads the first snapshot; returns the disposer. */
  start(): () => void;
};

export interface ConductorStoreOptions {
  now?: () => number;
}

/**
 * True when `next` should replace `current`: a different conductor run, or the same run at a
 * later moment (a late `system:status` answer must not undo a newer `status:changed`).
 */
export function isNewerSnapshot(current: StatusSnapshot | null, next: StatusSnapshot): boolean {
  if (current === null) return true;
  if (current.pid !== next.pid || current.startedAt !== next.startedAt) return true;
  return next.uptimeMs >= current.uptimeMs;
}

export function createConductorStore(client: ConductorClient, options: ConductorStoreOptions = {}): ConductorStore {
  const now = options.now ?? Date.now;

  const applySnapshot = (snapshot: StatusSnapshot) => {
    if (!isNewerSnapshot(store.getState().status, snapshot)) return;
    store.setState({ status: snapshot, statusReceivedAt: now(), statusError: null });
  };

  const store = createStore<ConductorState>()((set, get) => ({
    connection: client.connectionState(),
    everConnected: client.connectionState() === 'open',
    status: null,
    statusReceivedAt: null,
    statusError: null,
    shutdown: { phase: 'idle', error: null },

    async refresh() {
      const result = await client.invoke('system:status', {});
      if (result.ok) applySnapshot(result.value);
      else set({ statusError: result.error });
    },

    async requestShutdown(reason) {
      if (get().shutdown.phase !== 'idle') return;
      set({ shutdown: { phase: 'requesting', error: null } });
      const result = await client.invoke('system:shutdown', reason === undefined ? {} : { reason });
      set({ shutdown: result.ok ? { phase: 'accepted', error: null } : { phase: 'idle', error: result.error } });
    },

    dismissShutdownError() {
      set((s) => ({ shutdown: { ...s.shutdown, error: null } }));
    },

    reconnectNow() {
      client.reconnectNow();
    },
  }));

  let stop: (() => void) | null = null;

  const start = () => {
    if (stop) return stop;
    const offStatus = client.on('status:changed', applySnapshot);
    let lost = false;
    const offConnection = client.onConnectionChange((connection) => {
      const before = store.getState();
      if (before.connection === 'open' && connection !== 'open') lost = true;
      store.setState({ connection, everConnected: before.everConnected || connection === 'open' });
      // Events may have been missed while disconnected, or the first load failed: ask again.
      if (connection === 'open' && (lost || before.statusError !== null)) {
        lost = false;
        void store.getState().refresh();
      }
    });
    void store.getState().refresh();
    stop = () => {
      offStatus();
      offConnection();
    };
    return stop;
  };

  return Object.assign(store, { start });
}
