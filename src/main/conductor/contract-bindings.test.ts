import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import { COMMAND_NAMES, type CommandName } from '../../shared/contract';
import type { Result } from '../../shared/result';
import { HttpBridge } from '../bridge/http-bridge';
import { createIpcInvokeHandler } from '../electron/ipc-handler';
import { Conductor } from './conductor';

/**
 * Every contract command answers the same over all three bindings: Electron IPC (its handler with
 * a fake sender), the WebSocket and HTTP. One table, driven over the command map.
 */
const CASES: Record<CommandName, { args: unknown; expect: 'ok' | string }[]> = {
  'system:status': [
    { args: {}, expect: 'ok' },
    { args: { extra: 1 }, expect: 'E_BAD_REQUEST' },
  ],
  'system:shutdown': [
    { args: { reason: 'table test' }, expect: 'ok' },
    { args: { reason: 42 }, expect: 'E_BAD_REQUEST' },
  ],
  'system:pickFolder': [{ args: {}, expect: 'E_CONFLICT' }],
  'logs:query': [
    { args: { limit: 5, level: 'info' }, expect: 'ok' },
    { args: { limit: 'x' }, expect: 'E_BAD_REQUEST' },
    { args: { level: 'loud' }, expect: 'E_BAD_REQUEST' },
  ],
  'events:query': [
    { args: { kind: 'lifecycle.step', limit: 3 }, expect: 'ok' },
    { args: { limit: 0 }, expect: 'E_BAD_REQUEST' },
  ],
  'plugins:list': [{ args: {}, expect: 'ok' }],
  'plugins:get': [
    { args: { name: 'echo' }, expect: 'ok' },
    { args: { name: 'nope' }, expect: 'E_PLUGIN_NOT_FOUND' },
    { args: { name: 'Not A Name' }, expect: 'E_BAD_REQUEST' },
  ],
  'plugins:enable': [{ args: { name: 'nope' }, expect: 'E_PLUGIN_NOT_FOUND' }],
  'plugins:disable': [{ args: {}, expect: 'E_BAD_REQUEST' }],
  'plugins:restart': [{ args: { name: 'nope' }, expect: 'E_PLUGIN_NOT_FOUND' }],
  'plugins:retry': [{ args: { name: 'nope' }, expect: 'E_PLUGIN_NOT_FOUND' }],
  'plugins:setBounds': [
    { args: { name: 'echo', min: 3, max: 1 }, expect: 'E_BAD_REQUEST' },
    { args: { name: 'echo', min: 1 }, expect: 'E_BAD_REQUEST' },
  ],
  'plugins:setConfig': [
    { args: { name: 'echo', config: { nope: 1 } }, expect: 'E_BAD_REQUEST' },
    { args: { name: 'nope', config: {} }, expect: 'E_PLUGIN_NOT_FOUND' },
  ],
  'plugins:setEnv': [
    { args: { name: 'echo', values: { UNDECLARED: 'x' } }, expect: 'E_BAD_REQUEST' },
    { args: { name: 'echo', values: { 'bad name': 'x' } }, expect: 'E_BAD_REQUEST' },
  ],
  'plugins:install': [{ args: { path: '' }, expect: 'E_BAD_REQUEST' }],
  'plugins:uninstall': [{ args: { name: 'echo' }, expect: 'E_CONFLICT' }],
  'requests:send': [
    { args: { plugin: 'echo', payload: { hello: 'world' } }, expect: 'ok' },
    { args: { capability: 'text.echo', payload: [1, 2, 3] }, expect: 'ok' },
    { args: { capability: 'no.such', payload: 1 }, expect: 'E_NOT_FOUND' },
    { args: { payload: 1 }, expect: 'E_BAD_REQUEST' },
  ],
  'requests:stream': [
    { args: { plugin: 'echo', payload: 1, streamId: 'one' }, expect: 'ok' },
    { args: { plugin: 'echo', payload: 1 }, expect: 'E_BAD_REQUEST' },
  ],
  'requests:cancel': [{ args: { streamId: 'nothing-running' }, expect: 'ok' }],
  'metrics:history': [
    { args: {}, expect: 'ok' },
    { args: { plugin: 'echo' }, expect: 'ok' },
    { args: { plugin: 7 }, expect: 'E_BAD_REQUEST' },
  ],
  'settings:get': [{ args: {}, expect: 'ok' }],
  'settings:set': [
    { args: { key: 'ui.closeToTray', value: false }, expect: 'ok' },
    { args: { key: 'ui.closeToTray', value: 'no' }, expect: 'E_BAD_REQUEST' },
    { args: { key: 'health.intervalMs', value: 5 }, expect: 'E_BAD_REQUEST' },
    { args: { key: 'logLevel', value: 'debug' }, expect: 'E_CONFLICT' },
  ],
};

