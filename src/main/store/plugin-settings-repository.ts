import type Database from 'better-sqlite3';
import { ConductorError } from '../../shared/result';
import type { QuarantineCause } from '../../shared/domain';
import type { Clock } from '../common/clock';

/**
 * What the UI (or API) saved for one plugin. Each null means "not set here: the manifest decides"
 * (settings precedence: flags > config file > these > manifest defaults).
 */
export interface PluginSettings {
  plugin: string;
  enabled: boolean | null;
  minInstances: number | null;
  maxInstances: number | null;
  /** Config overrides (validated against the manifest by `resolvePluginConfig` when applied). */
  config: Record<string, unknown> | null;
  /** The crash-loop cause while quarantined; kept across conductor restarts until `plugins:retry`. */
  quarantine: QuarantineCause | null;
  updatedAt: number;
}

interface SettingsRow {
  plugin: string;
  enabled: number | null;
  min_instances: number | null;
  max_instances: number | null;
  config: string | null;
  quarantine: string | null;
  updated_at: number;
}

/** The `plugin_settings` table: per-plugin overrides saved from the UI. */
export class PluginSettingsRepository {
  private readonly getStmt: Database.Statement<[string], SettingsRow>;
  private readonly allStmt: Database.Statement<[], SettingsRow>;
  private readonly enabledStmt: Database.Statement<[string, number | null, number]>;
  private readonly boundsStmt: Database.Statement<[string, number | null, number | null, number]>;
  private readonly configStmt: Database.Statement<[string, string | null, number]>;
  private readonly deleteStmt: Database.Statement<[string]>;
  private readonly quarantineStmt: Database.Statement<[string, string | null, number]>;

  constructor(
    db: Database.Database,
    private readonly clock: Clock,
  ) {
    const columns = 'plugin, enabled, min_instances, max_instances, config, quarantine, updated_at';
    this.getStmt = db.prepare(`SELECT ${columns} FROM plugin_settings WHERE plugin = ?`);
    this.allStmt = db.prepare(`SELECT ${columns} FROM plugin_settings ORDER BY plugin`);
    // Each setter touches only its own columns, so saving one never clobbers another.
    this.enabledStmt = db.prepare(
      'INSERT INTO plugin_settings (plugin, enabled, updated_at) VALUES (?, ?, ?) ' +
        'ON CONFLICT (plugin) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at',
    );
    this.boundsStmt = db.prepare(
      'INSERT INTO plugin_settings (plugin, min_instances, max_instances, updated_at) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (plugin) DO UPDATE SET min_instances = excluded.min_instances, max_instances = excluded.max_instances, updated_at = excluded.updated_at',
    );
    this.configStmt = db.prepare(
      'INSERT INTO plugin_settings (plugin, config, updated_at) VALUES (?, ?, ?) ' +
        'ON CONFLICT (plugin) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at',
    );
    this.deleteStmt = db.prepare('DELETE FROM plugin_settings WHERE plugin = ?');
    this.quarantineStmt = db.prepare(
      'INSERT INTO plugin_settings (plugin, quarantine, updated_at) VALUES (?, ?, ?) ' +
        'ON CONFLICT (plugin) DO UPDATE SET quarantine = excluded.quarantine, updated_at = excluded.updated_at',
    );
  }

  /** Saves the quarantine cause, or clears it (null). */
  setQuarantine(plugin: string, cause: QuarantineCause | null): void {
    checkPlugin(plugin);
    this.quarantineStmt.run(plugin, cause === null ? null : JSON.stringify(cause), this.clock.now());
  }

  /** The plugin's saved settings, or undefined when nothing was saved for it. */
  get(plugin: string): PluginSettings | undefined {
    const row = this.getStmt.get(plugin);
    return row === undefined ? undefined : toSettings(row);
  }

  /** Every plugin with saved settings, by name. */
  all(): PluginSettings[] {
    return this.allStmt.all().map(toSettings);
  }

