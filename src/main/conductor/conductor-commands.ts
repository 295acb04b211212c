import type { ParsedArgs } from '../../shared/contract';
import type { SettingKey, SettingsView, StatusSnapshot } from '../../shared/domain';
import { ConductorError } from '../../shared/result';
import type { LogBus } from '../logging/log-bus';
import { ChunkStream } from '../plugins/chunk-stream';
import type { PluginManager } from '../plugins/plugin-manager';
import type { LiveMetrics } from '../scaler/live-metrics';
import type { Store } from '../store/store';
import type { CommandHandlers, EventHub } from './command-dispatcher';
import type { LifecycleState } from './status-aggregator';

/** What the command handlers need from the conductor. */
export interface ConductorCommandsHost {
  readonly events: EventHub;
  readonly logBus: LogBus;
  readonly liveMetrics: LiveMetrics;
  /** The lifecycle state: plugins are managed, and shutdown accepted, only while `running`. */
  readonly state: LifecycleState;
  /** The store, once open (queries fall back to the log bus, or fail, before that). */
  store(): Store | null;
  /** The plugin manager, once step 7 has started. */
  manager(): PluginManager | null;
  status(): StatusSnapshot;
  requestShutdown(reason: string): void;
  /** The desktop shell's native folder picker; none in headless mode. */
  pickFolder?: ((title: string | undefined) => Promise<string | null>) | undefined;
  settingsView(): SettingsView;
  saveSetting(key: SettingKey, value: unknown): SettingsView;
  sendRequest(args: Omit<ParsedArgs<'requests:send'>, 'idempotent'> & { idempotent?: boolean }, signal?: AbortSignal): Promise<unknown>;
}

/**
 * The contract's command handlers (system, logs, events, settings, plugins, requests). Streams
 * started with `requests:stream` are kept by the caller's id, for `requests:cancel`.
 */
export function conductorCommands(host: ConductorCommandsHost): CommandHandlers {
  /** Streams started with `requests:stream`, by the caller's id, for `requests:cancel`. */
  const streams = new Map<string, AbortController>();
  const requireManager = (): PluginManager => {
    const manager = host.manager();
    if (!manager || host.state !== 'running') {
      throw new ConductorError('E_CONFLICT', `plugins cannot be managed while the conductor is ${host.state}`);
    }
    return manager;
  };
  return {
    'system:status': () => host.status(),
    'system:shutdown': (args, caller) => {
      if (host.state !== 'running') {
        throw new ConductorError('E_CONFLICT', `cannot shut down while ${host.state}`);
      }
      host.requestShutdown(`${args.reason ?? 'shutdown requested'} (via ${caller.binding})`);
      return { accepted: true as const };
    },
    'system:pickFolder': async (args) => {
      if (!host.pickFolder) throw new ConductorError('E_CONFLICT', 'there is no folder picker in a browser: type the folder path instead');
      return { path: await host.pickFolder(args.title) };
    },
    'logs:query': (args) => {
      const store = host.store();
      if (!store?.isOpen) return host.logBus.query(args);
      // Whatever the bus still holds for its next batch is written first, so the store is complete up to lastSeq.
      host.logBus.flush();
      const lastSeq = host.logBus.lastSeq;
      const entries = store.logs.query({ ...args, beforeSeq: Math.min(args.beforeSeq ?? lastSeq + 1, lastSeq + 1) });
      return { entries: entries.reverse(), lastSeq };
    },
    'events:query': (args) => {
      const store = host.store();
      if (!store?.isOpen) throw new ConductorError('E_CONFLICT', 'the database is not open');
      return { events: store.events.query(args) };
    },
    'plugins:list': () => ({ plugins: host.status().plugins }),
    'metrics:history': (args) => host.liveMetrics.history(args.plugin),
    'settings:get': () => host.settingsView(),
    'settings:set': (args) => host.saveSetting(args.key, args.value),
    'plugins:get': (args) => requireManager().detail(args.name),
    'plugins:enable': (args) => requireManager().enable(args.name),
    'plugins:disable': (args) => requireManager().disable(args.name),
    'plugins:restart': (args) => requireManager().restart(args.name),
    'plugins:retry': (args) => requireManager().retry(args.name),
    'plugins:setBounds': (args) => requireManager().setBounds(args.name, args.min, args.max),
    'plugins:setConfig': (args) => requireManager().setConfig(args.name, args.config),
    'plugins:setEnv': (args) => requireManager().setEnv(args.name, args.values),
    'plugins:install': (args) => requireManager().install(args.path),
    'plugins:uninstall': (args) => requireManager().uninstall(args.name, args.removeState),
    'requests:send': async (args, caller) => {
      const t0 = performance.now();
      let value = await host.sendRequest(args, caller.signal);
      // A streamed answer, asked for as one value: its chunks as an array (bounded).
      if (ChunkStream.is(value)) value = await value.collect();
      return { value, latencyMs: Math.round((performance.now() - t0) * 1000) / 1000 };
    },
    'requests:stream': async (args, caller) => {
      if (streams.has(args.streamId)) throw new ConductorError('E_CONFLICT', `a stream "${args.streamId}" is already running`, { field: 'streamId' });
      const controller = new AbortController();
      const onGone = () => controller.abort(new ConductorError('E_TIMEOUT', 'the caller went away'));
      caller.signal?.addEventListener('abort', onGone, { once: true });
      streams.set(args.streamId, controller);
      const t0 = performance.now();
      let index = 0;
      let firstChunkMs: number | null = null;
      const emit = (chunk: unknown) => {
        if (firstChunkMs === null) firstChunkMs = Math.round((performance.now() - t0) * 1000) / 1000;
        host.events.emit('requests:chunk', { streamId: args.streamId, index: index++, chunk });
      };
      try {
        const { streamId: _id, ...request } = args;
        const value = await host.sendRequest({ ...request, idempotent: false }, controller.signal);
        if (ChunkStream.is(value)) {
          const cancel = () => value.cancel(controller.signal.reason instanceof ConductorError ? controller.signal.reason : undefined);
          controller.signal.addEventListener('abort', cancel, { once: true });
          try {
            for await (const chunk of value) emit(chunk);
          } finally {
            controller.signal.removeEventListener('abort', cancel);
          }
          if (controller.signal.aborted) throw controller.signal.reason;
        } else emit(value);
        return { chunks: index, latencyMs: Math.round((performance.now() - t0) * 1000) / 1000, firstChunkMs };
      } finally {
        caller.signal?.removeEventListener('abort', onGone);
        streams.delete(args.streamId);
      }
    },
    'requests:cancel': (args) => {
      const controller = streams.get(args.streamId);
      controller?.abort(new ConductorError('E_TIMEOUT', 'cancelled by the caller'));
      return { cancelled: controller !== undefined };
    },
  };
}
