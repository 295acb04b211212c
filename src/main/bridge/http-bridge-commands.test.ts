import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { HTTP_PATHS } from '../../shared/contract';
import { bearer, logEntry, send, startFixture, STATUS_FIXTURE, type Fixture } from './bridge-fixture.test-helper';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.cleanup();
  fx = undefined;
});

async function open(overrides: Parameters<typeof startFixture>[0] = {}): Promise<Fixture> {
  fx = await startFixture(overrides);
  return fx;
}

const JSON_TYPE = { 'Content-Type': 'application/json' };

function post(f: Fixture, command: string, body?: string, headers: Record<string, string> = JSON_TYPE) {
  return send(f.port, { method: 'POST', path: `${HTTP_PATHS.commands}${command}`, headers: { ...headers, ...bearer(f.token) }, body });
}

describe('POST /api/v1/commands/<domain:verb>', () => {
  it('dispatches with the body as args and answers the envelope', async () => {
    const f = await open();
    const answer = await post(f, 'logs:query', JSON.stringify({ limit: 5 }));
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.json()).toEqual({ ok: true, value: { entries: [logEntry(1)], lastSeq: 1 } });
  });

  it('treats an empty body as {} (with or without Content-Type)', async () => {
    const f = await open();
    expect((await post(f, 'system:status')).json()).toEqual({ ok: true, value: STATUS_FIXTURE });
    expect((await post(f, 'system:status', '', {})).status).toBe(200);
    expect((await post(f, encodeURIComponent('system:status'), '')).status).toBe(200);
  });

  it('404 E_NOT_FOUND for an unknown command', async () => {
    const f = await open();
    const answer = await post(f, 'plugins:explode', '{}');
    expect(answer.status).toBe(404);
    expect(answer.json()).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND', details: { field: 'command' } } });
    // A name that only exists on Object.prototype is not a command either.
    expect((await post(f, '__proto__', '{}')).status).toBe(404);
    expect((await post(f, 'constructor', '{}')).status).toBe(404);
  });

  it('400 E_BAD_REQUEST naming the field for a bad argument', async () => {
    const f = await open();
    const answer = await post(f, 'logs:query', JSON.stringify({ limit: 'x' }));
    expect(answer.status).toBe(400);
    expect(answer.json()).toMatchObject({ ok: false, error: { code: 'E_BAD_REQUEST', details: { field: 'limit' } } });
    expect((answer.json() as { error: { message: string } }).error.message).toContain('limit');
    const unknownKey = await post(f, 'system:status', JSON.stringify({ extra: 1 }));
    expect(unknownKey.json()).toMatchObject({ error: { code: 'E_BAD_REQUEST', details: { field: 'extra' } } });
  });

  it('400 E_BAD_REQUEST naming body for invalid JSON', async () => {
    const f = await open();
    const answer = await post(f, 'system:status', '{"limit": ');
    expect(answer.status).toBe(400);
    expect(answer.json()).toMatchObject({ ok: false, error: { code: 'E_BAD_REQUEST', details: { field: 'body' } } });
    expect((answer.json() as { error: { message: string } }).error.message).toMatch(/^body: /);
  });

  it('400 for a body that is not application/json', async () => {
    const f = await open();
    const form = await post(f, 'system:status', 'a=1', { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(400);
    expect(form.json()).toMatchObject({ error: { code: 'E_BAD_REQUEST', details: { field: 'content-type' } } });
    const untyped = await post(f, 'system:status', '{}', {});
    expect(untyped.status).toBe(400);
    const charset = await post(f, 'system:status', '{}', { 'Content-Type': 'application/json; charset=utf-8' });
    expect(charset.status).toBe(200);
  });

  it('a __proto__ key is just a bad key, and pollutes nothing', async () => {
    const f = await open();
    const answer = await post(f, 'system:status', '{"__proto__": {"polluted": true}}');
    expect(answer.status).toBe(400);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('413 E_PAYLOAD_TOO_LARGE over maxBodyBytes, streamed or declared', async () => {
    const f = await open({ maxBodyBytes: 1024 });
    const big = JSON.stringify({ text: 'x'.repeat(8 * 1024) });
    const declared = await post(f, 'logs:query', big);
    expect(declared.status).toBe(413);
    expect(declared.json()).toMatchObject({ ok: false, error: { code: 'E_PAYLOAD_TOO_LARGE' } });

    // Chunked (no Content-Length): the limit is enforced while reading.
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: f.port,
          method: 'POST',
          path: `${HTTP_PATHS.commands}logs:query`,
          headers: { ...JSON_TYPE, ...bearer(f.token), 'Transfer-Encoding': 'chunked' },
          agent: false,
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 8; i += 1) req.write('x'.repeat(1024));
      req.end();
    });
    expect(chunked).toBe(413);

    // The bridge still answers afterwards.
    expect((await post(f, 'system:status', '{}')).status).toBe(200);
  });

  it('405 with Allow for a GET on the command route', async () => {
    const f = await open();
    const answer = await send(f.port, { path: `${HTTP_PATHS.commands}system:status`, headers: bearer(f.token) });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('POST');
    expect(answer.json()).toMatchObject({ ok: false, error: { code: 'E_BAD_REQUEST', details: { field: 'method' } } });
  });
});

