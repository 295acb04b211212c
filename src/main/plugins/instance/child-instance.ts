/**
 * One running copy of a plugin, in a child process or a worker thread (the `InstanceChannel`
 * decides which): lifecycle, calls with deadlines, liveness and readiness probes, and the child's
 * messages, each validated before it is believed.
 */
import type { Clock } from '../../common/clock';
import type { Disposable } from '../../common/disposable';
import { Emitter } from '../../common/emitter';
import {
  PROTOCOL_LIMITS,
  requestEntry,
  truncate,
  validateChildMessage,
  validateResponseEntry,
  type TaggedChildMessage,
  type MainMessage,
  type ResponseEntry,
  type WireError,
  type WireResult,
} from '../../../shared/plugin-protocol';
import { ConductorError } from '../../../shared/result';
import type { LogLevel } from '../../../shared/domain';
import type { CallOptions, InstanceExit, InstanceHost, InstanceState, PluginInstance } from '../instance-types';
import type { CallbackCallable, CallReceiver } from './call-receiver';
import { CallTable, PendingCall, PROMISE_RECEIVER, type PromiseToken } from './call-table';
import { CoalescingSender } from './coalescing-sender';
import { ChunkStream } from '../chunk-stream';
import { runOutboundRequest, runStateOp } from './host-calls';
import { cancelledError, describeExit, pluginError } from './instance-errors';
import { LineRing } from './output-lines';
import { RateLimitedReporter } from './rate-limited-reporter';
import type { ChannelEvents, InstanceChannel } from './transport';

export interface ChildInstanceOptions {
  id: string;
  plugin: string;
  host: InstanceHost;
  clock: Clock;
  startTimeoutMs: number;
  outboundTimeoutMs: number;
  /** Everything `init` carries except identity. */
  init: { entryPath: string; config: Record<string, unknown>; env: Record<string, string>; heartbeatMs: number };
  /** Starts the process or thread. */
  spawn(events: ChannelEvents): InstanceChannel;
}

/** What an instance reports (and takes) beyond `PluginInstance`. */
export interface InstanceVitals {
  /** For the health monitor: ready / degraded (less weight) / unready (no traffic); only while serving. */
  setReadiness(next: 'ready' | 'degraded' | 'unready'): void;
  /** Clock time of the last heartbeat (null before the first). */
  readonly lastHeartbeatAt: number | null;
  /** From the last heartbeat. For a thread, `rss` is the whole conductor's. */
  readonly memory: { rss: number; heapUsed: number } | null;
}

/**
 * Messages to the child are written once this many are waiting, not only at the end of the tick:
 * the two processes can then work on halves of a 256-request burst at once. Measured at 256
 * outstanding echo requests (router + one process instance, 2 shared cores): alternating in one
 * process, 364k vs 344k req/s (median of 10); in separate runs while a core was free, ~400k →
 * 500–590k. 64 and 192 did worse, and splitting the child's answers as well did not help. Bursts
 * below it (16 outstanding, 1) are unchanged.
 */
const MAX_BATCH = 128;

/** After the kill at a stop's deadline, how long to wait for the exit before giving up on it. */
const STOP_GIVE_UP_MS = 5_000;
const SERVING: ReadonlySet<InstanceState> = new Set<InstanceState>(['ready', 'degraded', 'unready']);

export class ChildInstance implements PluginInstance, InstanceVitals, CallbackCallable {
  readonly id: string;
  readonly plugin: string;
  private currentState: InstanceState = 'starting';
  private channel: InstanceChannel | null = null;
  private readonly sender: CoalescingSender<MainMessage>;
  private readonly pending: CallTable;
  private nextId = 1;
  /** Clock time sent in `init`; compact requests carry their deadline relative to it. */
  private timeBase = 0;
  /** Answers being streamed, by request id: the stream and its deadline timer. */
  private readonly streams = new Map<number, { stream: ChunkStream; timer: Disposable }>();
  private started = false;
  private exited = false;
  private stopRequested = false;
  private startFailed = false;
  private startWaiter: { resolve(): void; reject(error: unknown): void; timer: Disposable } | null = null;
  private stopping: Promise<void> | null = null;
  private readonly exitWaiters: Array<() => void> = [];
  private readonly ring = new LineRing(50);
  private readonly events: Emitter<{ state: { state: InstanceState; previous: InstanceState }; exit: InstanceExit }>;
  private readonly invalid: RateLimitedReporter;
  private startedAtValue: number | null = null;
  private servedCount = 0;
  private errorCount = 0;
  lastHeartbeatAt: number | null = null;
  memory: { rss: number; heapUsed: number } | null = null;

