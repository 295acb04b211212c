import type { PluginDetail, PluginMetrics, PluginSummary } from '../../shared/domain';
import type { ErrorCode } from '../../shared/result';
import { ConductorError } from '../../shared/result';
import type { Disposable } from '../common/disposable';
import type { ComponentReport, HealthReporter } from '../common/health';
import type { Service, StopOptions } from '../common/service';
import type { CrashCause } from '../health/crash-loop-detector';
import type { ScalingDecision } from '../scaler/scaling-policy';
import type { ScalingTarget } from '../scaler/scaler';
import type { DiscoveredPlugin } from './discovery';
import type { ManagedInstance } from './instance';
import type { InstanceExit, RoutableInstance } from './instance-types';
import { InstanceUsage } from './instance-usage';
import { PluginCrashHandling } from './plugin-crash-handling';
import { PluginHealth } from './plugin-health';
import { createPluginInstanceHost } from './plugin-instance-host';
import { PluginInstances } from './plugin-instances';
import { PluginInstallOps } from './plugin-install-ops';
import type { PluginManagerOptions } from './plugin-manager-options';
import { scalingInputOf, scalingSummaryOf } from './plugin-scaling';
import { PluginSettingsOps } from './plugin-settings-ops';
import { PluginSlot } from './plugin-slot';
import { dependencyLevels } from './dependency-levels';
import { PluginDependencies } from './plugin-dependencies';

export type { PluginManagerOptions };

/**
 * Startup step 7 and plugin management: starts each enabled plugin's instances in dependency
 * order (a plugin starts only once its dependencies are ready), registers it with the router,
 * replaces crashed instances, and carries out enable/disable/restart/bounds/install/uninstall.
 * Stop drains the router (bounded), then stops the plugins in reverse dependency order.
 */
export class PluginManager implements Service, HealthReporter, ScalingTarget {
  private readonly slots = new Map<string, PluginSlot>();
  private readonly order: PluginSlot[] = [];
  private stopping = false;
  private tickSubscription: Disposable | null = null;
  private readonly usage: InstanceUsage | null;
  private readonly usageOf = (pid: number | null) => this.usage?.of(pid);
  private readonly settings: PluginSettingsOps;
  private readonly crashes: PluginCrashHandling;
  private readonly instances: PluginInstances;
  private readonly installOps: PluginInstallOps;
  private readonly dependencies: PluginDependencies;

  // Instances' deadline timers never fire early: their DeadlineQueue re-arms an early timer.
  constructor(private readonly options: PluginManagerOptions) {
    this.usage = options.processSampler ? new InstanceUsage(options.processSampler, options.log, () => options.onChange()) : null;
    // The parts' narrow views of the manager: each takes what its deps interface names.
    const parts = {
      ...options,
      onChange: () => options.onChange(),
      record: (kind: string, source: string, data: Record<string, unknown>) => options.record(kind, source, data),
      isStopping: () => this.stopping,
      find: (name: string) => this.slots.get(name),
      slot: (name: string) => this.slot(name),
      validSlot: (name: string) => {
        const slot = this.slot(name);
        this.assertValid(slot);
        return slot;
      },
      all: () => this.order,
      addSlot: (plugin: DiscoveredPlugin) => this.addSlot(plugin),
      removeSlot: (name: string, slot: PluginSlot) => {
        this.slots.delete(name);
        this.order.splice(this.order.indexOf(slot), 1);
      },
      detail: (name: string) => this.detail(name),
      summaryOf: (slot: PluginSlot) => this.summaryOf(slot),
      audit: (slot: PluginSlot, kind: string, data: Record<string, unknown>) => this.audit(slot, kind, data),
      setState: (slot: PluginSlot, state: PluginSummary['state'], reason: string | undefined) => this.setState(slot, state, reason),
      healthOf: (slot: PluginSlot) => this.healthOf(slot),
      register: (slot: PluginSlot) => this.register(slot),
      unregister: (slot: PluginSlot) => this.unregister(slot),
      bringUp: (slot: PluginSlot) => this.bringUp(slot),
      waitingReason: (slot: PluginSlot) => this.dependencies.waitingReason(slot),
      applySaved: (slot: PluginSlot) => this.settings.applySaved(slot),
      resolveEnv: (slot: PluginSlot) => this.settings.resolveEnv(slot),
      forget: (slot: PluginSlot, instance: ManagedInstance) => this.instances.forget(slot, instance),
      stopInstances: (slot: PluginSlot, instances: ManagedInstance[], deadline: number) => this.instances.stopInstances(slot, instances, deadline),
      rollInstances: (slot: PluginSlot) => this.instances.rollInstances(slot),
      fitToBounds: (slot: PluginSlot) => this.instances.fitToBounds(slot),
      countCrash: (slot: PluginSlot, cause: CrashCause) => this.crashes.countCrash(slot, cause),
      scheduleRestart: (slot: PluginSlot) => this.crashes.scheduleRestart(slot),
      onInstanceExit: (slot: PluginSlot, instance: ManagedInstance, exit: InstanceExit) => this.crashes.onInstanceExit(slot, instance, exit),
      secretValuesOf: (plugin: string) => this.slots.get(plugin)?.secretValues,
    };
    this.settings = new PluginSettingsOps(parts);
    this.crashes = new PluginCrashHandling(parts);
    this.instances = new PluginInstances({ ...parts, host: createPluginInstanceHost(parts) });
    this.installOps = new PluginInstallOps(parts);
    this.dependencies = new PluginDependencies(parts);
  }

