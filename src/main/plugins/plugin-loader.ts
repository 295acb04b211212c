import type { PluginState, PluginSummary } from '../../shared/domain';
import type { ComponentReport, HealthReporter } from '../common/health';
import type { Service } from '../common/service';
import type { Logger } from '../logging/logger';
import { summarize, type DiscoveredPlugin } from './discovery';

/**
 * Startup step 7: start the enabled plugins' instances in dependency order, and on stop drain and
 * stop them in reverse. Until the instance runtime lands, valid plugins are listed as `stopped`
 * with that reason (never reported as running).
 */
export class PluginLoader implements Service, HealthReporter {
  private readonly states = new Map<DiscoveredPlugin, { state: PluginState; reason?: string }>();

  constructor(
    private readonly discovered: () => readonly DiscoveredPlugin[],
    private readonly log: Logger,
    private readonly onChange: () => void,
  ) {}

  async start(): Promise<void> {
    for (const plugin of this.discovered()) {
      if (!plugin.valid) this.states.set(plugin, { state: 'invalid' });
      else if (plugin.manifest && !plugin.manifest.enabled) this.states.set(plugin, { state: 'disabled' });
      else this.states.set(plugin, { state: 'stopped', reason: 'not started: this build has no plugin instance runtime yet' });
    }
    this.onChange();
  }

  async stop(): Promise<void> {
    this.onChange();
  }

  summaries(): PluginSummary[] {
    return this.discovered().map((plugin) => {
      const entry = this.states.get(plugin);
      const summary = summarize(plugin, entry?.state ?? (plugin.valid ? 'stopped' : 'invalid'));
      if (entry?.reason !== undefined && summary.reason === undefined) summary.reason = entry.reason;
      return summary;
    });
  }

  health(): ComponentReport {
    const loaded = [...this.states.values()].filter((s) => s.state === 'ready').length;
    return { state: 'ready', message: `${loaded} of ${this.states.size} plugin(s) running` };
  }
}
