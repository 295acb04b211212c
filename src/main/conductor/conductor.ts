import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { StatusSnapshot, StepName, StepTiming } from '../../shared/domain';
import { ConductorError } from '../../shared/result';
import { systemClock, type Clock } from '../common/clock';
import type { Disposable } from '../common/disposable';
import { Emitter } from '../common/emitter';
import { reportsHealth, type ComponentReport } from '../common/health';
import type { Service } from '../common/service';
import { HealthMonitor } from '../health/health-monitor';
import { ProbeHistory } from '../health/probe-history';
import { createLogger } from '../logging/create-logger';
import { LogBus } from '../logging/log-bus';
import type { Logger } from '../logging/logger';
import { summarize, type PluginRoot } from '../plugins/discovery';
import { PluginDiscoveryService } from '../plugins/plugin-discovery-service';
import type { PluginManager } from '../plugins/plugin-manager';
import type { ParsedArgs } from '../../shared/contract';
import { PrometheusExporter } from '../router/prometheus-exporter';
import { Router } from '../router/router';
import { ResourceMonitor, systemInformationSampler } from '../scaler/resource-monitor';
import { Scaler } from '../scaler/scaler';
import { LiveMetrics } from '../scaler/live-metrics';
import { checkSetting, settingsView } from './settings-view';
import type { SettingKey, SettingsView } from '../../shared/domain';
import { Store } from '../store/store';
import { flagsAsConfigLayer } from './cli';
import type { ConductorOptions, ShutdownReport } from './conductor-options';
import { CommandDispatcher, EventHub, type CommandHandlers } from './command-dispatcher';
import { conductorCommands } from './conductor-commands';
import { EventJournal } from './event-journal';
import { createPluginsStep } from './plugins-step';
import { StoreHousekeeping } from './store-housekeeping';
import { readConfigFile, resolveConfig, SAVEABLE_SETTINGS, type ResolvedConfig } from './config';
import type { ConductorConfig } from './config-schema';
import { dataDirLayout, defaultDataDir } from './data-dir';
import { DataDirLock } from './data-dir-lock';
import { SignalHandlers } from './signal-handlers';
import { componentsOf, overallState, StepTimeline, type LifecycleState } from './status-aggregator';
import { messageOf, StepRunner, type Step } from './step-runner';

export type { ConductorOptions, ShutdownReport } from './conductor-options';

interface ConductorEvents {
  shutdownRequested: string;
}

/**
 * The conductor: the 8-step lifecycle, the status, the command handlers. It never knows which
 * host (Electron window or headless server) it runs under; the host calls `start`, binds
 * `dispatcher` and `events`, and runs `shutdown` when `onShutdownRequested` fires.
 */
export class Conductor {
  readonly events = new EventHub();
  readonly dispatcher: CommandDispatcher;
  readonly logBus: LogBus;
  readonly logger: Logger;
  /** `GET /metrics` (Prometheus text), read from the in-memory figures when scraped. */
  readonly prometheus: PrometheusExporter;
  private readonly logControl: ReturnType<typeof createLogger>;
  private readonly clock: Clock;
  private readonly internal = new Emitter<ConductorEvents>();
  private readonly timeline = new StepTimeline();
  private readonly startedAt: number;
  private lifecycle: LifecycleState = 'idle';
  private runner: StepRunner | null = null;
  private startPromise: Promise<void> | null = null;
  private shutdownPromise: Promise<ShutdownReport> | null = null;
  private statusTimer: Disposable | null = null;
  private readonly subscriptions: Disposable[] = [];

  // Filled by the steps as they start.
  private resolved: ResolvedConfig | null = null;
  private dataDirPath: string | null = null;
  private store: Store | null = null;
  private lock: DataDirLock | null = null;
  private health: HealthMonitor | null = null;
  private scaler: Scaler | null = null;
  private router: Router | null = null;
  private discovery: PluginDiscoveryService | null = null;
  private manager: PluginManager | null = null;
  private signals: SignalHandlers | null = null;
  private readonly services = new Map<StepName, Service>();
  /** Probe changes and per-minute rollups, drained into SQLite on the health tick. */
  private readonly probeHistory = new ProbeHistory();
  /** The live charts' rings and the per-minute resource rollups. */
  private readonly liveMetrics = new LiveMetrics();
  private readonly housekeeping: StoreHousekeeping;
  private readonly journal: EventJournal;
  /** The flag and file layers of the config, kept to tell a pinned setting from a saveable one. */
  private layers: { flags: Record<string, unknown>; file: Record<string, unknown> } = { flags: {}, file: {} };

