/**
 * `runtime: "command"` plugins, for real: the bundled py-greeter (Python, or Node without
 * python3) serves through the router on a port Conductor assigns and comes back after kill -9;
 * a command that keeps exiting is quarantined; one that stops answering its health URL is
 * recycled; its output is captured; a command that ignores SIGTERM is SIGKILLed, with its whole
 * process group, at the stop deadline.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, killHard, Sandbox, waitFor, type Harness } from './integration.test-helper';

/** A Node script run as a command: an HTTP server that can be told to hang or to ignore SIGTERM. */
const STUBBORN = `
import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
let hung = false;
process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
// A grandchild in the same process group, to show the group is killed.
const grandchild = spawn(process.execPath, ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)'], { stdio: 'ignore' });
console.log('grandchild ' + grandchild.pid);
createServer((req, res) => {
  if (hung) return; // never answers again
  if (req.method === 'GET') { res.writeHead(200); return res.end('{"status":"ok"}'); }
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const p = JSON.parse(body || 'null') ?? {};
    if (p.hang) { hung = true; console.error('hanging now'); return; }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ got: p }));
  });
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('stubborn ready on ' + process.env.PORT));
`;

function commandManifest(extra: Record<string, unknown> = {}) {
  return {
    runtime: 'command',
    entry: undefined,
    capabilities: ['test.stubborn'],
    command: { exec: process.execPath, args: ['server.mjs'], url: 'http://127.0.0.1:{port}/', port: 'auto', healthUrl: 'http://127.0.0.1:{port}/health' },
    probes: { liveness: { intervalMs: 200, timeoutMs: 150, failureThreshold: 2 }, readiness: { intervalMs: 200, timeoutMs: 150 }, startup: { graceMs: 0, maxMs: 10_000 } },
    ...extra,
  };
}

describe('command plugins (real processes)', () => {
  let box: Sandbox;
  let h: Harness;

  beforeAll(async () => {
    box = new Sandbox('command', { health: { intervalMs: 100 }, shutdown: { stepTimeoutMs: 3_000 } });
    box.copyPlugin('py-greeter');
    const stubborn = box.writePlugin('stubborn', commandManifest(), '');
    execFileSync('sh', ['-c', `rm -f "${stubborn}/index.mjs" && cat > "${stubborn}/server.mjs"`], { input: STUBBORN });
    const crashy = box.writePlugin('crashy-cmd', { runtime: 'command', entry: undefined, capabilities: ['test.crashy'], restart: { maxCrashes: 3, windowMs: 60_000 }, command: { exec: 'sh', args: ['-c', 'echo "about to fail"; exit 7'] } }, '');
    void crashy;
    h = await box.start();
  });

  afterAll(async () => {
    await box?.dispose();
  });

  it('serves through the router on an assigned port; its output is in the log', async () => {
    const greeter = await h.waitReady('py-greeter');
    expect(greeter.runtime).toBe('command');
    expect(greeter.instances[0]!.pid).toBeGreaterThan(0);
    const answer = await h.send({ capability: 'text.greet', payload: { name: 'Ada' } });
    expect(answer).toMatchObject({ ok: true, value: { greeting: 'Hello, Ada!' } });
    const failed = await h.send({ capability: 'text.greet', payload: { fail: true } });
    expect(failed).toMatchObject({ ok: false, code: 'E_PLUGIN_ERROR', message: 'asked to fail' });
    await waitFor(async () => ((await h.must('logs:query', { plugin: 'py-greeter', text: 'listening on 127.0.0.1', limit: 5 })).entries.length > 0 ? true : null), 'the listening line in the log');
  });

  it('is restarted after kill -9', async () => {
    const before = (await h.waitReady('py-greeter')).instances[0]!.pid!;
    killHard(before);
    const after = await waitFor(async () => {
      const p = await h.plugin('py-greeter');
      const pid = p.instances.find((i) => i.state === 'ready')?.pid;
      return p.state === 'ready' && pid && pid !== before ? p : null;
    }, 'a new py-greeter instance', 20_000);
    expect(after.restarts).toBeGreaterThanOrEqual(1);
    expect(await h.send({ capability: 'text.greet', payload: { name: 'again' } })).toMatchObject({ ok: true, value: { greeting: 'Hello, again!' } });
  });

  it('is quarantined when it keeps exiting, with its exit code and last line', async () => {
    const q = await waitFor(async () => {
      const p = await h.plugin('crashy-cmd');
      return p.state === 'quarantined' ? p : null;
    }, 'crashy-cmd to be quarantined', 20_000);
    expect(q.quarantine!.exitCode).toBe(7);
    expect(q.quarantine!.lastLines.join('\n')).toContain('about to fail');
  });

  it('a hung command (its health URL stops answering) is recycled', async () => {
    const first = (await h.waitReady('stubborn')).instances[0]!.pid!;
    const hang = await h.send({ plugin: 'stubborn', payload: { hang: true }, timeoutMs: 300 });
    expect(hang).toMatchObject({ ok: false, code: 'E_TIMEOUT' });
    const replaced = await waitFor(async () => {
      const p = await h.plugin('stubborn');
      const pid = p.instances.find((i) => i.state === 'ready')?.pid;
      return pid && pid !== first ? p : null;
    }, 'the hung instance to be replaced', 20_000);
    expect(replaced.state).toBe('ready');
    await waitFor(() => (isAlive(first) ? null : true), 'the hung process to be gone', 10_000);
    expect(await h.send({ plugin: 'stubborn', payload: { x: 1 } })).toEqual({ ok: true, value: { got: { x: 1 } } });
  });

  it('stop escalates to SIGKILL of the whole process group at the deadline', async () => {
    // Restart it so that it ignores SIGTERM (and so does its grandchild).
    await h.must('plugins:setBounds', { name: 'stubborn', min: 1, max: 1 });
    const p = await h.plugin('stubborn');
    const pid = p.instances[0]!.pid!;
    const { entries } = await h.must('logs:query', { plugin: 'stubborn', text: 'grandchild', limit: 50 });
    const grandchildren = entries.map((e) => Number(/grandchild (\d+)/.exec(e.message)?.[1])).filter((n) => n > 0);
    expect(grandchildren.length).toBeGreaterThan(0);
    const live = grandchildren.filter(isAlive);
    expect(live.length).toBeGreaterThan(0);
    // The grandchild ignores SIGTERM: only the group SIGKILL at the deadline ends it.
    const t0 = Date.now();
    await h.must('plugins:disable', { name: 'stubborn' });
    await waitFor(() => (isAlive(pid) || live.some(isAlive) ? null : true), 'the command and its grandchild to be gone', 15_000);
    expect(Date.now() - t0).toBeLessThan(15_000);
    const { entries: killed } = await h.must('logs:query', { plugin: 'stubborn', text: 'SIGKILL', limit: 5 });
    expect(killed.length).toBeGreaterThan(0);
  });
});
