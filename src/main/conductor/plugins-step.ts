import { join } from 'node:path';
import type { Clock } from '../common/clock';
import type { ComponentReport } from '../common/health';
import type { Service } from '../common/service';
import type { HealthMonitor } from '../health/health-monitor';
import type { ProbeHistory } from '../health/probe-history';
import type { LogBus } from '../logging/log-bus';
import type { Logger } from '../logging/logger';
import type { DiscoveredPlugin } from '../plugins/discovery';
import type { PluginHealthTuning } from '../plugins/plugin-health';
import { PluginManager } from '../plugins/plugin-manager';
import { PluginWatcher } from '../plugins/plugin-watcher';
import type { PrometheusExporter } from '../router/prometheus-exporter';
import type { Router } from '../router/router';
import { createProcessSampler, type ProcessSampler } from '../scaler/process-sampler';
import type { Scaler } from '../scaler/scaler';
import { FileSecretStore, type SecretCipher } from '../secrets/secret-store';
import type { Store } from '../store/store';
import type { ConductorConfig } from './config-schema';
import { dataDirLayout } from './data-dir';

/** What step 7 is built from: the earlier steps' services and the conductor's options. */
export interface PluginsStepDeps {
  dataDir: string;
  /** The current config (the log level can change while running). */
  config(): ConductorConfig;
  discovered(): readonly DiscoveredPlugin[];
  store: Store;
  router: Router;
  health: HealthMonitor;
  scaler: Scaler | null;
  logBus: LogBus;
  logger: Logger;
  clock: Clock;
  prometheus: PrometheusExporter;
  probeHistory: ProbeHistory;
  record(kind: string, source: string, data: Record<string, unknown>): void;
  /** Something a status shows changed. */
  onChange(): void;
  /** Encrypts secrets with the OS keychain when available; else a 0600 plain-text file. */
  secretCipher?: SecretCipher | null | undefined;
  pluginRuntimePath?: string | undefined;
  /** Undefined: the default sampler; null: none. */
  processSampler?: ProcessSampler | null | undefined;
  pluginHealth?: PluginHealthTuning | undefined;
  /** `--watch-plugins`: restart a plugin whose files change. */
  watchPlugins?: boolean | undefined;
}

/**
 * Startup step 7: the plugin manager wired to the conductor (store, router, log bus, health tick,
 * secret store, Prometheus), the scaler attached to it, and with `--watch-plugins` the watcher
 * that restarts a plugin whose files change. Stopping detaches the scaler, then stops the plugins.
 */
export function createPluginsStep(deps: PluginsStepDeps): { manager: PluginManager; service: Service & { health(): ComponentReport } } {
  const layout = dataDirLayout(deps.dataDir);
  const manager = new PluginManager({
    pluginsDir: layout.plugins,
    logsDir: layout.pluginLogs,
    discovered: () => deps.discovered(),
    store: deps.store,
    router: deps.router,
    logBus: deps.logBus,
    log: deps.logger.child('plugins'),
    clock: deps.clock,
    record: (kind, source, data) => deps.record(kind, source, data),
    onChange: () => deps.onChange(),
    envSource: process.env,
    logLevel: () => deps.config().logLevel,
    secrets:
      deps.secretCipher && (deps.secretCipher.available?.() ?? true)
        ? deps.store.encryptedSecrets(deps.secretCipher)
        : new FileSecretStore(join(deps.dataDir, 'secrets.json')),
    onCallResult: (plugin, _ok, latencyMs) => deps.prometheus.observe(plugin, latencyMs),
    maxLogFileBytes: deps.config().logs.maxFileBytes,
    ...(deps.pluginRuntimePath ? { runtimePath: deps.pluginRuntimePath } : {}),
    healthTick: deps.health,
    probeHistory: deps.probeHistory,
    processSampler: deps.processSampler === undefined ? createProcessSampler() : deps.processSampler,
    ...(deps.pluginHealth ? { healthTuning: deps.pluginHealth } : {}),
  });
  // The scaler acts on the manager once plugins load; detached when the step stops.
  const attached = deps.scaler?.attach(manager);
  const watcher = deps.watchPlugins
    ? new PluginWatcher(
        {
          folders: () => manager.summaries().filter((p) => p.state !== 'invalid').map((p) => ({ name: p.name, dir: p.dir })),
          restart: (name) => (manager.summaries().find((p) => p.name === name)?.enabled ? manager.restart(name) : Promise.resolve()),
        },
        deps.clock,
        deps.logger.child('watch'),
      )
    : null;
  const service = {
    start: async () => {
      await manager.start();
      await watcher?.start();
    },
    stop: async (opts) => {
      await watcher?.stop();
      attached?.dispose();
      await manager.stop(opts);
    },
    health: () => manager.health(),
  } satisfies Service & { health(): ComponentReport };
  return { manager, service };
}
