import type { RequestMetrics } from '../../shared/domain';
import { ConductorError, type ErrorCode } from '../../shared/result';
import { DeadlineQueue, type Clock } from '../common/clock';
import { toDisposable, type Disposable } from '../common/disposable';
import type { ComponentReport, HealthReporter } from '../common/health';
import type { Service } from '../common/service';
import type { RoutableInstance } from '../plugins/instance-types';
import { hasCallWith, type CallReceiver } from '../plugins/instance/call-receiver';
import { LeastOutstandingBalancer } from './least-outstanding-balancer';
import { PendingRequest, toConductorError } from './pending-request';
import { PluginQueue } from './plugin-queue';
import { RequestMetricsRecorder, type MetricsRollup, type RouterRequestMetrics } from './request-metrics';
import { RetryBudget } from './retry-budget';
import { resolveRouterOptions, type RouterOptions } from './router-options';
import type { DrainResult, RoutedPlugin, RouterRequest } from './router-types';
import { validateRoutedPlugin, validateRouterRequest } from './router-validation';

export type { DrainResult, RoutedPlugin, RouterRequest } from './router-types';
export { DEFAULT_ROUTER_OPTIONS, type RouterOptions } from './router-options';
export type { MetricsRollup, RouterRequestMetrics } from './request-metrics';

/** The router's gate: `idle` before start, `open` while serving, `closed` from quiesce/stop on. */
export type RouterGate = 'idle' | 'open' | 'closed';

type Pending = PendingRequest<PluginEntry>;

interface PluginEntry {
  readonly plugin: RoutedPlugin;
  readonly name: string;
  readonly queue: PluginQueue<Pending>;
  /** Every admitted, unsettled request's deadline, behind one timer. */
  readonly deadlines: DeadlineQueue<Pending>;
  readonly metrics: RequestMetricsRecorder;
  readonly budget: RetryBudget;
  readonly timeoutMs: number;
  readonly maxConcurrent: number;
  /** Breaker predicate, looked up on the plugin at call time (a breaker may attach later). */
  readonly admit: (instance: RoutableInstance) => boolean;
  /** Smoothed attempt latency, ms; -1 until the first answer. Feeds the E_OVERLOADED estimate. */
  latencyEwma: number;
  registered: boolean;
  pumping: boolean;
  pumpAgain: boolean;
}

const EWMA_ALPHA = 0.2;
const CANCELLED = 'request cancelled by the caller';

/**
 * The request router. Requests name a capability or a plugin; the router picks an instance by
 * least outstanding requests (power of two choices with many instances), queues (bounded, FIFO)
 * when none can take it, enforces the deadline while queued and in flight, retries an idempotent
 * request once on another instance after a crash (within a retry budget), and keeps in-memory
 * metrics. `quiesce()` closes the gate at shutdown; `drain()` waits for in-flight requests.
 *
 * Caller cancel (`signal` aborts) rejects with E_CONFLICT "request cancelled by the caller":
 * E_TIMEOUT is kept for deadlines and E_SHUTTING_DOWN for the gate.
 */
