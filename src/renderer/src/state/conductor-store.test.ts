import { describe, expect, it, vi } from 'vitest';
import type { CommandName, EventPayloads } from '../../../shared/contract';
import type { StatusSnapshot } from '../../../shared/domain';
import { err, ok, type Result } from '../../../shared/result';
import type { ConductorClient, ConnectionState } from '../api/conductor-client';
import { createConductorStore, isNewerSnapshot } from './conductor-store';

function snap(partial: Partial<StatusSnapshot> = {}): StatusSnapshot {
  return {
    state: 'ready',
    version: '0.1.0',
    pid: 42,
    startedAt: 1_000,
    uptimeMs: 500,
    dataDir: '/tmp/data',
    host: 'headless',
    steps: [],
    components: [],
    system: null,
    plugins: [],
    requests: { total: 0, errors: 0, inFlight: 0, ratePerSec: 0, p50Ms: null, p99Ms: null },
    ...partial,
  };
}

/** A client whose answers and events the test controls. */
function fakeClient(initial: ConnectionState = 'open') {
  let state = initial;
  const stateListeners = new Set<(s: ConnectionState) => void>();
  const statusListeners = new Set<(s: StatusSnapshot) => void>();
  const answers: Partial<Record<CommandName, Array<(r: Result<unknown>) => void>>> = {};
  const calls: Array<{ command: CommandName; args: unknown }> = [];
  const client: ConductorClient = {
    transport: 'websocket',
    invoke: ((command: CommandName, args: unknown) => {
      calls.push({ command, args });
      return new Promise((resolve) => (answers[command] ??= []).push(resolve as (r: Result<unknown>) => void));
    }) as ConductorClient['invoke'],
    on: ((event: keyof EventPayloads, listener: (s: StatusSnapshot) => void) => {
      if (event !== 'status:changed') return () => {};
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    }) as ConductorClient['on'],
    connectionState: () => state,
    onConnectionChange: (l) => {
      stateListeners.add(l);
      return () => stateListeners.delete(l);
    },
    reconnectNow: vi.fn(),
  };
  return {
    client,
    calls,
    answer(command: CommandName, result: Result<unknown>) {
      const next = answers[command]?.shift();
      if (!next) throw new Error(`no pending ${command}`);
      next(result);
    },
    emit(snapshot: StatusSnapshot) {
      for (const l of statusListeners) l(snapshot);
    },
    setState(next: ConnectionState) {
      state = next;
      for (const l of stateListeners) l(next);
    },
    statusListenerCount: () => statusListeners.size,
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('conductor store', () => {
  it('loads the status on start, then follows status:changed', async () => {
    const fake = fakeClient();
    const store = createConductorStore(fake.client, { now: () => 7 });
    const stop = store.start();
    expect(fake.calls).toEqual([{ command: 'system:status', args: {} }]);
    fake.answer('system:status', ok(snap()));
    await flush();
    expect(store.getState().status?.state).toBe('ready');
    expect(store.getState().statusReceivedAt).toBe(7);

    fake.emit(snap({ state: 'degraded', uptimeMs: 900 }));
    expect(store.getState().status?.state).toBe('degraded');
    stop();
    expect(fake.statusListenerCount()).toBe(0);
  });

  it('a late system:status answer does not undo a newer event', async () => {
    const fake = fakeClient();
    const store = createConductorStore(fake.client);
    store.start();
    fake.emit(snap({ state: 'degraded', uptimeMs: 900 }));
    fake.answer('system:status', ok(snap({ state: 'ready', uptimeMs: 800 })));
    await flush();
    expect(store.getState().status?.state).toBe('degraded');
    // A different run (new pid) always wins.
    expect(isNewerSnapshot(snap({ uptimeMs: 900 }), snap({ pid: 43, uptimeMs: 1 }))).toBe(true);
  });

  it('keeps the error of a failed load and retries when the connection opens', async () => {
    const fake = fakeClient('connecting');
    const store = createConductorStore(fake.client);
    store.start();
    fake.answer('system:status', err('E_INTERNAL', 'connection to the conductor lost'));
    await flush();
    expect(store.getState().statusError).toEqual({ code: 'E_INTERNAL', message: 'connection to the conductor lost' });
    expect(store.getState().everConnected).toBe(false);

    fake.setState('open');
    expect(store.getState().everConnected).toBe(true);
    expect(fake.calls).toHaveLength(2);
    fake.answer('system:status', ok(snap()));
    await flush();
    expect(store.getState().statusError).toBeNull();
  });

  it('asks for the status again after a reconnect', async () => {
    const fake = fakeClient();
    const store = createConductorStore(fake.client);
    store.start();
    fake.answer('system:status', ok(snap()));
    await flush();
    fake.setState('closed');
    fake.setState('connecting');
    expect(store.getState().connection).toBe('connecting');
    expect(fake.calls).toHaveLength(1);
    fake.setState('open');
    expect(fake.calls).toHaveLength(2);
  });

  it('shutdown: accepted, or the error with its code', async () => {
    const fake = fakeClient();
    const store = createConductorStore(fake.client);
    const first = store.getState().requestShutdown();
    expect(store.getState().shutdown.phase).toBe('requesting');
    fake.answer('system:shutdown', err('E_CONFLICT', 'already stopping'));
    await first;
    expect(store.getState().shutdown).toEqual({ phase: 'idle', error: { code: 'E_CONFLICT', message: 'already stopping' } });

    const second = store.getState().requestShutdown('from test');
    expect(fake.calls[fake.calls.length - 1]).toEqual({ command: 'system:shutdown', args: { reason: 'from test' } });
    fake.answer('system:shutdown', ok({ accepted: true }));
    await second;
    expect(store.getState().shutdown).toEqual({ phase: 'accepted', error: null });
  });
});
