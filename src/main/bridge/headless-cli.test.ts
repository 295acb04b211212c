import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import pkg from '../../../package.json';
import { runHeadless, startHeadless, type HeadlessProcess } from '../testing/headless-process';

/** http.request, because fetch forbids setting Host. */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('headless CLI (real child process)', () => {
  let dataDir: string;
  const running: HeadlessProcess[] = [];
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'conductor-cli-'));
  });
  afterEach(async () => {
    for (const p of running.splice(0)) await p.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });
  const start = (args: string[] = []) => {
    const p = startHeadless(['--data-dir', dataDir, '--port', '0', ...args]);
    running.push(p);
    return p;
  };

  it('--version prints the package version and exits 0', async () => {
    const r = await runHeadless(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('new-plugin scaffolds a folder and says what to do next; an existing folder exits 1', async () => {
    const r = await runHeadless(['new-plugin', 'cli-bot', '--dir', dataDir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Created ${join(dataDir, 'cli-bot')}`);
    expect(r.stdout).toContain('node --test');
    expect(existsSync(join(dataDir, 'cli-bot', 'plugin.json'))).toBe(true);
    const again = await runHeadless(['new-plugin', 'cli-bot', '--dir', dataDir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
  });

  it('a bad flag prints usage and exits 2', async () => {
    const r = await runHeadless(['--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown option: --bogus');
    expect(r.stderr).toContain('Usage:');
  });

  it('a bad config exits 1 naming health.intervalMs', async () => {
    const config = join(dataDir, 'bad.json');
    writeFileSync(config, JSON.stringify({ health: { intervalMs: 'fast' } }));
    const r = await runHeadless(['--config', config, '--data-dir', dataDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('health.intervalMs: expected a positive integer, got "fast"');
    expect(existsSync(join(dataDir, 'conductor.db'))).toBe(false);
  });

  it('a database that cannot be opened exits 1 with the cause', async () => {
    mkdirSync(join(dataDir, 'conductor.db'));
    const r = await runHeadless(['--data-dir', dataDir, '--port', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Conductor failed to start: startup step "db" failed: .*conductor\.db/);
  });

  it('--dry-run prints the plan and starts nothing', async () => {
    const plugins = join(dataDir, 'plugins', 'hello');
    mkdirSync(plugins, { recursive: true });
    writeFileSync(join(plugins, 'plugin.json'), JSON.stringify({ name: 'hello', version: '1.0.0', entry: 'index.js' }));
    writeFileSync(join(plugins, 'index.js'), 'export default {};\n');
    const r = await runHeadless(['--data-dir', dataDir, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('dry run');
    expect(r.stdout).toMatch(/1\. config[\s\S]*8\. signals/);
    expect(r.stdout).toContain('hello@1.0.0');
    expect(r.stdout).not.toContain('Conductor ready');
    expect(existsSync(join(dataDir, 'conductor.db'))).toBe(false);
    expect(existsSync(join(dataDir, 'runtime.json'))).toBe(false);
  });

  it('serves the API with the token, refuses others, and stops cleanly on SIGTERM', async () => {
    const p = start();
    const { url, origin, token } = await p.ready();

    // runtime.json: mode 0600, names this process.
    const runtimePath = join(dataDir, 'runtime.json');
    expect(statSync(runtimePath).mode & 0o777).toBe(0o600);
    const runtime = JSON.parse(readFileSync(runtimePath, 'utf8')) as { pid: number; port: number; token: string };
    expect(runtime.pid).toBe(p.proc.pid);
    expect(runtime.token).toBe(token);

    const auth = { Authorization: `Bearer ${token}` };
    const ok = await get(`${origin}/api/v1/status`, auth);
    expect(ok.status).toBe(200);
    const status = JSON.parse(ok.body) as { ok: boolean; value: { state: string; version: string } };
    expect(status.ok).toBe(true);
    expect(status.value.state).toBe('ready');
    expect(status.value.version).toBe(pkg.version);

    const noToken = await get(`${origin}/api/v1/status`);
    expect(noToken.status).toBe(401);
    expect(JSON.parse(noToken.body)).toMatchObject({ ok: false, error: { code: 'E_UNAUTHORIZED' } });
    expect((await get(`${origin}/api/v1/status`, { Authorization: 'Bearer 00' })).status).toBe(401);
    const evil = await get(`${origin}/api/v1/status`, { ...auth, Host: 'evil.example' });
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.body)).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN' } });

    // Browser flow: the token URL sets the cookie and redirects to the same URL without it.
    const login = await get(url);
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/');
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(login.headers['referrer-policy']).toBe('no-referrer');
    const session = cookie.split(';')[0]!;
    expect((await get(`${origin}/api/v1/status`, { Cookie: session })).status).toBe(200);

    // A WebSocket from a foreign Origin is refused; the own origin is accepted.
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${origin.replace('http', 'ws')}/api/v1/ws`, { headers: { Cookie: session, Origin: 'http://evil.example' } });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => resolve(-1));
    });
    expect(refused).toBe(403);
    const accepted = await new Promise<unknown>((resolve, reject) => {
      const ws = new WebSocket(`${origin.replace('http', 'ws')}/api/v1/ws`, { headers: { Cookie: session, Origin: origin } });
      ws.on('open', () => ws.send(JSON.stringify({ type: 'invoke', id: 1, command: 'system:status', args: {} })));
      ws.on('message', (data) => {
        ws.close();
        resolve(JSON.parse(String(data)));
      });
      ws.on('error', reject);
    });
    expect(accepted).toMatchObject({ type: 'result', id: 1, result: { ok: true } });

    const t0 = Date.now();
    const exit = await p.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(existsSync(runtimePath)).toBe(false);
    const db = new Database(join(dataDir, 'conductor.db'), { readonly: true });
    const report = db.prepare("SELECT data FROM events WHERE kind = 'shutdown.report' ORDER BY id DESC LIMIT 1").get() as { data: string } | undefined;
    db.close();
    expect(report).toBeDefined();
    expect(JSON.parse(report!.data)).toMatchObject({ reason: 'SIGTERM', clean: true });
  });

  it('a second conductor on the same data dir exits 1 naming the first one', async () => {
    const first = start();
    const { origin } = await first.ready();
    const second = await runHeadless(['--data-dir', dataDir, '--port', '0']);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`pid ${first.proc.pid}`);
    expect(second.stderr).toContain(origin);
    expect((await first.stop()).code).toBe(0);
  });

  it('system:shutdown over HTTP exits 0', async () => {
    const p = start();
    const { origin, token } = await p.ready();
    const res = await fetch(`${origin}/api/v1/commands/system:shutdown`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ reason: 'test' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, value: { accepted: true } });
    expect((await p.exited).code).toBe(0);
  });
});
