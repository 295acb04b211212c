/**
 * One plugin's health machinery, kept out of the plugin manager: the slot breakers (router hooks),
 * the restart backoff and crash-loop detector, and per instance its probe tracker and memory
 * watchdog — all driven by the conductor-wide health tick (`tick(now)`), with no timers of their
 * own. The manager tells it when instances start, become active and go away, and carries out what
 * it asks for (`recycle`).
 */
import type { ErrorCode } from '../../shared/result';
import type { Clock } from '../common/clock';
import type { Disposable } from '../common/disposable';
import type { CircuitBreakerOptions, CircuitState } from '../health/circuit-breaker';
import { CrashLoopDetector, type CrashCause } from '../health/crash-loop-detector';
import { MemoryWatchdog } from '../health/memory-watchdog';
import type { ProbeHistory } from '../health/probe-history';
import { ProbeTracker, type ProbeTicket } from '../health/probe-tracker';
import { RestartBackoff, type RestartBackoffOptions } from '../health/restart-backoff';
import { SlotBreakers } from '../health/slot-breakers';
import type { ManagedInstance } from './instance';
import type { RoutableInstance } from './instance-types';
import type { PluginManifest } from './manifest';

/** Tuning the manifest does not carry (tests shorten the breaker and backoff through these). */
export interface PluginHealthTuning {
  breaker?: Partial<CircuitBreakerOptions>;
  backoff?: Partial<RestartBackoffOptions>;
  /** Consecutive samples over `memoryLimitMb` before recycling. Default 3. */
  memorySamples?: number;
}

export type RecycleCause = 'liveness' | 'startup' | 'memory';

export interface PluginHealthHooks {
  clock: Pick<Clock, 'now'>;
  history: ProbeHistory | null;
  tuning: PluginHealthTuning;
  /** Stores an event of this plugin. */
  record(kind: string, data: Record<string, unknown>): void;
  /** The router should look at the plugin's instances again (breaker half-open/closed, readiness). */
  instancesChanged(): void;
  onChange(): void;
  /** Replace `instance`: liveness/startup → kill (counts as a crash); memory → drain and replace. */
  recycle(instance: ManagedInstance, cause: RecycleCause, reason: string): void;
}

interface Watched {
  instance: ManagedInstance;
  slot: number;
  startedAt: number;
  tracker: ProbeTracker | null;
  watchdog: MemoryWatchdog;
  lastHeartbeatAt: number | null;
  subscriptions: Disposable[];
}

const SERVING = new Set(['ready', 'degraded', 'unready']);

export class PluginHealth implements Disposable {
  readonly breakers: SlotBreakers<RoutableInstance>;
  readonly backoff: RestartBackoff;
  readonly crashLoop: CrashLoopDetector;
  private readonly watched = new Map<ManagedInstance, Watched>();
  private readonly bySlot = new Map<number, ManagedInstance>();
  private readonly subscription: Disposable;

  constructor(
    private manifest: PluginManifest,
    private readonly hooks: PluginHealthHooks,
  ) {
    const clock = hooks.clock;
    this.breakers = new SlotBreakers<RoutableInstance>({ breaker: hooks.tuning.breaker ?? {} }, clock);
    this.backoff = new RestartBackoff(hooks.tuning.backoff, clock);
    this.crashLoop = new CrashLoopDetector({ maxCrashes: manifest.restart.maxCrashes, windowMs: manifest.restart.windowMs });
    this.subscription = this.breakers.on('change', ({ slot, transition }) => {
      const kind = transition.to === 'closed' ? 'breaker.close' : `breaker.${transition.to}`;
      const data: Record<string, unknown> = { slot, instance: this.bySlot.get(slot)?.id ?? null, from: transition.from, reason: transition.reason };
      if (transition.to === 'open' && 'openMs' in transition) {
        data.openMs = transition.openMs;
        data.consecutiveOpens = transition.consecutiveOpens;
      }
      this.hooks.record(kind, data);
      if (transition.to !== 'open') this.hooks.instancesChanged();
      this.hooks.onChange();
    });
  }

  /** A new manifest (upgrade): probes and memory limits of instances started from now on. */
  setManifest(manifest: PluginManifest): void {
    this.manifest = manifest;
  }

  // ---- router hooks ----

  readonly admit = (instance: RoutableInstance): boolean => this.breakers.admit(instance);
  readonly onCallStart = (instance: RoutableInstance): void => this.breakers.onCallStart(instance);
  /**
   * A timeout counts against the instance only when the call ran for at least half the plugin's
   * own `requestTimeoutMs`: a caller that set a shorter deadline (a nested request bounded by its
   * outer deadline, a quick `timeoutMs`) cut the call short — that says nothing about the
   * instance, and is released like a cancelled call. A plugin that hangs is still caught (its calls
   * time out at the full timeout) and, when wedged, by the liveness probe.
   */
  onCallResult(instance: RoutableInstance, ok: boolean, latencyMs: number, code: ErrorCode | null): void {
    if (!ok && code === 'E_TIMEOUT' && latencyMs < this.manifest.requestTimeoutMs / 2) {
      this.breakers.breakerOf(instance)?.release(latencyMs);
      return;
    }
    this.breakers.onCallResult(instance, ok, latencyMs, code);
  }