  constructor(private readonly options: ChildInstanceOptions) {
    this.id = options.id;
    this.plugin = options.plugin;
    this.events = new Emitter((error) => this.log('error', `an instance listener threw: ${String(error)}`, false));
    this.invalid = new RateLimitedReporter(options.clock, (reason) => this.log('warn', `dropped an invalid message from the plugin: ${reason}`, false));
    this.pending = new CallTable(options.clock, { expire: (call) => this.expire(call), cancel: (call) => this.cancel(call) });
    this.sender = new CoalescingSender<MainMessage>({
      write: (message) => this.channel?.write(message),
      onUnsendable: (message, error) => this.unsendable(message, error),
      holdAfterBusyTick: true,
      maxBatch: MAX_BATCH,
    });
  }

  // ---- PluginInstance: read side ----------------------------------------------------------------

  get state(): InstanceState {
    return this.currentState;
  }
  get inFlight(): number {
    return this.pending.size + this.streams.size;
  }
  get pid(): number | null {
    return this.channel?.pid ?? null;
  }
  get threadId(): number | null {
    return this.channel?.threadId ?? null;
  }
  get startedAt(): number | null {
    return this.startedAtValue;
  }
  /** Calls the plugin answered with a value. */
  get served(): number {
    return this.servedCount;
  }
  /** Calls that failed: the plugin threw, the deadline passed, the caller cancelled or the instance died. */
  get errors(): number {
    return this.errorCount;
  }

  onStateChange(listener: (state: InstanceState, previous: InstanceState) => void): Disposable {
    return this.events.on('state', ({ state, previous }) => listener(state, previous));
  }

  onExit(listener: (exit: InstanceExit) => void): Disposable {
    return this.events.on('exit', listener);
  }

  // ---- lifecycle --------------------------------------------------------------------------------

  start(): Promise<void> {
    if (this.started) return Promise.reject(new ConductorError('E_CONFLICT', `instance ${this.id} was already started`));
    this.started = true;
    if (this.stopRequested) return Promise.reject(new ConductorError('E_SHUTTING_DOWN', `instance ${this.id} was stopped before it started`));
    const { clock, startTimeoutMs } = this.options;
    return new Promise<void>((resolve, reject) => {
      const timer = clock.setTimeout(
        () => this.failStart(new ConductorError('E_TIMEOUT', `plugin ${this.plugin} (${this.id}) was not ready within ${startTimeoutMs} ms`)),
        startTimeoutMs,
      );
      this.startWaiter = { resolve, reject, timer };
      try {
        this.channel = this.options.spawn({
          message: (raw) => this.receive(raw),
          line: (stream, line) => this.log(stream === 'stdout' ? 'info' : 'warn', line),
          error: (error) => this.log('error', error.stack ?? error.message),
          exit: (code, signal) => this.finish(code, signal),
        });
      } catch (error) {
        this.failStart(new ConductorError('E_PLUGIN_CRASHED', `plugin ${this.plugin} (${this.id}) could not be started: ${(error as Error).message}`));
        return;
      }
      this.timeBase = Math.floor(clock.now());
      this.sender.send({ type: 'init', plugin: this.plugin, instance: this.id, ...this.options.init, timeBase: this.timeBase });
    });
  }

  drain(): void {
    if (SERVING.has(this.currentState)) this.setState('draining');
  }

