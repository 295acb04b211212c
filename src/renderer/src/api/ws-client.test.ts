import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StatusSnapshot } from '../../../shared/domain';
import { WsConductorClient, defaultWsUrl, type SocketHandlers } from './ws-client';

/** A socket the test drives by hand: it records frames and opens/closes when told. */
class FakeSocket {
  readonly sent: unknown[] = [];
  closed = false;
  constructor(
    readonly url: string,
    readonly handlers: SocketHandlers,
  ) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.closed = true;
  }
  open(): void {
    this.handlers.onOpen();
  }
  receive(message: unknown): void {
    this.handlers.onMessage(JSON.stringify(message));
  }
  drop(code = 1006): void {
    this.handlers.onClose(code, '');
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const client = new WsConductorClient({
    url: 'ws://127.0.0.1:1234/api/v1/ws',
    createSocket: (url, handlers) => {
      const socket = new FakeSocket(url, handlers);
      sockets.push(socket);
      return socket;
    },
    minReconnectDelayMs: 100,
    maxReconnectDelayMs: 400,
    jitter: 0,
  });
  const last = () => sockets[sockets.length - 1]!;
  return { client, sockets, last };
}

const snapshot = { state: 'ready' } as StatusSnapshot;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('WsConductorClient', () => {
  it('derives the endpoint from the page location', () => {
    expect(defaultWsUrl({ protocol: 'http:', host: '127.0.0.1:5000' })).toBe('ws://127.0.0.1:5000/api/v1/ws');
    expect(defaultWsUrl({ protocol: 'https:', host: 'localhost' })).toBe('wss://localhost/api/v1/ws');
  });

  it('queues invokes while connecting and resolves them with the envelope by id', async () => {
    const { client, last } = setup();
    expect(client.connectionState()).toBe('connecting');
    const first = client.invoke('system:status', {});
    const second = client.invoke('system:shutdown', { reason: 'test' });
    expect(last().sent).toEqual([]);
    last().open();
    expect(client.connectionState()).toBe('open');
    expect(last().sent).toEqual([
      { type: 'invoke', id: 1, command: 'system:status', args: {} },
      { type: 'invoke', id: 2, command: 'system:shutdown', args: { reason: 'test' } },
    ]);
    last().receive({ type: 'result', id: 2, result: { ok: false, error: { code: 'E_CONFLICT', message: 'no' } } });
    last().receive({ type: 'result', id: 1, result: { ok: true, value: snapshot } });
    await expect(first).resolves.toEqual({ ok: true, value: snapshot });
    await expect(second).resolves.toEqual({ ok: false, error: { code: 'E_CONFLICT', message: 'no' } });
  });

  it('subscribes on the first listener and unsubscribes after the last', () => {
    const { client, last } = setup();
    last().open();
    const a = vi.fn();
    const b = vi.fn();
    const offA = client.on('status:changed', a);
    const offB = client.on('status:changed', b);
    last().receive({ type: 'event', event: 'status:changed', payload: snapshot });
    expect(a).toHaveBeenCalledWith(snapshot);
    expect(b).toHaveBeenCalledWith(snapshot);
    offA();
    offA();
    offB();
    expect(last().sent).toEqual([
      { type: 'subscribe', event: 'status:changed' },
      { type: 'unsubscribe', event: 'status:changed' },
    ]);
    last().receive({ type: 'event', event: 'status:changed', payload: snapshot });
    expect(a).toHaveBeenCalledTimes(1);
  });

  it('a throwing listener does not stop the others', () => {
    const { client, last } = setup();
    last().open();
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const good = vi.fn();
    client.on('status:changed', () => {
      throw new Error('boom');
    });
    client.on('status:changed', good);
    last().receive({ type: 'event', event: 'status:changed', payload: snapshot });
    expect(good).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });

  it('on disconnect resolves pending invokes with a clear error and reconnects with capped backoff', async () => {
    const { client, sockets, last } = setup();
    const states: string[] = [];
    client.onConnectionChange((s) => states.push(s));
    client.on('status:changed', () => {});
    last().open();
    const pending = client.invoke('system:status', {});
    last().drop();
    await expect(pending).resolves.toEqual({
      ok: false,
      error: { code: 'E_INTERNAL', message: 'connection to the conductor lost' },
    });
    expect(client.connectionState()).toBe('closed');
    await expect(client.invoke('system:status', {})).resolves.toMatchObject({ ok: false, error: { code: 'E_INTERNAL' } });

    // 100, 200, 400, 400 ms: doubling, capped.
    const delays = [100, 200, 400, 400];
    for (const delay of delays) {
      const before = sockets.length;
      vi.advanceTimersByTime(delay - 1);
      expect(sockets.length).toBe(before);
      vi.advanceTimersByTime(1);
      expect(sockets.length).toBe(before + 1);
      last().drop();
    }
    vi.advanceTimersByTime(400);
    last().open();
    // Re-subscribed to the event that still has a listener.
    expect(last().sent).toEqual([{ type: 'subscribe', event: 'status:changed' }]);
    expect(states.slice(0, 3)).toEqual(['open', 'closed', 'connecting']);
    expect(states[states.length - 1]).toBe('open');

    // A successful open resets the backoff.
    last().drop();
    const before = sockets.length;
    vi.advanceTimersByTime(100);
    expect(sockets.length).toBe(before + 1);
  });

  it('uses E_SHUTTING_DOWN when the server said it is going down', async () => {
    const { client, last } = setup();
    client.on('status:changed', () => {});
    last().open();
    const pending = client.invoke('system:status', {});
    last().receive({ type: 'event', event: 'status:changed', payload: { ...snapshot, state: 'stopping' } });
    last().drop();
    await expect(pending).resolves.toMatchObject({ ok: false, error: { code: 'E_SHUTTING_DOWN' } });
  });

  it('treats close code 1001 (going away) as a shutdown', async () => {
    const { client, last } = setup();
    last().open();
    const pending = client.invoke('system:status', {});
    last().drop(1001);
    await expect(pending).resolves.toMatchObject({ ok: false, error: { code: 'E_SHUTTING_DOWN' } });
  });

  it('ignores frames from a replaced socket and malformed frames', async () => {
    const { client, sockets, last } = setup();
    last().open();
    const old = last();
    old.drop();
    vi.advanceTimersByTime(100);
    expect(sockets.length).toBe(2);
    last().open();
    const pending = client.invoke('system:status', {});
    old.receive({ type: 'result', id: 1, result: { ok: true, value: 'stale' } });
    last().handlers.onMessage('not json');
    last().receive({ type: 'result', id: 1, result: { nonsense: true } });
    await expect(pending).resolves.toMatchObject({ ok: false, error: { code: 'E_INTERNAL' } });
  });

  it('reconnectNow skips the wait; dispose stops reconnecting', async () => {
    const { client, sockets, last } = setup();
    last().drop();
    expect(sockets.length).toBe(1);
    client.reconnectNow();
    expect(sockets.length).toBe(2);
    const pending = client.invoke('system:status', {});
    client.dispose();
    await expect(pending).resolves.toMatchObject({ ok: false, error: { code: 'E_INTERNAL' } });
    expect(last().closed).toBe(true);
    vi.advanceTimersByTime(10_000);
    expect(sockets.length).toBe(2);
  });

  it('names the option when one is invalid', () => {
    expect(() => new WsConductorClient({ url: 'ws://x', minReconnectDelayMs: 0, createSocket: () => ({ send() {}, close() {} }) })).toThrow(
      /minReconnectDelayMs/,
    );
  });
});