  // ---- instances ----

  /**
   * A new instance: bound to the lowest free slot index, so the replacement of a crashed or
   * recycled instance takes its slot (and inherits the slot's breaker).
   */
  watch(instance: ManagedInstance, startedAt: number): number {
    let slot = 0;
    while (this.bySlot.has(slot) && slot < this.breakers.options.maxSlots - 1) slot++;
    this.breakers.bind(instance, slot);
    this.bySlot.set(slot, instance);
    const watchdog = new MemoryWatchdog({ limitBytes: this.manifest.memoryLimitMb * 1024 * 1024, samples: this.hooks.tuning.memorySamples ?? 3 });
    const w: Watched = { instance, slot, startedAt, tracker: null, watchdog, lastHeartbeatAt: null, subscriptions: [] };
    w.subscriptions.push(watchdog.on('recycle', (t) => this.hooks.recycle(instance, 'memory', t.reason)));
    this.watched.set(instance, w);
    return slot;
  }

  /** The instance finished `activate()`: probes start (failures in the startup grace do not count). */
  activated(instance: ManagedInstance, now: number): void {
    const w = this.watched.get(instance);
    if (!w || w.tracker) return;
    const p = this.manifest.probes;
    const tracker = new ProbeTracker(
      {
        liveness: p.liveness,
        readiness: p.readiness,
        startup: p.startup,
        startupProbeIntervalMs: Math.min(1000, p.readiness.intervalMs),
        subject: instance.id,
        history: this.hooks.history,
      },
      w.startedAt,
    );
    w.tracker = tracker;
    w.subscriptions.push(
      tracker.on('readiness', (t) => {
        instance.setReadiness(t.to);
        this.hooks.record('instance.readiness', { instance: instance.id, from: t.from, to: t.to, reason: t.reason });
        this.hooks.instancesChanged();
        this.hooks.onChange();
      }),
      tracker.on('liveness', (t) => this.hooks.recycle(instance, t.cause, t.reason)),
    );
    tracker.onActivated(now);
  }

  /** The instance is gone (stopped, crashed, failed to start). */
  unwatch(instance: ManagedInstance): void {
    const w = this.watched.get(instance);
    if (!w) return;
    for (const s of w.subscriptions) s.dispose();
    this.watched.delete(instance);
    if (this.bySlot.get(w.slot) === instance) this.bySlot.delete(w.slot);
  }

  slotOf(instance: ManagedInstance): number | null {
    return this.watched.get(instance)?.slot ?? null;
  }

  breakerState(instance: RoutableInstance): CircuitState {
    return this.breakers.breakerOf(instance)?.state ?? 'closed';
  }

  peakRssBytes(instance: ManagedInstance): number | null {
    const peak = this.watched.get(instance)?.watchdog.peakRssBytes ?? 0;
    return peak > 0 ? peak : (instance.memory?.rss ?? null);
  }

  // ---- restarts ----

  /** Records a crash; true when the plugin is (now) quarantined. */
  onCrash(cause: CrashCause): boolean {
    return this.crashLoop.onCrash(cause);
  }

  /** A person retried: forget the crashes, start a fresh backoff, close the breakers. */
  retry(now: number): void {
    this.crashLoop.retry(now);
    this.backoff.reset();
    this.breakers.resetAll('plugin retried');
  }

  // ---- the health tick ----

  tick(now: number): void {
    this.breakers.tick();
    this.backoff.onStable(now);
    for (const w of this.watched.values()) {
      const instance = w.instance;
      if (!SERVING.has(instance.state) || w.tracker === null) continue;
      for (const ticket of w.tracker.due(now)) this.runProbe(w.tracker, instance, ticket);
      if (instance.lastHeartbeatAt !== null && instance.lastHeartbeatAt !== w.lastHeartbeatAt && instance.memory) {
        w.lastHeartbeatAt = instance.lastHeartbeatAt;
        // A thread shares the conductor's RSS: its own heap is what it can be blamed for.
        w.watchdog.sample(instance.threadId !== null ? instance.memory.heapUsed : instance.memory.rss, now);
      }
    }
  }

  private runProbe(tracker: ProbeTracker, instance: ManagedInstance, ticket: ProbeTicket): void {
    const now = () => this.hooks.clock.now();
    const failed = (error: unknown) => tracker.report(ticket, 'fail', now(), error instanceof Error ? error.message : String(error));
    if (ticket.kind === 'liveness') {
      instance.ping(ticket.timeoutMs).then(() => tracker.report(ticket, 'ok', now()), failed);
    } else {
      instance.checkHealth(ticket.timeoutMs).then((h) => tracker.report(ticket, h.status === 'down' ? 'fail' : h.status, now(), h.message), failed);
    }
  }

  dispose(): void {
    for (const instance of [...this.watched.keys()]) this.unwatch(instance);
    this.subscription.dispose();
    this.breakers.dispose();
  }
}
