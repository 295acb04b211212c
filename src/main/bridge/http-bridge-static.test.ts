import { rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bearer, INDEX_HTML, SECRET_TEXT, send, startFixture, type Fixture } from './bridge-fixture.test-helper';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.cleanup();
  fx = undefined;
});

const get = (f: Fixture, p: string, method = 'GET') => send(f.port, { method, path: p, headers: bearer(f.token) });

describe('static files', () => {
  it('serves index.html for / and assets with their content types', async () => {
    const f = (fx = await startFixture());
    await writeFile(path.join(f.rendererDir, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    await writeFile(path.join(f.rendererDir, 'assets', 'app.js.map'), '{}');
    const index = await get(f, '/');
    expect(index.status).toBe(200);
    expect(index.text).toBe(INDEX_HTML);
    expect(index.headers['cache-control']).toBe('no-store');
    const cases: Array<[string, string]> = [
      ['/assets/app.js', 'text/javascript; charset=utf-8'],
      ['/assets/app.css', 'text/css; charset=utf-8'],
      ['/assets/logo.svg', 'image/svg+xml'],
      ['/assets/app.js.map', 'application/json; charset=utf-8'],
      ['/index.html', 'text/html; charset=utf-8'],
    ];
    for (const [p, type] of cases) {
      const answer = await get(f, p);
      expect(answer.status, p).toBe(200);
      expect(answer.headers['content-type'], p).toBe(type);
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
    }
    const head = await get(f, '/assets/app.js', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect(head.headers['content-length']).toBe(String('console.log("app");\n'.length));
  });

  it('falls back to index.html for client routes, 404 for a missing asset', async () => {
    const f = (fx = await startFixture());
    const route = await get(f, '/plugins/echo/logs');
    expect(route.status).toBe(200);
    expect(route.text).toBe(INDEX_HTML);
    expect(route.headers['content-security-policy']).toContain("script-src 'self'");
    // `..` that stays inside the root is fine.
    expect((await get(f, '/assets/../assets/app.js')).status).toBe(200);
    const missing = await get(f, '/assets/missing.js');
    expect(missing.status).toBe(404);
  });

  it.each([
    '/../package.json',
    '/../secret.json',
    '/%2e%2e/secret.json',
    '/%2E%2E/%2e%2e/secret.json',
    '/assets/..%2f..%2fsecret.json',
    '/..%5csecret.json',
    '/assets/../../secret.json',
    '/%2e%2e%2fsecret.json',
    '/secret.json%00.js',
  ])('cannot escape rendererDir: %s', async (p) => {
    const f = (fx = await startFixture());
    const answer = await get(f, p);
    expect([200, 400, 404]).toContain(answer.status);
    expect(answer.text).not.toContain(SECRET_TEXT);
    if (answer.status === 200) expect(answer.text).toBe(INDEX_HTML);
  });

  it('does not follow a symlink out of rendererDir', async () => {
    const f = (fx = await startFixture());
    await symlink(path.join(f.root, 'secret.json'), path.join(f.rendererDir, 'assets', 'link.json'));
    const answer = await get(f, '/assets/link.json');
    expect(answer.status).toBe(404);
    expect(answer.text).not.toContain(SECRET_TEXT);
  });

  it('a missing build gets the "not built" page, and the API still works', async () => {
    const f = (fx = await startFixture());
    await rm(path.join(f.rendererDir, 'index.html'));
    const page = await get(f, '/');
    expect(page.status).toBe(503);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('npm run build');
    expect((await get(f, '/api/v1/status')).status).toBe(200);
  });

  it('rendererDir null gets the "not built" page', async () => {
    const f = (fx = await startFixture({ rendererDir: null }));
    const page = await get(f, '/anything');
    expect(page.status).toBe(503);
    expect(page.text).toContain('npm run build');
  });

  it('other methods on page paths are 405', async () => {
    const f = (fx = await startFixture());
    const answer = await send(f.port, { method: 'DELETE', path: '/', headers: bearer(f.token) });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('GET, HEAD');
  });
});
