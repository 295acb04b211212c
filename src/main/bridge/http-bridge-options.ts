/**
 * Options of the HTTP bridge, their defaults (each documented where declared) and the validation
 * that runs at construction; an error names the option and never echoes the token.
 */
import type { CommandDispatcher, EventHub } from '../conductor/command-dispatcher';
import type { Logger } from '../logging/logger';
import { TOKEN_PATTERN } from './access';
import { validateRoute, type HttpRoute } from './http-route';

export interface HttpBridgeOptions {
  /** TCP port on 127.0.0.1; 0 lets the OS pick a free one (read it back from `port`). */
  port: number;
  /** The access token: at least 32 hex characters (128 bits). See `HttpBridge.generateToken`. */
  token: string;
  /** The built renderer (contains index.html); `null` serves a "not built" page. */
  rendererDir: string | null;
  dispatcher: CommandDispatcher;
  events: EventHub;
  log: Logger;
  /** Largest request body and WebSocket frame. */
  maxBodyBytes?: number;
  /** Routes registered at construction (same as calling `registerRoute` for each). */
  routes?: readonly HttpRoute[];
  /** Buffered bytes above which a WebSocket client's `logs:appended` batches are dropped. */
  wsBackpressureBytes?: number;
  /** Buffered bytes above which a WebSocket client is terminated (it is not reading). */
  wsMaxBufferedBytes?: number;
  /** Commands one WebSocket client may have in flight. */
  wsMaxInFlight?: number;
  /** How long `stop()` lets clients close before destroying their sockets. */
  stopGraceMs?: number;
}

export type HttpBridgeOptionalKeys = 'maxBodyBytes' | 'routes' | 'wsBackpressureBytes' | 'wsMaxBufferedBytes' | 'wsMaxInFlight' | 'stopGraceMs';

export const DEFAULT_HTTP_BRIDGE_OPTIONS: Readonly<Required<Pick<HttpBridgeOptions, HttpBridgeOptionalKeys>>> = {
  /** 1 MiB: plenty for any command's arguments. */
  maxBodyBytes: 1024 * 1024,
  routes: [],
  /** 4 MiB: a few seconds of a busy log tail. */
  wsBackpressureBytes: 4 * 1024 * 1024,
  /** 32 MiB: a client this far behind is not reading at all. */
  wsMaxBufferedBytes: 32 * 1024 * 1024,
  /** 256 concurrent commands per connection. */
  wsMaxInFlight: 256,
  /** 2 s, capped by the stop deadline when one is given. */
  stopGraceMs: 2000,
};

export type ResolvedHttpBridgeOptions = Required<Omit<HttpBridgeOptions, 'routes'>>;

export function validateHttpBridgeOptions(options: HttpBridgeOptions): ResolvedHttpBridgeOptions {
  const fail = (name: string, expected: string, got: unknown): never => {
    const shown = typeof got === 'string' && name === 'token' ? `a string of ${got.length} characters` : JSON.stringify(got) ?? String(got);
    throw new Error(`HttpBridge option ${name}: expected ${expected}, got ${shown}`);
  };
  if (typeof options !== 'object' || options === null) throw new Error('HttpBridge options: expected an object');
  const o = { ...DEFAULT_HTTP_BRIDGE_OPTIONS, ...stripUndefined(options) };
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) fail('port', 'an integer from 0 to 65535', o.port);
  if (typeof o.token !== 'string' || !TOKEN_PATTERN.test(o.token)) fail('token', 'at least 32 hex characters (128 bits)', o.token);
  if (o.rendererDir !== null && (typeof o.rendererDir !== 'string' || o.rendererDir === '')) {
    fail('rendererDir', 'a directory path or null', o.rendererDir);
  }
  if (typeof o.dispatcher?.dispatch !== 'function') fail('dispatcher', 'a CommandDispatcher', typeof o.dispatcher);
  if (typeof o.events?.on !== 'function') fail('events', 'an EventHub', typeof o.events);
  if (typeof o.log?.info !== 'function') fail('log', 'a Logger', typeof o.log);
  const positive = (name: HttpBridgeOptionalKeys, min: number, max: number) => {
    const value = o[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      fail(name, `an integer from ${min} to ${max}`, value);
    }
  };
  positive('maxBodyBytes', 256, 256 * 1024 * 1024);
  positive('wsBackpressureBytes', 1024, 1024 * 1024 * 1024);
  positive('wsMaxBufferedBytes', 1024, 4 * 1024 * 1024 * 1024);
  positive('wsMaxInFlight', 1, 100_000);
  positive('stopGraceMs', 0, 600_000);
  if (o.wsMaxBufferedBytes < o.wsBackpressureBytes) {
    fail('wsMaxBufferedBytes', `at least wsBackpressureBytes (${o.wsBackpressureBytes})`, o.wsMaxBufferedBytes);
  }
  if (!Array.isArray(o.routes)) fail('routes', 'an array of routes', o.routes);
  o.routes.forEach((route, i) => {
    try {
      validateRoute(route);
    } catch (error) {
      throw new Error(`HttpBridge option routes.${i}: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  const { routes: _routes, ...rest } = o;
  return rest;
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
