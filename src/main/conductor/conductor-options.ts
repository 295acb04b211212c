/** What a host passes to a Conductor, and what its shutdown reports. */
import type { SecretCipher } from '../secrets/secret-store';
import type { StepName } from '../../shared/domain';
import type { Clock } from '../common/clock';
import type { Service } from '../common/service';
import type { PluginHealthTuning } from '../plugins/plugin-health';
import type { SystemSampler } from '../scaler/resource-monitor';
import type { ScalingPolicyOptions } from '../scaler/scaling-policy';
import type { ProcessSampler } from '../scaler/process-sampler';
import type { CliOptions, HostKind } from './cli';
import type { Conductor } from './conductor';
import type { SignalSource } from './signal-handlers';
import type { StepStopResult } from './step-runner';

export interface ConductorOptions {
  cli: CliOptions;
  host: HostKind;
  version: string;
  /** Data dir when neither flags nor the config file name one (Electron passes userData). */
  defaultDataDir?: string;
  /** better-sqlite3 `nativeBinding` (the Electron-ABI build in the Electron host). */
  nativeBinding?: string;
  /** The plugins folder shipped with the app, or null. */
  bundledPluginsDir?: string | null;
  clock?: Clock;
  /** Where SIGINT/SIGTERM come from; default `process`; null installs no handlers. */
  signals?: SignalSource | null;
  sampler?: SystemSampler;
  /**
   * Encrypts plugin secrets with the OS keychain (the Electron shell passes safeStorage when it is
   * available); without one, secrets go to a 0600 plain-text file in the data dir.
   */
  secretCipher?: SecretCipher | null;
  /** The desktop shell's native folder picker (`system:pickFolder`); none in headless mode. */
  pickFolder?: (title: string | undefined) => Promise<string | null>;
  /** Per-pid CPU/RSS of plugin instances; default /proc (Linux) or systeminformation; null: none. */
  processSampler?: ProcessSampler | null;
  /** Log to the console too. Default true. */
  console?: boolean;
  /** The built child-side plugin runtime; default: next to the bundle. */
  pluginRuntimePath?: string;
  /** Test hook: scaling policy options (short stabilisation/cooldown windows). */
  scalerPolicy?: Partial<ScalingPolicyOptions>;
  /** Test hook: breaker/backoff/memory tuning the manifest does not carry. */
  pluginHealth?: PluginHealthTuning;
  /** Replace a step's service (tests inject failing or hanging steps). */
  stepOverrides?: Partial<Record<StepName, (conductor: Conductor) => Service>>;
}

export interface ShutdownReport {
  reason: string;
  startedAt: number;
  durationMs: number;
  /** True when every step stopped in time and without error. */
  clean: boolean;
  forced: boolean;
  steps: StepStopResult[];
}
