/**
 * The browser's `ConductorApi`: the contract over the headless bridge's WebSocket
 * (`HTTP_PATHS.ws`). Invokes carry request ids and resolve with the server's result envelope;
 * events are subscribed on the first listener and unsubscribed on the last. When the socket
 * drops, every pending invoke resolves with an error envelope (never rejects), the client
 * reconnects with capped exponential backoff and re-subscribes to the events that still have
 * listeners. The connection state is observable so the UI can say "Reconnecting…".
 */
// Values from the zod-free channels module, types from the contract: no schema in this bundle.
import { HTTP_PATHS, isEventName, type EventName } from '../../../shared/channels';
import type {
  CommandArgs,
  CommandName,
  CommandResult,
  EventPayloads,
  WsClientMessage,
} from '../../../shared/contract';
import { err, isErrorCode, type Err, type Result } from '../../../shared/result';
import type { ConductorClient, ConnectionState } from './conductor-client';

/** What the client needs from a socket; the browser's WebSocket is adapted by `browserSocket`. */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface SocketHandlers {
  onOpen(): void;
  onMessage(data: unknown): void;
  onClose(code: number, reason: string): void;
}

export type SocketFactory = (url: string, handlers: SocketHandlers) => SocketLike;

export interface WsClientOptions {
  /** Full `ws://` or `wss://` URL of the bridge's WebSocket endpoint. */
  url: string;
  /** Opens a socket. Default: the browser's WebSocket. */
  createSocket?: SocketFactory;
  /** Delay before the first reconnect attempt; doubles per failed attempt. Default 250 ms. */
  minReconnectDelayMs?: number;
  /** Upper bound of the reconnect delay. Default 5 000 ms. */
  maxReconnectDelayMs?: number;
  /** Random jitter added to each delay, as a fraction of it (0–1). Default 0.2. */
  jitter?: number;
  /** Source of randomness for the jitter (tests pin it). Default `Math.random`. */
  random?: () => number;
  /** Told about `{type:'error'}` frames the server sends. Default: `console.warn`. */
  onServerError?: (error: { code: string; message: string }) => void;
}

export const DEFAULT_WS_CLIENT_OPTIONS = {
  minReconnectDelayMs: 250,
  maxReconnectDelayMs: 5_000,
  jitter: 0.2,
} as const;

/** WebSocket close codes that mean the server is going away on purpose. */
const GOING_AWAY_CLOSE_CODES = new Set([1001, 1012]);