export class Router implements Service, HealthReporter {
  private readonly options: RouterOptions;
  private gate: RouterGate = 'idle';
  private readonly plugins = new Map<string, PluginEntry>();
  private readonly byCapability = new Map<string, PluginEntry[]>();
  private readonly pluginMetricsByName = new Map<string, RequestMetricsRecorder>();
  /**
   * Admitted, unsettled requests: an intrusive list (no Set), like every per-request collection
   * on the hot path. A Map or Set that churns (one add and one delete per request) is costly in
   * V8 once its table has been promoted to the old generation (a full GC in the middle of the
   * traffic does that): each rehash leaves the obsolete table pointing at the new one, so every
   * table, and whatever it held, survives the scavenges until the next full GC.
   */
  private liveHead: Pending | null = null;
  private liveCount = 0;
  private readonly drainWaiters = new Set<{ done: (result: DrainResult) => void; timer: Disposable }>();
  /**
   * Calls this router has outstanding per instance called through a promise (such an instance's
   * own `inFlight` may lag). Never deleted from (0 stays): no churn. An instance with `callWith`
   * counts its calls as they are sent and answered, so its `inFlight` is used as it is, plus the
   * calls it refused whose failure is not reported yet (`refusedPending` of them in all).
   */
  private readonly outstanding = new WeakMap<RoutableInstance, number>();
  private refusedPending = 0;
  /**
   * The signal of every call made for a request without a caller signal (most of them): aborted
   * (and replaced) by `stop()`. Such a call's deadline is enforced by its instance, which is
   * given the same deadline; so no per-request controller, listener or signal.
   */
  private stopController = new AbortController();
  private readonly balancer: LeastOutstandingBalancer;
  /** Overall metrics (every request, including those refused before a plugin was chosen). */
  readonly metrics: RequestMetricsRecorder;
  private readonly loadOf = (instance: RoutableInstance): number => {
    if (!hasCallWith(instance)) return Math.max(instance.inFlight, this.outstanding.get(instance) ?? 0);
    return this.refusedPending === 0 ? instance.inFlight : instance.inFlight + (this.outstanding.get(instance) ?? 0);
  };
  /** Where instances with `callWith` report an attempt's outcome (no promise per call). */
  private readonly receiver: CallReceiver<Pending> = {
    callSettled: (p, ok, result) => this.attemptDone(p, p.attemptInstance!, p.attemptStartedAt, ok, result),
  };

  constructor(
    private readonly clock: Clock,
    options: Partial<RouterOptions> = {},
  ) {
    this.options = resolveRouterOptions(options);
    this.metrics = new RequestMetricsRecorder(clock);
    this.balancer = new LeastOutstandingBalancer({
      p2cThreshold: this.options.p2cThreshold,
      degradedLoadFactor: this.options.degradedLoadFactor,
      random: this.options.random,
    });
  }

  // ── lifecycle ────────────────────────────────────────────────────────────────────────────

  async start(): Promise<void> {
    this.gate = 'open';
  }

  /** Closes the gate: new requests get E_SHUTTING_DOWN at once, and so do the queued ones. In-flight calls go on. */
  quiesce(): void {
    if (this.gate === 'closed') return;
    this.gate = 'closed';
    for (const entry of this.plugins.values()) this.rejectQueued(entry, 'E_SHUTTING_DOWN', 'the conductor is shutting down');
  }

  /**
   * Resolves once every admitted request has settled (`drained: true`), or at `deadline` (clock
   * time) with how many remain. Event-driven: the last settle or one timer resolves it.
   */
  drain(deadline: number): Promise<DrainResult> {
    if (this.liveCount === 0) return Promise.resolve({ drained: true, remaining: 0 });
    return new Promise((resolve) => {
      const waiter = {
        done: resolve,
        timer: this.clock.setTimeout(() => {
          this.drainWaiters.delete(waiter);
          resolve({ drained: this.liveCount === 0, remaining: this.liveCount });
        }, deadline - this.clock.now()),
      };
      this.drainWaiters.add(waiter);
    });
  }

  /** Closes the gate and fails whatever is still unsettled with E_SHUTTING_DOWN (aborting its call). */
  async stop(): Promise<void> {
    this.quiesce();
    const stopController = this.stopController;
    this.stopController = new AbortController();
    const live: Pending[] = [];
    for (let p = this.liveHead; p !== null; p = p.liveNext) live.push(p);
    for (const p of live) {
      p.controller?.abort(new ConductorError('E_SHUTTING_DOWN', 'the router stopped'));
      this.settle(p, new ConductorError('E_SHUTTING_DOWN', 'the router stopped before the request finished'));
    }
    stopController.abort(new ConductorError('E_SHUTTING_DOWN', 'the router stopped'));
  }

  get state(): RouterGate {
    return this.gate;
  }

