import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { HTTP_PATHS } from '../../shared/channels';
import type { ParsedArgs } from '../../shared/contract';
import { ConductorError, type ErrorInfo } from '../../shared/result';
import type { CommandDispatcher } from '../conductor/command-dispatcher';
import { ChunkStream } from '../plugins/chunk-stream';
import type { HttpRoute } from './http-route';

export interface MetricsText {
  contentType: string;
  text(): Promise<string>;
}

/** Sends one request and gives the raw answer (a value, or a ChunkStream when the plugin streams). */
export type RequestOpener = (args: ParsedArgs<'requests:send'>, signal: AbortSignal) => Promise<unknown>;

/** A thrown error as an envelope error: its code when it has one, E_INTERNAL otherwise. */
function infoOf(error: unknown): ErrorInfo {
  return error instanceof ConductorError ? error.toInfo() : { code: 'E_INTERNAL', message: `internal error: ${error instanceof Error ? error.message : String(error)}` };
}

/**
 * The convenience routes for scripts, on top of `/api/v1/commands/<domain:verb>`. Each goes
 * through the same validation and envelope as the command it stands for. `POST /api/v1/requests`
 * with `"stream": true` answers NDJSON: one `{"chunk": …}` line per chunk as the plugin produces it,
 * then `{"done": true, …}` (or `{"error": {code, message}}` when it fails midway). A client that
 * closes the connection cancels the request in the plugin.
 */
export function apiRoutes(dispatcher: CommandDispatcher, metrics: MetricsText, openRequest?: RequestOpener): HttpRoute[] {
  return [
    {
      method: 'POST',
      path: HTTP_PATHS.requests,
      async handler(_req, res, ctx) {
        const body = await ctx.readJson();
        if (!body.ok) return ctx.sendResult(body);
        const raw = body.value;
        const wantsStream = raw !== null && typeof raw === 'object' && !Array.isArray(raw) && (raw as { stream?: unknown }).stream === true;
        if (!wantsStream || !openRequest) {
          const args = raw !== null && typeof raw === 'object' && !Array.isArray(raw) && 'stream' in raw ? withoutStream(raw as Record<string, unknown>) : raw;
          return ctx.sendResult(await dispatcher.dispatch('requests:send', args, { binding: 'http', signal: ctx.signal }));
        }
        const parsed = dispatcher.parse('requests:send', withoutStream(raw as Record<string, unknown>));
        if (!parsed.ok) return ctx.sendResult(parsed);
        const t0 = performance.now();
        let value: unknown;
        try {
          value = await openRequest(parsed.value, ctx.signal);
        } catch (error) {
          // Failed before anything streamed: a normal error envelope, with its HTTP status.
          return ctx.sendResult({ ok: false, error: infoOf(error) });
        }
        await writeNdjson(res, value, ctx.signal, t0);
      },
    },
    {
      method: 'GET',
      path: HTTP_PATHS.plugins,
      async handler(_req, _res, ctx) {
        ctx.sendResult(await dispatcher.dispatch('plugins:list', {}, { binding: 'http', signal: ctx.signal }));
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

function withoutStream(raw: Record<string, unknown>): Record<string, unknown> {
  const { stream: _stream, ...rest } = raw;
  return rest;
}

/** Writes chunks as NDJSON lines, waiting for the socket to drain (backpressure reaches the plugin). */
async function writeNdjson(res: ServerResponse, value: unknown, signal: AbortSignal, t0: number): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
  res.flushHeaders();
  const stream = ChunkStream.is(value) ? value : null;
  const onGone = () => stream?.cancel(new ConductorError('E_TIMEOUT', 'the HTTP client closed the connection'));
  signal.addEventListener('abort', onGone, { once: true });
  const write = async (line: unknown): Promise<boolean> => {
    if (signal.aborted || res.destroyed) return false;
    if (!res.write(`${JSON.stringify(line)}\n`)) {
      await Promise.race([once(res, 'drain'), once(res, 'close')]).catch(() => undefined);
    }
    return !signal.aborted && !res.destroyed;
  };
  let chunks = 0;
  let firstChunkMs: number | null = null;
  const ms = () => Math.round((performance.now() - t0) * 1000) / 1000;
  try {
    if (stream) {
      for await (const chunk of stream) {
        firstChunkMs ??= ms();
        chunks++;
        if (!(await write({ chunk }))) break;
      }
    } else {
      firstChunkMs = ms();
      chunks = 1;
      await write({ chunk: value });
    }
    await write({ done: true, chunks, latencyMs: ms(), firstChunkMs });
  } catch (error) {
    await write({ error: infoOf(error) });
  } finally {
    signal.removeEventListener('abort', onGone);
    if (!res.destroyed) res.end();
  }
}
