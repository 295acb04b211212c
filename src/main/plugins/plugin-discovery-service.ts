import type { ComponentReport, HealthReporter } from '../common/health';
import type { Service } from '../common/service';
import type { Logger } from '../logging/logger';
import { discoverPlugins, type DiscoveryResult, type PluginRoot } from './discovery';

export interface PluginDiscoveryOptions {
  /** Folders to scan, in precedence order (bundled, configured, data dir). */
  roots: PluginRoot[];
  /** One invalid plugin stops startup (config `plugins.strict`). */
  strict: boolean;
}

/** Startup step 3: scan plugin folders, validate manifests, order by `dependsOn`. */
export class PluginDiscoveryService implements Service, HealthReporter {
  private current: DiscoveryResult | null = null;

  constructor(
    private readonly options: PluginDiscoveryOptions,
    private readonly log: Logger,
  ) {}

  get result(): DiscoveryResult {
    return this.current ?? { plugins: [], problems: [], scanned: this.options.roots.map((r) => r.dir) };
  }

  async start(): Promise<void> {
    const result = discoverPlugins(this.options.roots);
    const invalid = result.plugins.filter((p) => !p.valid);
    // "plugin "name" at /dir" when the manifest parsed far enough to name it, else the folder.
    const where = (p: (typeof invalid)[number]) => (p.manifest ? `plugin "${p.manifest.name}" at ${p.dir}` : `plugin at ${p.dir}`);
    for (const plugin of invalid) this.log.warn(`${where(plugin)} is invalid: ${plugin.reason ?? 'unknown reason'}`);
    if (this.options.strict && invalid.length > 0) {
      throw new Error(`plugins.strict is on and ${invalid.length} plugin(s) are invalid: ${invalid.map((p) => `${where(p)}: ${p.reason ?? ''}`).join('; ')}`);
    }
    this.current = result;
    this.log.info(`discovered ${result.plugins.length - invalid.length} valid plugin(s), ${invalid.length} invalid, in ${result.scanned.length} folder(s)`);
  }

  async stop(): Promise<void> {
    // No watchers yet; nothing to release.
  }

  health(): ComponentReport {
    const invalid = this.result.plugins.filter((p) => !p.valid).length;
    return invalid > 0
      ? { state: 'degraded', message: `${invalid} invalid plugin(s)` }
      : { state: 'ready', message: `${this.result.plugins.length} plugin(s)` };
  }
}