  get isOpen(): boolean {
    return this.gate === 'open';
  }

  health(): ComponentReport {
    if (this.gate === 'idle') return { state: 'down', message: 'not started' };
    if (this.gate === 'closed') return { state: 'down', message: 'gate closed' };
    return { state: 'ready', message: `${this.plugins.size} plugins, ${this.liveCount} requests in flight, ${this.queuedTotal()} queued` };
  }

  // ── plugins ──────────────────────────────────────────────────────────────────────────────

  /**
   * Makes a plugin routable. Throws E_BAD_REQUEST naming a bad field, E_CONFLICT for a name
   * already registered. Disposing unregisters it: its queued requests fail with
   * E_PLUGIN_NOT_FOUND; calls already sent finish.
   */
  register(plugin: RoutedPlugin): Disposable {
    validateRoutedPlugin(plugin);
    if (this.plugins.has(plugin.name)) throw new ConductorError('E_CONFLICT', `plugin "${plugin.name}" is already registered with the router`, { plugin: plugin.name });
    let metrics = this.pluginMetricsByName.get(plugin.name);
    if (!metrics) {
      metrics = new RequestMetricsRecorder(this.clock, { rollupName: plugin.name, maxPendingRollups: this.options.maxPendingRollups });
      this.pluginMetricsByName.set(plugin.name, metrics);
    }
    const entry: PluginEntry = {
      plugin,
      name: plugin.name,
      queue: new PluginQueue<Pending>(plugin.queueLimit ?? this.options.defaultQueueLimit),
      deadlines: new DeadlineQueue<Pending>(this.clock, (p) => this.onDeadline(p)),
      metrics,
      budget: new RetryBudget(this.clock, {
        ratio: this.options.retryBudgetRatio,
        windowMs: this.options.retryBudgetWindowMs,
        bucketMs: this.options.retryBudgetBucketMs,
        minRetries: this.options.retryBudgetMinRetries,
      }),
      timeoutMs: plugin.requestTimeoutMs !== undefined && plugin.requestTimeoutMs > 0 ? plugin.requestTimeoutMs : this.options.defaultRequestTimeoutMs,
      maxConcurrent: plugin.maxConcurrentPerInstance ?? this.options.defaultMaxConcurrentPerInstance,
      admit: (instance) => this.callAdmit(plugin, instance),
      latencyEwma: -1,
      registered: true,
      pumping: false,
      pumpAgain: false,
    };
    this.plugins.set(plugin.name, entry);
    for (const capability of new Set(plugin.capabilities)) {
      const list = this.byCapability.get(capability);
      if (list) list.push(entry);
      else this.byCapability.set(capability, [entry]);
    }
    return toDisposable(() => this.unregister(entry));
  }

  /** The plugin manager calls this when an instance of `name` becomes ready/unready/stops: queued requests drain. */
  instancesChanged(name: string): void {
    const entry = this.plugins.get(name);
    if (entry) this.pump(entry);
  }

  // ── requests ─────────────────────────────────────────────────────────────────────────────

