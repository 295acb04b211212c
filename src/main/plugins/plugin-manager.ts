import { join } from 'node:path';
import type { PluginDetail, PluginMetrics, PluginSummary } from '../../shared/domain';
import type { ErrorCode } from '../../shared/result';
import { ConductorError } from '../../shared/result';
import type { Clock } from '../common/clock';
import type { Disposable } from '../common/disposable';
import type { ComponentReport, HealthReporter } from '../common/health';
import type { CrashCause } from '../health/crash-loop-detector';
import type { TickHandler } from '../health/health-monitor';
import type { ProbeHistory } from '../health/probe-history';
import type { Service, StopOptions } from '../common/service';
import type { LogBus } from '../logging/log-bus';
import type { Logger } from '../logging/logger';
import { RotatingFile } from '../logging/rotating-file';
import type { RoutableInstance } from './instance-types';
import type { Router } from '../router/router';
import type { ScalingDecision } from '../scaler/scaling-policy';
import type { ScalingTarget } from '../scaler/scaler';
import type { Store } from '../store/store';
import { readPlugin, type DiscoveredPlugin } from './discovery';
import { createInstance, type ManagedInstance } from './instance';
import type { InstanceExit, InstanceHost, InstanceLogEntry, StateOp } from './instance-types';
import { resolvePluginConfig, type PluginManifest } from './manifest';
import { installPlugin, uninstallPlugin } from './plugin-installer';
import { PluginHealth, type PluginHealthTuning, type RecycleCause } from './plugin-health';
import { scalingInputOf, scalingSummaryOf } from './plugin-scaling';
import { PluginSlot } from './plugin-slot';
import { InstanceUsage } from './instance-usage';
import { isAtLeast } from '../logging/log-bus';
import type { LogLevel } from '../../shared/domain';
import { CommandInstance } from './command/command-instance';
import { checkEnvUpdate, envViews, redact, resolvePluginEnv, writeEnv } from './plugin-env';
import type { SecretStore } from '../secrets/secret-store';
import type { ProcessSampler } from '../scaler/process-sampler';

export interface PluginManagerOptions {
  /** `<dataDir>/plugins` (installs go here) and `<dataDir>/logs/plugins` (per-plugin logs). */
  pluginsDir: string;
  logsDir: string;
  discovered: () => readonly DiscoveredPlugin[];
  store: Store;
  router: Router;
  logBus: LogBus;
  log: Logger;
  clock: Clock;
  /** Stores a lifecycle/audit event. */
  record(kind: string, source: string, data: Record<string, unknown>): void;
  /** Something a status shows changed. */
  onChange(): void;
  /** The conductor's own environment: declared env values not set in Conductor come from here. */
  envSource?: Record<string, string | undefined>;
  /** The conductor's log level: plugin entries below it are dropped (like the conductor's own). Default: all kept. */
  logLevel?: () => LogLevel;
  /** Env values and secrets set in Conductor (win over `envSource`); none: only `envSource`. */
  secrets?: SecretStore | null;
  /** The built child-side runtime; default: next to the bundle. */
  runtimePath?: string;
  /** Told of every settled call (Prometheus latency histogram). */
  onCallResult?(plugin: string, ok: boolean, latencyMs: number): void;
  /** Per-plugin log file size before rotation. */
  maxLogFileBytes?: number;
  /** The conductor-wide health tick (probes, breakers, backoff, memory); none: no health checks. */
  healthTick?: { onTick(name: string, handler: TickHandler): Disposable };
  /** Probe results and changes, drained into SQLite by the conductor. */
  probeHistory?: ProbeHistory | null;
  /** Breaker/backoff/memory tuning the manifest does not carry (tests shorten it). */
  healthTuning?: PluginHealthTuning;
  /** Per-pid CPU/RSS of process instances, refreshed on the health tick; none: not sampled. */
  processSampler?: ProcessSampler | null;
}

/** How long a start failure's exit (code, last lines) is awaited for the crash cause. */
const START_EXIT_WAIT_MS = 3_000;

/**
 * Startup step 7 and plugin management: starts each enabled plugin's instances in dependency
 * order (a plugin starts only once its dependencies are ready), registers it with the router,
 * replaces crashed instances, and carries out enable/disable/restart/bounds/install/uninstall.
 * Stop drains the router (bounded), then stops the plugins in reverse dependency order.
 */
