import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SETTING_KEYS, type SettingSource } from '../../shared/domain';
import { formatIssues } from '../../shared/validation';
import { configSchema, type ConductorConfig } from './config-schema';

/** Where an effective value came from (DESIGN.md, Settings precedence). */
export type ConfigSource = SettingSource;

export interface ConfigLayers {
  /** Values from CLI flags, already shaped like the config (e.g. `{ health: {...} }`). */
  flags: Record<string, unknown>;
  /** The parsed config file, or `{}` without one. */
  file: Record<string, unknown>;
  /** Settings saved from the UI: dotted key → value, only keys in `SAVEABLE_SETTINGS`. */
  saved: Record<string, unknown>;
}

export interface ResolvedConfig {
  config: ConductorConfig;
  /** Dotted key → the layer its effective value came from. */
  sources: Record<string, ConfigSource>;
}

/** The settings a person may save from the UI (the rest come from the file, flags or defaults). */
export const SAVEABLE_SETTINGS = SETTING_KEYS;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Reads and validates a config file; errors name the file, the key path and what was expected. */
export function readConfigFile(path: string): Record<string, unknown> {
  const full = resolve(path);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`config ${full}: cannot read it (${code === 'ENOENT' ? 'no such file' : (error as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config ${full}: not valid JSON (${(error as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`config ${full}: expected a JSON object at the top level`);
  }
  const parsed = configSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) throw new ConfigError(`config ${full}: ${formatIssues(parsed.error)}`);
  return value as Record<string, unknown>;
}

/** Merges the layers (flags > file > saved > defaults), validates, and records each value's source. */
export function resolveConfig(layers: ConfigLayers): ResolvedConfig {
  const savedTree: Record<string, unknown> = {};
  for (const key of SAVEABLE_SETTINGS) {
    if (key in layers.saved) setPath(savedTree, key, layers.saved[key]);
  }
  // Saved settings that no longer validate are dropped rather than blocking startup.
  const savedCheck = configSchema.safeParse(savedTree);
  const saved = savedCheck.success ? savedTree : {};

  const merged = deepMerge(deepMerge(saved, layers.file), layers.flags);
  const parsed = configSchema.safeParse(merged, { reportInput: true });
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error));

  const sources: Record<string, ConfigSource> = {};
  for (const key of leafKeys(parsed.data as Record<string, unknown>)) {
    sources[key] = hasPath(layers.flags, key)
      ? 'flag'
      : hasPath(layers.file, key)
        ? 'file'
        : hasPath(saved, key)
          ? 'saved'
          : 'default';
  }
  return { config: parsed.data, sources };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const key of Object.keys(over)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    const a = out[key];
    const b = over[key];
    out[key] = isPlainObject(a) && isPlainObject(b) ? deepMerge(a, b) : b;
  }
  return out;
}

function setPath(tree: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = tree;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(node[part])) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

export function hasPath(tree: Record<string, unknown>, dotted: string): boolean {
  let node: unknown = tree;
  for (const part of dotted.split('.')) {
    if (!isPlainObject(node) || !Object.prototype.hasOwnProperty.call(node, part)) return false;
    node = node[part];
  }
  return true;
}

function leafKeys(tree: Record<string, unknown>, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(tree)) {
    const dotted = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(value)) out.push(...leafKeys(value, dotted));
    else out.push(dotted);
  }
  return out;
}
