import type { PluginSummary } from '../../shared/domain';
import type { CrashCause } from '../health/crash-loop-detector';
import type { ManagedInstance } from './instance';
import type { InstanceExit } from './instance-types';
import type { PluginHealth, RecycleCause } from './plugin-health';
import type { PluginManagerOptions } from './plugin-manager-options';
import type { PluginSlot } from './plugin-slot';

/** What crash handling needs from the plugin manager. */
export interface PluginCrashHandlingDeps extends Pick<PluginManagerOptions, 'log' | 'clock' | 'store' | 'router' | 'onChange'> {
  /** The manager is stopping: nothing is restarted or recycled. */
  isStopping(): boolean;
  healthOf(slot: PluginSlot): PluginHealth;
  audit(slot: PluginSlot, kind: string, data: Record<string, unknown>): void;
  setState(slot: PluginSlot, state: PluginSummary['state'], reason: string | undefined): void;
  unregister(slot: PluginSlot): void;
  forget(slot: PluginSlot, instance: ManagedInstance): void;
  stopInstances(slot: PluginSlot, instances: ManagedInstance[], deadline: number): Promise<void>;
  fitToBounds(slot: PluginSlot): Promise<void>;
}

/**
 * What happens when instances crash or go bad: a crash is counted (a crash loop quarantines the
 * plugin, kept across restarts until retried or enabled), a crashed instance is replaced after the
 * restart backoff, and an instance the health monitor gave up on is recycled.
 */
export class PluginCrashHandling {
  constructor(private readonly deps: PluginCrashHandlingDeps) {}

  /** An instance exited: unexpected while it was running, it is a crash (or the end of a recycle). */
  onInstanceExit(slot: PluginSlot, instance: ManagedInstance, exit: InstanceExit): void {
    const wasRunning = slot.instances.includes(instance);
    const recycled = slot.recycling.get(instance);
    const peakRssBytes = slot.health?.peakRssBytes(instance) ?? null;
    this.deps.forget(slot, instance);
    if (exit.expected || !wasRunning) return;
    const how = exit.signal ? `signal ${exit.signal}` : `exit code ${String(exit.code)}`;
    this.deps.log.warn(`${instance.id} ${recycled ? `recycled (${recycled})` : `crashed (${how})`}`);
    const data: Record<string, unknown> = { instance: instance.id, code: exit.code, signal: exit.signal, lastLines: exit.lastLines.slice(-10) };
    if (recycled) data.recycled = recycled;
    this.deps.audit(slot, 'instance.crashed', data);
    const lastLines = recycled ? [...exit.lastLines, `recycled: ${recycled}`] : exit.lastLines;
    if (this.countCrash(slot, { exitCode: exit.code, signal: exit.signal, lastLines, peakRssBytes, at: this.deps.clock.now() })) return;
    if (slot.readyCount() === 0) this.deps.setState(slot, 'starting', `instance crashed (${how}); restarting`);
    this.scheduleRestart(slot);
    this.deps.onChange();
  }

  /** Feeds the crash-loop detector; true when the plugin is now quarantined. */
  countCrash(slot: PluginSlot, cause: CrashCause): boolean {
    if (slot.quarantine) return true;
    const health = this.deps.healthOf(slot);
    if (!health.onCrash(cause)) return false;
    this.quarantine(slot, health.crashLoop.reason ?? 'crash loop', health.crashLoop.cause ?? cause);
    return true;
  }

  /**
   * Crash loop: not restarted until `plugins:retry`. Unregistered from the router (requests fail
   * at once, as for a disabled plugin); instances still running are stopped. The cause is kept in
   * status and stored as a `plugin.quarantined` event.
   */
  private quarantine(slot: PluginSlot, reason: string, cause: CrashCause): void {
    slot.restartTimer?.dispose();
    slot.restartTimer = null;
    slot.quarantine = { reason, exitCode: cause.exitCode, signal: cause.signal, lastLines: [...cause.lastLines], peakRssBytes: cause.peakRssBytes, at: cause.at };
    this.deps.log.error(`plugin ${slot.name} quarantined: ${reason}`);
    this.deps.audit(slot, 'plugin.quarantined', { ...slot.quarantine });
    this.saveQuarantine(slot);
    this.deps.unregister(slot);
    this.deps.setState(slot, 'quarantined', reason);
    const rest = slot.instances.filter((i) => i.state !== 'stopped' && i.state !== 'crashed');
    if (rest.length > 0) void this.deps.stopInstances(slot, rest, this.deps.clock.now() + 10_000);
  }

  /** Kept across conductor restarts: a crash-looping plugin stays quarantined until retried. */
  private saveQuarantine(slot: PluginSlot): void {
    try {
      this.deps.store.pluginSettings.setQuarantine(slot.name, slot.quarantine ?? null);
    } catch (error) {
      this.deps.log.warn(`could not save the quarantine of ${slot.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Leaves quarantine (retry or enable): fresh crash count, backoff and breakers. */
  release(slot: PluginSlot, why: string): void {
    const now = this.deps.clock.now();
    this.deps.healthOf(slot).retry(now);
    if (slot.quarantine) this.deps.audit(slot, 'plugin.released', { reason: why });
    slot.quarantine = undefined;
    this.saveQuarantine(slot);
    this.deps.setState(slot, 'stopped', undefined);
  }

  /**
   * The health monitor gave up on an instance. Liveness/startup: kill it — its exit is a crash
   * (with the reason in the cause). Memory: drain it, start its replacement, then stop it.
   */
  recycle(slot: PluginSlot, instance: ManagedInstance, cause: RecycleCause, reason: string): void {
    if (this.deps.isStopping() || slot.recycling.has(instance) || !slot.instances.includes(instance)) return;
    const what = `${cause}: ${reason}`;
    slot.recycling.set(instance, what);
    this.deps.log.warn(`${instance.id}: recycling (${what})`);
    this.deps.audit(slot, 'instance.recycled', { instance: instance.id, cause, reason });
    if (cause !== 'memory') {
      instance.kill();
      return;
    }
    slot.restarts++;
    instance.drain();
    this.deps.router.instancesChanged(slot.name);
    void slot.serialize(async () => {
      await this.deps.fitToBounds(slot);
      if (slot.instances.includes(instance)) await this.deps.stopInstances(slot, [instance], this.deps.clock.now() + 5_000);
    });
  }

  /** Replaces a crashed instance after the plugin's restart backoff (first ≤ 250 ms, growing). */
  scheduleRestart(slot: PluginSlot): void {
    if (this.deps.isStopping() || !slot.enabled || slot.quarantine) return;
    // Counted when the crash is seen: one timer replaces every instance that crashed meanwhile
    // (and the scaler may replace one first), but each crash is one restart.
    slot.restarts++;
    if (slot.restartTimer) return;
    const delay = this.deps.healthOf(slot).backoff.nextDelay();
    slot.restartTimer = this.deps.clock.setTimeout(() => {
      slot.restartTimer = null;
      void slot.serialize(() => this.deps.fitToBounds(slot));
    }, Math.round(delay));
  }
}