  /** For the health monitor: how a serving instance should be weighted (no effect otherwise). */
  setReadiness(next: 'ready' | 'degraded' | 'unready'): void {
    if (SERVING.has(this.currentState) && !this.stopRequested) this.setState(next);
  }

  stop(options: { deadline: number }): Promise<void> {
    if (this.exited) return Promise.resolve();
    this.stopRequested = true;
    const channel = this.channel;
    if (channel === null) {
      this.exited = true;
      this.setState('stopped');
      return Promise.resolve();
    }
    if (this.stopping !== null) return this.stopping;
    const { clock } = this.options;
    this.stopping = new Promise<void>((resolve) => {
      let giveUp: Disposable | null = null;
      const kill = clock.setTimeout(() => {
        this.log('warn', `instance ${this.id} did not stop by its deadline; killing its process group`, false);
        channel.kill();
        giveUp = clock.setTimeout(() => this.finish(null, 'SIGKILL'), STOP_GIVE_UP_MS);
      }, Math.max(0, options.deadline - clock.now()));
      this.exitWaiters.push(() => {
        kill.dispose();
        giveUp?.dispose();
        resolve();
      });
    });
    this.sender.send({ type: 'deactivate' });
    return this.stopping;
  }

  kill(): void {
    if (this.exited || this.channel === null) return;
    this.stopRequested = true;
    this.channel.kill();
  }

  // ---- calls ------------------------------------------------------------------------------------

  call(payload: unknown, options: CallOptions): Promise<unknown> {
    const { deadline, signal, capability } = options;
    return new Promise((resolve, reject) => {
      const token: PromiseToken = { resolve, reject };
      const refused = this.callWith(payload, deadline, capability, signal, PROMISE_RECEIVER, token);
      if (refused !== null) reject(refused);
    });
  }

  /** `call` without a promise (see `CallbackCallable`): the router's hot path. */
  callWith<T>(
    payload: unknown,
    deadline: number,
    capability: string | undefined,
    signal: AbortSignal | undefined,
    receiver: CallReceiver<T>,
    token: T,
    now?: number,
  ): Error | null {
    const state = this.currentState;
    if ((state !== 'ready' && state !== 'degraded' && state !== 'unready') || this.stopRequested || this.exited) return this.refusal();
    if (typeof deadline !== 'number' || Number.isNaN(deadline)) {
      return new ConductorError('E_BAD_REQUEST', 'call: options.deadline must be a number', { field: 'deadline' });
    }
    if (deadline <= (now ?? this.options.clock.now())) {
      this.errorCount++;
      return new ConductorError('E_TIMEOUT', `the deadline passed before the call to ${this.id} was sent`);
    }
    if (signal?.aborted) return cancelledError(signal);
    const id = this.nextId++;
    this.pending.add(new PendingCall(id, deadline, receiver as CallReceiver<unknown>, token), signal);
    this.sender.send(requestEntry(id, deadline, this.timeBase, capability, payload));
    return null;
  }

  private refusal(): ConductorError {
    if (this.currentState === 'crashed') return new ConductorError('E_PLUGIN_CRASHED', `instance ${this.id} has crashed`);
    if (this.currentState === 'starting') return new ConductorError('E_CONFLICT', `instance ${this.id} is not ready yet`);
    return new ConductorError('E_SHUTTING_DOWN', `instance ${this.id} is ${this.stopRequested && this.currentState !== 'stopped' ? 'stopping' : this.currentState}`);
  }

  /** From the call table: the call's deadline passed (never before it). */
  private expire(call: PendingCall): void {
    this.errorCount++;
    this.sender.send({ type: 'cancel', id: call.id, reason: 'timeout' });
    call.failSoon(new ConductorError('E_TIMEOUT', `plugin ${this.plugin} (${this.id}) did not answer by the deadline`));
  }

  /** From the call table: the call's signal aborted. A deadline's abort (an E_TIMEOUT reason) reaches the plugin as a timeout. */
  private cancel(call: PendingCall): void {
    this.errorCount++;
    const error = cancelledError(call.signal!);
    const timedOut = call.signal!.reason instanceof ConductorError && call.signal!.reason.code === 'E_TIMEOUT';
    this.sender.send({ type: 'cancel', id: call.id, reason: timedOut ? 'timeout' : 'cancelled' });
    call.failSoon(error);
  }