  /**
   * Routes one request. Rejects with a ConductorError: E_SHUTTING_DOWN (gate closed),
   * E_CONFLICT (not started; cancelled by the caller; or the plugin is `blocked`), E_BAD_REQUEST (`details.field`),
   * E_PLUGIN_NOT_FOUND / E_NOT_FOUND, E_OVERLOADED (`details.retryAfterMs`), E_CIRCUIT_OPEN,
   * E_TIMEOUT (deadline, queued or in flight), or the instance's E_PLUGIN_ERROR / E_PLUGIN_CRASHED.
   */
  request(req: RouterRequest): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const refusal = this.admitRequest(req, resolve, reject);
      if (refusal !== null) reject(refusal);
    });
  }

  /** Admits `req` (queued or sent) and returns null, or returns the error it is refused with. */
  private admitRequest(req: RouterRequest, resolve: (value: unknown) => void, reject: (error: ConductorError) => void): ConductorError | null {
    if (this.gate !== 'open') {
      return this.refuse(null, this.gate === 'closed' ? 'E_SHUTTING_DOWN' : 'E_CONFLICT', this.gate === 'closed' ? 'the conductor is shutting down' : 'the router is not started');
    }
    const invalid = validateRouterRequest(req);
    if (invalid !== null) return this.refuse(null, 'E_BAD_REQUEST', invalid.message, { field: invalid.field });
    let entry: PluginEntry | undefined;
    if (req.plugin !== undefined) {
      entry = this.plugins.get(req.plugin);
      if (!entry) return this.refuse(null, 'E_PLUGIN_NOT_FOUND', `no plugin named "${req.plugin}" is registered`, { plugin: req.plugin });
    } else {
      const providers = this.byCapability.get(req.capability!);
      if (!providers || providers.length === 0) return this.refuse(null, 'E_NOT_FOUND', `no plugin provides capability "${req.capability!}"`, { capability: req.capability });
      entry = this.chooseProvider(providers);
    }
    if (req.signal?.aborted) return this.refuse(entry, 'E_CONFLICT', CANCELLED);
    const now = this.clock.now();
    const deadline = Math.min(req.deadline ?? Infinity, now + (req.timeoutMs ?? entry.timeoutMs));
    if (deadline <= now) return this.refuse(entry, 'E_TIMEOUT', 'the deadline passed before the request was routed', { deadline });

    // New work never overtakes queued work: with a queue, it joins the back.
    const instance = entry.queue.size === 0 ? this.pick(entry, null) : null;
    if (instance === null) {
      const miss = entry.queue.size === 0 ? this.balancer.miss : 'all-busy';
      const blocked = this.blockedReason(entry);
      if (blocked !== null) return this.refuse(entry, 'E_CONFLICT', blocked, { plugin: entry.name });
      this.wakeIfAsleep(entry);
      if (miss === 'all-refused') return this.refuse(entry, 'E_CIRCUIT_OPEN', `every instance of "${entry.name}" has its circuit open`, { plugin: entry.name });
      if (entry.queue.isFull) {
        return this.refuse(entry, 'E_OVERLOADED', `the queue of "${entry.name}" is full (${entry.queue.limit})`, { plugin: entry.name, retryAfterMs: this.estimateRetryAfter(entry) });
      }
    }

    const p: Pending = new PendingRequest(entry, req.payload, req.capability, deadline, req.idempotent === true, req.signal, now, resolve, reject);
    this.addLive(p);
    entry.metrics.begin();
    this.metrics.begin();
    entry.budget.recordRequest(now);
    entry.deadlines.add(p);
    if (req.signal) {
      p.controller = new AbortController();
      p.onAbort = () => this.onCallerAbort(p);
      req.signal.addEventListener('abort', p.onAbort, { once: true });
    }
    if (instance !== null) this.dispatch(p, instance, now);
    else {
      entry.queue.pushBack(p);
      this.pump(entry);
    }
    return null;
  }

  /** Among several providers of a capability: the first with an empty queue and a free instance, else the shortest queue. */
  private chooseProvider(providers: readonly PluginEntry[]): PluginEntry {
    let shortest = providers[0]!;
    if (providers.length === 1) return shortest;
    for (const entry of providers) {
      if (entry.queue.size === 0 && this.pick(entry, null) !== null) return entry;
      if (entry.queue.size < shortest.queue.size) shortest = entry;
    }
    return shortest;
  }

  private pick(entry: PluginEntry, exclude: RoutableInstance | null): RoutableInstance | null {
    return this.balancer.pick(entry.plugin.instances(), entry.maxConcurrent, this.loadOf, entry.admit, exclude);
  }

  private dispatch(p: Pending, instance: RoutableInstance, now = this.clock.now()): void {
    p.attempts++;
    const callable = hasCallWith(instance);
    if (!callable) this.outstanding.set(instance, (this.outstanding.get(instance) ?? 0) + 1);
    const plugin = p.entry.plugin;
    if (plugin.onCallStart) {
      try {
        plugin.onCallStart(instance);
      } catch (error) {
        this.hookFailed(p.entry, 'onCallStart', error);
      }
    }
    const started = now;
    const signal = p.controller === null ? this.stopController.signal : p.controller.signal;
    if (callable) {
      // One attempt at a time: a retry is only sent from the previous attempt's outcome.
      p.attemptInstance = instance;
      p.attemptStartedAt = started;
      let refused: unknown;
      try {
        refused = instance.callWith(p.payload, p.deadline, p.capability, signal, this.receiver, p, now);
      } catch (error) {
        refused = error;
      }
      if (refused !== null) {
        // Reported a microtask later, as a rejected promise would be; it counts as outstanding till then.
        this.outstanding.set(instance, (this.outstanding.get(instance) ?? 0) + 1);
        this.refusedPending++;
        queueMicrotask(() => {
          this.refusedPending--;
          this.outstanding.set(instance, Math.max(0, (this.outstanding.get(instance) ?? 1) - 1));
          this.attemptDone(p, instance, started, false, refused);
        });
      }
      return;
    }
    let call: Promise<unknown>;
    try {
      call = instance.call(p.payload, { deadline: p.deadline, capability: p.capability, signal });
    } catch (error) {
      call = Promise.reject(error);
    }
    call.then(
      (value) => this.attemptDone(p, instance, started, true, value),
      (error: unknown) => this.attemptDone(p, instance, started, false, error),
    );
  }

  private attemptDone(p: Pending, instance: RoutableInstance, started: number, ok: boolean, result: unknown): void {
    if (!hasCallWith(instance)) {
      const left = (this.outstanding.get(instance) ?? 1) - 1;
      this.outstanding.set(instance, left > 0 ? left : 0);
    }
    const entry = p.entry;
    const now = this.clock.now();
    const latency = now - started;
    entry.latencyEwma = entry.latencyEwma < 0 ? latency : entry.latencyEwma + EWMA_ALPHA * (latency - entry.latencyEwma);
    const error = ok ? null : toConductorError(result);
    if (entry.plugin.onCallResult) {
      try {
        entry.plugin.onCallResult(instance, ok, latency, error ? error.code : null);
      } catch (hookError) {
        this.hookFailed(entry, 'onCallResult', hookError);
      }
    }
    if (!p.settled) {
      if (error === null) this.settle(p, null, result, now);
      else if (error.code !== 'E_TIMEOUT' && now >= p.deadline) {
        // A failure that arrives at or after the deadline is the deadline's doing (e.g. a fan-out
        // plugin whose inner calls timed out first): the caller gets E_TIMEOUT, not the echo of it.
        this.settle(p, new ConductorError('E_TIMEOUT', `deadline passed (${error.code}: ${error.message})`));
      } else if (!this.retry(p, instance, error)) this.settle(p, error);
    }
    this.pump(entry);
  }

  /**
   * Retries once, on another instance, an idempotent request whose instance crashed (or whose
   * transport failed), if the budget allows. It goes to a free instance at once or to the front
   * of the queue when another routable instance is merely busy; otherwise no retry.
   */
  private retry(p: Pending, from: RoutableInstance, error: ConductorError): boolean {
    if (!p.idempotent || p.attempts >= 2 || error.code !== 'E_PLUGIN_CRASHED') return false;
    const entry = p.entry;
    if (!entry.registered || this.clock.now() >= p.deadline) return false;
    const instance = this.pick(entry, from);
    if (instance === null && (this.balancer.miss !== 'all-busy' || this.gate !== 'open')) return false;
    if (!entry.budget.tryAcquire()) return false;
    entry.metrics.retried();
    this.metrics.retried();
    p.excluded = from;
    if (instance !== null) this.dispatch(p, instance);
    else entry.queue.pushFront(p);
    return true;
  }

  /** Sends queued requests, oldest first, while instances can take them. Reentrant calls fold into the running one. */
  private pump(entry: PluginEntry): void {
    if (entry.pumping) {
      entry.pumpAgain = true;
      return;
    }
    entry.pumping = true;
    try {
      do {
        entry.pumpAgain = false;
        this.drainQueue(entry);
      } while (entry.pumpAgain);
    } finally {
      entry.pumping = false;
    }
  }

  private drainQueue(entry: PluginEntry): void {
    let node = entry.queue.peek();
    while (node !== null) {
      const instance = this.pick(entry, node.excluded);
      if (instance !== null) {
        entry.queue.remove(node);
        this.dispatch(node, instance);
        node = entry.queue.peek();
        continue;
      }
      if (node.excluded === null) {
        if (this.balancer.miss === 'all-refused') this.rejectQueued(entry, 'E_CIRCUIT_OPEN', `every instance of "${entry.name}" has its circuit open`);
        return;
      }
      // A retry that may not return to its crashed instance does not hold up the others.
      node = node.next;
    }
  }

  /** From the plugin's deadline queue, which never calls it before the deadline. */
  private onDeadline(p: Pending): void {
    if (p.settled) return;
    const queued = p.queued;
    // A call with a caller signal has its own controller; any other call's instance enforces the same deadline.
    p.controller?.abort(new ConductorError('E_TIMEOUT', 'the deadline passed'));
    this.settle(p, new ConductorError('E_TIMEOUT', queued ? 'the deadline passed while the request was queued' : 'the deadline passed', { deadline: p.deadline, queued }));
  }

  private onCallerAbort(p: Pending): void {
    if (p.settled) return;
    this.settle(p, new ConductorError('E_CONFLICT', CANCELLED));
    p.controller?.abort(p.signal?.reason);
  }

  /** Settles `p` exactly once: leaves the queue and the deadline queue, drops its listener, counts it, answers. */
  private settle(p: Pending, error: ConductorError | null, value?: unknown, now = this.clock.now()): void {
    if (p.settled) return;
    p.settled = true;
    if (p.queued) p.entry.queue.remove(p);
    p.entry.deadlines.remove(p);
    if (p.signal && p.onAbort) p.signal.removeEventListener('abort', p.onAbort);
    this.removeLive(p);
    const latency = now - p.startedAt;
    const code = error === null ? null : error.code;
    p.entry.metrics.end(latency, code, now);
    this.metrics.end(latency, code, now);
    if (error === null) p.resolve(value);
    else p.reject(error);
    if (this.liveCount === 0 && this.drainWaiters.size > 0) {
      for (const waiter of this.drainWaiters) {
        waiter.timer.dispose();
        waiter.done({ drained: true, remaining: 0 });
      }
      this.drainWaiters.clear();
    }
  }

  private addLive(p: Pending): void {
    p.liveNext = this.liveHead;
    if (this.liveHead !== null) this.liveHead.livePrev = p;
    this.liveHead = p;
    this.liveCount++;
  }

  private removeLive(p: Pending): void {
    const { livePrev, liveNext } = p;
    if (livePrev !== null) livePrev.liveNext = liveNext;
    else if (this.liveHead === p) this.liveHead = liveNext;
    else return; // not in the list
    if (liveNext !== null) liveNext.livePrev = livePrev;
    p.livePrev = null;
    p.liveNext = null;
    this.liveCount--;
  }

  private rejectQueued(entry: PluginEntry, code: ErrorCode, message: string): void {
    for (let p = entry.queue.shift(); p !== null; p = entry.queue.shift()) this.settle(p, new ConductorError(code, message, { plugin: entry.name }));
  }

  private unregister(entry: PluginEntry): void {
    if (!entry.registered) return;
    entry.registered = false;
    this.plugins.delete(entry.name);
    for (const capability of new Set(entry.plugin.capabilities)) {
      const list = this.byCapability.get(capability)?.filter((e) => e !== entry);
      if (list && list.length > 0) this.byCapability.set(capability, list);
      else this.byCapability.delete(capability);
    }
    this.rejectQueued(entry, 'E_PLUGIN_NOT_FOUND', `plugin "${entry.name}" was unregistered while the request was queued`);
  }

  /** Counts a request refused before admission and returns its error. */
  private refuse(entry: PluginEntry | null, code: ErrorCode, message: string, details?: Record<string, unknown>): ConductorError {
    entry?.metrics.rejected(code);
    this.metrics.rejected(code);
    return new ConductorError(code, message, details);
  }

  /** Time until the queue likely has room: smoothed latency × (queued + 1) / capacity, within [1 ms, the plugin's timeout]. */
  private estimateRetryAfter(entry: PluginEntry): number {
    let routable = 0;
    for (const instance of entry.plugin.instances()) if (instance.state === 'ready' || instance.state === 'degraded') routable++;
    if (entry.latencyEwma < 0 || routable === 0) return Math.ceil(Math.min(this.options.fallbackRetryAfterMs, entry.timeoutMs));
    const estimate = (entry.latencyEwma * (entry.queue.size + 1)) / (routable * entry.maxConcurrent);
    return Math.ceil(Math.min(Math.max(estimate, 1), entry.timeoutMs));
  }

  /** Scale-to-zero hook: no instance is ready, degraded or starting. */
  private wakeIfAsleep(entry: PluginEntry): void {
    if (!entry.plugin.onDemand) return;
    for (const instance of entry.plugin.instances()) {
      if (instance.state === 'starting' || instance.state === 'ready' || instance.state === 'degraded') return;
    }
    try {
      entry.plugin.onDemand();
    } catch (error) {
      this.hookFailed(entry, 'onDemand', error);
    }
  }

  private blockedReason(entry: PluginEntry): string | null {
    if (!entry.plugin.blocked) return null;
    try {
      return entry.plugin.blocked();
    } catch (error) {
      this.hookFailed(entry, 'blocked', error);
      return null;
    }
  }

  private callAdmit(plugin: RoutedPlugin, instance: RoutableInstance): boolean {
    if (!plugin.admit) return true;
    try {
      return plugin.admit(instance);
    } catch (error) {
      this.options.logger?.warn(`router: admit hook of "${plugin.name}" threw; admitting`, error);
      return true;
    }
  }

  private hookFailed(entry: PluginEntry, name: string, error: unknown): void {
    this.options.logger?.warn(`router: the ${name} hook of "${entry.name}" threw`, error);
  }

  private queuedTotal(): number {
    let n = 0;
    for (const entry of this.plugins.values()) n += entry.queue.size;
    return n;
  }

  // ── metrics ──────────────────────────────────────────────────────────────────────────────

  /** Overall metrics in the status's shape. */
  snapshot(): RequestMetrics {
    return this.metrics.snapshot();
  }

  /** Overall metrics with errors by code, queue depth and retries. */
  overallMetrics(): RouterRequestMetrics {
    return this.metrics.detail(this.queuedTotal());
  }

  /** One plugin's metrics (kept after it unregisters), or null if it never registered. */
  pluginMetrics(name: string): RouterRequestMetrics | null {
    return this.pluginMetricsByName.get(name)?.detail(this.plugins.get(name)?.queue.size ?? 0) ?? null;
  }

  /**
   * Hands over the per-minute rollups closed since the last call (by minute, then plugin), for
   * the store writer to persist in a batch. `flush` also closes the current minute (shutdown).
   */
  drainRollup(options: { flush?: boolean } = {}): MetricsRollup[] {
    const rows: MetricsRollup[] = [];
    for (const recorder of this.pluginMetricsByName.values()) rows.push(...recorder.takeRollups(options.flush === true));
    return rows.sort((a, b) => a.minute - b.minute || (a.plugin < b.plugin ? -1 : a.plugin > b.plugin ? 1 : 0));
  }
}