/** `ws(s)://<host>/api/v1/ws` for the page's own location. */
export function defaultWsUrl(location: { protocol: string; host: string }): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}${HTTP_PATHS.ws}`;
}

export const browserSocket: SocketFactory = (url, handlers) => {
  const socket = new WebSocket(url);
  socket.onopen = () => handlers.onOpen();
  socket.onmessage = (event) => handlers.onMessage(event.data);
  socket.onclose = (event) => handlers.onClose(event.code, event.reason);
  // An error is always followed by a close event, which is where the client reacts.
  socket.onerror = () => {};
  return socket;
};

interface PendingInvoke {
  frame: string;
  sent: boolean;
  resolve(result: Result<unknown>): void;
}

type AnyListener = (payload: unknown) => void;

export class WsConductorClient implements ConductorClient {
  readonly transport = 'websocket' as const;

  private readonly url: string;
  private readonly createSocket: SocketFactory;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly jitter: number;
  private readonly random: () => number;
  private readonly onServerError: (error: { code: string; message: string }) => void;

  private socket: SocketLike | null = null;
  /** Bumped for every socket; callbacks of an older socket are ignored. */
  private generation = 0;
  private state: ConnectionState = 'connecting';
  private failedAttempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Set when the server said it is going down; cleared by the next successful open. */
  private serverGoingDown = false;
  private disposed = false;
  private nextId = 1;

  private readonly pending = new Map<number, PendingInvoke>();
  private readonly listeners = new Map<EventName, Set<AnyListener>>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();

  constructor(options: WsClientOptions) {
    const min = options.minReconnectDelayMs ?? DEFAULT_WS_CLIENT_OPTIONS.minReconnectDelayMs;
    const max = options.maxReconnectDelayMs ?? DEFAULT_WS_CLIENT_OPTIONS.maxReconnectDelayMs;
    const jitter = options.jitter ?? DEFAULT_WS_CLIENT_OPTIONS.jitter;
    if (!(Number.isFinite(min) && min > 0)) throw new RangeError(`minReconnectDelayMs must be a positive number, got ${min}`);
    if (!(Number.isFinite(max) && max >= min)) {
      throw new RangeError(`maxReconnectDelayMs must be a number >= minReconnectDelayMs (${min}), got ${max}`);
    }
    if (!(jitter >= 0 && jitter <= 1)) throw new RangeError(`jitter must be between 0 and 1, got ${jitter}`);
    this.url = options.url;
    this.createSocket = options.createSocket ?? browserSocket;
    this.minDelayMs = min;
    this.maxDelayMs = max;
    this.jitter = jitter;
    this.random = options.random ?? Math.random;
    this.onServerError = options.onServerError ?? ((e) => console.warn(`conductor: ${e.code}: ${e.message}`));
    this.connect();
  }

  connectionState(): ConnectionState {
    return this.state;
  }

  onConnectionChange(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => {
      this.stateListeners.delete(listener);
    };
  }

  invoke<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<Result<CommandResult<C>>> {
    if (this.disposed) return Promise.resolve(err('E_INTERNAL', 'the conductor client was closed'));
    if (this.state === 'closed') return Promise.resolve(this.notConnectedError());
    const id = this.nextId++;
    const frame: WsClientMessage = { type: 'invoke', id, command, args };
    return new Promise<Result<CommandResult<C>>>((resolve) => {
      const entry: PendingInvoke = {
        frame: JSON.stringify(frame),
        sent: false,
        // The server answers with the command's result type; the envelope is passed through.
        resolve: resolve as (result: Result<unknown>) => void,
      };
      this.pending.set(id, entry);
      if (this.state === 'open') this.sendPending(entry);
    });
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void {
    // A fresh wrapper per call, so the same function registered twice is two subscriptions.
    const entry: AnyListener = (payload) => listener(payload as EventPayloads[E]);
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(entry);
    if (set.size === 1) this.sendFrame({ type: 'subscribe', event });
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      const current = this.listeners.get(event);
      if (!current?.delete(entry)) return;
      if (current.size === 0) {
        this.listeners.delete(event);
        this.sendFrame({ type: 'unsubscribe', event });
      }
    };
  }

  reconnectNow(): void {
    if (this.disposed || this.state !== 'closed') return;
    this.connect();
  }

  /** Closes the socket for good: no reconnects; pending invokes resolve with an error. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.clearRetry();
    this.generation++;
    const socket = this.socket;
    this.socket = null;
    this.failPending(err('E_INTERNAL', 'the conductor client was closed'));
    this.setState('closed');
    try {
      socket?.close(1000, 'client closed');
    } catch {
      // already closed
    }
  }

  private connect(): void {
    if (this.disposed) return;
    this.clearRetry();
    this.setState('connecting');
    const generation = ++this.generation;
    const current = () => generation === this.generation;
    try {
      this.socket = this.createSocket(this.url, {
        onOpen: () => {
          if (current()) this.handleOpen();
        },
        onMessage: (data) => {
          if (current()) this.handleMessage(data);
        },
        onClose: (code) => {
          if (current()) this.handleClose(code);
        },
      });
    } catch {
      // e.g. a URL the browser refuses; treat like a connection that closed at once.
      this.handleClose(1006);
    }
  }

  private handleOpen(): void {
    this.failedAttempts = 0;
    this.serverGoingDown = false;
    this.state = 'open';
    for (const event of this.listeners.keys()) this.sendFrame({ type: 'subscribe', event });
    for (const entry of this.pending.values()) if (!entry.sent) this.sendPending(entry);
    this.notifyState();
  }

  private handleClose(code: number): void {
    this.generation++;
    this.socket = null;
    if (GOING_AWAY_CLOSE_CODES.has(code)) this.serverGoingDown = true;
    this.failPending(
      this.serverGoingDown
        ? err('E_SHUTTING_DOWN', 'the conductor is shutting down; the connection to it closed')
        : err('E_INTERNAL', 'connection to the conductor lost'),
    );
    this.setState('closed');
    this.scheduleReconnect();
  }

  private handleMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (!isRecord(message)) return;
    switch (message['type']) {
      case 'result': {
        const id = message['id'];
        const entry = typeof id === 'number' ? this.pending.get(id) : undefined;
        if (entry === undefined) return;
        this.pending.delete(id as number);
        const result = message['result'];
        entry.resolve(isResultEnvelope(result) ? result : err('E_INTERNAL', 'the conductor sent a malformed result'));
        return;
      }
      case 'event': {
        const event = message['event'];
        if (!isEventName(event)) return;
        const payload = message['payload'];
        if (event === 'status:changed' && isRecord(payload) && payload['state'] === 'stopping') this.serverGoingDown = true;
        this.emit(event, payload);
        return;
      }
      case 'error': {
        const error = message['error'];
        if (!isRecord(error)) return;
        const code = typeof error['code'] === 'string' ? error['code'] : 'E_INTERNAL';
        const text = typeof error['message'] === 'string' ? error['message'] : 'unknown error';
        if (code === 'E_SHUTTING_DOWN') this.serverGoingDown = true;
        this.onServerError({ code, message: text });
        return;
      }
      default:
        return;
    }
  }

  private emit(event: EventName, payload: unknown): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(payload);
      } catch (error) {
        console.error(`conductor: a listener of ${event} threw`, error);
      }
    }
  }

  private sendPending(entry: PendingInvoke): void {
    entry.sent = this.trySend(entry.frame);
  }

  private sendFrame(frame: WsClientMessage): void {
    if (this.state === 'open') this.trySend(JSON.stringify(frame));
  }

  private trySend(text: string): boolean {
    if (this.socket === null) return false;
    try {
      this.socket.send(text);
      return true;
    } catch {
      return false;
    }
  }

  private failPending(error: Err): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const entry of entries) entry.resolve(error);
  }

  private notConnectedError(): Err {
    return this.serverGoingDown
      ? err('E_SHUTTING_DOWN', 'the conductor is shutting down; not connected to it')
      : err('E_INTERNAL', 'not connected to the conductor (reconnecting)');
  }

  private scheduleReconnect(): void {
    if (this.disposed) return;
    this.clearRetry();
    const base = Math.min(this.maxDelayMs, this.minDelayMs * 2 ** this.failedAttempts);
    const delay = Math.min(this.maxDelayMs, base * (1 + this.jitter * this.random()));
    this.failedAttempts++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.notifyState();
  }

  private notifyState(): void {
    const state = this.state;
    for (const listener of [...this.stateListeners]) {
      try {
        listener(state);
      } catch (error) {
        console.error('conductor: a connection-state listener threw', error);
      }
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isResultEnvelope(value: unknown): value is Result<unknown> {
  if (!isRecord(value)) return false;
  if (value['ok'] === true) return true;
  if (value['ok'] !== false) return false;
  const error = value['error'];
  return isRecord(error) && isErrorCode(error['code']) && typeof error['message'] === 'string';
}
