/**
 * The child-side runtime: loads the plugin's ES module, runs `activate`, answers requests, pings,
 * health checks and `deactivate`, and forwards the plugin's log, state and outbound requests to
 * main. Runs inside the plugin's child process or worker thread (see child-main.ts).
 */
import { pathToFileURL } from 'node:url';
import type {
  ChildMessage,
  HealthMessage,
  HealthStatus,
  InitMessage,
  MainMessage,
  MainWire,
  OutboundRequestMessage,
  RequestEntry,
  WireLogLevel,
  WireResult,
  WireStateOp,
  WireTarget,
} from '../../../shared/plugin-protocol';
import { PROTOCOL_LIMITS, entryDeadline, responseEntry, truncate } from '../../../shared/plugin-protocol';
import type { Plugin, PluginContext, RequestOptions } from './plugin-api';
import { CoalescingSender } from '../instance/coalescing-sender';
import { createPluginContext, HandlerContext, type ContextBackend } from './plugin-context';
import { PluginCallError, serializeError } from './serialize-error';
import type { RuntimePort } from './runtime-port';

type Phase = 'waiting' | 'loading' | 'ready' | 'failed' | 'deactivating';

interface Outbound {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** See `PluginRuntime.deleteActive`. */
const MAP_RENEW_AFTER_DELETES = 4_096;

const HEALTH_STATUSES: ReadonlySet<string> = new Set<HealthStatus>(['ok', 'degraded', 'down']);

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

interface StreamFlow {
  credit: number;
  wake: (() => void) | null;
}

export class PluginRuntime implements ContextBackend {
  private phase: Phase = 'waiting';
  private plugin: Plugin | null = null;
  private ctx: PluginContext | null = null;
  /** Requests being handled, by id; renewed now and then (see `deleteActive`). */
  private active = new Map<number, HandlerContext>();
  private activeDeletes = 0;
  /** Ids of requests that came as tagged `request` objects: answered with a tagged `response` (others compactly). */
  private readonly tagged = new Set<number>();
  private outbound = new Map<number, Outbound>();
  /** Streams being sent, by request id: the credit main gave, and the sender waiting for more. */
  private readonly flows = new Map<number, StreamFlow>();
  private outboundDeletes = 0;
  private nextOutboundId = 1;
  /** From `init`: compact requests' deadlines are relative to it. */
  private timeBase = 0;
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly sender: CoalescingSender<ChildMessage>;

  constructor(private readonly port: RuntimePort) {
    this.sender = new CoalescingSender<ChildMessage>({
      write: (message) => port.post(message),
      onUnsendable: (message, error) => this.unsendable(message, error),
      // No holdAfterBusyTick here: a plugin that wedges its event loop right after sending must
      // still get that message out (the first of a tick is written at once). Holding after busy
      // ticks halved the child's writes at 256 outstanding but gained only ~3 % req/s.
    });
    port.onMessage((wire) => this.receive(wire));
  }

  private receive(wire: MainWire): void {
    if (!Array.isArray(wire) && wire.type === 'batch') {
      const messages = wire.messages;
      for (let i = 0; i < messages.length; i++) this.dispatch(messages[i]!);
    } else {
      this.dispatch(wire);
    }
  }