  constructor(private readonly options: ConductorOptions) {
    this.clock = options.clock ?? systemClock;
    this.startedAt = this.clock.now();
    this.logBus = new LogBus({ clock: this.clock });
    this.logControl = createLogger({
      appName: 'conductor',
      level: options.cli.logLevel ?? 'info',
      console: options.console ?? true,
      bus: this.logBus,
      clock: this.clock,
    });
    this.logger = this.logControl.logger;
    this.subscriptions.push(this.logBus.onAppended((batch) => this.events.emit('logs:appended', batch)));
    this.journal = new EventJournal(() => this.store, this.logger);
    this.housekeeping = new StoreHousekeeping({
      store: () => this.store,
      router: () => this.router,
      config: () => this.config,
      logBus: this.logBus,
      logger: this.logger,
      probeHistory: this.probeHistory,
      liveMetrics: this.liveMetrics,
    });
    this.dispatcher = new CommandDispatcher(this.commands(), this.logger.child('contract'));
    this.prometheus = new PrometheusExporter({
      plugins: () => this.manager?.summaries() ?? [],
      errorsByCode: (plugin) => this.router?.pluginMetrics(plugin)?.errorsByCode ?? {},
    });
  }

  get config(): ConductorConfig {
    if (!this.resolved) throw new Error('the config is not loaded yet');
    return this.resolved.config;
  }

  get configSources(): ResolvedConfig['sources'] {
    return this.resolved?.sources ?? {};
  }

  get dataDir(): string {
    if (!this.dataDirPath) throw new Error('the data dir is not known yet');
    return this.dataDirPath;
  }

  /** The plugin manager, once step 7 has started. */
  get plugins(): PluginManager | null {
    return this.manager;
  }

  get requestRouter(): Router | null {
    return this.router;
  }

  get state(): LifecycleState {
    return this.lifecycle;
  }

  /** Fired by the signal step and by `system:shutdown`; the host then calls `shutdown`. */
  onShutdownRequested(listener: (reason: string) => void): Disposable {
    return this.internal.on('shutdownRequested', listener);
  }

  requestShutdown(reason: string): void {
    if (this.internal.listenerCount('shutdownRequested') === 0) {
      void this.shutdown(reason);
      return;
    }
    this.internal.emit('shutdownRequested', reason);
  }

  /** Runs the 8 startup steps. On failure the started steps unwind and this rejects with the cause. */
  start(): Promise<void> {
    this.startPromise ??= this.runStart();
    return this.startPromise;
  }

  private async runStart(): Promise<void> {
    this.setLifecycle('starting');
    this.logger.info(`Conductor ${this.options.version} starting (${this.options.host}, pid ${process.pid})`);
    const conductor = this;
    // Deadlines come from the config once it is read; until then the defaults apply.
    const deadlines = {
      get startTimeoutMs() {
        return conductor.resolved?.config.startup.stepTimeoutMs ?? 30_000;
      },
      get stopTimeoutMs() {
        return conductor.resolved?.config.shutdown.stepTimeoutMs ?? 10_000;
      },
    };
    this.runner = new StepRunner(this.buildSteps(), deadlines, this.clock, { onTiming: (t) => this.onTiming(t) });
    try {
      await this.runner.startAll();
    } catch (error) {
      this.logger.error(`Conductor failed to start: ${messageOf(error)}`);
      this.record('lifecycle.failed', 'conductor', { error: messageOf(error) });
      this.setLifecycle('failed');
      this.finalize({ reason: `startup failed: ${messageOf(error)}`, startedAt: this.clock.now(), durationMs: 0, clean: false, forced: false, steps: [] });
      throw error;
    }
    this.setLifecycle('running');
    this.record('lifecycle.ready', 'conductor', { durationMs: this.clock.now() - this.startedAt });
    this.logger.info(`Conductor ready in ${this.clock.now() - this.startedAt} ms`);
  }

  /**
   * Graceful shutdown: quiesce (router gate closed, health and scaler stop acting), then unwind
   * the steps in exact reverse order, write the shutdown report, close the store last.
   * Idempotent: later calls get the same promise.
   */
  shutdown(reason: string): Promise<ShutdownReport> {
    this.shutdownPromise ??= this.runShutdown(reason);
    return this.shutdownPromise;
  }

  /** A second signal: stop waiting on stuck steps (each later stop still runs, briefly). */
  force(reason: string): void {
    this.logger.warn(`shutdown forced: ${reason}`);
    this.runner?.force();
    void this.shutdown(reason);
  }

