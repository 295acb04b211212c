import { HTTP_PATHS } from '../../shared/channels';
import type { CommandDispatcher } from '../conductor/command-dispatcher';
import type { HttpRoute } from './http-route';

export interface MetricsText {
  contentType: string;
  text(): Promise<string>;
}

/**
 * The convenience routes for scripts, on top of `/api/v1/commands/<domain:verb>`. Each goes
 * through the same dispatcher (same validation, same envelope) as the command it stands for.
 */
export function apiRoutes(dispatcher: CommandDispatcher, metrics: MetricsText): HttpRoute[] {
  return [
    {
      method: 'POST',
      path: HTTP_PATHS.requests,
      async handler(_req, _res, ctx) {
        const body = await ctx.readJson();
        if (!body.ok) return ctx.sendResult(body);
        ctx.sendResult(await dispatcher.dispatch('requests:send', body.value, { binding: 'http' }));
      },
    },
    {
      method: 'GET',
      path: HTTP_PATHS.plugins,
      async handler(_req, _res, ctx) {
        ctx.sendResult(await dispatcher.dispatch('plugins:list', {}, { binding: 'http' }));
      },
    },
    {
      method: 'GET',
      path: HTTP_PATHS.metrics,
      async handler(_req, _res, ctx) {
        ctx.sendText(200, metrics.contentType, await metrics.text());
      },
    },
  ];
}