  // ---- lifecycle ----

  /**
   * Starts the enabled plugins: those that depend on none of them at once, together; each other
   * plugin as soon as its dependencies are ready (`PluginDependencies`). Resolves once every
   * level of the dependency graph has settled. A plugin whose dependency did not become ready
   * stays waiting (routable: its requests queue) until that dependency is ready, however late.
   */
  async start(): Promise<void> {
    this.tickSubscription = this.options.healthTick?.onTick('plugins', (tick) => this.onHealthTick(tick.now)) ?? null;
    for (const plugin of this.options.discovered()) this.addSlot(plugin);
    const startable: PluginSlot[] = [];
    for (const slot of this.order) {
      if (slot.state === 'invalid') continue;
      this.settings.applySaved(slot);
      if (!slot.enabled) {
        this.setState(slot, 'disabled', undefined);
        continue;
      }
      if (slot.quarantine) {
        this.options.log.warn(`plugin ${slot.name} is still quarantined from an earlier run (${slot.quarantine.reason}); retry it to start it`);
        this.setState(slot, 'quarantined', slot.quarantine.reason);
        continue;
      }
      this.register(slot);
      startable.push(slot);
    }
    // Status names what each dependent waits for from the start; it starts as soon as that is
    // ready (`PluginDependencies.stateChanged`), possibly before the rest of its dependency's level.
    for (const slot of startable) {
      const waiting = this.dependencies.waitingReason(slot);
      if (waiting !== null) this.setState(slot, 'stopped', waiting);
    }
    for (const level of dependencyLevels(startable)) {
      if (this.stopping) break;
      // Skipped when something else got to it first (its dependency's readiness, a request).
      await Promise.all(level.map((slot) => slot.serialize(async () => (this.untouched(slot) ? this.bringUp(slot) : undefined))));
    }
    this.options.onChange();
  }

  /** Still as startup left it: enabled, stopped, no instance, no restart pending (nothing else started it meanwhile). */
  private untouched(slot: PluginSlot): boolean {
    return slot.enabled && slot.state === 'stopped' && slot.instances.length === 0 && slot.restartTimer === null;
  }

  async stop(opts: StopOptions = {}): Promise<void> {
    this.stopping = true;
    this.tickSubscription?.dispose();
    this.tickSubscription = null;
    const deadline = opts.deadline ?? this.options.clock.now() + 10_000;
    for (const slot of this.order) {
      slot.restartTimer?.dispose();
      slot.restartTimer = null;
    }
    // In-flight requests drain first (bounded: half of this step's time), then instances stop.
    const drainBy = this.options.clock.now() + Math.max(0, (deadline - this.options.clock.now()) / 2);
    const drained = await this.options.router.drain(drainBy);
    if (!drained.drained) this.options.log.warn(`${drained.remaining} request(s) still in flight at the drain deadline`);
    for (const slot of [...this.order].reverse()) {
      if (slot.instances.length === 0) continue;
      this.setState(slot, 'stopping', undefined);
      await this.instances.stopInstances(slot, [...slot.instances], deadline);
      this.setState(slot, 'stopped', 'conductor stopped');
    }
    for (const slot of this.order) {
      slot.routerRegistration?.dispose();
      slot.health?.dispose();
    }
  }

