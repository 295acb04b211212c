import { afterEach, describe, expect, it } from 'vitest';
import type { ClientOptions } from 'ws';
import { HTTP_PATHS, type WsServerMessage } from '../../shared/contract';
import {
  bearer,
  logEntry,
  loginCookie,
  send,
  startFixture,
  STATUS_FIXTURE,
  waitUntil,
  WsTestClient,
  type Fixture,
} from './bridge-fixture.test-helper';

let fx: Fixture | undefined;
const clients: WsTestClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.ws.terminate();
  await fx?.cleanup();
  fx = undefined;
});

const wsUrl = (f: Fixture) => `ws://127.0.0.1:${f.port}${HTTP_PATHS.ws}`;
const ownOrigin = (f: Fixture) => `http://127.0.0.1:${f.port}`;

async function connect(f: Fixture, options: ClientOptions = {}): Promise<WsTestClient> {
  const client = await WsTestClient.connect(wsUrl(f), options);
  clients.push(client);
  return client;
}

async function connectBearer(f: Fixture): Promise<WsTestClient> {
  return connect(f, { headers: bearer(f.token) });
}

describe('handshake', () => {
  it('refuses a foreign Origin with 403, even with a good cookie', async () => {
    const f = (fx = await startFixture());
    const cookie = await loginCookie(f.port, f.token);
    await expect(connect(f, { origin: 'http://evil.example', headers: { Cookie: cookie } })).rejects.toThrow(/403/);
    await expect(connect(f, { origin: 'http://127.0.0.1:1', headers: { Cookie: cookie } })).rejects.toThrow(/403/);
    await expect(connect(f, { origin: 'http://evil.example', headers: bearer(f.token) })).rejects.toThrow(/403/);
    expect(f.bridge.stats().wsClients).toBe(0);
  });

  it('refuses a foreign Host with 403 and missing auth with 401', async () => {
    const f = (fx = await startFixture());
    await expect(connect(f, { headers: { ...bearer(f.token), Host: 'evil.example' } })).rejects.toThrow(/403/);
    await expect(connect(f, { origin: ownOrigin(f) })).rejects.toThrow(/401/);
    await expect(connect(f, { headers: bearer('0'.repeat(64)) })).rejects.toThrow(/401/);
  });

  it('refuses a cookie without Origin (non-browser clients use Bearer)', async () => {
    const f = (fx = await startFixture());
    const cookie = await loginCookie(f.port, f.token);
    await expect(connect(f, { headers: { Cookie: cookie } })).rejects.toThrow(/403/);
  });

  it('accepts own Origin with the cookie, and bearer without Origin', async () => {
    const f = (fx = await startFixture());
    const cookie = await loginCookie(f.port, f.token);
    await connect(f, { origin: ownOrigin(f), headers: { Cookie: cookie } });
    await connect(f, { origin: `http://localhost:${f.port}`, headers: { Cookie: cookie, Host: `localhost:${f.port}` } });
    await connectBearer(f);
    await waitUntil(() => f.bridge.stats().wsClients === 3, 5000, 'three clients');
  });

  it('404 for an upgrade on another path', async () => {
    const f = (fx = await startFixture());
    await expect(WsTestClient.connect(`ws://127.0.0.1:${f.port}/api/v1/other`, { headers: bearer(f.token) })).rejects.toThrow(/404/);
  });
});

describe('frames', () => {
  it('invoke answers the same envelope as HTTP for the same command', async () => {
    const f = (fx = await startFixture());
    const client = await connectBearer(f);
    const cases: Array<[string, unknown]> = [
      ['system:status', {}],
      ['logs:query', { limit: 3 }],
      ['logs:query', { limit: 'x' }],
      ['nope:nothing', {}],
    ];
    let id = 1;
    for (const [command, args] of cases) {
      client.send({ type: 'invoke', id, command, args });
      const frame = (await client.next()) as WsServerMessage;
      const http = await send(f.port, {
        method: 'POST',
        path: `${HTTP_PATHS.commands}${command}`,
        headers: { ...bearer(f.token), 'Content-Type': 'application/json' },
        body: JSON.stringify(args),
      });
      expect(frame).toEqual({ type: 'result', id, result: http.json() });
      id += 1;
    }
    client.send({ type: 'invoke', id: 99, command: 'system:status' });
    expect(await client.next()).toEqual({ type: 'result', id: 99, result: { ok: true, value: STATUS_FIXTURE } });
  });

  it('subscribe forwards hub events; unsubscribe and close stop them', async () => {
    const f = (fx = await startFixture());
    const client = await connectBearer(f);
    client.send({ type: 'subscribe', event: 'logs:appended' });
    client.send({ type: 'subscribe', event: 'status:changed' });
    await waitUntil(() => f.events.listenerCount('status:changed') === 1, 5000, 'subscription');
    f.events.emit('logs:appended', [logEntry(7)]);
    expect(await client.next()).toEqual({ type: 'event', event: 'logs:appended', payload: [logEntry(7)] });
    f.events.emit('status:changed', STATUS_FIXTURE);
    expect(await client.next()).toEqual({ type: 'event', event: 'status:changed', payload: STATUS_FIXTURE });

    client.send({ type: 'unsubscribe', event: 'logs:appended' });
    await waitUntil(() => f.events.listenerCount('logs:appended') === 0, 5000, 'unsubscribe');
    f.events.emit('logs:appended', [logEntry(8)]);
    f.events.emit('status:changed', STATUS_FIXTURE);
    expect(await client.next()).toMatchObject({ type: 'event', event: 'status:changed' });

    await client.close();
    await waitUntil(() => f.events.listenerCount('status:changed') === 0, 5000, 'subscriptions disposed on close');
  });

  it('a bad frame gets an error frame and the socket stays open', async () => {
    const f = (fx = await startFixture());
    const client = await connectBearer(f);
    const bad: unknown[] = ['not json', JSON.stringify({ type: 'launch' }), JSON.stringify([1, 2]), JSON.stringify({ type: 'subscribe' })];
    for (const frame of bad) {
      client.ws.send(String(frame));
      expect(await client.next()).toMatchObject({ type: 'error', error: { code: 'E_BAD_REQUEST' } });
    }
    client.send({ type: 'subscribe', event: 'plugins:exploded' });
    const unknown = (await client.next()) as { error: { message: string } };
    expect(unknown).toMatchObject({ type: 'error', error: { code: 'E_BAD_REQUEST' } });
    expect(unknown.error.message).toMatch(/^event: /);
    client.ws.send(Buffer.from('{}'), { binary: true });
    expect(await client.next()).toMatchObject({ type: 'error', error: { code: 'E_BAD_REQUEST' } });
    // A broken invoke that names its id settles that id with an error result.
    client.send({ type: 'invoke', id: 5, command: 42 });
    expect(await client.next()).toMatchObject({ type: 'result', id: 5, result: { ok: false, error: { code: 'E_BAD_REQUEST' } } });
    client.send({ type: 'invoke', id: 6, command: 'system:status', args: {} });
    expect(await client.next()).toMatchObject({ type: 'result', id: 6, result: { ok: true } });
  });

  it('a frame over maxBodyBytes closes the connection with 1009', async () => {
    const f = (fx = await startFixture({ maxBodyBytes: 1024 }));
    const client = await connectBearer(f);
    client.send({ type: 'invoke', id: 1, command: 'logs:query', args: { text: 'x'.repeat(2048) } });
    expect((await client.closed).code).toBe(1009);
  });
});