export class PluginManager implements Service, HealthReporter, ScalingTarget {
  private readonly slots = new Map<string, PluginSlot>();
  private readonly order: PluginSlot[] = [];
  private readonly logFiles = new Map<string, RotatingFile>();
  private stopping = false;
  private tickSubscription: Disposable | null = null;
  private readonly usage: InstanceUsage | null;
  private readonly usageOf = (pid: number | null) => this.usage?.of(pid);

  // Instances' deadline timers never fire early: their DeadlineQueue re-arms an early timer.
  constructor(private readonly options: PluginManagerOptions) {
    this.usage = options.processSampler ? new InstanceUsage(options.processSampler, options.log, () => options.onChange()) : null;
  }

  // ---- lifecycle ----

  async start(): Promise<void> {
    this.tickSubscription = this.options.healthTick?.onTick('plugins', (tick) => this.onHealthTick(tick.now)) ?? null;
    for (const plugin of this.options.discovered()) this.addSlot(plugin);
    for (const slot of this.order) {
      if (slot.state === 'invalid') continue;
      this.applySavedSettings(slot);
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
      await slot.serialize(() => this.bringUp(slot));
    }
    this.options.onChange();
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
      await this.stopInstances(slot, [...slot.instances], deadline);
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
    const env = manifest ? envViews(manifest, this.storedEnv(slot.name), this.options.envSource ?? {}) : [];
    const events = this.options.store.events.query({ source: `plugin:${slot.name}`, limit: 50 });
    const secretStorage = this.options.secrets
      ? { protection: this.options.secrets.protection, location: this.options.secrets.location }
      : { protection: 'plain-file' as const, location: 'not available: only the environment' };
    const configSchema = manifest ? structuredClone(manifest.config) : undefined;
    return { ...this.summaryOf(slot), config: slot.config, env, secretStorage, ...(configSchema ? { configSchema } : {}), events };
  }

  /**
   * `plugins:setConfig`: overrides validated against the manifest's config schema (null resets a
   * key to its default), saved, and applied by a rolling restart when instances are running.
   */
  setConfig(name: string, overrides: Record<string, unknown>): Promise<PluginDetail> {
    const slot = this.slot(name);
    this.assertValid(slot);
    const saved = this.options.store.pluginSettings.get(slot.name)?.config ?? {};
    const merged: Record<string, unknown> = { ...saved };
    for (const [key, value] of Object.entries(overrides)) {
      if (value === null) delete merged[key];
      else merged[key] = value;
    }
    const resolved = resolvePluginConfig(slot.manifest, merged);
    if (!resolved.ok) throw new ConductorError('E_BAD_REQUEST', `config of "${name}": ${resolved.error}`, { field: 'config' });
    return slot.serialize(async () => {
      this.options.store.pluginSettings.setConfig(slot.name, Object.keys(merged).length > 0 ? merged : null);
      slot.config = resolved.value as Record<string, unknown>;
      this.audit(slot, 'plugin.config', { keys: Object.keys(overrides) });
      if (slot.instances.length > 0) await this.rollInstances(slot);
      return this.detail(name);
    });
  }

  /**
   * `plugins:setEnv`: sets or clears declared env variables and secrets in the secret store, then
   * restarts running instances (rolling) so they see them. The event names the variables, never
   * the values.
   */
  setEnv(name: string, values: Record<string, string | null>): Promise<PluginDetail> {
    const slot = this.slot(name);
    this.assertValid(slot);
    const secrets = this.options.secrets;
    if (!secrets) throw new ConductorError('E_CONFLICT', 'no secret store in this conductor; set the variables in its environment instead');
    checkEnvUpdate(name, slot.manifest, values);
    return slot.serialize(async () => {
      writeEnv(secrets, slot.name, values);
      this.audit(slot, 'plugin.env', { set: Object.keys(values).filter((k) => values[k] !== null), cleared: Object.keys(values).filter((k) => values[k] === null) });
      if (slot.instances.length > 0) await this.rollInstances(slot);
      else if (slot.enabled && slot.state === 'stopped' && slot.reason?.startsWith('required env')) await this.bringUp(slot);
      return this.detail(name);
    });
  }

