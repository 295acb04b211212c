/** The factory: validated options → a `ChildInstance` over a process or thread channel. */
import { existsSync } from 'node:fs';
import { systemClock } from '../../common/clock';
import type { PluginInstance } from '../instance-types';
import { ChildInstance, type InstanceVitals } from './child-instance';
import { childEnvironment, defaultRuntimePath, DEFAULT_INSTANCE_OPTIONS, validateInstanceOptions, type InstanceOptions } from './instance-options';
import { forkProcessChannel, startThreadChannel } from './transport';

export type ManagedInstance = PluginInstance & InstanceVitals;

/** Creates (does not start) an instance; throws a TypeError naming the first bad option. */
export function createInstance(options: InstanceOptions): ManagedInstance {
  validateInstanceOptions(options);
  const runtimePath = options.runtimePath ?? defaultRuntimePath();
  if (!existsSync(runtimePath)) {
    throw new TypeError(`createInstance: option "runtimePath" (${runtimePath}) does not exist: run \`npm run build\` first`);
  }
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_INSTANCE_OPTIONS.heartbeatMs;
  const spawnOptions = {
    runtimePath,
    cwd: options.dir,
    env: childEnvironment(options.env),
    ...(options.memoryLimitMb === undefined ? {} : { memoryLimitMb: options.memoryLimitMb }),
  };
  return new ChildInstance({
    id: options.id,
    plugin: options.plugin,
    host: options.host,
    clock: options.clock ?? systemClock,
    startTimeoutMs: options.startTimeoutMs ?? DEFAULT_INSTANCE_OPTIONS.startTimeoutMs,
    outboundTimeoutMs: options.outboundTimeoutMs ?? DEFAULT_INSTANCE_OPTIONS.outboundTimeoutMs,
    init: { entryPath: options.entryPath, config: options.config, env: { ...options.env }, heartbeatMs },
    spawn: (events) => (options.isolation === 'thread' ? startThreadChannel(spawnOptions, events) : forkProcessChannel(spawnOptions, events)),
  });
}