  private async runShutdown(reason: string): Promise<ShutdownReport> {
    if (this.startPromise && this.lifecycle === 'starting') await this.startPromise.catch(() => {});
    const t0 = this.clock.now();
    if (this.lifecycle === 'failed' || this.lifecycle === 'idle') {
      return { reason, startedAt: t0, durationMs: 0, clean: false, forced: false, steps: [] };
    }
    this.setLifecycle('stopping');
    this.logger.info(`shutting down: ${reason}`);
    this.record('lifecycle.stopping', 'conductor', { reason });
    this.router?.quiesce();
    this.health?.quiesce();
    this.scaler?.quiesce();
    const steps = await this.runner!.stopAll(reason);
    const report: ShutdownReport = {
      reason,
      startedAt: t0,
      durationMs: this.clock.now() - t0,
      clean: steps.every((s) => s.outcome === 'ok'),
      forced: this.runner!.isForced,
      steps,
    };
    this.finalize(report);
    this.setLifecycle('stopped');
    return report;
  }

  /** The store writes the report and closes last; then the lock is released and logs flushed. */
  private finalize(report: ShutdownReport): void {
    if (report.steps.length > 0 || this.lifecycle !== 'failed') {
      this.logger.info(`shutdown ${report.clean ? 'complete' : 'finished with problems'} in ${report.durationMs} ms`);
    }
    if (this.store?.isOpen) {
      try {
        this.journal.flush();
        this.housekeeping.persistRollups(this.clock.now(), true);
        if (this.lifecycle !== 'failed') this.store.events.append('shutdown.report', 'conductor', { ...report, steps: report.steps.map((s) => ({ ...s })) });
        this.store.close();
      } catch (error) {
        this.logger.error(`could not write the shutdown report: ${messageOf(error)}`);
      }
    }
    this.lock?.release();
    this.statusTimer?.dispose();
    this.statusTimer = null;
    this.signals?.dispose();
    this.logBus.flush();
    this.publishStatus();
    for (const sub of this.subscriptions.splice(0)) sub.dispose();
    void this.logControl.flush();
  }

  status(): StatusSnapshot {
    const plugins =
      this.manager?.summaries() ?? this.discovery?.result.plugins.map((p) => summarize(p, p.valid ? 'stopped' : 'invalid')) ?? [];
    const components = componentsOf(this.timeline, (name) => this.reportOf(name));
    return {
      state: overallState(this.lifecycle, components, plugins),
      version: this.options.version,
      pid: process.pid,
      startedAt: this.startedAt,
      uptimeMs: this.clock.now() - this.startedAt,
      dataDir: this.dataDirPath ?? '',
      host: this.options.host,
      steps: this.timeline.list(),
      components,
      system: this.scaler?.resources.latest() ?? null,
      plugins,
      requests: this.router?.snapshot() ?? { ...NO_REQUESTS },
    };
  }

  private reportOf(name: StepName): ComponentReport | null {
    if (name === 'config') {
      return { state: 'ready', message: this.options.cli.config ? `from ${resolve(this.options.cli.config)}` : 'defaults (no --config file)' };
    }
    if (name === 'db') {
      return this.store?.isOpen ? { state: 'ready', message: `schema v${this.store.schemaVersion}, ${this.store.path}` } : null;
    }
    if (name === 'signals') return { state: 'ready', message: this.signals ? 'SIGINT, SIGTERM, SIGHUP' : 'handled by the host' };
    const service = this.services.get(name);
    return reportsHealth(service) ? service.health() : null;
  }

  // ---- steps ----

