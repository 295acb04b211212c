/** Domain types shared by main, the preload and the renderer. */

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The startup steps, in start order (DESIGN.md, Lifecycle). Shutdown runs them in reverse. */
export const STEP_NAMES = ['config', 'db', 'discovery', 'health', 'scaler', 'router', 'plugins', 'signals'] as const;
export type StepName = (typeof STEP_NAMES)[number];

export const STEP_TITLES: Record<StepName, string> = {
  config: 'Configuration',
  db: 'Database',
  discovery: 'Plugin discovery',
  health: 'Health monitor',
  scaler: 'Scaler',
  router: 'Request router',
  plugins: 'Plugin loading',
  signals: 'Signal handlers',
};

export type OverallState = 'starting' | 'ready' | 'degraded' | 'down' | 'stopping';

/** A component's state: its step's lifecycle plus the health it reports while running. */
export type ComponentState = 'pending' | 'starting' | 'ready' | 'degraded' | 'down' | 'stopping' | 'stopped' | 'failed';

export interface ComponentHealth {
  name: StepName;
  title: string;
  state: ComponentState;
  message?: string;
}

/** One phase (start or stop) of one step, as shown on the startup timeline. */
export interface StepTiming {
  name: StepName;
  phase: 'start' | 'stop';
  outcome: 'running' | 'ok' | 'failed' | 'forced';
  startedAt: number;
  durationMs?: number;
  error?: string;
}

export interface SystemResources {
  cpuPercent: number;
  memUsedBytes: number;
  memTotalBytes: number;
  sampledAt: number;
}

export type PluginState =
  | 'disabled'
  | 'starting'
  | 'ready'
  | 'degraded'
  | 'idle'
  | 'quarantined'
  | 'invalid'
  | 'stopping'
  | 'stopped';

export type InstanceState = 'starting' | 'ready' | 'degraded' | 'unready' | 'draining' | 'stopped' | 'crashed';

export interface InstanceSummary {
  id: string;
  /** Child-process pid, or null for a thread instance. */
  pid: number | null;
  /** Worker threadId, or null for a process instance. */
  threadId: number | null;
  state: InstanceState;
  startedAt: number | null;
  inFlight: number;
  served: number;
  errors: number;
  /** The circuit breaker of the instance's slot (a replacement inherits its slot's breaker). */
  breaker: 'closed' | 'open' | 'halfOpen';
  /** CPU over the last health tick, percent of one core (null until sampled, or for a thread instance). */
  cpuPercent: number | null;
  /** Resident set size, bytes (null until sampled, or for a thread instance). */
  rssBytes: number | null;
}

/** Why a plugin was quarantined (crash loop): the crash that tripped it. */
export interface QuarantineCause {
  /** In words: "5 crashes in 4.2 s (limit: 5 within 60 s); last: exit code 1 …". */
  reason: string;
  exitCode: number | null;
  signal: string | null;
  /** Last lines the instance printed or logged, newest last. */
  lastLines: string[];
  /** Highest RSS seen for the instance, bytes (null when never sampled). */
  peakRssBytes: number | null;
  /** Clock time of the crash that tripped it. */
  at: number;
}

/** The scaler's latest decision that changed the count (or was blocked). */
export interface ScalingSummary {
  at: number;
  desired: number;
  previous: number;
  reason: string;
  blocked: boolean;
}

export interface PluginMetrics {
  ratePerSec: number;
  /** Errors over requests in the last minute, 0..1. */
  errorRate: number;
  p50Ms: number | null;
  p99Ms: number | null;
  total: number;
  errors: number;
}

export interface PluginSummary {
  name: string;
  version: string;
  description: string;
  state: PluginState;
  dir: string;
  runtime: 'node' | 'command';
  isolation: 'process' | 'thread';
  capabilities: string[];
  dependsOn: string[];
  required: boolean;
  enabled: boolean;
  /** Instance bounds in force (manifest, or as set from the UI/API). */
  min: number;
  max: number;
  instances: InstanceSummary[];
  queueDepth: number;
  /** Instances restarted after a crash since the conductor started. */
  restarts: number;
  metrics: PluginMetrics;
  /** Where the plugin came from. */
  origin: 'bundled' | 'config' | 'data-dir';
  /** Why the plugin is invalid, stopped or quarantined, in words. */
  reason?: string;
  /** Set while quarantined (crash loop); cleared by `plugins:retry`. */
  quarantine?: QuarantineCause;
  /** The scaler's latest decision for this plugin. */
  lastScaling?: ScalingSummary;
  /** Sum over the plugin's sampled process instances (null when none was sampled). */
  cpuPercent: number | null;
  rssBytes: number | null;
}