  private dispatch(message: MainMessage): void {
    if (Array.isArray(message)) {
      const entry = message as RequestEntry;
      const capability = entry[2];
      this.handleRequest(entry[0], entryDeadline(entry, this.timeBase), capability === 0 ? undefined : capability, entry[3]);
      return;
    }
    switch (message.type) {
      case 'request':
        this.tagged.add(message.id);
        this.handleRequest(message.id, message.deadline, message.capability, message.payload);
        return;
      case 'cancel': {
        const rc = this.active.get(message.id);
        if (rc === undefined) return;
        this.deleteActive(message.id);
        this.untag(message.id);
        rc.abort(message.reason ?? 'cancelled');
        const flow = this.flows.get(message.id);
        if (flow) flow.wake?.();
        return;
      }
      case 'credit': {
        const flow = this.flows.get(message.id);
        if (flow === undefined) return;
        flow.credit += message.n;
        const wake = flow.wake;
        flow.wake = null;
        wake?.();
        return;
      }
      case 'state-result':
      case 'request-result':
        this.settleOutbound(message.id, message.result);
        return;
      case 'ping':
        this.sender.send({ type: 'pong', id: message.id });
        return;
      case 'health':
        void this.health(message);
        return;
      case 'init':
        void this.init(message);
        return;
      case 'deactivate':
        void this.deactivate();
        return;
    }
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  private async init(message: InitMessage): Promise<void> {
    if (this.phase !== 'waiting') return;
    this.phase = 'loading';
    this.timeBase = typeof message.timeBase === 'number' ? message.timeBase : 0;
    const ctx = createPluginContext({ name: message.plugin, instance: message.instance }, message.config, message.env, this);
    this.ctx = ctx;
    const entry = message.entryPath;
    let module: { default?: unknown };
    try {
      module = (await import(pathToFileURL(entry).href)) as { default?: unknown };
    } catch (error) {
      this.initFailed(error, `could not load ${entry}: `);
      return;
    }
    const plugin = module.default as Partial<Plugin> | undefined;
    if (plugin === undefined || plugin === null || (typeof plugin !== 'object' && typeof plugin !== 'function')) {
      this.initFailed(new Error(`${entry} has no default export; expected \`export default { handle(payload, ctx) { … } }\``));
      return;
    }
    if (typeof plugin.handle !== 'function') {
      this.initFailed(new Error(`${entry}: the default export has no handle() function; expected \`export default { handle(payload, ctx) { … } }\``));
      return;
    }
    for (const hook of ['activate', 'health', 'deactivate'] as const) {
      if (plugin[hook] !== undefined && typeof plugin[hook] !== 'function') {
        this.initFailed(new Error(`${entry}: ${hook} is not a function`));
        return;
      }
    }
    this.plugin = plugin as Plugin;
    try {
      await plugin.activate?.(ctx);
    } catch (error) {
      this.initFailed(error, 'activate() failed: ');
      return;
    }
    if (this.phase !== 'loading') return; // deactivated while activating
    this.phase = 'ready';
    this.sender.send({ type: 'ready' });
    this.sendHeartbeat();
    this.heartbeat = setInterval(() => this.sendHeartbeat(), message.heartbeatMs);
    this.heartbeat.unref();
  }

  private initFailed(error: unknown, prefix = ''): void {
    if (this.phase !== 'loading') return;
    this.phase = 'failed';
    this.sender.send({ type: 'init-failed', error: serializeError(error, 'E_PLUGIN_ERROR', prefix) });
    // Main kills the instance; nothing else to do here.
  }

  private sendHeartbeat(): void {
    const memory = process.memoryUsage();
    this.sender.send({ type: 'heartbeat', rss: memory.rss, heapUsed: memory.heapUsed });
  }

  private async deactivate(): Promise<void> {
    if (this.phase === 'deactivating') return;
    const wasReady = this.phase === 'ready';
    this.phase = 'deactivating';
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    for (const rc of this.active.values()) rc.abort('cancelled');
    this.active.clear();
    this.tagged.clear();
    if (wasReady && this.plugin?.deactivate && this.ctx) {
      try {
        await this.plugin.deactivate(this.ctx);
      } catch (error) {
        this.log('error', `deactivate() failed: ${serializeError(error).message}`);
      }
    }
    this.sender.flush();
    this.port.exit(0);
  }

  private async health(message: HealthMessage): Promise<void> {
    const { id, timeoutMs } = message;
    const plugin = this.plugin;
    if (this.phase !== 'ready' || plugin === null || this.ctx === null) {
      this.sender.send({ type: 'health-result', id, status: 'down', message: `not ready (${this.phase})` });
      return;
    }
    if (plugin.health === undefined) {
      this.sender.send({ type: 'health-result', id, status: 'ok' });
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<{ status: HealthStatus; message: string }>((resolve) => {
      timer = setTimeout(() => resolve({ status: 'down', message: `health() did not answer within ${timeoutMs} ms` }), timeoutMs);
    });
    const ctx = this.ctx;
    let status: HealthStatus = 'down';
    let text: string | undefined;
    try {
      const result: unknown = await Promise.race([Promise.resolve().then(() => plugin.health!(ctx)), timedOut]);
      const candidate = result as { status?: unknown; message?: unknown } | null;
      if (candidate !== null && typeof candidate === 'object' && typeof candidate.status === 'string' && HEALTH_STATUSES.has(candidate.status)) {
        status = candidate.status as HealthStatus;
        if (typeof candidate.message === 'string') text = truncate(candidate.message, PROTOCOL_LIMITS.maxMessageChars);
      } else {
        text = 'health() returned no { status: "ok" | "degraded" | "down" }';
      }
    } catch (error) {
      text = `health() threw: ${serializeError(error).message}`;
    } finally {
      clearTimeout(timer);
    }
    this.sender.send(text === undefined ? { type: 'health-result', id, status } : { type: 'health-result', id, status, message: text });
  }

  // ---- requests -------------------------------------------------------------------------------

  private handleRequest(id: number, deadline: number, capability: string | undefined, payload: unknown): void {
    const plugin = this.plugin;
    if (this.phase !== 'ready' || plugin === null || this.ctx === null) {
      this.respond(id, { ok: false, error: { code: 'E_PLUGIN_ERROR', message: `the plugin is not ready (${this.phase})` } });
      return;
    }
    const rc = new HandlerContext(this.ctx, this, id, capability, deadline);
    this.active.set(id, rc);
    let out: unknown;
    try {
      out = plugin.handle(payload, rc);
    } catch (error) {
      this.answerError(rc, error);
      return;
    }
    if (isThenable(out)) {
      out.then(
        (value) => this.answer(rc, value),
        (error: unknown) => this.answerError(rc, error),
      );
    } else {
      this.answer(rc, out);
    }
  }

  private answer(rc: HandlerContext, value: unknown): void {
    if (isAsyncIterable(value)) {
      void this.stream(rc, value);
      return;
    }
    this.answerValue(rc, value);
  }

  private answerValue(rc: HandlerContext, value: unknown): void {
    this.deleteActive(rc.id);
    if (rc.cancelled) {
      this.untag(rc.id);
      return;
    }
    if (this.tagged.size > 0 && this.tagged.delete(rc.id)) this.sender.send({ type: 'response', id: rc.id, result: { ok: true, value } });
    else this.sender.send(value === undefined ? [rc.id, 1] : [rc.id, 1, value]);
  }

  /**
   * A streamed answer: `stream-start`, then one `chunk` per item, each sent only with credit from
   * main (so a slow reader pauses the plugin at its `yield`), then the ordinary response. A cancel
   * (the caller went away, or the deadline) aborts `ctx.signal` and closes the iterator, so the
   * plugin's `finally` runs.
   */
  private async stream(rc: HandlerContext, iterable: AsyncIterable<unknown>): Promise<void> {
    if (rc.cancelled) {
      void closeIterator(iterable);
      return;
    }
    const flow: StreamFlow = { credit: 0, wake: null };
    this.flows.set(rc.id, flow);
    this.sender.send({ type: 'stream-start', id: rc.id });
    const iterator = iterable[Symbol.asyncIterator]();
    try {
      for (;;) {
        while (flow.credit <= 0 && !rc.cancelled) await new Promise<void>((resolve) => (flow.wake = resolve));
        if (rc.cancelled) break;
        const step = await iterator.next();
        if (rc.cancelled) break;
        if (step.done) {
          this.flows.delete(rc.id);
          this.answerValue(rc, undefined);
          return;
        }
        flow.credit--;
        this.sender.send(step.value === undefined ? { type: 'chunk', id: rc.id } : { type: 'chunk', id: rc.id, value: step.value });
      }
      // Cancelled: let the plugin clean up; main already failed the stream.
      this.flows.delete(rc.id);
      await iterator.return?.().catch(() => {});
    } catch (error) {
      this.flows.delete(rc.id);
      this.answerError(rc, error);
    }
  }

  private answerError(rc: HandlerContext, error: unknown): void {
    this.deleteActive(rc.id);
    if (rc.cancelled) {
      this.untag(rc.id);
      return;
    }
    this.respond(rc.id, { ok: false, error: serializeError(error) });
  }

  /** An answer in the form its request came in. */
  private respond(id: number, result: WireResult): void {
    if (this.tagged.size > 0 && this.tagged.delete(id)) this.sender.send({ type: 'response', id, result });
    else this.sender.send(responseEntry(id, result));
  }

  private untag(id: number): void {
    if (this.tagged.size > 0) this.tagged.delete(id);
  }

  /** A message that could not be serialised (e.g. a BigInt or a function in the plugin's answer). */
  private unsendable(message: ChildMessage, error: unknown): void {
    const why = error instanceof Error ? error.message : String(error);
    if (Array.isArray(message)) {
      this.sender.send([message[0], 0, { code: 'E_PLUGIN_ERROR', message: `the plugin's answer cannot be sent: ${why}` }]);
    } else if (message.type === 'chunk') {
      // An item that cannot be serialised ends its stream with the error; the plugin is told to stop.
      const rc = this.active.get(message.id);
      if (rc !== undefined) {
        rc.abort('cancelled');
        this.flows.get(message.id)?.wake?.();
        this.deleteActive(message.id);
        this.respond(message.id, { ok: false, error: { code: 'E_PLUGIN_ERROR', message: `a streamed item cannot be sent: ${why}` } });
      }
    } else if (message.type === 'response') {
      this.sender.send({
        type: 'response',
        id: message.id,
        result: { ok: false, error: { code: 'E_PLUGIN_ERROR', message: `the plugin's answer cannot be sent: ${why}` } },
      });
    } else if (message.type === 'state' || message.type === 'outbound-request') {
      const pending = this.outbound.get(message.id);
      this.deleteOutbound(message.id);
      pending?.reject(new PluginCallError('E_BAD_REQUEST', `cannot be sent to the conductor: ${why}`));
    }
  }

  /**
   * A Map with one set and one delete per request is copied into a fresh one every few thousand
   * deletes: in V8, once such a map's table is in the old generation, each rehash leaves the
   * obsolete table pointing at the next, and the whole chain (with what it held) survives every
   * scavenge until a full GC. A fresh map ends the chain.
   */
  private deleteActive(id: number): void {
    this.active.delete(id);
    if (++this.activeDeletes >= MAP_RENEW_AFTER_DELETES) {
      this.activeDeletes = 0;
      this.active = new Map(this.active);
    }
  }

  private deleteOutbound(id: number): void {
    this.outbound.delete(id);
    if (++this.outboundDeletes >= MAP_RENEW_AFTER_DELETES) {
      this.outboundDeletes = 0;
      this.outbound = new Map(this.outbound);
    }
  }

  // ---- ContextBackend -------------------------------------------------------------------------

  log(level: WireLogLevel, message: string): void {
    this.sender.send({ type: 'log', level, message: truncate(message, PROTOCOL_LIMITS.maxMessageChars) });
  }

  state(op: WireStateOp): Promise<unknown> {
    const id = this.nextOutboundId++;
    return new Promise((resolve, reject) => {
      this.outbound.set(id, { resolve, reject });
      this.sender.send({ type: 'state', id, op });
    });
  }

  request(target: WireTarget, payload: unknown, options: RequestOptions | undefined, parentId?: number, deadline?: number): Promise<unknown> {
    const timeoutMs = options?.timeoutMs;
    if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs > 0)) {
      return Promise.reject(new PluginCallError('E_BAD_REQUEST', 'request(…, { timeoutMs }): timeoutMs must be a positive number'));
    }
    const id = this.nextOutboundId++;
    const message: OutboundRequestMessage = { type: 'outbound-request', id, target, payload };
    if (timeoutMs !== undefined) message.timeoutMs = timeoutMs;
    if (parentId !== undefined) message.parentId = parentId;
    if (deadline !== undefined) message.deadline = deadline;
    return new Promise((resolve, reject) => {
      this.outbound.set(id, { resolve, reject });
      this.sender.send(message);
    });
  }

  private settleOutbound(id: number, result: WireResult): void {
    const pending = this.outbound.get(id);
    if (pending === undefined) return;
    this.deleteOutbound(id);
    if (result.ok) pending.resolve(result.value);
    else pending.reject(new PluginCallError(result.error.code, result.error.message));
  }
}

async function closeIterator(iterable: AsyncIterable<unknown>): Promise<void> {
  try {
    await iterable[Symbol.asyncIterator]().return?.();
  } catch {
    // The plugin's cleanup failed; nothing to report it to.
  }
}