  private buildSteps(): Step[] {
    const make = (name: StepName, build: () => Service): Step => {
      const override = this.options.stepOverrides?.[name];
      let service: Service | null = null;
      return {
        name,
        service: {
          start: async () => {
            service = override ? override(this) : build();
            this.services.set(name, service);
            await service.start();
          },
          stop: async (opts) => {
            if (service) await service.stop(opts);
          },
        },
      };
    };
    return [
      make('config', () => this.configStep()),
      make('db', () => this.dbStep()),
      make('discovery', () => {
        const layout = dataDirLayout(this.dataDir);
        const roots = pluginRoots(this.config, this.options.bundledPluginsDir ?? null, layout.plugins);
        this.discovery = new PluginDiscoveryService({ roots, strict: this.config.plugins.strict }, this.logger.child('discovery'));
        return this.discovery;
      }),
      make('health', () => {
        this.health = new HealthMonitor({ intervalMs: this.config.health.intervalMs }, this.clock, this.logger.child('health'));
        return this.health;
      }),
      make('scaler', () => {
        const resources = new ResourceMonitor(this.options.sampler ?? systemInformationSampler, this.clock);
        this.scaler = new Scaler(this.health!, resources, this.logger.child('scaler'), () => this.markStatusDirty(), this.clock, (plugin, decision) => {
          this.record('scaling.decision', `plugin:${plugin}`, {
            desired: decision.desired,
            previous: decision.previous,
            blocked: decision.blocked ?? false,
            reason: decision.reason,
            inputs: { ...decision.inputs },
          });
          this.manager?.noteScalingDecision(plugin, decision);
          this.markStatusDirty();
        }, { policy: this.options.scalerPolicy ?? {} });
        return this.scaler;
      }),
      make('router', () => {
        this.router = new Router(this.clock, { logger: this.logger.child('router') });
        return this.router;
      }),
      make('plugins', () => {
        const { manager, service } = createPluginsStep({
          dataDir: this.dataDir,
          config: () => this.config,
          discovered: () => this.discovery?.result.plugins ?? [],
          store: this.store!,
          router: this.router!,
          health: this.health!,
          scaler: this.scaler,
          logBus: this.logBus,
          logger: this.logger,
          clock: this.clock,
          prometheus: this.prometheus,
          probeHistory: this.probeHistory,
          record: (kind, source, data) => this.record(kind, source, data),
          onChange: () => this.markStatusDirty(),
          secretCipher: this.options.secretCipher,
          pluginRuntimePath: this.options.pluginRuntimePath,
          processSampler: this.options.processSampler,
          pluginHealth: this.options.pluginHealth,
          watchPlugins: this.options.cli.watchPlugins,
        });
        this.manager = manager;
        this.subscriptions.push(
          this.health!.onTick('metrics', (tick) => {
            this.liveMetrics.record(tick.now, this.scaler?.resources.latest() ?? null, this.router?.snapshot() ?? NO_REQUESTS, this.manager?.summaries() ?? []);
            this.housekeeping.persistRollups(tick.now, false);
            this.housekeeping.pruneOld(tick.now);
          }),
        );
        return service;
      }),
      make('signals', () => {
        if (this.options.signals === null) return { start: async () => {}, stop: async () => {} };
        this.signals = new SignalHandlers(
          this.options.signals ?? process,
          (signal) => this.requestShutdown(signal),
          (signal) => this.force(`${signal} received twice`),
          this.logger.child('signals'),
          () => this.clock.now(),
        );
        return this.signals;
      }),
    ];
  }

  private configStep(): Service {
    return {
      start: async () => {
        const file = this.options.cli.config ? readConfigFile(this.options.cli.config) : {};
        this.layers = { flags: flagsAsConfigLayer(this.options.cli), file };
        this.resolved = resolveConfig({ ...this.layers, saved: {} });
        this.dataDirPath = resolve(this.resolved.config.dataDir ?? this.options.defaultDataDir ?? defaultDataDir());
        this.logger.setLevel(this.resolved.config.logLevel);
      },
      stop: async () => {},
    };
  }

  private dbStep(): Service {
    return {
      start: async () => {
        const layout = dataDirLayout(this.dataDir);
        try {
          mkdirSync(this.dataDir, { recursive: true });
        } catch (error) {
          throw new Error(`cannot create data dir ${this.dataDir}: ${messageOf(error)}`);
        }
        const lock = new DataDirLock(this.dataDir);
        lock.acquire();
        this.lock = lock;
        const store = new Store({ dataDir: this.dataDir, clock: this.clock, ...(this.options.nativeBinding ? { nativeBinding: this.options.nativeBinding } : {}) });
        try {
          store.open();
        } catch (error) {
          lock.release();
          this.lock = null;
          throw error;
        }
        this.store = store;
        this.logControl.setLogFile(layout.conductorLog);
        this.subscriptions.push(this.housekeeping.persistLogs(store));
        // Saved settings sit below the file and flags in precedence; re-resolve with them.
        this.resolveWithSaved();
        this.journal.flush();
      },
      // The store closes last, after every other step (see finalize).
      stop: async () => {
        this.journal.flush();
      },
    };
  }

  private resolveWithSaved(): void {
    const saved: Record<string, unknown> = {};
    const all = this.store?.settings.all() ?? {};
    for (const key of SAVEABLE_SETTINGS) if (key in all) saved[key] = all[key];
    this.resolved = resolveConfig({ ...this.layers, saved });
    this.logger.setLevel(this.resolved.config.logLevel);
  }