export interface PluginEnvVar {
  name: string;
  secret: boolean;
  required: boolean;
  set: boolean;
  /** Set in Conductor, or taken from the conductor's own environment. */
  source: 'conductor' | 'environment' | null;
  /** Only for a non-secret variable set in Conductor. */
  value?: string;
  description?: string;
}

/** One config key as the plugin's manifest declares it. */
export interface ConfigFieldView {
  type: 'string' | 'number' | 'integer' | 'boolean';
  default?: unknown;
  enum?: unknown[];
  /** Inclusive bounds; only for number and integer. */
  min?: number;
  max?: number;
  description?: string;
}

export interface PluginDetail extends PluginSummary {
  /** Effective config (manifest defaults + overrides). */
  config: Record<string, unknown>;
  /** Declared env/secrets and whether each is set (a secret's value is never returned). */
  env: PluginEnvVar[];
  /** How values set in Conductor are kept: encrypted (desktop app) or a 0600 plain-text file (headless). */
  secretStorage: { protection: 'encrypted' | 'plain-file'; location: string };
  /** The manifest's config schema (types, defaults, allowed values, bounds), for the settings form. */
  configSchema?: Record<string, ConfigFieldView>;
  /** Recent lifecycle events of this plugin, newest first. */
  events: StoredEvent[];
}

export interface RequestMetrics {
  total: number;
  errors: number;
  inFlight: number;
  /** Requests per second over the last minute. */
  ratePerSec: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

export interface StatusSnapshot {
  state: OverallState;
  version: string;
  pid: number;
  startedAt: number;
  uptimeMs: number;
  dataDir: string;
  host: 'electron' | 'headless';
  steps: StepTiming[];
  components: ComponentHealth[];
  system: SystemResources | null;
  plugins: PluginSummary[];
  requests: RequestMetrics;
}

/** One health-tick sample of the conductor's traffic, for charts. */
export interface RequestSample {
  ts: number;
  /** Requests completed per second since the previous sample. */
  ratePerSec: number;
  /** Failed completions per second since the previous sample. */
  errorsPerSec: number;
  inFlight: number;
  /** Latency percentiles over the last minute. */
  p50Ms: number | null;
  p99Ms: number | null;
}

/** One health-tick sample of one plugin, for its detail page. */
export interface PluginSample {
  ts: number;
  ratePerSec: number;
  errorsPerSec: number;
  inFlight: number;
  /** Instances running (any state but stopped/crashed). */
  instances: number;
  cpuPercent: number | null;
  rssBytes: number | null;
}

/** The live charts' data: ring buffers filled on the health tick (about 5 minutes). */
export interface MetricsHistory {
  system: SystemResources[];
  requests: RequestSample[];
  /** Present when a plugin was asked for. */
  plugin?: PluginSample[];
}

/** The settings a person may change from the UI (DESIGN.md, Settings precedence). */
export const SETTING_KEYS = ['logLevel', 'ui.closeToTray', 'ui.startHidden', 'ui.launchAtLogin', 'ui.notifications', 'ui.mutedPlugins'] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

/** Where an effective value came from: flags > config file > saved from the UI > defaults. */
export type SettingSource = 'flag' | 'file' | 'saved' | 'default';

export interface SettingView {
  key: SettingKey;
  title: string;
  description: string;
  value: unknown;
  source: SettingSource;
  /** False when a flag or the config file pins the value (the UI does not offer to change it). */
  editable: boolean;
  /** Only has an effect in the desktop app. */
  electronOnly: boolean;
}

export interface RuntimeInfo {
  version: string;
  host: 'electron' | 'headless';
  pid: number;
  dataDir: string;
  databasePath: string;
  logsDir: string;
  configFile: string | null;
  nodeVersion: string;
  platform: string;
}

export interface SettingsView {
  settings: SettingView[];
  runtime: RuntimeInfo;
}

export interface LogEntry {
  /** Monotonic per-process sequence number; lets a client resume a tail without duplicates. */
  seq: number;
  ts: number;
  level: LogLevel;
  /** `conductor`, a component name, or `plugin:<name>`. */
  source: string;
  message: string;
  plugin?: string;
  instance?: string;
}

export interface StoredEvent {
  id: number;
  ts: number;
  kind: string;
  source: string;
  data: Record<string, unknown>;
}