  private storedEnv(plugin: string): Record<string, string> {
    try {
      return this.options.secrets?.read(plugin) ?? {};
    } catch (error) {
      this.options.log.warn(`could not read the stored env of ${plugin}: ${error instanceof Error ? error.message : String(error)}`);
      return {};
    }
  }

  // ---- management commands ----

  enable(name: string): Promise<PluginSummary> {
    const slot = this.slot(name);
    this.assertValid(slot);
    return slot.serialize(async () => {
      this.options.store.pluginSettings.setEnabled(slot.name, true);
      slot.enabled = true;
      this.audit(slot, 'plugin.enabled', {});
      if (slot.quarantine) this.release(slot, 'enabled');
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
      await this.stopInstances(slot, [...slot.instances], this.options.clock.now() + 10_000);
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
      await this.rollInstances(slot);
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
      this.release(slot, 'retried');
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
      if (slot.enabled) await this.fitToBounds(slot);
      return this.summaryOf(slot);
    });
  }

  async install(path: string): Promise<{ name: string; version: string; upgradedFrom?: string; plugin: PluginSummary }> {
    const installed = installPlugin(path, this.options.pluginsDir);
    const plugin = readPlugin(installed.dir, 'data-dir');
    if (!plugin.valid || !plugin.manifest) throw new ConductorError('E_BAD_REQUEST', plugin.reason ?? 'invalid plugin', { field: 'path' });
    const missing = plugin.manifest.dependsOn.filter((d) => !this.slots.has(d));
    const existing = this.slots.get(plugin.manifest.name);
    if (existing) {
      // Upgrade in place: new code, rolling replacement of the instances.
      await existing.serialize(async () => {
        const before = existing.plugin.manifest;
        existing.plugin = plugin;
        existing.reason = undefined;
        existing.health?.setManifest(plugin.manifest!);
        this.audit(existing, 'plugin.upgraded', { from: installed.upgradedFrom ?? null, to: installed.version });
        if (existing.enabled) {
          // New capabilities, timeout, queue or concurrency take effect with the new version.
          if (!existing.routerRegistration || routingChanged(before, plugin.manifest!)) this.register(existing);
          if (existing.instances.length > 0) await this.rollInstances(existing);
          else await this.bringUp(existing);
        }
      });
      const result = { name: installed.name, version: installed.version, plugin: this.summaryOf(existing) };
      return installed.upgradedFrom === undefined ? result : { ...result, upgradedFrom: installed.upgradedFrom };
    }
    if (missing.length > 0) {
      plugin.valid = false;
      plugin.reason = `depends on missing plugin(s) ${missing.map((m) => `"${m}"`).join(', ')}`;
    }
    const slot = this.addSlot(plugin);
    this.audit(slot, 'plugin.installed', { version: installed.version });
    if (plugin.valid) {
      this.applySavedSettings(slot);
      if (slot.enabled) this.register(slot);
      await slot.serialize(() => (slot.enabled ? this.bringUp(slot) : Promise.resolve(this.setState(slot, 'disabled', undefined))));
    }
    this.options.onChange();
    return { name: installed.name, version: installed.version, plugin: this.summaryOf(slot) };
  }

