import type { LogLevel } from '../../shared/domain';
import type { Clock } from '../common/clock';
import type { Disposable } from '../common/disposable';
import type { TickHandler } from '../health/health-monitor';
import type { ProbeHistory } from '../health/probe-history';
import type { LogBus } from '../logging/log-bus';
import type { Logger } from '../logging/logger';
import type { Router } from '../router/router';
import type { ProcessSampler } from '../scaler/process-sampler';
import type { SecretStore } from '../secrets/secret-store';
import type { Store } from '../store/store';
import type { DiscoveredPlugin } from './discovery';
import type { PluginHealthTuning } from './plugin-health';

/** What the plugin manager (and each of its parts) is given by the conductor. */
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
