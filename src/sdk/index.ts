/**
 * The Conductor plugin SDK: types only. A plugin needs none of it — its entry's default export is
 * a plain object `{ activate?, handle, health?, deactivate? }` — but `definePlugin` gives an editor
 * the types:
 *
 * ```ts
 * import { definePlugin } from 'conductor/sdk';
 * export default definePlugin({
 *   async handle(payload, ctx) {
 *     ctx.log.info('got %o', payload);
 *     return { echo: payload };
 *   },
 * });
 * ```
 */

import type { Plugin } from '../main/plugins/runtime/plugin-api';

export type {
  HealthResult,
  HealthStatus,
  Plugin,
  PluginCallError,
  PluginContext,
  PluginErrorCode,
  PluginLogger,
  PluginState,
  RequestContext,
  RequestOptions,
  RequestTarget,
} from '../main/plugins/runtime/plugin-api';

/** Returns its argument: it only adds types. */
export function definePlugin<Config = Record<string, unknown>, P extends Plugin<Config> = Plugin<Config>>(plugin: P): P {
  return plugin;
}