  async uninstall(name: string, removeState: boolean): Promise<{ name: string; removedState: boolean }> {
    const slot = this.slot(name);
    if (slot.plugin.origin !== 'data-dir') {
      throw new ConductorError('E_CONFLICT', `plugin "${name}" is ${slot.plugin.origin === 'bundled' ? 'bundled with the app' : 'in a configured folder'}; disable it instead`);
    }
    const dependents = this.order.filter((s) => s !== slot && (s.plugin.manifest?.dependsOn ?? []).includes(name) && s.enabled);
    if (dependents.length > 0) {
      throw new ConductorError('E_CONFLICT', `plugin "${name}" is needed by ${dependents.map((d) => `"${d.name}"`).join(', ')}; disable or uninstall them first`);
    }
    await slot.serialize(async () => {
      slot.restartTimer?.dispose();
      this.setState(slot, 'stopping', undefined);
      await this.stopInstances(slot, [...slot.instances], this.options.clock.now() + 10_000);
      this.unregister(slot);
      slot.health?.dispose();
      slot.health = null;
      uninstallPlugin(name, this.options.pluginsDir);
    });
    this.slots.delete(name);
    this.order.splice(this.order.indexOf(slot), 1);
    if (removeState) {
      this.options.store.pluginState.clear(name);
      this.options.store.pluginSettings.delete(name);
      this.options.secrets?.removePlugin(name);
    }
    this.options.record('plugin.uninstalled', `plugin:${name}`, { removeState });
    this.options.onChange();
    return { name, removedState: removeState };
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

  private applySavedSettings(slot: PluginSlot): void {
    const saved = this.options.store.pluginSettings.get(slot.name);
    const m = slot.manifest;
    slot.enabled = saved?.enabled ?? m.enabled;
    slot.min = saved?.minInstances ?? m.instances.min;
    slot.max = saved?.maxInstances ?? m.instances.max;
    if (slot.min > slot.max) slot.max = slot.min;
    if (saved?.quarantine) slot.quarantine = { ...saved.quarantine, lastLines: [...saved.quarantine.lastLines] };
    const config = resolvePluginConfig(m, saved?.config ?? {});
    if (config.ok) slot.config = config.value as Record<string, unknown>;
    else {
      slot.config = {};
      slot.reason = `config: ${config.error}`;
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
      recycle: (instance, cause, reason) => this.recycle(slot, instance, cause, reason),
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
    void slot.serialize(() => this.startInstances(slot, 1));
  }

  /** Starts `min` instances once every dependency is ready; min 0 leaves the plugin idle. */
  private async bringUp(slot: PluginSlot): Promise<void> {
    if (this.stopping) return;
    const notReady = slot.manifest.dependsOn.filter((dep) => {
      const s = this.slots.get(dep);
      return !s || !(s.state === 'ready' || s.state === 'degraded' || s.state === 'idle');
    });
    if (notReady.length > 0) {
      this.setState(slot, 'stopped', `waiting for ${notReady.map((d) => `"${d}"`).join(', ')} to be ready`);
      return;
    }
    const env = this.resolveEnv(slot);
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
    await this.startInstances(slot, slot.min);
    // Dependents that were waiting on this plugin can start now.
    if (slot.readyCount() > 0) {
      for (const other of this.order) {
        if (other.enabled && other.state === 'stopped' && other.reason?.startsWith('waiting for') && other.manifest.dependsOn.includes(slot.name)) {
          void other.serialize(() => this.bringUp(other));
        }
      }
    }
  }

  private resolveEnv(slot: PluginSlot): Record<string, string> | string {
    const { env, missing, secretValues } = resolvePluginEnv(slot.manifest, this.storedEnv(slot.name), this.options.envSource ?? {});
    slot.secretValues = secretValues;
    return missing.length > 0 ? `required env ${missing.join(', ')} not set (set it on the plugin's page, or in the conductor's environment)` : env;
  }

  /** Starts `count` more instances in parallel; the plugin is ready when at least one is. */
  private async startInstances(slot: PluginSlot, count: number): Promise<void> {
    if (count <= 0 || this.stopping || slot.quarantine) return;
    // A retry keeps the last failure visible until an instance is ready.
    const lastFailure = slot.reason?.startsWith('failed to start') || slot.reason?.startsWith('instance crashed') ? slot.reason : undefined;
    if (slot.instances.length === 0) this.setState(slot, 'starting', lastFailure);
    const env = this.resolveEnv(slot);
    if (typeof env === 'string') {
      this.setState(slot, 'stopped', env);
      return;
    }
    const results = await Promise.allSettled(Array.from({ length: count }, () => this.startOne(slot, env)));
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (slot.quarantine) return;
    if (slot.readyCount() > 0) {
      this.setState(slot, 'ready', undefined);
    } else if (failures.length > 0) {
      const cause = failures[0]!.reason instanceof Error ? failures[0]!.reason.message : String(failures[0]!.reason);
      this.setState(slot, 'stopped', `failed to start: ${cause}`);
      this.scheduleRestart(slot);
    }
  }

  /** Waits (bounded) for a failed start's exit, for its code and last lines. */
  private startExit(instance: ManagedInstance, seen: { exit: InstanceExit | null }): Promise<InstanceExit | null> {
    if (seen.exit) return Promise.resolve(seen.exit);
    return new Promise((resolve) => {
      const timer = this.options.clock.setTimeout(() => {
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
      host: this.host,
      clock: this.options.clock,
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
      host: this.host,
      clock: this.options.clock,
      ...(this.options.runtimePath ? { runtimePath: this.options.runtimePath } : {}),
    });
    slot.instances.push(instance);
    const health = this.healthOf(slot);
    const startedAt = this.options.clock.now();
    health.watch(instance, startedAt);
    const seen: { exit: InstanceExit | null } = { exit: null };
    let starting = true;
    const subs = [
      instance.onStateChange((state, previous) => {
        this.options.log.debug(`${id}: ${previous} → ${state}`);
        this.options.router.instancesChanged(slot.name);
        this.options.onChange();
      }),
      instance.onExit((exit) => {
        if (starting) seen.exit = exit;
        else this.onInstanceExit(slot, instance, exit);
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
      this.audit(slot, 'instance.start-failed', { instance: id, error: message, code: exit?.code ?? null, signal: exit?.signal ?? null, lastLines: exit?.lastLines.slice(-10) ?? [] });
      // A start that failed (activate threw, exited, or not ready in time) counts as a crash.
      if (exit && !exit.expected) {
        this.countCrash(slot, { exitCode: exit.code, signal: exit.signal, lastLines: exit.lastLines.length > 0 ? exit.lastLines : [message], peakRssBytes, at: this.options.clock.now() });
      }
      throw error;
    } finally {
      starting = false;
    }
    health.activated(instance, this.options.clock.now());
    health.backoff.onUp();
    this.audit(slot, 'instance.started', { instance: id, pid: instance.pid, threadId: instance.threadId, slot: health.slotOf(instance) });
    this.options.router.instancesChanged(slot.name);
    return instance;
  }

  private forget(slot: PluginSlot, instance: ManagedInstance): void {
    const at = slot.instances.indexOf(instance);
    if (at >= 0) slot.instances.splice(at, 1);
    for (const d of slot.disposables.get(instance) ?? []) d.dispose();
    slot.disposables.delete(instance);
    slot.health?.unwatch(instance);
    slot.recycling.delete(instance);
    this.options.router.instancesChanged(slot.name);
  }

  private onInstanceExit(slot: PluginSlot, instance: ManagedInstance, exit: InstanceExit): void {
    const wasRunning = slot.instances.includes(instance);
    const recycled = slot.recycling.get(instance);
    const peakRssBytes = slot.health?.peakRssBytes(instance) ?? null;
    this.forget(slot, instance);
    if (exit.expected || !wasRunning) return;
    const how = exit.signal ? `signal ${exit.signal}` : `exit code ${String(exit.code)}`;
    this.options.log.warn(`${instance.id} ${recycled ? `recycled (${recycled})` : `crashed (${how})`}`);
    const data: Record<string, unknown> = { instance: instance.id, code: exit.code, signal: exit.signal, lastLines: exit.lastLines.slice(-10) };
    if (recycled) data.recycled = recycled;
    this.audit(slot, 'instance.crashed', data);
    const lastLines = recycled ? [...exit.lastLines, `recycled: ${recycled}`] : exit.lastLines;
    if (this.countCrash(slot, { exitCode: exit.code, signal: exit.signal, lastLines, peakRssBytes, at: this.options.clock.now() })) return;
    if (slot.readyCount() === 0) this.setState(slot, 'starting', `instance crashed (${how}); restarting`);
    this.scheduleRestart(slot);
    this.options.onChange();
  }

  /** Feeds the crash-loop detector; true when the plugin is now quarantined. */
  private countCrash(slot: PluginSlot, cause: CrashCause): boolean {
    if (slot.quarantine) return true;
    const health = this.healthOf(slot);
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
    this.options.log.error(`plugin ${slot.name} quarantined: ${reason}`);
    this.audit(slot, 'plugin.quarantined', { ...slot.quarantine });
    this.saveQuarantine(slot);
    this.unregister(slot);
    this.setState(slot, 'quarantined', reason);
    const rest = slot.instances.filter((i) => i.state !== 'stopped' && i.state !== 'crashed');
    if (rest.length > 0) void this.stopInstances(slot, rest, this.options.clock.now() + 10_000);
  }

  /** Kept across conductor restarts: a crash-looping plugin stays quarantined until retried. */
  private saveQuarantine(slot: PluginSlot): void {
    try {
      this.options.store.pluginSettings.setQuarantine(slot.name, slot.quarantine ?? null);
    } catch (error) {
      this.options.log.warn(`could not save the quarantine of ${slot.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Leaves quarantine (retry or enable): fresh crash count, backoff and breakers. */
  private release(slot: PluginSlot, why: string): void {
    const now = this.options.clock.now();
    this.healthOf(slot).retry(now);
    if (slot.quarantine) this.audit(slot, 'plugin.released', { reason: why });
    slot.quarantine = undefined;
    this.saveQuarantine(slot);
    this.setState(slot, 'stopped', undefined);
  }

  /**
   * The health monitor gave up on an instance. Liveness/startup: kill it — its exit is a crash
   * (with the reason in the cause). Memory: drain it, start its replacement, then stop it.
   */
  private recycle(slot: PluginSlot, instance: ManagedInstance, cause: RecycleCause, reason: string): void {
    if (this.stopping || slot.recycling.has(instance) || !slot.instances.includes(instance)) return;
    const what = `${cause}: ${reason}`;
    slot.recycling.set(instance, what);
    this.options.log.warn(`${instance.id}: recycling (${what})`);
    this.audit(slot, 'instance.recycled', { instance: instance.id, cause, reason });
    if (cause !== 'memory') {
      instance.kill();
      return;
    }
    slot.restarts++;
    instance.drain();
    this.options.router.instancesChanged(slot.name);
    void slot.serialize(async () => {
      await this.fitToBounds(slot);
      if (slot.instances.includes(instance)) await this.stopInstances(slot, [instance], this.options.clock.now() + 5_000);
    });
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

  /** Replaces a crashed instance after the plugin's restart backoff (first ≤ 250 ms, growing). */
  private scheduleRestart(slot: PluginSlot): void {
    if (this.stopping || !slot.enabled || slot.quarantine) return;
    // Counted when the crash is seen: one timer replaces every instance that crashed meanwhile
    // (and the scaler may replace one first), but each crash is one restart.
    slot.restarts++;
    if (slot.restartTimer) return;
    const delay = this.healthOf(slot).backoff.nextDelay();
    slot.restartTimer = this.options.clock.setTimeout(() => {
      slot.restartTimer = null;
      void slot.serialize(() => this.fitToBounds(slot));
    }, Math.round(delay));
  }

  /**
   * Starts instances up to the target (the scaler's `desired` within the bounds, else `min`) and
   * drains those beyond it (beyond `max` when the scaler has not decided).
   */
  private async fitToBounds(slot: PluginSlot): Promise<void> {
    if (this.stopping || !slot.enabled || slot.quarantine) return;
    const clamp = (n: number) => Math.min(slot.max, Math.max(slot.min, n));
    const up = clamp(slot.desired ?? slot.min);
    const down = slot.desired === null ? slot.max : up;
    const running = slot.instances.filter((i) => i.state !== 'draining' && i.state !== 'stopped' && i.state !== 'crashed');
    if (running.length > down) {
      // Keep the serving ones; drain the not-yet-ready and then the newest.
      const order = [...running].sort((a, b) => Number(b.state === 'ready' || b.state === 'degraded') - Number(a.state === 'ready' || a.state === 'degraded'));
      await this.stopInstances(slot, order.slice(down), this.options.clock.now() + 10_000);
    } else if (running.length < up) {
      await this.startInstances(slot, up - running.length);
    }
    if (slot.quarantine) return;
    if (slot.instances.length === 0 && up === 0) this.setState(slot, 'idle', 'scaled to zero; starts on the next request');
    else if (slot.readyCount() > 0 && slot.state !== 'ready') this.setState(slot, 'ready', undefined);
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
    void slot.serialize(() => this.fitToBounds(slot));
  }

  /** The scaler's decision (changed or blocked), for status. */
  noteScalingDecision(plugin: string, decision: ScalingDecision): void {
    const slot = this.slots.get(plugin);
    if (!slot) return;
    slot.lastScaling = scalingSummaryOf(decision);
    this.options.onChange();
  }

  private async rollInstances(slot: PluginSlot): Promise<void> {
    const old = [...slot.instances];
    const env = this.resolveEnv(slot);
    if (typeof env === 'string') throw new ConductorError('E_CONFLICT', env);
    if (old.length === 0) {
      await this.startInstances(slot, Math.max(1, slot.min));
      return;
    }
    for (const instance of old) {
      await this.startOne(slot, env);
      await this.stopInstances(slot, [instance], this.options.clock.now() + 10_000);
    }
    if (slot.readyCount() > 0) this.setState(slot, 'ready', undefined);
  }

  /** Drain (no new calls, in-flight finish), then stop; bounded by `deadline`. */
  private async stopInstances(slot: PluginSlot, instances: ManagedInstance[], deadline: number): Promise<void> {
    for (const i of instances) i.drain();
    this.options.router.instancesChanged(slot.name);
    await Promise.all(
      instances.map(async (i) => {
        const drainBy = Math.min(deadline, this.options.clock.now() + 5_000);
        await waitFor(() => i.inFlight === 0, drainBy, this.options.clock);
        await i.stop({ deadline });
        this.audit(slot, 'instance.stopped', { instance: i.id });
        this.forget(slot, i);
      }),
    );
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
  }

  private audit(slot: PluginSlot, kind: string, data: Record<string, unknown>): void {
    this.options.record(kind, `plugin:${slot.name}`, data);
  }

  private summaryOf(slot: PluginSlot): PluginSummary {
    // An invalid duplicate shares its name with the plugin that serves: none of the figures are its.
    const m = slot.plugin.valid ? this.options.router.pluginMetrics(slot.name) : null;
    const metrics: PluginMetrics = m
      ? { ratePerSec: m.ratePerSec, errorRate: m.total > 0 ? m.errors / m.total : 0, p50Ms: m.p50Ms, p99Ms: m.p99Ms, total: m.total, errors: m.errors }
      : { ratePerSec: 0, errorRate: 0, p50Ms: null, p99Ms: null, total: 0, errors: 0 };
    return slot.summary(metrics, m?.queueDepth ?? 0, this.usageOf);
  }

  // ---- what instances get from main ----

  private readonly host: InstanceHost = {
    log: (entry: InstanceLogEntry) => {
      if (this.options.logLevel && !isAtLeast(entry.level, this.options.logLevel())) return;
      const secrets = this.slots.get(entry.plugin)?.secretValues;
      const message = secrets && secrets.length > 0 ? redact(entry.message, secrets) : entry.message;
      this.options.logBus.append({ ts: entry.ts, level: entry.level, source: `plugin:${entry.plugin}`, message, plugin: entry.plugin, instance: entry.instance });
      let file = this.logFiles.get(entry.plugin);
      if (!file) {
        file = new RotatingFile(join(this.options.logsDir, `${entry.plugin}.log`), this.options.maxLogFileBytes ? { maxBytes: this.options.maxLogFileBytes } : {});
        this.logFiles.set(entry.plugin, file);
      }
      file.write(`${new Date(entry.ts).toISOString()} ${entry.level.padEnd(5)} [${entry.instance}] ${message}`);
    },
    state: async (plugin: string, op: StateOp) => {
      const repo = this.options.store.pluginState;
      switch (op.op) {
        case 'get':
          return repo.get(plugin, op.key);
        case 'set':
          repo.set(plugin, op.key, op.value);
          return null;
        case 'delete':
          return repo.delete(plugin, op.key);
        case 'increment':
          return repo.increment(plugin, op.key, op.by);
        case 'compareAndSet':
          return repo.compareAndSet(plugin, op.key, op.expected, op.value);
        case 'keys':
          return repo.keys(plugin, op.prefix);
      }
    },
    request: (_from, target, payload, opts) =>
      this.options.router.request({
        ...(target.capability !== undefined ? { capability: target.capability } : {}),
        ...(target.plugin !== undefined ? { plugin: target.plugin } : {}),
        payload,
        deadline: opts.deadline,
        ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      }),
  };
}

/** Whether an upgrade changes what the router was told at registration. */
function routingChanged(before: PluginManifest | null, after: PluginManifest): boolean {
  if (!before) return true;
  return (
    before.capabilities.join('\n') !== after.capabilities.join('\n') ||
    before.requestTimeoutMs !== after.requestTimeoutMs ||
    before.queueLimit !== after.queueLimit ||
    before.concurrency !== after.concurrency
  );
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

