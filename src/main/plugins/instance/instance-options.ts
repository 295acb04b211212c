/** Options of `createInstance`, their defaults, validation, and the child's environment. */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../../common/clock';
import type { InstanceHost } from '../instance-types';

export type Isolation = 'process' | 'thread';

export interface InstanceOptions {
  /** Instance id, unique in the conductor, e.g. "echo#1". */
  id: string;
  /** Plugin name (from its manifest). */
  plugin: string;
  /** The plugin's folder; the child's working directory. */
  dir: string;
  /** Absolute path of the plugin's ES module entry. */
  entryPath: string;
  isolation: Isolation;
  /** The plugin's effective config (`ctx.config`). */
  config: Record<string, unknown>;
  /** The declared env/secrets, already resolved (`ctx.env`, and the child's process.env besides the safe set). */
  env: Record<string, string>;
  /** V8 old-space limit: `--max-old-space-size` for a process, `resourceLimits` for a thread. */
  memoryLimitMb?: number;
  /** The built child-side runtime; default: `plugin-runtime.js` of the build (see `defaultRuntimePath`). */
  runtimePath?: string;
  host: InstanceHost;
  clock?: Clock;
  /** From `start()` until the plugin's `activate` has finished. */
  startTimeoutMs?: number;
  /** How often the child reports liveness and memory. */
  heartbeatMs?: number;
  /** Bound of a plugin's `ctx.request(…)` made outside any request, without `timeoutMs`. */
  outboundTimeoutMs?: number;
}

export const DEFAULT_INSTANCE_OPTIONS = {
  /** Loading a plugin with heavy imports on a slow disk can take seconds; 30 s is generous. */
  startTimeoutMs: 30_000,
  /** One heartbeat a second matches the conductor's default health tick. */
  heartbeatMs: 1_000,
  /** The same as the router's default request timeout. */
  outboundTimeoutMs: 30_000,
} as const;

/** Variables of the conductor's environment a child may see (DESIGN.md: a small safe set). */
export const SAFE_ENV_KEYS = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'NODE_ENV'] as const;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Throws naming the first bad option. */
export function validateInstanceOptions(options: InstanceOptions): void {
  const fail = (option: string, reason: string): never => {
    throw new TypeError(`createInstance: option "${option}" ${reason}`);
  };
  if (typeof options !== 'object' || options === null) fail('options', 'must be an object');
  if (typeof options.id !== 'string' || options.id.length === 0) fail('id', 'must be a non-empty string');
  if (typeof options.plugin !== 'string' || options.plugin.length === 0) fail('plugin', 'must be a non-empty string');
  if (typeof options.dir !== 'string' || !isAbsolute(options.dir)) fail('dir', 'must be an absolute path');
  if (typeof options.entryPath !== 'string' || !isAbsolute(options.entryPath)) fail('entryPath', 'must be an absolute path');
  if (options.isolation !== 'process' && options.isolation !== 'thread') fail('isolation', 'must be "process" or "thread"');
  if (typeof options.config !== 'object' || options.config === null || Array.isArray(options.config)) fail('config', 'must be an object');
  if (typeof options.env !== 'object' || options.env === null || Array.isArray(options.env)) fail('env', 'must be an object of strings');
  for (const [key, value] of Object.entries(options.env)) {
    if (!ENV_NAME.test(key)) fail('env', `has an invalid variable name "${key}"`);
    if (typeof value !== 'string') fail('env', `value of ${key} must be a string`);
  }
  if (options.memoryLimitMb !== undefined && !(Number.isInteger(options.memoryLimitMb) && options.memoryLimitMb >= 16)) {
    fail('memoryLimitMb', 'must be an integer of at least 16');
  }
  if (options.runtimePath !== undefined && (typeof options.runtimePath !== 'string' || !isAbsolute(options.runtimePath))) {
    fail('runtimePath', 'must be an absolute path');
  }
  const host = options.host as Partial<InstanceHost> | undefined;
  if (!host || typeof host.log !== 'function' || typeof host.state !== 'function' || typeof host.request !== 'function') {
    fail('host', 'must provide log, state and request');
  }
  for (const key of ['startTimeoutMs', 'heartbeatMs', 'outboundTimeoutMs'] as const) {
    const value = options[key];
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) fail(key, 'must be a positive number of milliseconds');
  }
}

let cachedRuntimePath: string | null = null;

/**
 * The built runtime, `out/main/plugin-runtime.js`. Bundled, this module lives in `out/main/` or in
 * `out/main/chunks/`; from source (tests) it is `src/main/plugins/instance/`.
 */
export function defaultRuntimePath(): string {
  if (cachedRuntimePath !== null) return cachedRuntimePath;
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    join(here, 'plugin-runtime.js'),
    join(here, '..', 'plugin-runtime.js'),
    join(here, '..', '..', '..', '..', 'out', 'main', 'plugin-runtime.js'),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new Error(`the plugin runtime (plugin-runtime.js) is missing; looked in ${candidates.join(', ')}: run \`npm run build\` first`);
  }
  cachedRuntimePath = found;
  return found;
}

/** The child's whole environment: the safe set from ours, then the plugin's declared env. */
export function childEnvironment(declared: Record<string, string>, source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of SAFE_ENV_KEYS) {
    const value = source[key];
    if (value !== undefined) env[key] = value;
  }
  Object.assign(env, declared);
  // Under Electron, process.execPath is the Electron binary: it must run as plain Node.
  if (process.versions.electron !== undefined) env.ELECTRON_RUN_AS_NODE = '1';
  return env;
}
