/**
 * Streaming answers, end to end over the real HTTP API: chunks reach the caller while the plugin
 * is still producing; a client that closes the connection cancels the plugin's work; a slow
 * reader slows the producer instead of growing the conductor's memory; the WebSocket/IPC form
 * (`requests:stream` + `requests:chunk` events) and the one-value form (`requests:send`, chunks
 * as an array) answer the same chunks.
 */
import Database from 'better-sqlite3';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { apiRoutes } from '../../bridge/api-routes';
import { HttpBridge } from '../../bridge/http-bridge';
import { Sandbox, waitFor, type Harness } from './integration.test-helper';

/** The conductor's HTTP API (with the convenience routes) on a free loopback port. */
async function serve(h: Harness, token: string): Promise<HttpBridge> {
  const c = h.conductor;
  const bridge = new HttpBridge({ port: 0, token, rendererDir: null, dispatcher: c.dispatcher, events: c.events, log: c.logger, routes: apiRoutes(c.dispatcher, c.prometheus, (args, signal) => c.sendRequest(args, signal)) });
  await bridge.start();
  return bridge;
}

/** POST /api/v1/requests; resolves with the response as soon as its headers arrive. */
function post(bridge: HttpBridge, token: string, body: unknown): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: bridge.port, method: 'POST', path: '/api/v1/requests', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } }, resolve);
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('streaming (command plugin, real HTTP)', () => {
  let box: Sandbox;
  let h: Harness;
  let bridge: HttpBridge;
  const token = HttpBridge.generateToken();

  beforeAll(async () => {
    box = new Sandbox('streaming', { health: { intervalMs: 100 } });
    box.copyPlugin('py-greeter');
    h = await box.start();
    await h.waitReady('py-greeter');
    bridge = await serve(h, token);
  });

  afterAll(async () => {
    await bridge?.stop();
    await box?.dispose();
  });

  async function lines(res: IncomingMessage, onLine: (line: Record<string, unknown>, at: number) => void = () => {}): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let partial = '';
    for await (const chunk of res) {
      partial += String(chunk);
      const parts = partial.split('\n');
      partial = parts.pop()!;
      for (const p of parts) if (p) {
        const line = JSON.parse(p) as Record<string, unknown>;
        out.push(line);
        onLine(line, Date.now());
      }
    }
    return out;
  }

  it('chunks arrive as NDJSON while the plugin is still producing', async () => {
    const t0 = Date.now();
    const res = await post(bridge, token, { capability: 'text.greet', payload: { name: 'Ada', stream: true, delay: 0.4 }, stream: true });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/x-ndjson');
    let firstAt = 0;
    const all = await lines(res, (line, at) => {
      if ('chunk' in line && firstAt === 0) firstAt = at;
    });
    const end = Date.now();
    expect(all.filter((l) => 'chunk' in l).map((l) => (l.chunk as { token: string }).token)).toEqual(['Hello', 'Ada', 'from', expect.stringMatching(/Python|Node/)]);
    expect(all.at(-1)).toMatchObject({ done: true, chunks: 4 });
    // The first chunk came well before the last (4 words, 0.4 s apart).
    expect(end - firstAt).toBeGreaterThan(800);
    expect(firstAt - t0).toBeLessThan(end - t0 - 800);
  });

  it('the one-value form collects the chunks; a plain answer streams as one chunk', async () => {
    expect(await h.send({ capability: 'text.greet', payload: { name: 'Bo', stream: true, delay: 0 } })).toMatchObject({ ok: true, value: [{ token: 'Hello' }, { token: 'Bo' }, { token: 'from' }, expect.anything()] });
    const res = await post(bridge, token, { capability: 'text.greet', payload: { name: 'Cy' }, stream: true });
    const all = await lines(res);
    expect(all[0]).toMatchObject({ chunk: { greeting: 'Hello, Cy!' } });
    expect(all.at(-1)).toMatchObject({ done: true, chunks: 1 });
  });

  it('requests:stream delivers requests:chunk events for its stream id, then the result', async () => {
    const chunks: unknown[] = [];
    const sub = h.conductor.events.on('requests:chunk', (e) => {
      if (e.streamId === 'test-1') chunks.push(e.chunk);
    });
    const result = await h.must('requests:stream', { capability: 'text.greet', payload: { name: 'Di', stream: true, delay: 0 }, streamId: 'test-1' });
    sub.dispose();
    expect(result).toMatchObject({ chunks: 4 });
    expect(chunks).toHaveLength(4);
  });

  it('an error before streaming is an ordinary error envelope', async () => {
    const res = await post(bridge, token, { capability: 'no.such', payload: 1, stream: true });
    expect(res.statusCode).toBe(404);
    const body = JSON.parse(await new Promise<string>((r) => {
      let t = '';
      res.on('data', (c) => (t += String(c)));
      res.on('end', () => r(t));
    })) as { ok: boolean; error: { code: string } };
    expect(body).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
  });

  it('a client that goes away cancels the stream; the instance is free again', async () => {
    const res = await post(bridge, token, { capability: 'text.greet', payload: { name: 'Ed', stream: true, delay: 2 }, stream: true });
    await new Promise<void>((resolve) => res.once('data', () => resolve()));
    res.destroy();
    await waitFor(async () => ((await h.plugin('py-greeter')).instances.every((i) => i.inFlight === 0) ? true : null), 'the in-flight count to drop after the client left', 10_000);
  });
});

