/**
 * The contract over WebSocket at `/api/v1/ws`. Upgrades are checked (Host, exact Origin, auth)
 * before they are accepted and refused on the raw socket otherwise. Frames are JSON
 * `WsClientMessage`s: `invoke` calls the dispatcher (binding `ws`) and answers a `result` frame;
 * `subscribe`/`unsubscribe` forward contract events to that client. The binding holds one hub
 * listener per event while any client wants it, and serialises each payload once.
 *
 * Backpressure: while a client's `bufferedAmount` is above `backpressureBytes`, `logs:appended`
 * batches for it are dropped and counted (the client can catch up with `logs:query afterSeq`);
 * `result` and `status:changed` frames are never dropped. A client whose buffer passes
 * `maxBufferedBytes` is not reading at all and is terminated.
 */
import { setMaxListeners } from 'node:events';
import { tooDeep } from '../../shared/json-depth';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import {
  EVENT_NAMES,
  isEventName,
  wsClientMessage,
  type EventName,
  type WsServerMessage,
} from '../../shared/contract';
import { ConductorError, err, type ErrorCode } from '../../shared/result';
import { formatIssues } from '../../shared/validation';
import type { Disposable } from '../common/disposable';
import type { CommandDispatcher, EventHub } from '../conductor/command-dispatcher';
import type { Logger } from '../logging/logger';
import { checkUpgrade, type AccessSecrets, type AuthKind } from './access';

export interface WsBindingOptions {
  dispatcher: CommandDispatcher;
  events: EventHub;
  log: Logger;
  secrets: AccessSecrets;
  /** The port the server listens on (Origin must name it). */
  serverPort: () => number;
  /** Largest accepted frame; a bigger one closes the connection with 1009. */
  maxPayloadBytes: number;
  /** Above this many buffered bytes, `logs:appended` batches are dropped for the client. */
  backpressureBytes: number;
  /** Above this many buffered bytes, the client is terminated. */
  maxBufferedBytes: number;
  /** Invokes one client may have in flight; more get `E_OVERLOADED`. */
  maxInFlightPerClient: number;
}

/** Events whose frames may be dropped for a slow client. */
const DROPPABLE: ReadonlySet<EventName> = new Set<EventName>(['logs:appended']);

export const WS_CLOSE_GOING_AWAY = 1001;

export class WsBinding {
  private readonly wss: WebSocketServer;
  private readonly clients = new Set<WsClient>();
  /** Per event: the clients subscribed to it, and the one hub listener that fans out to them. */
  private readonly topics = new Map<EventName, { clients: Set<WsClient>; listener: Disposable }>();
  private closing = false;
  private droppedBatches = 0;

  constructor(private readonly opts: WsBindingOptions) {
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: opts.maxPayloadBytes,
      perMessageDeflate: false,
      clientTracking: true,
    });
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** `logs:appended` batches dropped for slow clients since start. */
  get droppedLogBatches(): number {
    return this.droppedBatches;
  }

  /** Handles an `upgrade` whose path is the WebSocket path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.closing) {
      refuseUpgrade(socket, 503, 'E_SHUTTING_DOWN', 'the server is shutting down');
      return;
    }
    const decision = checkUpgrade(req.headers, this.opts.secrets, this.opts.serverPort());
    if (!decision.ok) {
      this.opts.log.warn(`WebSocket refused (${decision.status}): ${decision.message}`);
      refuseUpgrade(socket, decision.status, decision.code, decision.message);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, decision.auth));
  }

  /** Closes every client with 1001, waits up to `graceMs`, terminates the rest. */
  async close(graceMs: number): Promise<void> {
    this.closing = true;
    const pending = [...this.clients].map((client) => client.closed);
    for (const client of this.clients) client.ws.close(WS_CLOSE_GOING_AWAY, 'Conductor is shutting down');
    await withTimeout(Promise.all(pending), graceMs);
    for (const client of this.clients) client.ws.terminate();
    await withTimeout(new Promise<void>((resolve) => this.wss.close(() => resolve())), graceMs);
    for (const topic of this.topics.values()) topic.listener.dispose();
    this.topics.clear();
  }

  private accept(ws: WebSocket, auth: AuthKind): void {
    const client = new WsClient(ws, this.opts, {
      subscribe: (event) => this.subscribe(client, event),
      unsubscribe: (event) => this.unsubscribe(client, event),
    });
    this.clients.add(client);
    this.opts.log.debug(`WebSocket client connected (${auth}); ${this.clients.size} open`);
    void client.closed.then(() => {
      for (const event of EVENT_NAMES) this.unsubscribe(client, event);
      this.clients.delete(client);
      this.opts.log.debug(`WebSocket client gone; ${this.clients.size} open`);
    });
  }

  private subscribe(client: WsClient, event: EventName): void {
    let topic = this.topics.get(event);
    if (!topic) {
      const clients = new Set<WsClient>();
      const listener = this.opts.events.on(event, (payload: unknown) => this.fanOut(event, clients, payload));
      topic = { clients, listener };
      this.topics.set(event, topic);
    }
    topic.clients.add(client);
  }

  private unsubscribe(client: WsClient, event: EventName): void {
    const topic = this.topics.get(event);
    if (!topic || !topic.clients.delete(client)) return;
    if (topic.clients.size === 0) {
      topic.listener.dispose();
      this.topics.delete(event);
    }
  }

  /** One serialisation per emitted payload, then each subscribed client decides (backpressure). */
  private fanOut(event: EventName, clients: ReadonlySet<WsClient>, payload: unknown): void {
    let text: string;
    try {
      text = JSON.stringify({ type: 'event', event, payload } satisfies WsServerMessage);
    } catch (error) {
      this.opts.log.error(`event ${event} could not be serialised`, error);
      return;
    }
    for (const client of [...clients]) {
      if (client.deliver(event, text) === 'dropped') this.droppedBatches += 1;
    }
  }
}