  health(): ComponentReport {
    let running = 0;
    let problems = 0;
    for (const slot of this.order) {
      if (slot.state === 'ready' || slot.state === 'idle') running++;
      if (slot.state === 'invalid' || slot.state === 'quarantined' || (slot.enabled && slot.state === 'stopped')) problems++;
    }
    const message = `${running} of ${this.order.length} plugin(s) running`;
    return problems > 0 ? { state: 'degraded', message: `${message}, ${problems} with problems` } : { state: 'ready', message };
  }

  // ---- queries ----

  summaries(): PluginSummary[] {
    return this.order.map((slot) => this.summaryOf(slot));
  }

  detail(name: string): PluginDetail {
    const slot = this.slot(name);
    const manifest = slot.plugin.manifest;
    const { env, secretStorage } = this.settings.envDetail(slot);
    const events = this.options.store.events.query({ source: `plugin:${slot.name}`, limit: 50 });
    const configSchema = manifest ? structuredClone(manifest.config) : undefined;
    return { ...this.summaryOf(slot), config: slot.config, env, secretStorage, ...(configSchema ? { configSchema } : {}), events };
  }

  /** `plugins:setConfig`: validated, saved, applied by a rolling restart (see PluginSettingsOps). */
  setConfig(name: string, overrides: Record<string, unknown>): Promise<PluginDetail> {
    return this.settings.setConfig(name, overrides);
  }

  /** `plugins:setEnv`: stored in the secret store, applied by a rolling restart (see PluginSettingsOps). */
  setEnv(name: string, values: Record<string, string | null>): Promise<PluginDetail> {
    return this.settings.setEnv(name, values);
  }

  // ---- management commands ----

  enable(name: string): Promise<PluginSummary> {
    const slot = this.slot(name);
    this.assertValid(slot);
    return slot.serialize(async () => {
      this.options.store.pluginSettings.setEnabled(slot.name, true);
      slot.enabled = true;
      this.audit(slot, 'plugin.enabled', {});
      if (slot.quarantine) this.crashes.release(slot, 'enabled');
      if (!slot.routerRegistration) this.register(slot);
      if (slot.instances.length === 0) await this.bringUp(slot);
      return this.summaryOf(slot);
    });
  }

  disable(name: string): Promise<PluginSummary> {
    const slot = this.slot(name);
    this.assertValid(slot);
    return slot.serialize(async () => {
      this.options.store.pluginSettings.setEnabled(slot.name, false);
      slot.enabled = false;
      slot.restartTimer?.dispose();
      slot.restartTimer = null;
      slot.desired = null;
      this.audit(slot, 'plugin.disabled', {});
      // A disabled plugin is not routable: its requests fail at once (E_PLUGIN_NOT_FOUND / E_NOT_FOUND)
      // instead of queueing until their deadline. Calls already sent finish while the instances drain.
      this.unregister(slot);
      this.setState(slot, 'stopping', undefined);
      await this.instances.stopInstances(slot, [...slot.instances], this.options.clock.now() + 10_000);
      this.setState(slot, 'disabled', undefined);
      return this.summaryOf(slot);
    });
  }

  /** Rolling: each old instance is replaced by a new one that is ready before the old one drains. */
  restart(name: string): Promise<PluginSummary> {
    const slot = this.slot(name);
    this.assertValid(slot);
    if (!slot.enabled) throw new ConductorError('E_CONFLICT', `plugin "${name}" is disabled; enable it instead`);
    return slot.serialize(async () => {
      this.audit(slot, 'plugin.restart', { instances: slot.instances.length });
      await this.instances.rollInstances(slot);
      return this.summaryOf(slot);
    });
  }

  /**
   * `plugins:retry`: a quarantined plugin starts again with a fresh backoff and crash count (its
   * breakers closed). While quarantined it is not routable: its requests fail at once, like a
   * disabled plugin's (E_PLUGIN_NOT_FOUND by name, E_NOT_FOUND by capability).
   */
  retry(name: string): Promise<PluginSummary> {
    const slot = this.slot(name);
    this.assertValid(slot);
    if (!slot.enabled) throw new ConductorError('E_CONFLICT', `plugin "${name}" is disabled; enable it instead`);
    if (slot.state !== 'quarantined') throw new ConductorError('E_CONFLICT', `plugin "${name}" is not quarantined (it is ${slot.state})`);
    return slot.serialize(async () => {
      this.crashes.release(slot, 'retried');
      this.register(slot);
      await this.bringUp(slot);
      return this.summaryOf(slot);
    });
  }