  /** Saves enabled/disabled; null forgets it (the manifest decides again). */
  setEnabled(plugin: string, enabled: boolean | null): void {
    checkPlugin(plugin);
    if (enabled !== null && typeof enabled !== 'boolean') throw bad(plugin, 'enabled', `expected true, false or null, got ${String(enabled)}`);
    this.enabledStmt.run(plugin, enabled === null ? null : enabled ? 1 : 0, this.clock.now());
  }

  /** Saves instance bounds (each may be null: not set); when both are given, min ≤ max. */
  setBounds(plugin: string, min: number | null, max: number | null): void {
    checkPlugin(plugin);
    if (min !== null && (!Number.isInteger(min) || min < 0)) throw bad(plugin, 'min', `expected an integer of 0 or more, got ${String(min)}`);
    if (max !== null && (!Number.isInteger(max) || max < 1)) throw bad(plugin, 'max', `expected an integer of 1 or more, got ${String(max)}`);
    if (min !== null && max !== null && min > max) throw bad(plugin, 'min', `expected at most max (${max}), got ${min}`);
    this.boundsStmt.run(plugin, min, max, this.clock.now());
  }

  /** Saves config overrides (a JSON object); null forgets them. */
  setConfig(plugin: string, config: Record<string, unknown> | null): void {
    checkPlugin(plugin);
    if (config !== null && (typeof config !== 'object' || Array.isArray(config))) throw bad(plugin, 'config', 'expected an object or null');
    let json: string | null = null;
    if (config !== null) {
      try {
        json = JSON.stringify(config);
      } catch (error) {
        throw bad(plugin, 'config', `not JSON-serialisable: ${(error as Error).message}`);
      }
    }
    this.configStmt.run(plugin, json, this.clock.now());
  }

  /** Forgets everything saved for the plugin; returns whether there was something. */
  delete(plugin: string): boolean {
    return this.deleteStmt.run(plugin).changes > 0;
  }
}

function checkPlugin(plugin: string): void {
  if (typeof plugin !== 'string' || plugin === '') throw new ConductorError('E_BAD_REQUEST', 'plugin settings: plugin must be a non-empty name', { field: 'plugin' });
}

function bad(plugin: string, field: string, message: string): ConductorError {
  return new ConductorError('E_BAD_REQUEST', `plugin settings ${plugin}: ${field}: ${message}`, { field });
}

function toSettings(row: SettingsRow): PluginSettings {
  return {
    plugin: row.plugin,
    enabled: row.enabled === null ? null : row.enabled !== 0,
    minInstances: row.min_instances,
    maxInstances: row.max_instances,
    config: parseConfig(row.plugin, row.config),
    quarantine: parseQuarantine(row.quarantine),
    updatedAt: row.updated_at,
  };
}

function parseConfig(plugin: string, json: string | null): Record<string, unknown> | null {
  if (json === null) return null;
  try {
    const value: unknown = JSON.parse(json);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Fall through: a hand-edited row.
  }
  throw new ConductorError('E_INTERNAL', `plugin settings ${plugin}: the stored config is not a JSON object`);
}

/** A stored cause that no longer parses is dropped (the plugin then starts, as before quarantine was kept). */
function parseQuarantine(json: string | null): QuarantineCause | null {
  if (json === null) return null;
  try {
    const v = JSON.parse(json) as Partial<QuarantineCause> | null;
    if (v && typeof v.reason === 'string' && typeof v.at === 'number') {
      return {
        reason: v.reason,
        exitCode: typeof v.exitCode === 'number' ? v.exitCode : null,
        signal: typeof v.signal === 'string' ? v.signal : null,
        lastLines: Array.isArray(v.lastLines) ? v.lastLines.filter((l): l is string => typeof l === 'string') : [],
        peakRssBytes: typeof v.peakRssBytes === 'number' ? v.peakRssBytes : null,
        at: v.at,
      };
    }
  } catch {
    // Fall through.
  }
  return null;
}