interface ClientHooks {
  subscribe(event: EventName): void;
  unsubscribe(event: EventName): void;
}

/** One connection: its frames, in-flight invokes and backpressure decisions. */
class WsClient {
  readonly closed: Promise<void>;
  private inFlight = 0;
  /** Aborted when the connection closes: its requests and streams are cancelled in the plugins. */
  private readonly gone = new AbortController();

  constructor(
    readonly ws: WebSocket,
    private readonly opts: WsBindingOptions,
    private readonly hooks: ClientHooks,
  ) {
    // One listener per command in flight on this connection.
    setMaxListeners(opts.maxInFlightPerClient + 16, this.gone.signal);
    this.closed = new Promise((resolve) => {
      ws.once('close', () => {
        this.gone.abort(new ConductorError('E_TIMEOUT', 'the WebSocket closed'));
        resolve();
      });
    });
    // Errors (e.g. a frame over maxPayload, which closes with 1009) end in 'close'; log only.
    ws.on('error', (error) => opts.log.debug(`WebSocket client error: ${error.message}`));
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.sendError('E_BAD_REQUEST', 'frame: binary frames are not accepted; send JSON text');
      return;
    }
    let raw: unknown;
    const text = toBuffer(data).toString('utf8');
    const deep = tooDeep(text, 'frame');
    if (deep) {
      this.sendError('E_BAD_REQUEST', deep);
      return;
    }
    try {
      raw = JSON.parse(text);
    } catch (error) {
      this.sendError('E_BAD_REQUEST', `frame: invalid JSON (${error instanceof Error ? error.message : String(error)})`);
      return;
    }
    const parsed = wsClientMessage.safeParse(raw, { reportInput: true });
    if (!parsed.success) {
      const message = `frame: ${formatIssues(parsed.error)}`;
      const id = invokeIdOf(raw);
      // A broken invoke that still names its id gets a result, so the caller's promise settles.
      if (id !== null) this.send({ type: 'result', id, result: err('E_BAD_REQUEST', message) });
      else this.sendError('E_BAD_REQUEST', message);
      return;
    }
    const msg = parsed.data;
    switch (msg.type) {
      case 'invoke':
        void this.invoke(msg.id, msg.command, msg.args);
        return;
      case 'subscribe':
      case 'unsubscribe': {
        if (!isEventName(msg.event)) {
          this.sendError('E_BAD_REQUEST', `event: unknown event ${JSON.stringify(msg.event)}; expected one of ${EVENT_NAMES.join(', ')}`);
          return;
        }
        if (msg.type === 'subscribe') this.hooks.subscribe(msg.event);
        else this.hooks.unsubscribe(msg.event);
        return;
      }
    }
  }

  private async invoke(id: number, command: string, args: unknown): Promise<void> {
    if (this.inFlight >= this.opts.maxInFlightPerClient) {
      this.send({
        type: 'result',
        id,
        result: err('E_OVERLOADED', `too many commands in flight on this connection (max ${this.opts.maxInFlightPerClient})`),
      });
      return;
    }
    this.inFlight += 1;
    try {
      const result = await this.opts.dispatcher.dispatch(command, args, { binding: 'ws', signal: this.gone.signal });
      this.send({ type: 'result', id, result });
    } catch (error) {
      // The dispatcher turns handler errors into envelopes; this is a bug of ours.
      this.opts.log.error(`WebSocket invoke ${command} failed`, error);
      this.send({ type: 'result', id, result: err('E_INTERNAL', `internal error in ${command}`) });
    } finally {
      this.inFlight -= 1;
    }
  }

  /** Sends an event frame unless the client is too far behind; never used for results. */
  deliver(event: EventName, text: string): 'sent' | 'dropped' | 'closed' {
    if (this.ws.readyState !== WebSocket.OPEN) return 'closed';
    const buffered = this.ws.bufferedAmount;
    if (buffered > this.opts.maxBufferedBytes) {
      this.opts.log.warn(`WebSocket client is not reading (${buffered} bytes buffered); closing it`);
      this.ws.terminate();
      return 'closed';
    }
    if (DROPPABLE.has(event) && buffered > this.opts.backpressureBytes) return 'dropped';
    this.ws.send(text);
    return 'sent';
  }

  private sendError(code: ErrorCode, message: string): void {
    this.send({ type: 'error', error: { code, message } });
  }

  private send(message: WsServerMessage): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    let text: string;
    try {
      text = JSON.stringify(message);
    } catch (error) {
      if (message.type !== 'result') return;
      text = JSON.stringify({
        type: 'result',
        id: message.id,
        result: err('E_INTERNAL', `result could not be serialised: ${error instanceof Error ? error.message : String(error)}`),
      } satisfies WsServerMessage);
    }
    this.ws.send(text);
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function invokeIdOf(raw: unknown): number | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { type, id } = raw as { type?: unknown; id?: unknown };
  return type === 'invoke' && typeof id === 'number' && Number.isInteger(id) && id >= 0 ? id : null;
}

/** Answers an upgrade with a plain HTTP error (envelope body) and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number, code: ErrorCode, message: string): void {
  socket.on('error', () => {});
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(err(code, message));
  socket.write(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Cache-Control: no-store\r\n' +
      'X-Content-Type-Options: nosniff\r\n' +
      'Referrer-Policy: no-referrer\r\n' +
      '\r\n' +
      body,
    () => socket.destroy(),
  );
}

function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    void promise.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}
