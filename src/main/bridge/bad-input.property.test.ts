/**
 * Bad input at the API boundaries of a real conductor (a real plugin behind it): contract payloads
 * over `/api/v1/commands` and the WebSocket, as properties, and a table of hostile HTTP bodies.
 * Each gets a typed error envelope; nothing answers 500, the server keeps serving, the plugin
 * keeps answering, and no prototype is polluted. `FC_RUNS` raises the count for the long run.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { COMMAND_NAMES } from '../../shared/contract';
import { ERROR_CODES, type Result } from '../../shared/result';
import { Conductor } from '../conductor/conductor';
import { RUNTIME_JS } from '../plugins/integration/integration.test-helper';
import { bearer, send } from './bridge-fixture.test-helper';
import { HttpBridge } from './http-bridge';

const RUNS = Number(process.env.FC_RUNS ?? 150);
const MAX_BODY = 64 * 1024;

const key = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'name', 'limit', 'level', 'plugin', 'capability', 'payload', 'key', 'value', 'min', 'max', 'path'), fc.string({ maxLength: 10 }));
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ maxLength: 20 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 5 }),
  ),
})).value;
/** Every command but shutdown (its valid call is covered elsewhere and would end the run). */
const command = fc.constantFrom(...COMMAND_NAMES.filter((c) => c !== 'system:shutdown'));
const KNOWN_CODES = new Set<string>(ERROR_CODES);

