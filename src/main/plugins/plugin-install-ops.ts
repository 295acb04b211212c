import type { PluginSummary } from '../../shared/domain';
import { ConductorError } from '../../shared/result';
import { readPlugin, type DiscoveredPlugin } from './discovery';
import type { PluginManifest } from './manifest';
import { installPlugin, uninstallPlugin } from './plugin-installer';
import type { PluginManagerOptions } from './plugin-manager-options';
import type { PluginSlot } from './plugin-slot';
import type { ManagedInstance } from './instance';

/** What installing and uninstalling needs from the plugin manager. */
export interface PluginInstallOpsDeps extends Pick<PluginManagerOptions, 'pluginsDir' | 'store' | 'secrets' | 'clock' | 'record' | 'onChange'> {
  /** The slot of that name, if any. */
  find(name: string): PluginSlot | undefined;
  /** The slot of that name; throws E_PLUGIN_NOT_FOUND. */
  slot(name: string): PluginSlot;
  /** Every slot, in dependency order. */
  all(): readonly PluginSlot[];
  addSlot(plugin: DiscoveredPlugin): PluginSlot;
  removeSlot(name: string, slot: PluginSlot): void;
  applySaved(slot: PluginSlot): void;
  audit(slot: PluginSlot, kind: string, data: Record<string, unknown>): void;
  setState(slot: PluginSlot, state: PluginSummary['state'], reason: string | undefined): void;
  register(slot: PluginSlot): void;
  unregister(slot: PluginSlot): void;
  bringUp(slot: PluginSlot): Promise<void>;
  rollInstances(slot: PluginSlot): Promise<void>;
  stopInstances(slot: PluginSlot, instances: ManagedInstance[], deadline: number): Promise<void>;
  summaryOf(slot: PluginSlot): PluginSummary;
}

/**
 * `plugins:install` and `plugins:uninstall`: a new plugin is copied into the data dir's plugins
 * folder and started; an installed one is upgraded in place (rolling replacement). Only plugins in
 * the data dir can be uninstalled, and not while an enabled plugin depends on them.
 */
export class PluginInstallOps {
  constructor(private readonly deps: PluginInstallOpsDeps) {}

  async install(path: string): Promise<{ name: string; version: string; upgradedFrom?: string; plugin: PluginSummary }> {
    const installed = installPlugin(path, this.deps.pluginsDir);
    const plugin = readPlugin(installed.dir, 'data-dir');
    if (!plugin.valid || !plugin.manifest) throw new ConductorError('E_BAD_REQUEST', plugin.reason ?? 'invalid plugin', { field: 'path' });
    const missing = plugin.manifest.dependsOn.filter((d) => this.deps.find(d) === undefined);
    const existing = this.deps.find(plugin.manifest.name);
    if (existing) {
      // Upgrade in place: new code, rolling replacement of the instances.
      await existing.serialize(async () => {
        const before = existing.plugin.manifest;
        existing.plugin = plugin;
        existing.reason = undefined;
        existing.health?.setManifest(plugin.manifest!);
        this.deps.audit(existing, 'plugin.upgraded', { from: installed.upgradedFrom ?? null, to: installed.version });
        if (existing.enabled) {
          // New capabilities, timeout, queue or concurrency take effect with the new version.
          if (!existing.routerRegistration || routingChanged(before, plugin.manifest!)) this.deps.register(existing);
          if (existing.instances.length > 0) await this.deps.rollInstances(existing);
          else await this.deps.bringUp(existing);
        }
      });
      const result = { name: installed.name, version: installed.version, plugin: this.deps.summaryOf(existing) };
      return installed.upgradedFrom === undefined ? result : { ...result, upgradedFrom: installed.upgradedFrom };
    }
    if (missing.length > 0) {
      plugin.valid = false;
      plugin.reason = `depends on missing plugin(s) ${missing.map((m) => `"${m}"`).join(', ')}`;
    }
    const slot = this.deps.addSlot(plugin);
    this.deps.audit(slot, 'plugin.installed', { version: installed.version });
    if (plugin.valid) {
      this.deps.applySaved(slot);
      if (slot.enabled) this.deps.register(slot);
      await slot.serialize(() => (slot.enabled ? this.deps.bringUp(slot) : Promise.resolve(this.deps.setState(slot, 'disabled', undefined))));
    }
    this.deps.onChange();
    return { name: installed.name, version: installed.version, plugin: this.deps.summaryOf(slot) };
  }

  async uninstall(name: string, removeState: boolean): Promise<{ name: string; removedState: boolean }> {
    const slot = this.deps.slot(name);
    if (slot.plugin.origin !== 'data-dir') {
      throw new ConductorError('E_CONFLICT', `plugin "${name}" is ${slot.plugin.origin === 'bundled' ? 'bundled with the app' : 'in a configured folder'}; disable it instead`);
    }
    const dependents = this.deps.all().filter((s) => s !== slot && (s.plugin.manifest?.dependsOn ?? []).includes(name) && s.enabled);
    if (dependents.length > 0) {
      throw new ConductorError('E_CONFLICT', `plugin "${name}" is needed by ${dependents.map((d) => `"${d.name}"`).join(', ')}; disable or uninstall them first`);
    }
    await slot.serialize(async () => {
      slot.restartTimer?.dispose();
      this.deps.setState(slot, 'stopping', undefined);
      await this.deps.stopInstances(slot, [...slot.instances], this.deps.clock.now() + 10_000);
      this.deps.unregister(slot);
      slot.health?.dispose();
      slot.health = null;
      uninstallPlugin(name, this.deps.pluginsDir);
    });
    this.deps.removeSlot(name, slot);
    if (removeState) {
      this.deps.store.pluginState.clear(name);
      this.deps.store.pluginSettings.delete(name);
      this.deps.secrets?.removePlugin(name);
    }
    this.deps.record('plugin.uninstalled', `plugin:${name}`, { removeState });
    this.deps.onChange();
    return { name, removedState: removeState };
  }
}

/** Whether an upgrade changes what the router was told at registration. */
function routingChanged(before: PluginManifest | null, after: PluginManifest): boolean {
  if (!before) return true;
  return (
    before.capabilities.join('\n') !== after.capabilities.join('\n') ||
    before.requestTimeoutMs !== after.requestTimeoutMs ||
    before.queueLimit !== after.queueLimit ||
    before.concurrency !== after.concurrency
  );
}