  // ---- probes -----------------------------------------------------------------------------------

  ping(timeoutMs: number): Promise<number> {
    if (!this.running()) return Promise.reject(new ConductorError('E_PLUGIN_CRASHED', `instance ${this.id} is not running`));
    return this.probe('ping', timeoutMs, () => new ConductorError('E_TIMEOUT', `instance ${this.id} did not answer a ping within ${timeoutMs} ms`)) as Promise<number>;
  }

  checkHealth(timeoutMs: number): Promise<{ status: 'ok' | 'degraded' | 'down'; message?: string }> {
    if (!this.running()) return Promise.resolve({ status: 'down', message: `instance ${this.id} is not running` });
    return this.probe('health', timeoutMs, () => ({ status: 'down', message: `health check did not answer within ${timeoutMs} ms` })) as Promise<{
      status: 'ok' | 'degraded' | 'down';
      message?: string;
    }>;
  }

  private running(): boolean {
    return this.channel !== null && !this.exited;
  }

  private probe(kind: 'ping' | 'health', timeoutMs: number, onTimeout: () => unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = this.options.clock.setTimeout(() => {
        if (!this.pending.dropProbe(id)) return;
        const outcome = onTimeout();
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      }, timeoutMs);
      this.pending.addProbe(id, { kind, sentAt: this.options.clock.now(), timer, resolve, reject });
      this.sender.send(kind === 'ping' ? { type: 'ping', id } : { type: 'health', id, timeoutMs });
    });
  }

  // ---- messages from the child ------------------------------------------------------------------

  private receive(raw: unknown): void {
    if (typeof raw === 'object' && raw !== null && (raw as { type?: unknown }).type === 'batch') {
      const messages = (raw as { messages?: unknown }).messages;
      if (!Array.isArray(messages) || messages.length > PROTOCOL_LIMITS.maxBatchMessages) {
        this.invalid.report('a batch without a valid messages array');
        return;
      }
      for (let i = 0; i < messages.length; i++) this.receiveOne(messages[i]);
      return;
    }
    this.receiveOne(raw);
  }

  private receiveOne(raw: unknown): void {
    if (Array.isArray(raw)) {
      this.receiveEntry(raw);
      return;
    }
    const problem = validateChildMessage(raw);
    if (problem !== null) {
      this.invalid.report(problem);
      return;
    }
    const message = raw as TaggedChildMessage;
    switch (message.type) {
      case 'response':
        if (message.result.ok) this.answered(message.id, true, message.result.value);
        else this.answered(message.id, false, message.result.error);
        return;
      case 'log':
        this.log(message.level, truncate(message.message, PROTOCOL_LIMITS.maxMessageChars));
        return;
      case 'heartbeat':
        this.lastHeartbeatAt = this.options.clock.now();
        this.memory = { rss: message.rss, heapUsed: message.heapUsed };
        return;
      case 'pong': {
        const probe = this.pending.settleProbe(message.id, 'ping');
        if (probe) probe.resolve(this.options.clock.now() - probe.sentAt);
        return;
      }
      case 'health-result': {
        const probe = this.pending.settleProbe(message.id, 'health');
        if (probe) probe.resolve(message.message === undefined ? { status: message.status } : { status: message.status, message: message.message });
        return;
      }
      case 'state':
        runStateOp(this.options.host, this.plugin, message, (result) => this.reply('state-result', message.id, result));
        return;
      case 'outbound-request': {
        const now = this.options.clock.now();
        const parentDeadline = message.parentId === undefined ? undefined : this.pending.deadlineOf(message.parentId);
        const context = { now, parentDeadline, defaultTimeoutMs: this.options.outboundTimeoutMs };
        runOutboundRequest(this.options.host, this.plugin, message, context, (result) => this.reply('request-result', message.id, result));
        return;
      }
      case 'stream-start':
        this.streamStarted(message.id);
        return;
      case 'chunk': {
        const open = this.streams.get(message.id);
        if (open) open.stream.push(message.value);
        else if (message.id >= this.nextId || message.id === 0) this.invalid.report(`a chunk for unknown request id ${message.id}`);
        return;
      }
      case 'ready':
        if (this.startWaiter === null) {
          this.invalid.report('"ready" when not starting');
          return;
        }
        this.startedAtValue = this.options.clock.now();
        this.resolveStart();
        return;
      case 'init-failed': {
        const text = truncate(message.error.message, PROTOCOL_LIMITS.maxMessageChars);
        const error = new ConductorError('E_PLUGIN_ERROR', `plugin ${this.plugin} (${this.id}) failed to start: ${text}`);
        if (message.error.stack !== undefined) error.stack = truncate(message.error.stack, PROTOCOL_LIMITS.maxStackChars);
        this.failStart(error);
        return;
      }
    }
  }

  /** A compact answer (`ResponseEntry`). */
  private receiveEntry(raw: unknown[]): void {
    const problem = validateResponseEntry(raw);
    if (problem !== null) {
      this.invalid.report(problem);
      return;
    }
    const entry = raw as ResponseEntry;
    this.answered(entry[0], entry[1] === 1, entry[2]);
  }

  /**
   * `handle` returned an async iterable: the call resolves with a ChunkStream now; chunks follow
   * with credit the reader gives (sent to the child as `credit`), the request's response ends
   * it, the deadline still applies, and a reader that goes away cancels it in the plugin.
   */
  private streamStarted(id: number): void {
    const call = this.pending.settle(id);
    if (call === undefined) {
      // Too late (deadline passed or cancelled): it was already told to stop.
      if (id >= this.nextId || id === 0) this.invalid.report(`a stream for unknown request id ${id}`);
      return;
    }
    const stream = new ChunkStream();
    const timer = this.options.clock.setTimeout(
      () => {
        if (!this.streams.has(id)) return;
        this.endStream(id, new ConductorError('E_TIMEOUT', `plugin ${this.plugin} (${this.id}) did not finish its stream by the deadline`));
        this.sender.send({ type: 'cancel', id, reason: 'timeout' });
      },
      Math.max(0, call.deadline - this.options.clock.now()),
    );
    this.streams.set(id, { stream, timer });
    stream.onDemand((n) => {
      if (this.streams.has(id) && !this.exited) this.sender.send({ type: 'credit', id, n });
    });
    stream.onCancel(() => {
      const open = this.streams.get(id);
      if (!open) return;
      // The reader went away: neither served nor a plugin error.
      this.streams.delete(id);
      open.timer.dispose();
      if (!this.exited) this.sender.send({ type: 'cancel', id, reason: 'cancelled' });
    });
    call.succeed(stream);
  }

  /** Ends a stream: ok (`error` null), or failed; counted once. */
  private endStream(id: number, error: ConductorError | null): void {
    const open = this.streams.get(id);
    if (!open) return;
    this.streams.delete(id);
    open.timer.dispose();
    if (error === null) this.servedCount++;
    else this.errorCount++;
    if (error === null) open.stream.end();
    else open.stream.fail(error);
  }

  /** The plugin answered call `id`: `result` is its value, or its `WireError` when not `ok`. */
  private answered(id: number, ok: boolean, result: unknown): void {
    if (this.streams.size > 0 && this.streams.has(id)) {
      this.endStream(id, ok ? null : pluginError(result as WireError));
      return;
    }
    const call = this.pending.settle(id);
    if (call === undefined) {
      // A late reply (after the deadline or a cancel) is expected; an id never issued is not.
      if (id >= this.nextId || id === 0) this.invalid.report(`a response for unknown request id ${id}`);
      return;
    }
    if (ok) {
      this.servedCount++;
      call.succeed(result);
    } else {
      this.errorCount++;
      call.fail(pluginError(result as WireError));
    }
  }

  private reply(type: 'state-result' | 'request-result', id: number, result: WireResult): void {
    if (this.exited) return;
    this.sender.send({ type, id, result });
  }

  /** A message that could not be serialised: fail what waits for it instead of losing it. */
  private unsendable(message: MainMessage, error: unknown): void {
    const why = error instanceof Error ? error.message : String(error);
    if (Array.isArray(message) || message.type === 'request') {
      const call = this.pending.settle(Array.isArray(message) ? message[0] : message.id);
      if (call === undefined) return;
      this.errorCount++;
      call.failSoon(new ConductorError('E_BAD_REQUEST', `the payload cannot be sent to the plugin: ${why}`, { field: 'payload' }));
    } else if (message.type === 'state-result' || message.type === 'request-result') {
      this.sender.send({ type: message.type, id: message.id, result: { ok: false, error: { code: 'E_INTERNAL', message: `the answer cannot be sent to the plugin: ${why}` } } });
    } else {
      this.log('error', `could not send ${message.type} to the plugin: ${why}`, false);
    }
  }

  // ---- state and exit ---------------------------------------------------------------------------

  private resolveStart(): void {
    const waiter = this.startWaiter!;
    this.startWaiter = null;
    waiter.timer.dispose();
    this.setState('ready');
    waiter.resolve();
  }

  private failStart(error: ConductorError, next: InstanceState = 'crashed'): void {
    const waiter = this.startWaiter;
    if (waiter === null) return;
    this.startWaiter = null;
    waiter.timer.dispose();
    if (next === 'crashed') {
      this.startFailed = true;
      this.log('error', error.message);
    }
    this.setState(next);
    waiter.reject(error);
    if (!this.exited) this.channel?.kill();
  }

  private finish(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.exited) return; // e.g. the give-up timer won the race with the real exit
    this.exited = true;
    const expected = this.stopRequested && !this.startFailed;
    const what = describeExit(code, signal);
    const lastLines = this.ring.toArray();
    if (this.startWaiter !== null) {
      if (this.stopRequested) {
        this.failStart(new ConductorError('E_SHUTTING_DOWN', `instance ${this.id} was stopped before it was ready`), 'stopped');
      } else {
        const tail = lastLines.slice(-3).join(' | ');
        this.failStart(new ConductorError('E_PLUGIN_CRASHED', `plugin ${this.plugin} (${this.id}) ${what} before it was ready${tail ? `: ${tail}` : ''}`));
      }
    }
    for (const call of this.pending.settleAll()) {
      this.errorCount++;
      call.failSoon(new ConductorError('E_PLUGIN_CRASHED', `instance ${this.id} ${what} with the request in flight`));
    }
    for (const id of [...this.streams.keys()]) this.endStream(id, new ConductorError('E_PLUGIN_CRASHED', `instance ${this.id} ${what} while streaming`));
    this.pending.dispose();
    for (const probe of this.pending.settleAllProbes()) {
      if (probe.kind === 'ping') probe.reject(new ConductorError('E_PLUGIN_CRASHED', `instance ${this.id} ${what}`));
      else probe.resolve({ status: 'down', message: `instance ${this.id} ${what}` });
    }
    if (!expected && !this.startFailed) this.log('error', `instance ${this.id} ${what} unexpectedly`, false);
    this.setState(expected ? 'stopped' : 'crashed');
    this.events.emit('exit', { code, signal, expected, lastLines });
    for (const waiter of this.exitWaiters.splice(0)) waiter();
  }

  private setState(next: InstanceState): void {
    const previous = this.currentState;
    if (previous === next || previous === 'stopped' || previous === 'crashed') return;
    this.currentState = next;
    this.events.emit('state', { state: next, previous });
  }

  /** To the host's log, tagged; `ring: false` for the conductor's own remarks about the instance. */
  private log(level: LogLevel, message: string, ring = true): void {
    if (ring) this.ring.push(message);
    this.options.host.log({ level, message, plugin: this.plugin, instance: this.id, ts: this.options.clock.now() });
  }
}
