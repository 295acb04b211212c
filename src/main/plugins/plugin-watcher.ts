import { watch, type FSWatcher } from 'node:fs';
import type { Clock } from '../common/clock';
import type { Disposable } from '../common/disposable';
import type { Service } from '../common/service';
import type { Logger } from '../logging/logger';

export interface PluginWatcherOptions {
  /** Changes within this many ms of each other restart once. Default 300. */
  debounceMs: number;
}

export const DEFAULT_PLUGIN_WATCHER_OPTIONS: Readonly<PluginWatcherOptions> = Object.freeze({ debounceMs: 300 });

/** What the watcher needs: the plugin folders, and a rolling restart. */
export interface WatchTarget {
  folders(): Array<{ name: string; dir: string }>;
  restart(name: string): Promise<unknown>;
}

/** Files whose changes do not restart anything (editor droppings, dependencies, logs). */
const IGNORED = /(^|[\\/])(node_modules|\.git|__pycache__)([\\/]|$)|(\.swp|\.swx|~|\.tmp|\.log|\.pyc)$|(^|[\\/])\.#/;

/**
 * `--watch-plugins`: watches each plugin's folder (recursively) and, after a quiet period,
 * restarts its instances, rolling, so an author sees an edit without restarting Conductor. A
 * change to `plugin.json` is reported: the manifest is read at startup (restart Conductor to apply it).
 */
export class PluginWatcher implements Service {
  private readonly options: PluginWatcherOptions;
  private readonly watchers: FSWatcher[] = [];
  private readonly timers = new Map<string, Disposable>();
  private readonly manifestChanged = new Set<string>();
  private stopped = false;

  constructor(
    private readonly target: WatchTarget,
    private readonly clock: Clock,
    private readonly log: Logger,
    options: Partial<PluginWatcherOptions> = {},
  ) {
    this.options = { ...DEFAULT_PLUGIN_WATCHER_OPTIONS, ...options };
    if (!Number.isFinite(this.options.debounceMs) || this.options.debounceMs < 0) {
      throw new Error(`PluginWatcherOptions.debounceMs must be a non-negative number, got ${String(this.options.debounceMs)}`);
    }
  }

  async start(): Promise<void> {
    for (const { name, dir } of this.target.folders()) {
      try {
        const watcher = watch(dir, { recursive: true }, (_event, file) => this.changed(name, file === null ? '' : String(file)));
        watcher.on('error', (error) => this.log.warn(`watching ${dir} failed: ${error.message}`));
        this.watchers.push(watcher);
      } catch (error) {
        this.log.warn(`cannot watch ${dir}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    this.log.info(`watching ${this.watchers.length} plugin folder(s) for changes`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.watchers.splice(0)) w.close();
    for (const t of this.timers.values()) t.dispose();
    this.timers.clear();
  }

  private changed(name: string, file: string): void {
    if (this.stopped || IGNORED.test(file)) return;
    if (file === 'plugin.json') this.manifestChanged.add(name);
    this.timers.get(name)?.dispose();
    this.timers.set(
      name,
      this.clock.setTimeout(() => {
        this.timers.delete(name);
        if (this.manifestChanged.delete(name)) this.log.warn(`${name}: plugin.json changed; the manifest is read at startup, so restart Conductor to apply it`);
        this.log.info(`${name}: files changed, restarting its instances`);
        this.target.restart(name).catch((error: unknown) => this.log.warn(`${name}: restart after a change failed: ${error instanceof Error ? error.message : String(error)}`));
      }, this.options.debounceMs),
    );
  }
}