describe('other API routes', () => {
  it('GET /api/v1/status equals dispatching system:status', async () => {
    const f = await open();
    const get = await send(f.port, { path: HTTP_PATHS.status, headers: bearer(f.token) });
    const viaPost = await post(f, 'system:status', '{}');
    expect(get.json()).toEqual(viaPost.json());
  });

  it('404 E_NOT_FOUND for an unknown API route; 401 first when unauthenticated', async () => {
    const f = await open();
    const answer = await send(f.port, { path: '/api/v1/nothing', headers: bearer(f.token) });
    expect(answer.status).toBe(404);
    expect(answer.json()).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
    expect((await send(f.port, { path: '/api/v1/nothing' })).status).toBe(401);
  });

  it('a plain GET on the WebSocket path is a 400', async () => {
    const f = await open();
    const answer = await send(f.port, { path: HTTP_PATHS.ws, headers: bearer(f.token) });
    expect(answer.status).toBe(400);
  });

  it('maps error codes to their HTTP status (503 for E_SHUTTING_DOWN, Retry-After for E_OVERLOADED)', async () => {
    const f = await open({
      routes: [
        { method: 'GET', path: '/api/v1/test/down', handler: (req, res, ctx) => ctx.sendError('E_SHUTTING_DOWN', 'going down') },
        {
          method: 'GET',
          path: '/api/v1/test/busy',
          handler: (req, res, ctx) => ctx.sendError('E_OVERLOADED', 'queue full', { retryAfterMs: 2500 }),
        },
      ],
    });
    expect((await send(f.port, { path: '/api/v1/test/down', headers: bearer(f.token) })).status).toBe(503);
    const busy = await send(f.port, { path: '/api/v1/test/busy', headers: bearer(f.token) });
    expect(busy.status).toBe(429);
    expect(busy.headers['retry-after']).toBe('3');
  });
});

describe('extra routes', () => {
  it('registerRoute adds a token-protected route (e.g. /metrics) and dispose removes it', async () => {
    const f = await open();
    const route = f.bridge.registerRoute({
      method: 'GET',
      path: HTTP_PATHS.metrics,
      handler: (req, res, ctx) => ctx.sendText(200, 'text/plain; version=0.0.4', `conductor_up 1\n# auth ${ctx.auth}\n`),
    });
    expect((await send(f.port, { path: HTTP_PATHS.metrics })).status).toBe(401);
    const metrics = await send(f.port, { path: HTTP_PATHS.metrics, headers: bearer(f.token) });
    expect(metrics.status).toBe(200);
    expect(metrics.text).toBe('conductor_up 1\n# auth bearer\n');
    expect(() => f.bridge.registerRoute({ method: 'GET', path: HTTP_PATHS.metrics, handler: () => {} })).toThrow(/already registered/);
    route.dispose();
    // Gone: /metrics is a page path again, so the renderer's index.html answers.
    const after = await send(f.port, { path: HTTP_PATHS.metrics, headers: bearer(f.token) });
    expect(after.headers['content-type']).toMatch(/^text\/html/);
  });

  it('prefix routes get the rest of the path and can read JSON; a throw becomes E_INTERNAL', async () => {
    const f = await open({
      routes: [
        {
          method: 'POST',
          path: `${HTTP_PATHS.plugins}/`,
          prefix: true,
          handler: async (req, res, ctx) => {
            const body = await ctx.readJson();
            if (!body.ok) return ctx.sendResult(body);
            ctx.sendResult({ ok: true, value: { plugin: decodeURIComponent(ctx.rest), body: body.value } });
          },
        },
        {
          method: 'GET',
          path: HTTP_PATHS.plugins,
          handler: () => {
            throw new Error('boom');
          },
        },
      ],
    });
    const answer = await send(f.port, {
      method: 'POST',
      path: `${HTTP_PATHS.plugins}/echo%20bot`,
      headers: { ...JSON_TYPE, ...bearer(f.token) },
      body: '{"a":1}',
    });
    expect(answer.json()).toEqual({ ok: true, value: { plugin: 'echo bot', body: { a: 1 } } });
    const boom = await send(f.port, { path: HTTP_PATHS.plugins, headers: bearer(f.token) });
    expect(boom.status).toBe(500);
    expect(boom.json()).toMatchObject({ ok: false, error: { code: 'E_INTERNAL' } });
    expect(f.log.lines.some((l) => l.level === 'error')).toBe(true);
  });

  it('refuses a bad route at construction, naming the option', async () => {
    await expect(open({ routes: [{ method: 'GET', path: 'metrics', handler: () => {} }] })).rejects.toThrow(/routes\.0: route\.path/);
  });
});