  setBounds(name: string, min: number, max: number): Promise<PluginSummary> {
    const slot = this.slot(name);
    this.assertValid(slot);
    if (min > max) throw new ConductorError('E_BAD_REQUEST', 'min must be ≤ max', { field: 'min' });
    return slot.serialize(async () => {
      this.options.store.pluginSettings.setBounds(slot.name, min, max);
      slot.min = min;
      slot.max = max;
      if (slot.desired !== null) slot.desired = Math.min(max, Math.max(min, slot.desired));
      this.audit(slot, 'plugin.bounds', { min, max });
      if (slot.enabled) await this.instances.fitToBounds(slot);
      return this.summaryOf(slot);
    });
  }

  /** `plugins:install`: a new plugin, or an upgrade in place (see PluginInstallOps). */
  install(path: string): Promise<{ name: string; version: string; upgradedFrom?: string; plugin: PluginSummary }> {
    return this.installOps.install(path);
  }

  /** `plugins:uninstall`: only plugins in the data dir, and not while needed (see PluginInstallOps). */
  uninstall(name: string, removeState: boolean): Promise<{ name: string; removedState: boolean }> {
    return this.installOps.uninstall(name, removeState);
  }

  // ---- internals ----

  private addSlot(plugin: DiscoveredPlugin): PluginSlot {
    const slot = new PluginSlot(plugin);
    const name = plugin.manifest?.name;
    if (name !== undefined && plugin.valid && this.slots.has(name)) return this.slots.get(name)!;
    // An invalid duplicate of a name already taken is still listed (keyed by its folder), with discovery's reason.
    if (name !== undefined && !this.slots.has(name)) this.slots.set(name, slot);
    else this.slots.set(plugin.dir, slot);
    this.order.push(slot);
    return slot;
  }

  private slot(name: string): PluginSlot {
    const slot = this.slots.get(name);
    if (!slot) throw new ConductorError('E_PLUGIN_NOT_FOUND', `no plugin named "${name}"`, { field: 'name' });
    return slot;
  }

  private assertValid(slot: PluginSlot): void {
    if (slot.state === 'invalid' || !slot.plugin.valid) {
      throw new ConductorError('E_CONFLICT', `plugin "${slot.name}" is invalid: ${slot.reason ?? 'bad manifest'}`);
    }
  }

  /** The plugin's breakers, backoff, crash-loop detector and probes, created on first use. */
  private healthOf(slot: PluginSlot): PluginHealth {
    if (slot.health) return slot.health;
    const health = new PluginHealth(slot.manifest, {
      clock: this.options.clock,
      history: this.options.probeHistory ?? null,
      tuning: this.options.healthTuning ?? {},
      record: (kind, data) => this.audit(slot, kind, data),
      instancesChanged: () => this.options.router.instancesChanged(slot.name),
      onChange: () => this.options.onChange(),
      recycle: (instance, cause, reason) => this.crashes.recycle(slot, instance, cause, reason),
    });
    slot.health = health;
    return health;
  }

  private register(slot: PluginSlot): void {
    slot.routerRegistration?.dispose();
    const m = slot.manifest;
    const health = this.healthOf(slot);
    const report = this.options.onCallResult;
    slot.routerRegistration = this.options.router.register({
      name: slot.name,
      capabilities: m.capabilities,
      requestTimeoutMs: m.requestTimeoutMs,
      queueLimit: m.queueLimit,
      maxConcurrentPerInstance: m.concurrency,
      instances: () => slot.instances,
      onDemand: () => this.onDemand(slot),
      blocked: () => this.dependencies.blockedReason(slot),
      admit: health.admit,
      onCallStart: health.onCallStart,
      onCallResult: (instance: RoutableInstance, ok: boolean, latencyMs: number, code: ErrorCode | null) => {
        health.onCallResult(instance, ok, latencyMs, code);
        report?.(slot.name, ok, latencyMs);
      },
    });
  }

  private unregister(slot: PluginSlot): void {
    slot.routerRegistration?.dispose();
    slot.routerRegistration = null;
  }

  private onDemand(slot: PluginSlot): void {
    if (this.stopping || !slot.enabled || slot.instances.length > 0 || slot.restartTimer) return;
    if (slot.state === 'quarantined' || slot.state === 'invalid') return;
    if (slot.desired !== null && slot.desired < 1) slot.desired = 1;
    // A plugin waiting for a dependency stays waiting (startInstances checks); the request queues.
    void slot.serialize(() => this.instances.startInstances(slot, 1));
  }