describe('backpressure', () => {
  it('drops logs:appended for a client that is not reading, never results', async () => {
    const f = (fx = await startFixture({ wsBackpressureBytes: 64 * 1024, wsMaxBufferedBytes: 1024 * 1024 * 1024 }));
    const client = await connectBearer(f);
    client.send({ type: 'subscribe', event: 'logs:appended' });
    await waitUntil(() => f.events.listenerCount('logs:appended') === 1, 5000, 'subscription');
    client.ws.pause();
    const batch = Array.from({ length: 200 }, (_, i) => logEntry(i, 'y'.repeat(1000)));
    let emitted = 0;
    // Emit until the kernel buffers are full and the bridge starts dropping (bounded).
    while (f.bridge.stats().droppedLogBatches === 0) {
      if (emitted > 2000) throw new Error('the bridge never dropped a batch');
      f.events.emit('logs:appended', batch);
      emitted += 1;
      if (emitted % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const dropped = f.bridge.stats().droppedLogBatches;
    expect(dropped).toBeGreaterThan(0);

    // While the client is not reading, an invoke's result is queued behind the backlog, not dropped.
    client.send({ type: 'invoke', id: 77, command: 'system:status' });
    client.ws.resume();
    let frames = 0;
    for (;;) {
      const frame = (await client.next()) as WsServerMessage;
      if (frame.type === 'result') {
        expect(frame).toMatchObject({ id: 77, result: { ok: true } });
        break;
      }
      frames += 1;
    }
    expect(frames).toBeLessThan(emitted);
    expect(frames + dropped).toBeLessThanOrEqual(emitted);
  });

  it('terminates a client whose buffer passes wsMaxBufferedBytes', async () => {
    const f = (fx = await startFixture({ wsBackpressureBytes: 16 * 1024, wsMaxBufferedBytes: 256 * 1024 }));
    const client = await connectBearer(f);
    client.send({ type: 'subscribe', event: 'status:changed' });
    await waitUntil(() => f.events.listenerCount('status:changed') === 1, 5000, 'subscription');
    client.ws.pause();
    const big = { ...STATUS_FIXTURE, dataDir: 'z'.repeat(64 * 1024) };
    let emitted = 0;
    while (f.bridge.stats().wsClients > 0 && f.events.listenerCount('status:changed') > 0) {
      if (emitted > 5000) throw new Error('the slow client was never terminated');
      f.events.emit('status:changed', { ...big, uptimeMs: emitted });
      emitted += 1;
      if (emitted % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    client.ws.resume();
    expect((await client.closed).code).toBe(1006);
  });
});

describe('stop', () => {
  it('closes connected clients with 1001 and resolves', async () => {
    const f = (fx = await startFixture());
    const a = await connectBearer(f);
    const b = await connectBearer(f);
    a.send({ type: 'subscribe', event: 'status:changed' });
    await waitUntil(() => f.events.listenerCount('status:changed') === 1, 5000, 'subscription');
    await f.bridge.stop();
    expect((await a.closed).code).toBe(1001);
    expect((await b.closed).code).toBe(1001);
    expect(f.events.listenerCount('status:changed')).toBe(0);
    expect(f.bridge.address).toBeNull();
  });

  it('finishes within the grace even when a client never answers the close', async () => {
    const f = (fx = await startFixture({ stopGraceMs: 300 }));
    const client = await connectBearer(f);
    client.ws.pause(); // never reads the close frame
    const started = Date.now();
    await f.bridge.stop();
    expect(Date.now() - started).toBeLessThan(3000);
    client.ws.resume();
    await client.closed;
  });
});
