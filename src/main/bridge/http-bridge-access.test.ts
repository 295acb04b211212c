import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HTTP_PATHS } from '../../shared/contract';
import { sessionCookieNameFor, sessionValueFor } from './access';
import { bearer, INDEX_HTML, loginCookie, send, startFixture, STATUS_FIXTURE, type Fixture, type HttpAnswer } from './bridge-fixture.test-helper';

let fx: Fixture;
const answers: HttpAnswer[] = [];

beforeEach(async () => {
  fx = await startFixture();
  answers.length = 0;
});
afterEach(async () => {
  // No response, whatever it was, may ever carry a CORS header.
  for (const answer of answers) {
    expect(Object.keys(answer.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.headers['referrer-policy']).toBe('no-referrer');
  }
  await fx.cleanup();
});

async function call(spec: Parameters<typeof send>[1]): Promise<HttpAnswer> {
  const answer = await send(fx.port, spec);
  answers.push(answer);
  return answer;
}

describe('bearer auth', () => {
  it('answers the status with the right bearer', async () => {
    const answer = await call({ path: HTTP_PATHS.status, headers: bearer(fx.token) });
    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.json()).toEqual({ ok: true, value: STATUS_FIXTURE });
  });

  it('401 E_UNAUTHORIZED without a token and with a wrong one', async () => {
    const none = await call({ path: HTTP_PATHS.status });
    expect(none.status).toBe(401);
    expect(none.json()).toMatchObject({ ok: false, error: { code: 'E_UNAUTHORIZED' } });
    const wrong = await call({ path: HTTP_PATHS.status, headers: bearer('f'.repeat(64)) });
    expect(wrong.status).toBe(401);
    const post = await call({ method: 'POST', path: `${HTTP_PATHS.commands}system:status`, headers: bearer('nope') });
    expect(post.status).toBe(401);
  });

  it('a token in the query does not authenticate API calls', async () => {
    const answer = await call({ path: `${HTTP_PATHS.status}?token=${fx.token}` });
    expect(answer.status).toBe(401);
  });
});

describe('host check', () => {
  it.each(['evil.example', 'localhost.evil.example', 'evil.example:80'])('403 E_FORBIDDEN for Host %s, before auth', async (host) => {
    for (const path of [HTTP_PATHS.status, '/', `/?token=placeholder`, '/assets/app.js']) {
      const answer = await call({ path: path.replace('placeholder', fx.token), headers: { ...bearer(fx.token), Host: host } });
      expect(answer.status, path).toBe(403);
      expect(answer.json()).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN' } });
      expect(answer.headers['set-cookie']).toBeUndefined();
    }
  });

  it('accepts localhost and [::1] names', async () => {
    for (const host of [`localhost:${fx.port}`, `[::1]:${fx.port}`, `127.0.0.2:${fx.port}`]) {
      const answer = await call({ path: HTTP_PATHS.status, headers: { ...bearer(fx.token), Host: host } });
      expect(answer.status, host).toBe(200);
    }
  });
});

describe('browser flow', () => {
  it('exchanges ?token= for an HttpOnly SameSite=Strict cookie and redirects without the token', async () => {
    const answer = await call({ path: `/plugins?tab=logs&token=${fx.token}&x=1` });
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe('/plugins?tab=logs&x=1');
    const cookie = answer.headers['set-cookie']![0]!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie.startsWith(`${sessionCookieNameFor(fx.token)}=${sessionValueFor(fx.token)};`)).toBe(true);
    expect(cookie).not.toContain(fx.token);

    const root = await call({ path: `/?token=${fx.token}` });
    expect(root.headers.location).toBe('/');
  });

  it('never redirects off-site', async () => {
    for (const path of [`//evil.example/?token=${fx.token}`, `/\\evil.example/?token=${fx.token}`]) {
      const answer = await call({ path });
      expect(answer.status).toBe(303);
      // A path on this server, never a protocol-relative `//host`.
      expect(answer.headers.location).toBe('/evil.example/');
    }
  });

  it('the cookie then opens the page and the API', async () => {
    const cookie = await loginCookie(fx.port, fx.token);
    const page = await call({ path: '/', headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    expect(page.text).toBe(INDEX_HTML);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toBe(
      `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; ` +
        `connect-src 'self' ws://127.0.0.1:${fx.port} ws://localhost:${fx.port}; object-src 'none'; base-uri 'none'; ` +
        `frame-ancestors 'none'; form-action 'self'`,
    );
    const api = await call({ path: HTTP_PATHS.status, headers: { Cookie: cookie } });
    expect(api.status).toBe(200);
    expect(api.json()).toEqual({ ok: true, value: STATUS_FIXTURE });
  });

  it('a wrong token gets a 401 page and no cookie', async () => {
    const answer = await call({ path: `/?token=${'0'.repeat(64)}` });
    expect(answer.status).toBe(401);
    expect(answer.headers['content-type']).toMatch(/^text\/html/);
    expect(answer.headers['set-cookie']).toBeUndefined();
  });

  it('no token and no cookie: a 401 page pointing at the printed URL', async () => {
    const answer = await call({ path: '/' });
    expect(answer.status).toBe(401);
    expect(answer.headers['content-type']).toMatch(/^text\/html/);
    expect(answer.headers['content-security-policy']).toContain("default-src 'self'");
    expect(answer.text).toContain('Conductor ready:');
    expect(answer.text).toContain('runtime.json');
    expect(answer.text).not.toContain('conductor-panel');
  });

  it('a raw token as the cookie is not a session', async () => {
    const answer = await call({ path: '/', headers: { Cookie: `${sessionCookieNameFor(fx.token)}=${fx.token}` } });
    expect(answer.status).toBe(401);
  });
});

describe('cookie CSRF', () => {
  const path = `${HTTP_PATHS.commands}system:status`;

  it('a cookie POST without a same-origin Origin is 403; with it, 200', async () => {
    const cookie = await loginCookie(fx.port, fx.token);
    const json = { 'Content-Type': 'application/json' };
    const none = await call({ method: 'POST', path, headers: { ...json, Cookie: cookie }, body: '{}' });
    expect(none.status).toBe(403);
    expect(none.json()).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN' } });
    const foreign = await call({ method: 'POST', path, headers: { ...json, Cookie: cookie, Origin: 'http://evil.example' }, body: '{}' });
    expect(foreign.status).toBe(403);
    const otherPort = await call({ method: 'POST', path, headers: { ...json, Cookie: cookie, Origin: 'http://127.0.0.1:1' }, body: '{}' });
    expect(otherPort.status).toBe(403);
    const own = await call({ method: 'POST', path, headers: { ...json, Cookie: cookie, Origin: `http://127.0.0.1:${fx.port}` }, body: '{}' });
    expect(own.status).toBe(200);
    expect(own.json()).toEqual({ ok: true, value: STATUS_FIXTURE });
  });

  it('a bearer POST needs no Origin', async () => {
    const answer = await call({ method: 'POST', path, headers: bearer(fx.token) });
    expect(answer.status).toBe(200);
  });

  it('OPTIONS (a CORS preflight) is never granted', async () => {
    const answer = await call({
      method: 'OPTIONS',
      path,
      headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST', ...bearer(fx.token) },
    });
    expect(answer.status).toBe(405);
  });
});
