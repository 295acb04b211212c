import type { PluginSummary } from '../../shared/domain';
import { ConductorError } from '../../shared/result';
import type { Clock } from '../common/clock';
import type { CrashCause } from '../health/crash-loop-detector';
import { CommandInstance } from './command/command-instance';
import { createInstance, type ManagedInstance } from './instance';
import type { InstanceExit, InstanceHost } from './instance-types';
import type { PluginHealth } from './plugin-health';
import type { PluginManagerOptions } from './plugin-manager-options';
import type { PluginSlot } from './plugin-slot';

/** How long a start failure's exit (code, last lines) is awaited for the crash cause. */
const START_EXIT_WAIT_MS = 3_000;

/** What starting and stopping instances needs from the plugin manager. */
export interface PluginInstancesDeps extends Pick<PluginManagerOptions, 'log' | 'clock' | 'router' | 'onChange' | 'runtimePath'> {
  /** What instances get from main (logs, state, outbound requests). */
  host: InstanceHost;
  /** The manager is stopping: nothing more is started. */
  isStopping(): boolean;
  healthOf(slot: PluginSlot): PluginHealth;
  audit(slot: PluginSlot, kind: string, data: Record<string, unknown>): void;
  setState(slot: PluginSlot, state: PluginSummary['state'], reason: string | undefined): void;
  /** The env an instance starts with, or why it cannot start. */
  resolveEnv(slot: PluginSlot): Record<string, string> | string;
  /** Why the plugin may not start yet ("waiting for "a" to be ready"), or null when its dependencies are ready. */
  waitingReason(slot: PluginSlot): string | null;
  /** Counts a crash; true when the plugin is now quarantined. */
  countCrash(slot: PluginSlot, cause: CrashCause): boolean;
  scheduleRestart(slot: PluginSlot): void;
  onInstanceExit(slot: PluginSlot, instance: ManagedInstance, exit: InstanceExit): void;
}

/**
 * A plugin's instances: starting them (a failed start counts as a crash), fitting their number to
 * the bounds and the scaler's target, rolling replacement, and drain-then-stop.
 */
export class PluginInstances {
  constructor(private readonly deps: PluginInstancesDeps) {}

  /**
   * Starts instances up to the target (the scaler's `desired` within the bounds, else `min`) and
   * drains those beyond it (beyond `max` when the scaler has not decided).
   */
  async fitToBounds(slot: PluginSlot): Promise<void> {
    if (this.deps.isStopping() || !slot.enabled || slot.quarantine) return;
    const clamp = (n: number) => Math.min(slot.max, Math.max(slot.min, n));
    const up = clamp(slot.desired ?? slot.min);
    const down = slot.desired === null ? slot.max : up;
    const running = slot.instances.filter((i) => i.state !== 'draining' && i.state !== 'stopped' && i.state !== 'crashed');
    if (running.length > down) {
      // Keep the serving ones; drain the not-yet-ready and then the newest.
      const order = [...running].sort((a, b) => Number(b.state === 'ready' || b.state === 'degraded') - Number(a.state === 'ready' || a.state === 'degraded'));
      await this.stopInstances(slot, order.slice(down), this.deps.clock.now() + 10_000);
    } else if (running.length < up) {
      await this.startInstances(slot, up - running.length);
    }
    if (slot.quarantine) return;
    if (slot.instances.length === 0 && up === 0) this.deps.setState(slot, 'idle', 'scaled to zero; starts on the next request');
    else if (slot.readyCount() > 0 && slot.state !== 'ready') this.deps.setState(slot, 'ready', undefined);
  }

  /** Rolling: each old instance is replaced by a new one that is ready before the old one drains. */
  async rollInstances(slot: PluginSlot): Promise<void> {
    const old = [...slot.instances];
    const env = this.deps.resolveEnv(slot);
    if (typeof env === 'string') throw new ConductorError('E_CONFLICT', env);
    if (old.length === 0) {
      await this.startInstances(slot, Math.max(1, slot.min));
      return;
    }
    for (const instance of old) {
      await this.startOne(slot, env);
      await this.stopInstances(slot, [instance], this.deps.clock.now() + 10_000);
    }
    if (slot.readyCount() > 0) this.deps.setState(slot, 'ready', undefined);
  }

  /** Starts `count` more instances in parallel; the plugin is ready when at least one is. */
  async startInstances(slot: PluginSlot, count: number): Promise<void> {
    if (count <= 0 || this.deps.isStopping() || slot.quarantine) return;
    // Every way to start a plugin's first instances comes here (startup, enable, a request that
    // wakes it, bounds, the scaler): none may start it before its dependencies are ready.
    const waiting = slot.instances.length === 0 ? this.deps.waitingReason(slot) : null;
    if (waiting !== null) {
      this.deps.setState(slot, 'stopped', waiting);
      return;
    }
    // A retry keeps the last failure visible until an instance is ready.
    const lastFailure = slot.reason?.startsWith('failed to start') || slot.reason?.startsWith('instance crashed') ? slot.reason : undefined;
    if (slot.instances.length === 0) this.deps.setState(slot, 'starting', lastFailure);
    const env = this.deps.resolveEnv(slot);
    if (typeof env === 'string') {
      this.deps.setState(slot, 'stopped', env);
      return;
    }
    const results = await Promise.allSettled(Array.from({ length: count }, () => this.startOne(slot, env)));
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (slot.quarantine) return;
    if (slot.readyCount() > 0) {
      this.deps.setState(slot, 'ready', undefined);
    } else if (failures.length > 0) {
      const cause = failures[0]!.reason instanceof Error ? failures[0]!.reason.message : String(failures[0]!.reason);
      this.deps.setState(slot, 'stopped', `failed to start: ${cause}`);
      this.deps.scheduleRestart(slot);
    }
  }

