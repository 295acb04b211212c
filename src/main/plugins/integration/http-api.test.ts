/**
 * The convenience HTTP routes of a real conductor (real child processes, real SQLite, real HTTP
 * on 127.0.0.1): `GET /metrics` (auth, content type, exact counters and histogram after known
 * traffic, instance gauges, restarts after a SIGKILL), `POST /api/v1/requests` (each error code
 * with its HTTP status, Retry-After on a full queue) and `GET /api/v1/plugins` (per-plugin figures
 * after known traffic). Polls with a bound; no sleeps.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PluginSummary } from '../../../shared/domain';
import { apiRoutes } from '../../bridge/api-routes';
import { HttpBridge } from '../../bridge/http-bridge';
import { Sandbox, isAlive, runLoad, waitFor, type Harness, type Outcome } from './integration.test-helper';

// `json` is the parsed body (undefined when not JSON); typed loosely so tests can reach into envelopes.
interface Reply { status: number; headers: IncomingHttpHeaders; text: string; json: any }

/** One HTTP exchange; `token: null` sends no Authorization header. */
function call(port: number, method: string, path: string, opts: { token?: string | null; body?: string } = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        let json: unknown;
        try { json = JSON.parse(text); } catch { /* not JSON (the metrics text) */ }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

interface Sample { name: string; labels: Record<string, string>; value: number }

/** Parses the Prometheus text format; throws on a line it cannot read. */
function parseProm(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/.exec(line);
    if (!m) throw new Error(`unparsable metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: m[3] === '+Inf' ? Infinity : Number(m[3]) });
  }
  return out;
}

/** The value of the one series of `name` carrying `labels` (throws when none or several match). */
function one(samples: Sample[], name: string, labels: Record<string, string>): number {
  const hits = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (hits.length !== 1) throw new Error(`${name}${JSON.stringify(labels)}: expected 1 series, found ${hits.length}`);
  return hits[0]!.value;
}

describe('HTTP API: /metrics, /api/v1/requests, /api/v1/plugins (real conductor)', () => {
  let box: Sandbox;
  let h: Harness;
  let bridge: HttpBridge;
  const token = HttpBridge.generateToken();
  const get = (path: string, t: string | null = token) => call(bridge.port, 'GET', path, { token: t });
  const post = (body: unknown, raw?: string) => call(bridge.port, 'POST', '/api/v1/requests', { token, body: raw ?? JSON.stringify(body) });
  const metrics = async () => parseProm((await get('/metrics')).text);
  /** POST /api/v1/requests as an outcome, for runLoad. */
  const send = async (body: unknown): Promise<Outcome> => {
    const r = await post(body);
    return r.json?.ok === true ? { ok: true, value: r.json.value } : { ok: false, code: String(r.json?.error?.code ?? r.status), message: r.text };
  };

  beforeAll(async () => {
    box = new Sandbox('http-api', { health: { intervalMs: 100 } });
    box.copyPlugin('echo', { manifest: { instances: { min: 2, max: 2 } } });
    box.copyPlugin('flaky', { manifest: { instances: { min: 1, max: 1 }, config: {} } });
    box.copyPlugin('flaky', { as: 'mixed', manifest: { capabilities: ['test.mixed'], instances: { min: 2, max: 2 } } });
    box.copyPlugin('slow', { manifest: { instances: { min: 1, max: 1 }, concurrency: 1, queueLimit: 1 } });
    h = await box.start();
    for (const [name, n] of [['echo', 2], ['flaky', 1], ['mixed', 2], ['slow', 1]] as const) await h.waitReady(name, n);
    const c = h.conductor;
    bridge = new HttpBridge({ port: 0, token, rendererDir: null, dispatcher: c.dispatcher, events: c.events, log: c.logger, routes: apiRoutes(c.dispatcher, c.prometheus, (args, signal) => c.sendRequest(args, signal)) });
    await bridge.start();
  }, 60_000);

  afterAll(async () => {
    await bridge?.stop();
    await box?.dispose();
  }, 30_000);

  it('GET /metrics needs the token: 401 E_UNAUTHORIZED envelope without it or with a wrong one', async () => {
    for (const t of [null, HttpBridge.generateToken()]) {
      const r = await get('/metrics', t);
      expect(r.status).toBe(401);
      expect(r.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(r.json).toMatchObject({ ok: false, error: { code: 'E_UNAUTHORIZED' } });
      expect(r.text).not.toContain('conductor_requests_total');
    }
  });

  it('GET /metrics counts known traffic exactly; a SIGKILLed instance is replaced and counted as a restart', async () => {
    const N = 23;
    const M = 4; // under the breaker's minimum sample (5): every failure reaches the plugin
    const oks = await runLoad(N, 4, (i) => send({ plugin: 'echo', payload: { i } }));
    expect(oks.every((o) => o.ok)).toBe(true);
    const fails = await runLoad(M, 2, () => send({ plugin: 'flaky', payload: { fail: true } }));
    expect(fails.map((o) => (o.ok ? 'ok' : o.code))).toEqual(Array(M).fill('E_PLUGIN_ERROR'));

    const r = await get('/metrics');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe(h.conductor.prometheus.contentType);
    expect(r.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const s = parseProm(r.text);
    expect(one(s, 'conductor_requests_total', { plugin: 'echo' })).toBe(N);
    // A series per plugin and code seen: none for echo.
    expect(s.filter((x) => x.name === 'conductor_request_errors_total' && x.labels.plugin === 'echo')).toEqual([]);
    expect(one(s, 'conductor_requests_total', { plugin: 'flaky' })).toBe(M);
    expect(one(s, 'conductor_request_errors_total', { plugin: 'flaky' })).toBe(M);
    expect(one(s, 'conductor_request_errors_total', { plugin: 'flaky', code: 'E_PLUGIN_ERROR' })).toBe(M);
    // The latency histogram: cumulative buckets, +Inf and _count equal to the calls made.
    const buckets = s.filter((x) => x.name === 'conductor_request_duration_seconds_bucket' && x.labels.plugin === 'echo');
    const les = buckets.map((b) => (b.labels.le === '+Inf' ? Infinity : Number(b.labels.le)));
    expect(les).toEqual([...les].sort((a, b) => a - b));
    expect(les.at(-1)).toBe(Infinity);
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
    expect(one(s, 'conductor_request_duration_seconds_bucket', { plugin: 'echo', le: '+Inf' })).toBe(N);
    expect(one(s, 'conductor_request_duration_seconds_count', { plugin: 'echo' })).toBe(N);
    expect(one(s, 'conductor_request_duration_seconds_count', { plugin: 'flaky' })).toBe(M);
    expect(one(s, 'conductor_request_duration_seconds_sum', { plugin: 'echo' })).toBeGreaterThan(0);
    // Gauges: two ready echo instances, nothing queued; no restart yet.
    expect(one(s, 'conductor_instances', { plugin: 'echo', state: 'ready' })).toBe(2);
    expect(one(s, 'conductor_instances', { plugin: 'echo', state: 'crashed' })).toBe(0);
    expect(one(s, 'conductor_instances', { plugin: 'slow', state: 'ready' })).toBe(1);
    expect(one(s, 'conductor_queue_depth', { plugin: 'echo' })).toBe(0);
    expect(one(s, 'conductor_plugin_up', { plugin: 'echo', state: 'ready' })).toBe(1);
    expect(one(s, 'conductor_instance_restarts_total', { plugin: 'echo' })).toBe(0);

    const before = (await h.plugin('echo')).instances.map((i) => i.pid!);
    const victim = before[0]!;
    box.trackPid(victim);
    process.kill(victim, 'SIGKILL');
    const after = await waitFor(async () => {
      const m = await metrics();
      const p = await h.plugin('echo');
      const pids = p.instances.filter((i) => i.state === 'ready').map((i) => i.pid);
      return one(m, 'conductor_instance_restarts_total', { plugin: 'echo' }) === 1 && one(m, 'conductor_instances', { plugin: 'echo', state: 'ready' }) === 2 && pids.length === 2 && !pids.includes(victim) ? m : null;
    }, 'the killed echo instance to be replaced and counted', 20_000);
    expect(isAlive(victim)).toBe(false);
    expect(one(after, 'conductor_instance_restarts_total', { plugin: 'flaky' })).toBe(0);
    // The replacement serves; the counters only grew by what was sent.
    expect(await send({ plugin: 'echo', payload: 'again' })).toEqual({ ok: true, value: { value: { echo: 'again' }, latencyMs: expect.any(Number) } });
    expect(one(await metrics(), 'conductor_requests_total', { plugin: 'echo' })).toBe(N + 1);
  }, 60_000);

  it('POST /api/v1/requests: the ok envelope, unknown plugin 404, unknown capability 404', async () => {
    const okReply = await post({ capability: 'text.echo', payload: { hi: [1, 2] } });
    expect(okReply.status).toBe(200);
    expect(okReply.headers['content-type']).toMatch(/^application\/json/);
    expect(okReply.json).toEqual({ ok: true, value: { value: { echo: { hi: [1, 2] } }, latencyMs: expect.any(Number) } });
    const noPlugin = await post({ plugin: 'nope', payload: 1 });
    expect(noPlugin.status).toBe(404);
    expect(noPlugin.json).toMatchObject({ ok: false, error: { code: 'E_PLUGIN_NOT_FOUND' } });
    expect(noPlugin.json.error.message).toContain('nope');
    const noCapability = await post({ capability: 'no.such', payload: 1 });
    expect(noCapability.status).toBe(404);
    expect(noCapability.json).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
  });

  it('POST /api/v1/requests: a bad body is 400 E_BAD_REQUEST naming the field', async () => {
    const cases: Array<[string, string]> = [
      [JSON.stringify({ plugin: 'echo' }), 'payload'],
      [JSON.stringify({ payload: 1 }), 'capability'],
      [JSON.stringify({ plugin: 'echo', capability: 'text.echo', payload: 1 }), 'capability'],
      [JSON.stringify({ plugin: 'echo', payload: 1, timeoutMs: 'fast' }), 'timeoutMs'],
      [JSON.stringify({ plugin: 'echo', payload: 1, timeoutMs: 0 }), 'timeoutMs'],
      [JSON.stringify({ plugin: 'echo', payload: 1, bogus: true }), 'bogus'],
      [JSON.stringify({ plugin: 42, payload: 1 }), 'plugin'],
      ['{"plugin": "echo", ', 'body'],
    ];
    for (const [raw, field] of cases) {
      const r = await post(undefined, raw);
      expect(r.status, raw).toBe(400);
      expect(r.json, raw).toMatchObject({ ok: false, error: { code: 'E_BAD_REQUEST', details: { field } } });
      expect(r.json.error.message, raw).toContain(field);
    }
  });

  it('POST /api/v1/requests: a body over the limit is 413 E_PAYLOAD_TOO_LARGE', async () => {
    const r = await post({ plugin: 'echo', payload: 'x'.repeat(1024 * 1024 + 16) }); // default maxBodyBytes: 1 MiB
    expect(r.status).toBe(413);
    expect(r.json).toMatchObject({ ok: false, error: { code: 'E_PAYLOAD_TOO_LARGE', details: { field: 'body', limit: 1024 * 1024 } } });
    // The conductor is unharmed.
    expect((await post({ plugin: 'echo', payload: 1 })).status).toBe(200);
  });

  it('POST /api/v1/requests: timeoutMs to a slow plugin is 504 E_TIMEOUT, well before the plugin would answer', async () => {
    const t0 = Date.now();
    const r = await post({ plugin: 'slow', payload: { ms: 20_000 }, timeoutMs: 300 });
    expect(r.status).toBe(504);
    expect(r.json).toMatchObject({ ok: false, error: { code: 'E_TIMEOUT' } });
    expect(Date.now() - t0).toBeLessThan(5_000);
    await waitFor(async () => ((await h.plugin('slow')).instances.every((i) => i.inFlight === 0) ? true : null), 'the timed-out call to leave the slow instance');
  }, 30_000);

  it('POST /api/v1/requests: a full queue is 429 E_OVERLOADED with Retry-After; the held requests still complete', async () => {
    const HOLD_MS = 2_000;
    const held = [post({ plugin: 'slow', payload: { ms: HOLD_MS } }), post({ plugin: 'slow', payload: { ms: HOLD_MS } })];
    await waitFor(async () => {
      const p = await h.plugin('slow');
      return p.instances[0]!.inFlight === 1 && p.queueDepth === 1;
    }, '1 in flight and 1 queued on slow', 5_000);
    expect(one(await metrics(), 'conductor_queue_depth', { plugin: 'slow' })).toBe(1);
    const t0 = Date.now();
    const r = await post({ plugin: 'slow', payload: { ms: 1 } });
    expect(Date.now() - t0).toBeLessThan(HOLD_MS / 2);
    expect(r.status).toBe(429);
    expect(r.json).toMatchObject({ ok: false, error: { code: 'E_OVERLOADED' } });
    expect(r.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    const answers = await Promise.all(held);
    expect(answers.map((a) => [a.status, a.json?.value?.value])).toEqual([[200, { slept: HOLD_MS }], [200, { slept: HOLD_MS }]]);
    expect(one(await metrics(), 'conductor_queue_depth', { plugin: 'slow' })).toBe(0);
  }, 30_000);

  it('GET /api/v1/plugins: after 50 ok + 10 failing requests the figures add up', async () => {
    expect((await get('/api/v1/plugins', null)).status).toBe(401);
    const outcomes = await runLoad(60, 4, (i) => send({ plugin: 'mixed', payload: { fail: i % 6 === 5 } }));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(50);
    expect(outcomes.filter((o) => !o.ok && o.code === 'E_PLUGIN_ERROR')).toHaveLength(10);

    const r = await get('/api/v1/plugins');
    expect(r.status).toBe(200);
    expect(r.json.ok).toBe(true);
    const plugins = r.json.value.plugins as PluginSummary[];
    expect(plugins.map((p) => p.name).sort()).toEqual(['echo', 'flaky', 'mixed', 'slow']);
    const mixed = plugins.find((p) => p.name === 'mixed')!;
    expect(mixed.state).toBe('ready');
    expect(mixed.metrics.total).toBe(60);
    expect(mixed.metrics.errors).toBe(10);
    expect(mixed.metrics.errorRate).toBeCloseTo(10 / 60, 9);
    expect(mixed.instances.reduce((n, i) => n + i.served, 0)).toBe(50);
    expect(mixed.instances.reduce((n, i) => n + i.errors, 0)).toBe(10);
    const { p50Ms, p99Ms, ratePerSec } = mixed.metrics;
    expect([p50Ms, p99Ms].every(Number.isFinite)).toBe(true);
    expect(p50Ms!).toBeGreaterThan(0);
    expect(p50Ms!).toBeLessThanOrEqual(p99Ms!);
    // All 60 settled within the last minute: 60 / 60 s.
    expect(ratePerSec).toBe(1);
    expect(mixed.queueDepth).toBe(0);
    expect(mixed.isolation).toBe('process');
    expect(mixed.instances).toHaveLength(2);
    const pids = mixed.instances.map((i) => i.pid);
    for (const i of mixed.instances) {
      expect(i.state).toBe('ready');
      expect(i.pid).toEqual(expect.any(Number));
      expect(i.pid).not.toBe(process.pid);
      expect(isAlive(i.pid!)).toBe(true);
      expect(i.inFlight).toBe(0);
    }
    expect(new Set(pids).size).toBe(2);
    // Another plugin's figures are its own: none of mixed's failures are counted on echo.
    expect(plugins.find((p) => p.name === 'echo')!.metrics.errors).toBe(0);
  }, 60_000);
});
