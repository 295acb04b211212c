/**
 * The headless bridge: one HTTP server on 127.0.0.1 that serves the built renderer, the HTTP
 * binding of the contract (`POST /api/v1/commands/<domain:verb>`, `GET /api/v1/status`), the
 * WebSocket binding (`/api/v1/ws`) and whatever routes later parts register (`/api/v1/plugins`,
 * `/api/v1/requests`, `/metrics`).
 *
 * Order of checks for every request: Host (foreign → 403 `E_FORBIDDEN`), the `?token=` login
 * exchange for page paths, auth (bearer or session cookie; → 401), same-Origin for
 * cookie-authenticated state-changing requests (→ 403), then the route. A method a path does not
 * take answers 405 with an `E_BAD_REQUEST` envelope and an `Allow` header.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { HTTP_PATHS } from '../../shared/contract';
import { err, type Result } from '../../shared/result';
import type { Disposable } from '../common/disposable';
import type { Service, StopOptions } from '../common/service';
import {
  accessSecrets,
  checkHost,
  checkRequest,
  generateToken,
  secretEquals,
  sessionCookieHeader,
  type AccessSecrets,
} from './access';
import {
  applySecurityHeaders,
  contentSecurityPolicy,
  readJsonBody,
  sendError,
  sendHtml,
  sendJson,
  sendResult,
  sendText,
} from './http-io';
import {
  validateHttpBridgeOptions,
  type HttpBridgeOptions,
  type ResolvedHttpBridgeOptions,
} from './http-bridge-options';
import { RouteTable, type HttpRoute, type RouteContext } from './http-route';
import { rendererNotBuiltPage, unauthorizedPage } from './pages';
import { StaticFiles } from './static-files';
import { refuseUpgrade, WsBinding } from './ws-binding';

const LISTEN_HOST = '127.0.0.1';

export class HttpBridge implements Service {
  /** A fresh access token: 32 random bytes as hex. */
  static generateToken(): string {
    return generateToken();
  }

  private readonly opts: ResolvedHttpBridgeOptions;
  private readonly secrets: AccessSecrets;
  private readonly routes = new RouteTable();
  private readonly files: StaticFiles;
  private readonly ws: WsBinding;
  private readonly sockets = new Set<Socket>();
  private server: Server | null = null;
  private state: 'new' | 'starting' | 'started' | 'stopping' | 'stopped' = 'new';
  private listenPort: number | null = null;
  private starting: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;

  constructor(options: HttpBridgeOptions) {
    this.opts = validateHttpBridgeOptions(options);
    this.secrets = accessSecrets(this.opts.token);
    this.files = new StaticFiles(this.opts.rendererDir);
    this.ws = new WsBinding({
      dispatcher: this.opts.dispatcher,
      events: this.opts.events,
      log: this.opts.log,
      secrets: this.secrets,
      serverPort: () => this.port,
      maxPayloadBytes: this.opts.maxBodyBytes,
      backpressureBytes: this.opts.wsBackpressureBytes,
      maxBufferedBytes: this.opts.wsMaxBufferedBytes,
      maxInFlightPerClient: this.opts.wsMaxInFlight,
    });
    this.routes.add({ method: 'POST', path: HTTP_PATHS.commands, prefix: true, handler: (req, res, ctx) => this.command(ctx) });
    this.routes.add({ method: 'GET', path: HTTP_PATHS.status, handler: (req, res, ctx) => this.status(ctx) });
    this.routes.add({
      method: 'GET',
      path: HTTP_PATHS.ws,
      handler: (req, res, ctx) => ctx.sendError('E_BAD_REQUEST', `${HTTP_PATHS.ws} takes a WebSocket upgrade only`),
    });
    for (const route of options.routes ?? []) this.routes.add(route);
  }

  /** The port listened on (after `start()`). */
  get port(): number {
    if (this.listenPort === null) throw new Error('HttpBridge: not started');
    return this.listenPort;
  }

  /** `http://127.0.0.1:<port>/` */
  get url(): string {
    return `http://${LISTEN_HOST}:${this.port}/`;
  }

  /** The URL a person opens once: `http://127.0.0.1:<port>/?token=<token>`. */
  get loginUrl(): string {
    return `${this.url}?token=${this.opts.token}`;
  }

  /** The bound address (always 127.0.0.1), or `null` when not listening. */
  get address(): AddressInfo | null {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address : null;
  }

  stats(): { wsClients: number; droppedLogBatches: number } {
    return { wsClients: this.ws.clientCount, droppedLogBatches: this.ws.droppedLogBatches };
  }

  /**
   * Adds a route behind the same Host/auth/Origin checks as the rest (e.g. `/metrics`,
   * `/api/v1/plugins`). Dispose to remove it. Same method and path twice throws.
   */
  registerRoute(route: HttpRoute): Disposable {
    return this.routes.add(route);
  }

  start(): Promise<void> {
    if (this.state !== 'new') return Promise.reject(new Error(`HttpBridge: start() called when ${this.state}`));
    this.state = 'starting';
    this.starting = this.listenNow();
    return this.starting;
  }

  private async listenNow(): Promise<void> {
    const server = createServer((req, res) => void this.onRequest(req, res));
    server.headersTimeout = 20_000;
    server.requestTimeout = 60_000;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
    try {
      await listen(server, this.opts.port);
    } catch (error) {
      this.state = 'stopped';
      throw error;
    }
    server.on('error', (error) => this.opts.log.error('HTTP bridge server error', error));
    this.server = server;
    this.listenPort = (server.address() as AddressInfo).port;
    this.state = 'started';
    this.opts.log.info(`HTTP bridge listening on ${this.url}`);
  }

  /** Closes WebSocket clients (1001), stops accepting, and closes the server within the grace. */
  stop(opts: StopOptions = {}): Promise<void> {
    if (this.stopping) return this.stopping;
    if (this.state === 'starting' && this.starting) {
      // Let the listen finish (or fail), then close what it opened.
      this.stopping = this.starting.catch(() => {}).then(() => {
        this.stopping = null;
        return this.stop(opts);
      });
      return this.stopping;
    }
    const server = this.server;
    if (server === null) {
      this.state = 'stopped';
      return Promise.resolve();
    }
    this.state = 'stopping';
    const left = opts.deadline === undefined ? Infinity : Math.max(0, opts.deadline - Date.now());
    const grace = Math.min(this.opts.stopGraceMs, left);
    const until = Date.now() + grace;
    this.stopping = (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await this.ws.close(grace);
      const force = setTimeout(() => {
        server.closeAllConnections();
        for (const socket of this.sockets) socket.destroy();
      }, Math.max(0, until - Date.now()));
      await closed;
      clearTimeout(force);
      this.server = null;
      this.state = 'stopped';
      this.opts.log.info('HTTP bridge stopped');
    })();
    return this.stopping;
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const target = splitTarget(req.url);
    if (target === null || target.pathname !== HTTP_PATHS.ws) {
      const host = checkHost(req.headers);
      if (host) refuseUpgrade(socket, 403, host.code, host.message);
      else refuseUpgrade(socket, 404, 'E_NOT_FOUND', 'no WebSocket here');
      return;
    }
    this.ws.handleUpgrade(req, socket, head);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    applySecurityHeaders(res);
    if (this.state !== 'started') res.setHeader('Connection', 'close');
    try {
      await this.handle(req, res);
    } catch (error) {
      this.opts.log.error(`HTTP ${req.method} ${splitTarget(req.url)?.pathname ?? '?'} failed`, error);
      if (!res.headersSent) sendError(res, 'E_INTERNAL', `internal error: ${error instanceof Error ? error.message : String(error)}`);
      else res.destroy();
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const port = this.port;
    const target = splitTarget(req.url);
    if (target === null) return sendError(res, 'E_BAD_REQUEST', 'url: the request target must be a path', { field: 'url' });
    const host = checkHost(req.headers);
    if (host) return sendError(res, host.code, host.message);

    const { pathname, rawQuery } = target;
    const isApi = pathname === '/api' || pathname.startsWith('/api/');
    const match = this.routes.match(method, pathname);
    const isPage = !isApi && match.kind === 'none';
    const query = new URLSearchParams(rawQuery);
    if (isPage && (method === 'GET' || method === 'HEAD') && query.has('token')) {
      return this.login(res, pathname, rawQuery, query.get('token') ?? '');
    }

    const access = checkRequest(method, req.headers, this.secrets, port);
    if (!access.ok) {
      if (isPage && access.status === 401) return sendHtml(res, 401, unauthorizedPage(false), port);
      const headers: Record<string, string> = access.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="conductor"' } : {};
      return sendError(res, access.code, access.message, undefined, headers);
    }

    if (match.kind === 'route') {
      return this.runRoute(match.route, req, res, { pathname, rest: match.rest, query, auth: access.auth });
    }
    if (match.kind === 'method') return methodNotAllowed(res, method, pathname, match.allowed);
    if (isApi) return sendError(res, 'E_NOT_FOUND', `no such API route: ${method} ${pathname}`, { field: 'path' });
    if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(res, method, pathname, ['GET', 'HEAD']);
    return this.serveStatic(res, pathname, port);
  }

  /** `/?token=…`: the right token sets the session cookie and redirects to the URL without it. */
  private login(res: ServerResponse, pathname: string, rawQuery: string, token: string): void {
    if (!secretEquals(token, this.secrets.token)) return sendHtml(res, 401, unauthorizedPage(true), this.port);
    const kept = rawQuery.split('&').filter((part) => part !== '' && decodeName(part) !== 'token');
    // Collapse leading slashes so the Location can never become protocol-relative (`//host`).
    const location = pathname.replace(/^[/\\]+/, '/') + (kept.length > 0 ? `?${kept.join('&')}` : '');
    res.writeHead(303, {
      Location: location,
      'Set-Cookie': sessionCookieHeader(this.secrets.session, this.secrets.cookieName),
      'Cache-Control': 'no-store',
      'Content-Length': '0',
    });
    res.end();
  }

  private async serveStatic(res: ServerResponse, pathname: string, port: number): Promise<void> {
    const found = await this.files.lookup(pathname);
    switch (found.kind) {
      case 'bad-path':
        return sendError(res, 'E_BAD_REQUEST', 'path: not a valid percent-encoded path', { field: 'path' });
      case 'not-found':
        return sendText(res, 404, 'text/plain; charset=utf-8', 'not found\n', { 'Cache-Control': 'no-store' });
      case 'not-built':
        return sendHtml(res, 503, rendererNotBuiltPage(), port);
      case 'file': {
        const headers: Record<string, string> = {
          'Content-Type': found.contentType,
          'Content-Length': String(found.size),
          'Cache-Control': found.isHtml ? 'no-store' : 'no-cache',
        };
        if (found.isHtml) headers['Content-Security-Policy'] = contentSecurityPolicy(port);
        res.writeHead(200, headers);
        if (res.req.method === 'HEAD') {
          res.end();
          return;
        }
        StaticFiles.stream(found.file, res);
        return;
      }
    }
  }

  private async runRoute(
    route: HttpRoute,
    req: IncomingMessage,
    res: ServerResponse,
    base: Pick<RouteContext, 'pathname' | 'rest' | 'query' | 'auth'>,
  ): Promise<void> {
    const abort = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const limit = this.opts.maxBodyBytes;
    const ctx: RouteContext = {
      ...base,
      signal: abort.signal,
      log: this.opts.log,
      readJson: () => readJsonBody(req, { limit }),
      sendResult: (result) => sendResult(res, result),
      sendError: (code, message, details) => sendError(res, code, message, details),
      sendJson: (status, body, headers) => sendJson(res, status, body, headers),
      sendText: (status, contentType, body, headers) => sendText(res, status, contentType, body, headers),
    };
    await route.handler(req, res, ctx);
  }

  private async command(ctx: RouteContext): Promise<void> {
    let name: string;
    try {
      name = decodeURIComponent(ctx.rest);
    } catch {
      return ctx.sendError('E_BAD_REQUEST', 'command: not a valid percent-encoded name', { field: 'command' });
    }
    const body = await ctx.readJson();
    if (!body.ok) return ctx.sendResult(body);
    ctx.sendResult(await this.opts.dispatcher.dispatch(name, body.value, { binding: 'http', signal: ctx.signal }));
  }

  private async status(ctx: RouteContext): Promise<void> {
    ctx.sendResult(await this.opts.dispatcher.dispatch('system:status', {}, { binding: 'http' }));
  }
}