  settingsView(): SettingsView {
    if (!this.resolved) throw new ConductorError('E_CONFLICT', 'the config is not loaded yet');
    const layout = this.dataDirPath ? dataDirLayout(this.dataDirPath) : null;
    return settingsView(this.resolved, {
      version: this.options.version,
      host: this.options.host,
      pid: process.pid,
      dataDir: this.dataDirPath ?? '',
      databasePath: this.store?.path ?? '',
      logsDir: layout ? dirname(layout.conductorLog) : '',
      configFile: this.options.cli.config ? resolve(this.options.cli.config) : null,
      nodeVersion: process.versions.node,
      platform: `${process.platform} ${process.arch}`,
    });
  }

  /** Saves one UI setting (below flags and the file), applies it, and tells every window. */
  saveSetting(key: SettingKey, value: unknown): SettingsView {
    if (!this.store?.isOpen) throw new ConductorError('E_CONFLICT', 'settings cannot be saved while the database is closed');
    checkSetting(key, value, this.layers);
    this.store.settings.set(key, value);
    this.resolveWithSaved();
    this.record('settings.changed', 'conductor', { key, value });
    const view = this.settingsView();
    this.events.emit('settings:changed', view);
    return view;
  }

  // ---- events, status ----

  private onTiming(timing: StepTiming): void {
    this.timeline.record(timing);
    if (timing.outcome !== 'running') {
      const what = `${timing.phase} ${timing.name}: ${timing.outcome} in ${timing.durationMs ?? 0} ms${timing.error ? ` (${timing.error})` : ''}`;
      if (timing.outcome === 'ok') this.logger.info(what);
      else this.logger.error(what);
      const data: Record<string, unknown> = { step: timing.name, phase: timing.phase, outcome: timing.outcome, durationMs: timing.durationMs ?? 0 };
      if (timing.error) data.error = timing.error;
      this.record('lifecycle.step', 'conductor', data);
    }
    this.publishStatus();
  }

  /** Stores an event, or holds it until the database is open. */
  record(kind: string, source: string, data: Record<string, unknown>): void {
    this.journal.record(kind, source, data);
  }

  private setLifecycle(state: LifecycleState): void {
    if (this.lifecycle === state) return;
    this.lifecycle = state;
    this.publishStatus();
  }

  /** Coalesces frequent changes (ticks, samples) into one `status:changed` per 100 ms. */
  private markStatusDirty(): void {
    if (this.statusTimer) return;
    this.statusTimer = this.clock.setTimeout(() => {
      this.statusTimer = null;
      this.publishStatus();
    }, 100);
  }

  private publishStatus(): void {
    this.events.emit('status:changed', this.status());
  }

  // ---- commands, requests ----

  /** The command handlers, on a narrow view of the conductor. */
  private commands(): CommandHandlers {
    const conductor = this;
    return conductorCommands({
      events: this.events,
      logBus: this.logBus,
      liveMetrics: this.liveMetrics,
      get state() {
        return conductor.lifecycle;
      },
      store: () => this.store,
      manager: () => this.manager,
      status: () => this.status(),
      requestShutdown: (reason) => this.requestShutdown(reason),
      pickFolder: this.options.pickFolder,
      settingsView: () => this.settingsView(),
      saveSetting: (key, value) => this.saveSetting(key, value),
      sendRequest: (args, signal) => this.sendRequest(args, signal),
    });
  }

  /**
   * One request through the router; the raw answer: a value, or a ChunkStream when the plugin
   * streams. `signal`: the caller went away (the plugin's signal aborts).
   */
  async sendRequest(args: Omit<ParsedArgs<'requests:send'>, 'idempotent'> & { idempotent?: boolean }, signal?: AbortSignal): Promise<unknown> {
    if (!this.router) throw new ConductorError('E_CONFLICT', 'the router is not running');
    return this.router.request({
      ...(args.capability !== undefined ? { capability: args.capability } : {}),
      ...(args.plugin !== undefined ? { plugin: args.plugin } : {}),
      payload: args.payload,
      idempotent: args.idempotent ?? false,
      ...(args.timeoutMs !== undefined ? { timeoutMs: args.timeoutMs } : {}),
      ...(signal ? { signal } : {}),
    });
  }
}

const NO_REQUESTS = { total: 0, errors: 0, inFlight: 0, ratePerSec: 0, p50Ms: null, p99Ms: null };

/** Plugin folders in precedence order: bundled, configured, the data dir's. */
export function pluginRoots(config: ConductorConfig, bundledDir: string | null, dataDirPlugins: string): PluginRoot[] {
  return [
    ...(config.plugins.bundled && bundledDir ? [{ dir: bundledDir, origin: 'bundled' as const }] : []),
    ...config.plugins.dirs.map((d) => ({ dir: resolve(d), origin: 'config' as const })),
    { dir: dataDirPlugins, origin: 'data-dir' as const },
  ];
}
