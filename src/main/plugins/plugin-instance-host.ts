import { join } from 'node:path';
import type { LogLevel } from '../../shared/domain';
import type { LogBus } from '../logging/log-bus';
import { isAtLeast } from '../logging/log-bus';
import { RotatingFile } from '../logging/rotating-file';
import type { Router } from '../router/router';
import type { Store } from '../store/store';
import type { InstanceHost, InstanceLogEntry, StateOp } from './instance-types';
import { redact } from './plugin-env';

export interface PluginInstanceHostOptions {
  /** `<dataDir>/logs/plugins`: one rotating `<plugin>.log` per plugin. */
  logsDir: string;
  /** Per-plugin log file size before rotation. */
  maxLogFileBytes?: number;
  /** Entries below this level are dropped; none: all kept. */
  logLevel?: () => LogLevel;
  logBus: LogBus;
  store: Store;
  router: Router;
  /** The plugin's secret values, redacted from its log lines. */
  secretValuesOf(plugin: string): readonly string[] | undefined;
}

/**
 * What instances get from main: their log lines (level-filtered, secrets redacted, onto the log bus
 * and into a per-plugin rotating file), `ctx.state` run against the store, and `ctx.request`
 * through the router.
 */
export function createPluginInstanceHost(options: PluginInstanceHostOptions): InstanceHost {
  const logFiles = new Map<string, RotatingFile>();
  return {
    log: (entry: InstanceLogEntry) => {
      if (options.logLevel && !isAtLeast(entry.level, options.logLevel())) return;
      const secrets = options.secretValuesOf(entry.plugin);
      const message = secrets && secrets.length > 0 ? redact(entry.message, secrets) : entry.message;
      options.logBus.append({ ts: entry.ts, level: entry.level, source: `plugin:${entry.plugin}`, message, plugin: entry.plugin, instance: entry.instance });
      let file = logFiles.get(entry.plugin);
      if (!file) {
        file = new RotatingFile(join(options.logsDir, `${entry.plugin}.log`), options.maxLogFileBytes ? { maxBytes: options.maxLogFileBytes } : {});
        logFiles.set(entry.plugin, file);
      }
      file.write(`${new Date(entry.ts).toISOString()} ${entry.level.padEnd(5)} [${entry.instance}] ${message}`);
    },
    state: async (plugin: string, op: StateOp) => {
      const repo = options.store.pluginState;
      switch (op.op) {
        case 'get':
          return repo.get(plugin, op.key);
        case 'set':
          repo.set(plugin, op.key, op.value);
          return null;
        case 'delete':
          return repo.delete(plugin, op.key);
        case 'increment':
          return repo.increment(plugin, op.key, op.by);
        case 'compareAndSet':
          return repo.compareAndSet(plugin, op.key, op.expected, op.value);
        case 'keys':
          return repo.keys(plugin, op.prefix);
      }
    },
    request: (_from, target, payload, opts) =>
      options.router.request({
        ...(target.capability !== undefined ? { capability: target.capability } : {}),
        ...(target.plugin !== undefined ? { plugin: target.plugin } : {}),
        payload,
        deadline: opts.deadline,
        ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      }),
  };
}