  /** Starts `min` instances once every dependency is ready; min 0 leaves the plugin idle. */
  private async bringUp(slot: PluginSlot): Promise<void> {
    if (this.stopping) return;
    const waiting = this.dependencies.waitingReason(slot);
    if (waiting !== null) {
      this.setState(slot, 'stopped', waiting);
      return;
    }
    const env = this.settings.resolveEnv(slot);
    if (typeof env === 'string') {
      this.setState(slot, 'stopped', env);
      return;
    }
    if (slot.reason?.startsWith('config:')) {
      this.setState(slot, 'stopped', slot.reason);
      return;
    }
    if (slot.min === 0) {
      this.setState(slot, 'idle', 'scaled to zero; starts on the next request');
      return;
    }
    await this.instances.startInstances(slot, slot.min);
  }

  private onHealthTick(now: number): void {
    if (this.stopping) return;
    for (const slot of this.order) slot.health?.tick(now);
    if (this.usage) {
      const pids: number[] = [];
      for (const slot of this.order) for (const i of slot.instances) if (i.pid !== null && i.state !== 'stopped' && i.state !== 'crashed') pids.push(i.pid);
      this.usage.refresh(pids);
    }
  }


  // ---- scaling target ----

  /** Every enabled, valid plugin that is running or idle, with its figures for this tick. */
  scalingInputs(): ReturnType<ScalingTarget['scalingInputs']> {
    if (this.stopping) return [];
    const rows: ReturnType<ScalingTarget['scalingInputs']> = [];
    for (const slot of this.order) {
      if (!slot.enabled || !slot.plugin.valid || slot.quarantine) continue;
      if (slot.state !== 'ready' && slot.state !== 'degraded' && slot.state !== 'idle' && slot.state !== 'starting') continue;
      rows.push({ plugin: slot.name, input: scalingInputOf(slot, this.options.router.pluginMetrics(slot.name)) });
    }
    return rows;
  }

  /** Starts or drains instances toward `decision.desired` (within the bounds); 0 → idle. */
  scaleTo(plugin: string, decision: ScalingDecision): void {
    const slot = this.slots.get(plugin);
    if (!slot || this.stopping || !slot.enabled || slot.quarantine || !slot.plugin.valid) return;
    slot.desired = Math.min(slot.max, Math.max(slot.min, decision.desired));
    void slot.serialize(() => this.instances.fitToBounds(slot));
  }

  /** The scaler's decision (changed or blocked), for status. */
  noteScalingDecision(plugin: string, decision: ScalingDecision): void {
    const slot = this.slots.get(plugin);
    if (!slot) return;
    slot.lastScaling = scalingSummaryOf(decision);
    this.options.onChange();
  }


  private setState(slot: PluginSlot, state: PluginSummary['state'], reason: string | undefined): void {
    if (slot.state === state && slot.reason === reason) return;
    const previous = slot.state;
    slot.state = state;
    slot.reason = reason;
    if (previous !== state) {
      const data: Record<string, unknown> = { from: previous, to: state };
      if (reason !== undefined) data.reason = reason;
      this.options.record('plugin.state', `plugin:${slot.name}`, data);
    }
    this.options.onChange();
    this.dependencies.stateChanged(slot, state, previous);
  }

  private audit(slot: PluginSlot, kind: string, data: Record<string, unknown>): void {
    this.options.record(kind, `plugin:${slot.name}`, data);
  }

  private summaryOf(slot: PluginSlot): PluginSummary {
    // An invalid duplicate shares its name with the plugin that serves: none of the figures are its.
    const m = slot.plugin.valid ? this.options.router.pluginMetrics(slot.name) : null;
    const metrics: PluginMetrics = m
      ? { ratePerSec: m.ratePerSec, errorRate: m.lastMinute > 0 ? m.lastMinuteErrors / m.lastMinute : 0, p50Ms: m.p50Ms, p99Ms: m.p99Ms, total: m.total, errors: m.errors }
      : { ratePerSec: 0, errorRate: 0, p50Ms: null, p99Ms: null, total: 0, errors: 0 };
    return slot.summary(metrics, m?.queueDepth ?? 0, this.usageOf);
  }

}
