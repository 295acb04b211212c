/**
 * The contexts a plugin sees: one `PluginContext` per instance (given to activate, health and
 * deactivate) and a light `HandlerContext` per request (the same plus signal, capability and
 * deadline). Everything that needs main goes through a `ContextBackend`.
 */
import { format } from 'node:util';
import type { WireLogLevel, WireStateOp, WireTarget } from '../../../shared/plugin-protocol';
import type { PluginContext, PluginLogger, PluginState, RequestContext, RequestOptions, RequestTarget } from './plugin-api';
import { PluginCallError } from './serialize-error';

export interface ContextBackend {
  log(level: WireLogLevel, message: string): void;
  state(op: WireStateOp): Promise<unknown>;
  /** `parentId`/`deadline`: the request being handled, whose deadline bounds this one. */
  request(target: WireTarget, payload: unknown, options: RequestOptions | undefined, parentId?: number, deadline?: number): Promise<unknown>;
}

function text(message: unknown, args: unknown[]): string {
  return args.length === 0 && typeof message === 'string' ? message : format(message, ...args);
}

function createLogger(backend: ContextBackend): PluginLogger {
  return {
    debug: (message, ...args) => backend.log('debug', text(message, args)),
    info: (message, ...args) => backend.log('info', text(message, args)),
    warn: (message, ...args) => backend.log('warn', text(message, args)),
    error: (message, ...args) => backend.log('error', text(message, args)),
  };
}

function badKey(what: string): Promise<never> {
  return Promise.reject(new PluginCallError('E_BAD_REQUEST', `${what} must be a string`));
}

function createState(backend: ContextBackend): PluginState {
  return {
    get: (key) => (typeof key === 'string' ? (backend.state({ op: 'get', key }) as Promise<never>) : badKey('state.get(key): key')),
    set: async (key, value) => {
      if (typeof key !== 'string') return badKey('state.set(key): key');
      await backend.state({ op: 'set', key, value });
    },
    delete: (key) => (typeof key === 'string' ? (backend.state({ op: 'delete', key }) as Promise<boolean>) : badKey('state.delete(key): key')),
    increment: (key, by = 1) =>
      typeof key === 'string' ? (backend.state({ op: 'increment', key, by }) as Promise<number>) : badKey('state.increment(key): key'),
    compareAndSet: (key, expected, value) =>
      typeof key === 'string'
        ? (backend.state({ op: 'compareAndSet', key, expected, value }) as Promise<boolean>)
        : badKey('state.compareAndSet(key): key'),
    keys: (prefix) =>
      prefix === undefined || typeof prefix === 'string'
        ? (backend.state(prefix === undefined ? { op: 'keys' } : { op: 'keys', prefix }) as Promise<string[]>)
        : badKey('state.keys(prefix): prefix'),
  };
}

/** `'cap'`, `{ capability }` or `{ plugin }` → the wire target, or null when it is none of them. */
export function toWireTarget(target: RequestTarget): WireTarget | null {
  if (typeof target === 'string') return { capability: target };
  if (typeof target === 'object' && target !== null) {
    const { capability, plugin } = target as { capability?: unknown; plugin?: unknown };
    if (typeof plugin === 'string') return { plugin };
    if (typeof capability === 'string') return { capability };
  }
  return null;
}

function sendRequest(backend: ContextBackend, target: RequestTarget, payload: unknown, options: RequestOptions | undefined, parentId?: number, deadline?: number): Promise<unknown> {
  const wire = toWireTarget(target);
  if (wire === null) return Promise.reject(new PluginCallError('E_BAD_REQUEST', 'request(target): target must be a capability name, { capability } or { plugin }'));
  return backend.request(wire, payload, options, parentId, deadline);
}

export function createPluginContext(
  identity: { name: string; instance: string },
  config: Record<string, unknown>,
  env: Record<string, string>,
  backend: ContextBackend,
): PluginContext {
  return {
    plugin: identity,
    config,
    env,
    log: createLogger(backend),
    state: createState(backend),
    request: (target, payload, options) => sendRequest(backend, target, payload, options),
  };
}

/** Per request; the abort controller and the bound `request` are only made when a plugin uses them. */
export class HandlerContext implements RequestContext {
  readonly plugin: PluginContext['plugin'];
  readonly config: Record<string, unknown>;
  readonly env: Record<string, string>;
  readonly log: PluginLogger;
  readonly state: PluginState;
  private controller: AbortController | null = null;
  private abortReason: unknown = undefined;
  private boundRequest: PluginContext['request'] | null = null;
  /** True once cancelled (deadline or caller gone); its answer is not sent. */
  cancelled = false;

  constructor(
    base: PluginContext,
    private readonly backend: ContextBackend,
    readonly id: number,
    readonly capability: string | undefined,
    readonly deadline: number,
  ) {
    this.plugin = base.plugin;
    this.config = base.config;
    this.env = base.env;
    this.log = base.log;
    this.state = base.state;
  }

  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.cancelled) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  get request(): PluginContext['request'] {
    if (this.boundRequest === null) {
      this.boundRequest = (target, payload, options) => sendRequest(this.backend, target, payload, options, this.id, this.deadline);
    }
    return this.boundRequest;
  }

  abort(reason: 'timeout' | 'cancelled'): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.abortReason =
      reason === 'timeout'
        ? new DOMException('The request deadline passed', 'TimeoutError')
        : new DOMException('The request was cancelled', 'AbortError');
    this.controller?.abort(this.abortReason);
  }
}
