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

export interface PluginSummary {
  name: string;
  version: string;
  description: string;
  state: PluginState;
  dir: string;
  capabilities: string[];
  dependsOn: string[];
  required: boolean;
  /** Why the plugin is invalid or quarantined, in words. */
  reason?: string;
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