function methodNotAllowed(res: ServerResponse, method: string, pathname: string, allowed: readonly string[]): void {
  const body: Result<never> = err('E_BAD_REQUEST', `method: ${method} is not allowed on ${pathname}; use ${allowed.join(' or ')}`, {
    field: 'method',
    allowed,
  });
  sendJson(res, 405, body, { Allow: allowed.join(', ') });
}

/** Splits an origin-form request target into its raw path and raw query; anything else is `null`. */
export function splitTarget(url: string | undefined): { pathname: string; rawQuery: string } | null {
  if (typeof url !== 'string' || !url.startsWith('/')) return null;
  const hash = url.indexOf('#');
  const clean = hash >= 0 ? url.slice(0, hash) : url;
  const q = clean.indexOf('?');
  return q < 0 ? { pathname: clean, rawQuery: '' } : { pathname: clean.slice(0, q), rawQuery: clean.slice(q + 1) };
}

function decodeName(part: string): string {
  const name = part.split('=')[0] ?? '';
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') reject(new Error(`port ${port} is already in use (on ${LISTEN_HOST}); pick another port or stop what holds it`));
      else if (error.code === 'EACCES') reject(new Error(`port ${port} needs privileges to listen on; pick a port above 1023`));
      else reject(new Error(`cannot listen on ${LISTEN_HOST}:${port}: ${error.message}`));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port, host: LISTEN_HOST, exclusive: true });
  });
}

export { DEFAULT_HTTP_BRIDGE_OPTIONS, type HttpBridgeOptions } from './http-bridge-options';
export type { HttpMethod, HttpRoute, RouteContext } from './http-route';
