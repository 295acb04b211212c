import { ConductorError } from '../../shared/result';
/**
 * Test kit for the bridge: a real dispatcher with fixed answers, a real EventHub, a temp renderer
 * directory, a started HttpBridge, an `http.request` helper (fetch cannot set Host) and a `ws`
 * client that queues frames. Everything waits on events with a bound, never on sleeps.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebSocket, type ClientOptions } from 'ws';
import type { LogEntry, StatusSnapshot, StoredEvent } from '../../shared/domain';
import type { LogLevel } from '../../shared/domain';
import { CommandDispatcher, EventHub, type CommandHandlers } from '../conductor/command-dispatcher';
import type { Logger } from '../logging/logger';
import { HttpBridge, type HttpBridgeOptions } from './http-bridge';

export interface TestLogger extends Logger {
  lines: Array<{ level: LogLevel; message: string }>;
}

export function testLogger(): TestLogger {
  const lines: TestLogger['lines'] = [];
  const make = (): TestLogger => ({
    lines,
    error: (message) => lines.push({ level: 'error', message }),
    warn: (message) => lines.push({ level: 'warn', message }),
    info: (message) => lines.push({ level: 'info', message }),
    debug: (message) => lines.push({ level: 'debug', message }),
    child: () => make(),
    setLevel: () => {},
  });
  return make();
}

export const STATUS_FIXTURE: StatusSnapshot = {
  state: 'ready',
  version: '0.1.0-test',
  pid: 4242,
  startedAt: 1_700_000_000_000,
  uptimeMs: 1234,
  dataDir: '/tmp/conductor-test',
  host: 'headless',
  steps: [],
  components: [],
  system: null,
  plugins: [],
  requests: { total: 0, errors: 0, inFlight: 0, ratePerSec: 0, p50Ms: null, p99Ms: null },
};

export function logEntry(seq: number, message = `line ${seq}`): LogEntry {
  return { seq, ts: 1_700_000_000_000 + seq, level: 'info', source: 'conductor', message };
}

const EVENT_FIXTURE: StoredEvent = { id: 1, ts: 1_700_000_000_000, kind: 'startup', source: 'conductor', data: {} };

function notInFixture(): never {
  throw new ConductorError('E_CONFLICT', 'not part of the bridge test fixture');
}

export function makeDispatcher(log: Logger): CommandDispatcher {
  const handlers: CommandHandlers = {
    'system:status': () => STATUS_FIXTURE,
    'system:shutdown': () => ({ accepted: true }),
    'system:pickFolder': notInFixture,
    'logs:query': (args) => ({ entries: [logEntry(1)].slice(0, args.limit), lastSeq: 1 }),
    'events:query': () => ({ events: [EVENT_FIXTURE] }),
    'plugins:list': () => ({ plugins: [] }),
    'plugins:get': notInFixture,
    'plugins:enable': notInFixture,
    'plugins:disable': notInFixture,
    'plugins:restart': notInFixture,
    'plugins:retry': notInFixture,
    'plugins:setBounds': notInFixture,
    'plugins:setConfig': notInFixture,
    'plugins:setEnv': notInFixture,
    'plugins:install': notInFixture,
    'plugins:uninstall': notInFixture,
    'requests:send': (args) => ({ value: args.payload, latencyMs: 0 }),
    'requests:stream': notInFixture,
    'requests:cancel': notInFixture,
    'metrics:history': () => ({ system: [], requests: [] }),
    'settings:get': notInFixture,
    'settings:set': notInFixture,
  };
  return new CommandDispatcher(handlers, log);
}

export interface Fixture {
  bridge: HttpBridge;
  token: string;
  events: EventHub;
  log: TestLogger;
  /** The temp dir that holds `renderer/` (the rendererDir) and a `secret.json` beside it. */
  root: string;
  rendererDir: string;
  port: number;
  cleanup(): Promise<void>;
}

export const SECRET_TEXT = 'TOP-SECRET-OUTSIDE-RENDERER';
export const INDEX_HTML = '<!doctype html><html><body><div id="root">conductor-panel</div><script src="/assets/app.js"></script></body></html>';

export async function startFixture(overrides: Partial<HttpBridgeOptions> = {}): Promise<Fixture> {
  const root = await mkdtemp(path.join(tmpdir(), 'conductor-bridge-'));
  const rendererDir = path.join(root, 'renderer');
  await mkdir(path.join(rendererDir, 'assets'), { recursive: true });
  await writeFile(path.join(rendererDir, 'index.html'), INDEX_HTML);
  await writeFile(path.join(rendererDir, 'assets', 'app.js'), 'console.log("app");\n');
  await writeFile(path.join(rendererDir, 'assets', 'app.css'), 'body{}\n');
  await writeFile(path.join(root, 'secret.json'), JSON.stringify({ secret: SECRET_TEXT }));
  await writeFile(path.join(root, 'package.json'), JSON.stringify({ secret: SECRET_TEXT }));
  const log = testLogger();
  const events = new EventHub();
  const token = HttpBridge.generateToken();
  const bridge = new HttpBridge({
    port: 0,
    token,
    rendererDir,
    dispatcher: makeDispatcher(log),
    events,
    log,
    ...overrides,
  });
  await bridge.start();
  return {
    bridge,
    token,
    events,
    log,
    root,
    rendererDir,
    port: bridge.port,
    async cleanup() {
      await bridge.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json(): unknown;
}

export interface RequestSpec {
  method?: string;
  path?: string;
  headers?: OutgoingHttpHeaders;
  body?: string | Buffer;
}

/** One HTTP request to 127.0.0.1:<port> with full control of headers (Host included). */
export function send(port: number, spec: RequestSpec = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: spec.method ?? 'GET', path: spec.path ?? '/', headers: spec.headers ?? {}, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as unknown });
        });
        res.on('error', reject);
      },
    );
    // Writing a body the server refuses early may fail with EPIPE/ECONNRESET after the answer.
    req.on('error', reject);
    req.end(spec.body);
  });
}

export const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });

/** Runs the browser login flow and returns the `name=value` cookie pair. */
export async function loginCookie(port: number, token: string): Promise<string> {
  const answer = await send(port, { path: `/?token=${token}` });
  const setCookie = answer.headers['set-cookie']?.[0];
  if (answer.status !== 303 || !setCookie) throw new Error(`login failed: ${answer.status}`);
  return setCookie.split(';')[0]!;
}

/** A connected `ws` client whose frames are queued for `next()`. */
export class WsTestClient {
  private readonly queue: unknown[] = [];
  private readonly waiters: Array<(frame: unknown) => void> = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as unknown;
      const waiter = this.waiters.shift();
      if (waiter) waiter(frame);
      else this.queue.push(frame);
    });
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  }

  /** Connects, or rejects with the handshake error (e.g. `Unexpected server response: 403`). */
  static connect(url: string, options: ClientOptions = {}): Promise<WsTestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options);
      const client = new WsTestClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The next frame, or a rejection after `timeoutMs`. */
  next(timeoutMs = 5000): Promise<unknown> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(new Error(`no frame within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (frame: unknown) => {
        clearTimeout(timer);
        resolve(frame);
      };
      this.waiters.push(waiter);
    });
  }

  /** Frames received and not yet taken. */
  get pending(): number {
    return this.queue.length;
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close();
    return this.closed;
  }
}

/** Polls `check` until it is true, failing after `timeoutMs`. */
export async function waitUntil(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