function clean(): void {
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

function isEnvelope(value: unknown): value is Result<unknown> {
  if (value === null || typeof value !== 'object') return false;
  const v = value as { ok?: unknown; error?: { code?: unknown; message?: unknown } };
  if (v.ok === true) return 'value' in v;
  return v.ok === false && typeof v.error?.code === 'string' && KNOWN_CODES.has(v.error.code) && typeof v.error.message === 'string';
}

describe('bad input at the API (real conductor)', () => {
  let dataDir: string;
  let conductor: Conductor;
  let bridge: HttpBridge;
  let ws: WebSocket;
  const token = HttpBridge.generateToken();
  const frames: unknown[] = [];
  const pending = new Map<number, (r: unknown) => void>();
  let nextId = 1;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'conductor-badinput-'));
    const pluginsDir = join(dataDir, 'test-plugins');
    cpSync(fileURLToPath(new URL('../../../plugins/echo', import.meta.url)), join(pluginsDir, 'echo'), { recursive: true });
    const config = join(dataDir, 'config.json');
    writeFileSync(config, JSON.stringify({ plugins: { dirs: [pluginsDir], bundled: false }, server: { maxBodyBytes: MAX_BODY } }));
    conductor = new Conductor({
      cli: { dataDir, config, dryRun: false, hidden: false, logLevel: 'error' },
      host: 'headless',
      version: '1.0.0',
      bundledPluginsDir: null,
      signals: null,
      console: false,
      pluginRuntimePath: RUNTIME_JS,
      sampler: { sample: async () => ({ cpuPercent: 1, memUsedBytes: 1, memTotalBytes: 2 }) },
    });
    conductor.onShutdownRequested(() => {});
    await conductor.start();
    bridge = new HttpBridge({ port: 0, token, rendererDir: null, dispatcher: conductor.dispatcher, events: conductor.events, log: conductor.logger, maxBodyBytes: MAX_BODY });
    await bridge.start();
    ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/api/v1/ws`, { headers: bearer(token) });
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { type: string; id?: number; result?: unknown };
      if (msg.type === 'result' && msg.id !== undefined) pending.get(msg.id)?.(msg.result);
      else frames.push(msg);
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
  });

  afterAll(async () => {
    ws?.close();
    await bridge?.stop();
    await conductor?.shutdown('test over');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (path: string, body: string | undefined, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
    send(bridge.port, { method: 'POST', path, headers: { ...headers, ...bearer(token) }, body });

  it('HTTP: any args to any command get an envelope with a known code, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(command, json, async (cmd, args) => {
        const answer = await post(`/api/v1/commands/${cmd}`, JSON.stringify(args));
        expect(answer.status).not.toBe(500);
        const body = answer.json();
        expect(isEnvelope(body), answer.text).toBe(true);
        if ((body as Result<unknown>).ok === false) expect(answer.status).toBeGreaterThanOrEqual(400);
        clean();
      }),
      { numRuns: RUNS },
    );
  });

  it('WebSocket: any invoke gets a result envelope; garbage frames get an error frame and the socket stays open', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(command, fc.string({ maxLength: 30 })), json, async (cmd, args) => {
        const id = nextId++;
        const result = await new Promise<unknown>((resolve) => {
          pending.set(id, resolve);
          ws.send(JSON.stringify({ type: 'invoke', id, command: cmd, args }));
        });
        expect(isEnvelope(result), JSON.stringify(result)).toBe(true);
        clean();
      }),
      { numRuns: RUNS },
    );
    const before = frames.length;
    const garbage = ['not json', '{"type":"invoke"}', '[]', 'null', '{"type":"subscribe","event":"__proto__"}', JSON.stringify({ type: 'invoke', id: -1, command: 'system:status' }), `${'['.repeat(20_000)}${']'.repeat(20_000)}`];
    for (const frame of garbage) ws.send(frame);
    const deadline = Date.now() + 10_000;
    while (frames.length < before + garbage.length && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    expect(frames.slice(before).every((f) => (f as { type: string }).type === 'error')).toBe(true);
    expect(frames.length - before).toBe(garbage.length);
    expect(JSON.stringify(frames.at(-1))).toContain('nests deeper than 128 levels');
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });

  it.each([
    { what: 'invalid JSON', body: '{"limit": 5', status: 400 },
    { what: 'a top-level array', body: '[1,2,3]', status: 400 },
    { what: 'a string', body: '"hello"', status: 400 },
    { what: 'wrong types', body: '{"limit":"five","level":7}', status: 400 },
    { what: '__proto__ key', body: '{"__proto__":{"polluted":true},"limit":5}', status: 400 },
    { what: 'constructor.prototype key', body: '{"constructor":{"prototype":{"polluted":true}}}', status: 400 },
    { what: 'deep nesting (30k levels)', body: `{"text":${'['.repeat(30_000)}${']'.repeat(30_000)}}`, status: 400 },
    { what: 'deep nesting past the body limit', body: `${'['.repeat(MAX_BODY)}${']'.repeat(MAX_BODY)}`, status: 413 },
    { what: 'an oversized body', body: JSON.stringify({ text: 'x'.repeat(MAX_BODY + 10) }), status: 413 },
  ])('logs:query with $what → $status and a typed error', async ({ body, status }) => {
    const answer = await post('/api/v1/commands/logs:query', body);
    expect(answer.status, answer.text.slice(0, 300)).toBe(status);
    const envelope = answer.json() as Result<unknown>;
    expect(isEnvelope(envelope)).toBe(true);
    expect(envelope.ok).toBe(false);
    clean();
  });

  it('requests: hostile payloads reach the plugin as data, or are refused; the plugin keeps answering', async () => {
    for (const payload of [{ ['__proto__']: { polluted: true } }, JSON.parse('{"__proto__":{"polluted":true}}'), { constructor: { prototype: { polluted: true } } }, 'x'.repeat(10_000), [[[[[]]]]]]) {
      const answer = await post('/api/v1/commands/requests:send', JSON.stringify({ plugin: 'echo', payload }));
      expect([200, 400], answer.text.slice(0, 300)).toContain(answer.status);
      clean();
    }
    const fine = await post('/api/v1/commands/requests:send', JSON.stringify({ plugin: 'echo', payload: { still: 'here' } }));
    expect(fine.status).toBe(200);
    const status = await send(bridge.port, { path: '/api/v1/status', headers: bearer(token) });
    expect(status.status).toBe(200);
  });
});
