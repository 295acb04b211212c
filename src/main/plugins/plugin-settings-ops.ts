import type { PluginDetail } from '../../shared/domain';
import { ConductorError } from '../../shared/result';
import { resolvePluginConfig } from './manifest';
import { checkEnvUpdate, envViews, resolvePluginEnv, writeEnv } from './plugin-env';
import type { PluginManagerOptions } from './plugin-manager-options';
import type { PluginSlot } from './plugin-slot';

/** What the settings operations need from the plugin manager. */
export interface PluginSettingsOpsDeps extends Pick<PluginManagerOptions, 'store' | 'log' | 'secrets' | 'envSource'> {
  /** The slot of a valid plugin by name; throws E_PLUGIN_NOT_FOUND or E_CONFLICT (invalid). */
  validSlot(name: string): PluginSlot;
  detail(name: string): PluginDetail;
  audit(slot: PluginSlot, kind: string, data: Record<string, unknown>): void;
  /** Replaces running instances one by one (they pick up the new config and env). */
  rollInstances(slot: PluginSlot): Promise<void>;
  bringUp(slot: PluginSlot): Promise<void>;
}

/**
 * A plugin's settings: what is saved in the store (enabled, bounds, quarantine, config overrides)
 * applied at load, `plugins:setConfig` and `plugins:setEnv`, and its declared env resolved from
 * the secret store and the conductor's environment (for instances and for the detail view).
 */
export class PluginSettingsOps {
  constructor(private readonly deps: PluginSettingsOpsDeps) {}

  /** Saved settings over the manifest's defaults; a config that no longer validates is kept as the reason. */
  applySaved(slot: PluginSlot): void {
    const saved = this.deps.store.pluginSettings.get(slot.name);
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

  /**
   * `plugins:setConfig`: overrides validated against the manifest's config schema (null resets a
   * key to its default), saved, and applied by a rolling restart when instances are running.
   */
  setConfig(name: string, overrides: Record<string, unknown>): Promise<PluginDetail> {
    const slot = this.deps.validSlot(name);
    const saved = this.deps.store.pluginSettings.get(slot.name)?.config ?? {};
    const merged: Record<string, unknown> = { ...saved };
    for (const [key, value] of Object.entries(overrides)) {
      if (value === null) delete merged[key];
      else merged[key] = value;
    }
    const resolved = resolvePluginConfig(slot.manifest, merged);
    if (!resolved.ok) throw new ConductorError('E_BAD_REQUEST', `config of "${name}": ${resolved.error}`, { field: 'config' });
    return slot.serialize(async () => {
      this.deps.store.pluginSettings.setConfig(slot.name, Object.keys(merged).length > 0 ? merged : null);
      slot.config = resolved.value as Record<string, unknown>;
      this.deps.audit(slot, 'plugin.config', { keys: Object.keys(overrides) });
      if (slot.instances.length > 0) await this.deps.rollInstances(slot);
      return this.deps.detail(name);
    });
  }

  /**
   * `plugins:setEnv`: sets or clears declared env variables and secrets in the secret store, then
   * restarts running instances (rolling) so they see them. The event names the variables, never
   * the values.
   */
  setEnv(name: string, values: Record<string, string | null>): Promise<PluginDetail> {
    const slot = this.deps.validSlot(name);
    const secrets = this.deps.secrets;
    if (!secrets) throw new ConductorError('E_CONFLICT', 'no secret store in this conductor; set the variables in its environment instead');
    checkEnvUpdate(name, slot.manifest, values);
    return slot.serialize(async () => {
      writeEnv(secrets, slot.name, values);
      this.deps.audit(slot, 'plugin.env', { set: Object.keys(values).filter((k) => values[k] !== null), cleared: Object.keys(values).filter((k) => values[k] === null) });
      if (slot.instances.length > 0) await this.deps.rollInstances(slot);
      else if (slot.enabled && slot.state === 'stopped' && slot.reason?.startsWith('required env')) await this.deps.bringUp(slot);
      return this.deps.detail(name);
    });
  }

  /** The detail view's env and where secrets are kept (values of secrets never shown). */
  envDetail(slot: PluginSlot): Pick<PluginDetail, 'env' | 'secretStorage'> {
    const manifest = slot.plugin.manifest;
    const env = manifest ? envViews(manifest, this.storedEnv(slot.name), this.deps.envSource ?? {}) : [];
    const secretStorage = this.deps.secrets
      ? { protection: this.deps.secrets.protection, location: this.deps.secrets.location }
      : { protection: 'plain-file' as const, location: 'not available: only the environment' };
    return { env, secretStorage };
  }

  /** The env an instance starts with, or why it cannot start (a required variable not set). */
  resolveEnv(slot: PluginSlot): Record<string, string> | string {
    const { env, missing, secretValues } = resolvePluginEnv(slot.manifest, this.storedEnv(slot.name), this.deps.envSource ?? {});
    slot.secretValues = secretValues;
    return missing.length > 0 ? `required env ${missing.join(', ')} not set (set it on the plugin's page, or in the conductor's environment)` : env;
  }

  private storedEnv(plugin: string): Record<string, string> {
    try {
      return this.deps.secrets?.read(plugin) ?? {};
    } catch (error) {
      this.deps.log.warn(`could not read the stored env of ${plugin}: ${error instanceof Error ? error.message : String(error)}`);
      return {};
    }
  }
}