/** Drops what legitimately differs between two calls a moment apart. */
function comparable(result: Result<unknown>): unknown {
  return JSON.parse(JSON.stringify(result), (key, value: unknown) => (key === 'uptimeMs' || key === 'latencyMs' || key === 'firstChunkMs' || key === 'plugins' || key === 'events' || key === 'system' || key === 'requests' || key === 'components' ? undefined : value));
}

describe('contract bindings', () => {
  let dataDir: string;
  let conductor: Conductor;
  let bridge: HttpBridge;
  let ws: WebSocket;
  const token = HttpBridge.generateToken();
  const shutdownRequests: string[] = [];
  let nextId = 1;
  const pending = new Map<number, (r: Result<unknown>) => void>();

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'conductor-bindings-'));
    // One real plugin (a copy of the bundled echo) so requests go through a real instance.
    const pluginsDir = join(dataDir, 'test-plugins');
    cpSync(fileURLToPath(new URL('../../../plugins/echo', import.meta.url)), join(pluginsDir, 'echo'), { recursive: true });
    const config = join(dataDir, 'config.json');
    writeFileSync(config, JSON.stringify({ plugins: { dirs: [pluginsDir], bundled: false } }));
    conductor = new Conductor({
      cli: { dataDir, config, dryRun: false, hidden: false, logLevel: 'warn' },
      host: 'headless',
      version: '1.0.0',
      bundledPluginsDir: null,
      signals: null,
      console: false,
      sampler: { sample: async () => ({ cpuPercent: 1, memUsedBytes: 1, memTotalBytes: 2 }) },
    });
    // The host decides what a shutdown request does; here it only records it.
    conductor.onShutdownRequested((reason) => shutdownRequests.push(reason));
    await conductor.start();
    bridge = new HttpBridge({ port: 0, token, rendererDir: null, dispatcher: conductor.dispatcher, events: conductor.events, log: conductor.logger });
    await bridge.start();
    ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/api/v1/ws`, { headers: { Authorization: `Bearer ${token}` } });
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { type: string; id: number; result: Result<unknown> };
      if (msg.type === 'result') pending.get(msg.id)?.(msg.result);
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

  const viaIpc = createIpcInvokeHandler({ dispatcher: { dispatch: (c, a, k) => conductor.dispatcher.dispatch(c, a, k) }, isTrustedUrl: (url) => url === 'file:///app/index.html' });
  const viaWs = (command: string, args: unknown) =>
    new Promise<Result<unknown>>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      ws.send(JSON.stringify({ type: 'invoke', id, command, args }));
    });
  const viaHttp = async (command: string, args: unknown) => {
    const res = await fetch(`http://127.0.0.1:${bridge.port}/api/v1/commands/${command}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(args),
    });
    return (await res.json()) as Result<unknown>;
  };

  it('covers every command in the map', () => {
    expect(Object.keys(CASES).sort()).toEqual([...COMMAND_NAMES].sort());
  });

  const rows = Object.entries(CASES).flatMap(([command, cases]) => cases.map((c) => ({ command, ...c })));
  it.each(rows)('$command $args → $expect, the same over IPC, WebSocket and HTTP', async ({ command, args, expect: want }) => {
    const ipc = await viaIpc({ senderFrame: { url: 'file:///app/index.html' } }, command, args);
    const wsResult = await viaWs(command, args);
    const http = await viaHttp(command, args);
    expect(ipc.ok ? 'ok' : ipc.error.code).toBe(want);
    expect(comparable(wsResult)).toEqual(comparable(ipc));
    expect(comparable(http)).toEqual(comparable(ipc));
  });

  it('names the binding in what the handler sees', () => {
    expect(shutdownRequests).toEqual(['table test (via ipc)', 'table test (via ws)', 'table test (via http)']);
  });

  it('an unknown command is E_NOT_FOUND everywhere', async () => {
    const ipc = await viaIpc({ senderFrame: { url: 'file:///app/index.html' } }, 'nope:nothing', {});
    expect(ipc.ok ? 'ok' : ipc.error.code).toBe('E_NOT_FOUND');
    expect((await viaWs('nope:nothing', {})).ok).toBe(false);
    const http = await fetch(`http://127.0.0.1:${bridge.port}/api/v1/commands/nope:nothing`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(http.status).toBe(404);
  });

  it('request rollups reach SQLite at shutdown, keyed by epoch minute', async () => {
    await conductor.shutdown('rollup check');
    const db = new Database(join(dataDir, 'conductor.db'), { readonly: true });
    const rows = db.prepare("SELECT plugin, minute, count FROM metrics_minute WHERE plugin = 'echo'").all() as { plugin: string; minute: number; count: number }[];
    db.close();
    expect(rows.reduce((n, r) => n + r.count, 0)).toBeGreaterThanOrEqual(6);
    const nowMinute = Math.floor(Date.now() / 60_000);
    for (const r of rows) expect(Math.abs(r.minute - nowMinute)).toBeLessThanOrEqual(2);
  });
});