/** A node plugin whose `handle` is an async generator of 64 KiB chunks, counting what it produced. */
const FIREHOSE = `
export default {
  async *handle(payload, ctx) {
    const big = 'x'.repeat(64 * 1024);
    let n = 0;
    try {
      for (;;) {
        if (ctx.signal.aborted) return;
        yield { n, big };
        n++;
        await ctx.state.set('produced', n);
      }
    } finally {
      await ctx.state.set('stopped', { n, aborted: ctx.signal.aborted });
    }
  },
  health() { return { status: 'ok' }; },
};
`;

describe('streaming (node plugins, real HTTP)', () => {
  let box: Sandbox;
  let h: Harness;
  let bridge: HttpBridge;
  const token = HttpBridge.generateToken();

  beforeAll(async () => {
    box = new Sandbox('streaming-node', { health: { intervalMs: 100 } });
    box.copyPlugin('tokens');
    box.writePlugin('firehose', { capabilities: ['test.firehose'], requestTimeoutMs: 120_000, memoryLimitMb: 512 }, FIREHOSE);
    h = await box.start();
    await h.waitReady('tokens');
    await h.waitReady('firehose');
    bridge = await serve(h, token);
  });

  afterAll(async () => {
    await bridge?.stop();
    await box?.dispose();
  });

  /** The firehose plugin's `ctx.state` value, read from the database beside the conductor (WAL allows it). */
  function stateOf(key: string): unknown {
    const db = new Database(join(box.dataDir, 'conductor.db'), { readonly: true });
    try {
      const row = db.prepare('SELECT value FROM plugin_state WHERE plugin = ? AND key = ?').get('firehose', key) as { value: string } | undefined;
      return row === undefined ? undefined : (JSON.parse(row.value) as unknown);
    } finally {
      db.close();
    }
  }

  it('tokens: words arrive one by one while the generator runs', async () => {
    const res = await post(bridge, token, { capability: 'text.tokens', payload: { text: 'one two three four five', delayMs: 250 }, stream: true });
    expect(res.statusCode).toBe(200);
    const seen: Array<{ line: Record<string, unknown>; at: number }> = [];
    let partial = '';
    for await (const chunk of res) {
      partial += String(chunk);
      const parts = partial.split('\n');
      partial = parts.pop()!;
      for (const p of parts) if (p) seen.push({ line: JSON.parse(p) as Record<string, unknown>, at: Date.now() });
    }
    const chunks = seen.filter((s) => 'chunk' in s.line);
    expect(chunks.map((c) => (c.line.chunk as { token: string }).token).join('')).toBe('one two three four five');
    expect(seen.at(-1)!.line).toMatchObject({ done: true, chunks: 5 });
    expect(chunks.at(-1)!.at - chunks[0]!.at).toBeGreaterThan(700);
    // As one value, the same words as an array.
    const whole = await h.send({ capability: 'text.tokens', payload: { text: 'a b', delayMs: 0 } });
    expect(whole).toEqual({ ok: true, value: [{ token: 'a', index: 0 }, { token: ' b', index: 1 }] });
  });

  it('a slow reader slows the plugin (bounded buffering); closing the connection aborts the plugin', async () => {
    const res = await post(bridge, token, { plugin: 'firehose', payload: {}, stream: true });
    expect(res.statusCode).toBe(200);
    await new Promise<void>((resolve) => res.once('data', () => resolve()));
    res.pause();
    const heapBefore = process.memoryUsage().heapUsed;
    // While nobody reads, production stops: poll until the count holds still (bounded).
    const produced = async () => Number(stateOf('produced') ?? 0);
    let last = -1;
    let still = 0;
    const until = Date.now() + 20_000;
    while (still < 10 && Date.now() < until) {
      const now = await produced();
      still = now === last ? still + 1 : 0;
      last = now;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(still).toBe(10);
    // 64 KiB chunks: the buffers between the plugin and the paused reader hold a bounded number.
    expect(last).toBeLessThan(400);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
    res.destroy();
    const stopped = await waitFor(() => (stateOf('stopped') as { n: number; aborted: boolean } | undefined) ?? null, 'the plugin to see its abort', 10_000);
    expect(stopped.aborted).toBe(true);
    await waitFor(async () => ((await h.plugin('firehose')).instances.every((i) => i.inFlight === 0) ? true : null), 'the stream to be gone');
  });
});

describe('streaming over the WebSocket (requests:stream)', () => {
  let box: Sandbox;
  let h: Harness;
  let bridge: HttpBridge;
  const token = HttpBridge.generateToken();

  beforeAll(async () => {
    box = new Sandbox('streaming-ws', { health: { intervalMs: 100 } });
    box.copyPlugin('tokens');
    h = await box.start();
    await h.waitReady('tokens');
    bridge = await serve(h, token);
  });

  afterAll(async () => {
    await bridge?.stop();
    await box?.dispose();
  });

  it('chunks arrive as requests:chunk events; closing the socket cancels the stream in the plugin', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/api/v1/ws`, { headers: { Authorization: `Bearer ${token}` } });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const chunks: unknown[] = [];
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { type: string; event?: string; payload?: { streamId: string; chunk: unknown } };
      if (msg.type === 'event' && msg.event === 'requests:chunk' && msg.payload?.streamId === 'ws-1') chunks.push(msg.payload.chunk);
    });
    ws.send(JSON.stringify({ type: 'subscribe', event: 'requests:chunk' }));
    ws.send(JSON.stringify({ type: 'invoke', id: 1, command: 'requests:stream', args: { capability: 'text.tokens', payload: { text: 'a b c d e f g h i j', delayMs: 300 }, streamId: 'ws-1' } }));
    await waitFor(() => (chunks.length >= 2 ? true : null), 'two chunks over the WebSocket');
    ws.close();
    // The plugin was told: its generator stopped early (it logs how far it got).
    const { entries } = await waitFor(async () => {
      const r = await h.must('logs:query', { plugin: 'tokens', text: 'stopped after', limit: 5 });
      return r.entries.length > 0 ? r : null;
    }, 'the tokens plugin to log that it stopped', 10_000);
    expect(entries[0]!.message).toMatch(/stopped after \d+ of 10 words \(the caller went away\)/);
    await waitFor(async () => ((await h.plugin('tokens')).instances.every((i) => i.inFlight === 0) ? true : null), 'the stream to be gone');
  });
});