  /** Waits (bounded) for a failed start's exit, for its code and last lines. */
  private startExit(instance: ManagedInstance, seen: { exit: InstanceExit | null }): Promise<InstanceExit | null> {
    if (seen.exit) return Promise.resolve(seen.exit);
    return new Promise((resolve) => {
      const timer = this.deps.clock.setTimeout(() => {
        sub.dispose();
        resolve(seen.exit);
      }, START_EXIT_WAIT_MS);
      const sub = instance.onExit((exit) => {
        timer.dispose();
        sub.dispose();
        resolve(exit);
      });
    });
  }

  private async startOne(slot: PluginSlot, env: Record<string, string>): Promise<ManagedInstance> {
    const m = slot.manifest;
    const id = `${slot.name}#${slot.nextInstanceNo++}`;
    const instance: ManagedInstance = m.runtime === 'command' ? new CommandInstance({
      id,
      plugin: slot.name,
      dir: slot.plugin.dir,
      command: m.command!,
      env,
      host: this.deps.host,
      clock: this.deps.clock,
      startTimeoutMs: m.probes.startup.maxMs,
    }) : createInstance({
      id,
      plugin: slot.name,
      dir: slot.plugin.dir,
      entryPath: slot.plugin.entryPath!,
      isolation: m.isolation,
      config: slot.config,
      env,
      memoryLimitMb: m.memoryLimitMb,
      // Not ready within the startup limit: the start fails, and that counts as a crash.
      startTimeoutMs: m.probes.startup.maxMs,
      host: this.deps.host,
      clock: this.deps.clock,
      ...(this.deps.runtimePath ? { runtimePath: this.deps.runtimePath } : {}),
    });
    slot.instances.push(instance);
    const health = this.deps.healthOf(slot);
    const startedAt = this.deps.clock.now();
    health.watch(instance, startedAt);
    const seen: { exit: InstanceExit | null } = { exit: null };
    let starting = true;
    const subs = [
      instance.onStateChange((state, previous) => {
        this.deps.log.debug(`${id}: ${previous} → ${state}`);
        this.deps.router.instancesChanged(slot.name);
        this.deps.onChange();
      }),
      instance.onExit((exit) => {
        if (starting) seen.exit = exit;
        else this.deps.onInstanceExit(slot, instance, exit);
      }),
    ];
    slot.disposables.set(instance, subs);
    try {
      await instance.start();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const exit = (error as { code?: unknown }).code === 'E_SHUTTING_DOWN' ? null : await this.startExit(instance, seen);
      const peakRssBytes = health.peakRssBytes(instance);
      this.forget(slot, instance);
      this.deps.audit(slot, 'instance.start-failed', { instance: id, error: message, code: exit?.code ?? null, signal: exit?.signal ?? null, lastLines: exit?.lastLines.slice(-10) ?? [] });
      // A start that failed (activate threw, exited, or not ready in time) counts as a crash.
      if (exit && !exit.expected) {
        // Activate threw or it was not ready in time: the instance ended the process, so the exit says nothing.
        const code = (error as { code?: unknown }).code;
        const endedByUs = code === 'E_PLUGIN_ERROR' || code === 'E_TIMEOUT';
        const lastLines = exit.lastLines.length > 0 ? exit.lastLines : [message];
        this.deps.countCrash(slot, { exitCode: exit.code, signal: exit.signal, lastLines, peakRssBytes, at: this.deps.clock.now(), ...(endedByUs ? { startFailure: message } : {}) });
      }
      throw error;
    } finally {
      starting = false;
    }
    health.activated(instance, this.deps.clock.now());
    health.backoff.onUp();
    this.deps.audit(slot, 'instance.started', { instance: id, pid: instance.pid, threadId: instance.threadId, slot: health.slotOf(instance) });
    this.deps.router.instancesChanged(slot.name);
    return instance;
  }

  /** Drops an instance that stopped or exited: its subscriptions, health watch and routing. */
  forget(slot: PluginSlot, instance: ManagedInstance): void {
    const at = slot.instances.indexOf(instance);
    if (at >= 0) slot.instances.splice(at, 1);
    for (const d of slot.disposables.get(instance) ?? []) d.dispose();
    slot.disposables.delete(instance);
    slot.health?.unwatch(instance);
    slot.recycling.delete(instance);
    this.deps.router.instancesChanged(slot.name);
  }

  /** Drain (no new calls, in-flight finish), then stop; bounded by `deadline`. */
  async stopInstances(slot: PluginSlot, instances: ManagedInstance[], deadline: number): Promise<void> {
    for (const i of instances) i.drain();
    this.deps.router.instancesChanged(slot.name);
    await Promise.all(
      instances.map(async (i) => {
        const drainBy = Math.min(deadline, this.deps.clock.now() + 5_000);
        await waitFor(() => i.inFlight === 0, drainBy, this.deps.clock);
        await i.stop({ deadline });
        this.deps.audit(slot, 'instance.stopped', { instance: i.id });
        this.forget(slot, i);
      }),
    );
  }
}

/** Resolves when `check()` holds or the deadline passes, re-checking on short clock timers. */
function waitFor(check: () => boolean, deadline: number, clock: Clock): Promise<void> {
  return new Promise((resolve) => {
    const poll = () => {
      if (check() || clock.now() >= deadline) return resolve();
      clock.setTimeout(poll, 20);
    };
    poll();
  });
}
