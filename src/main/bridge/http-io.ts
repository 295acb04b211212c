/**
 * Small HTTP helpers of the bridge: security headers, JSON and envelope answers, and a bounded
 * body reader. No CORS header is ever written.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tooDeep } from '../../shared/json-depth';
import { ERROR_HTTP_STATUS, err, ok, type ErrorCode, type Result } from '../../shared/result';

/** Headers every response carries. */
export function applySecurityHeaders(res: ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('X-Frame-Options', 'DENY');
}

/** The Content-Security-Policy of every HTML page the bridge serves. */
export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  let text: string;
  try {
    text = JSON.stringify(body);
  } catch (error) {
    status = 500;
    text = JSON.stringify(err('E_INTERNAL', `result could not be serialised: ${error instanceof Error ? error.message : String(error)}`));
  }
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
  });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}

export function statusOf(result: Result<unknown>): number {
  return result.ok ? 200 : ERROR_HTTP_STATUS[result.error.code] ?? 500;
}

/** Answers a result envelope with the status the contract gives its code (200 when ok). */
export function sendResult(res: ServerResponse, result: Result<unknown>, headers: Record<string, string> = {}): void {
  const extra = { ...headers };
  if (!result.ok && result.error.code === 'E_OVERLOADED') {
    const ms = Number(result.error.details?.['retryAfterMs']);
    extra['Retry-After'] = String(Number.isFinite(ms) && ms > 0 ? Math.ceil(ms / 1000) : 1);
  }
  sendJson(res, statusOf(result), result, extra);
}

export function sendError(
  res: ServerResponse,
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
  headers: Record<string, string> = {},
): void {
  sendResult(res, err(code, message, details), headers);
}

export function sendText(res: ServerResponse, status: number, contentType: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, {
    ...headers,
    'Content-Type': contentType,
    'Content-Length': String(Buffer.byteLength(body)),
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

export function sendHtml(res: ServerResponse, status: number, html: string, port: number, headers: Record<string, string> = {}): void {
  sendText(res, status, 'text/html; charset=utf-8', html, {
    ...headers,
    'Cache-Control': 'no-store',
    'Content-Security-Policy': contentSecurityPolicy(port),
  });
}

export interface BodyReadOptions {
  limit: number;
  /**
   * After the limit is passed the bridge stops buffering, answers 413 and keeps discarding up to
   * this many more bytes (so the client can read the answer instead of a reset), then destroys the
   * connection. Default: 4 × limit, at least 1 MiB.
   */
  discardBytes?: number;
  /** How long discarding may last before the connection is destroyed. Default 5 s. */
  discardMs?: number;
}

/**
 * Reads the whole body, at most `limit` bytes. Over the limit (by Content-Length up front, or while
 * streaming) it resolves `E_PAYLOAD_TOO_LARGE` at once and stops buffering.
 */
export function readBody(req: IncomingMessage, opts: BodyReadOptions): Promise<Result<Buffer>> {
  const { limit } = opts;
  const tooLarge = () => err('E_PAYLOAD_TOO_LARGE', `body is over the limit of ${limit} bytes`, { field: 'body', limit });
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    discardRest(req, opts);
    return Promise.resolve(tooLarge());
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        chunks.length = 0;
        discardRest(req, opts);
        resolve(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(ok(Buffer.concat(chunks, size)));
    };
    const onError = (error: Error) => {
      cleanup();
      resolve(err('E_BAD_REQUEST', `body could not be read: ${error.message}`, { field: 'body' }));
    };
    const onClose = () => {
      cleanup();
      resolve(err('E_BAD_REQUEST', 'the client went away before the body ended', { field: 'body' }));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** Throws away what is left of a body, bounded in bytes and time; past either bound, destroys the socket. */
function discardRest(req: IncomingMessage, opts: BodyReadOptions): void {
  if (req.complete) return;
  const maxBytes = opts.discardBytes ?? Math.max(opts.limit * 4, 1024 * 1024);
  let discarded = 0;
  const timer = setTimeout(() => req.socket.destroy(), opts.discardMs ?? 5000);
  timer.unref();
  const done = () => clearTimeout(timer);
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > maxBytes) {
      done();
      req.socket.destroy();
    }
  });
  req.once('end', done);
  req.once('close', done);
  req.resume();
}

/** A JSON content type (`application/json`, optionally with parameters such as charset). */
export function isJsonContentType(value: string | undefined): boolean {
  if (typeof value !== 'string') return false;
  return value.split(';')[0]!.trim().toLowerCase() === 'application/json';
}

/**
 * Reads a JSON body: must be `application/json` (an empty body with no Content-Type is `{}`), at
 * most `limit` bytes, valid JSON. `JSON.parse` creates `__proto__` as an own data property, never
 * touching a prototype, and nothing here merges objects.
 */
export async function readJsonBody(req: IncomingMessage, opts: BodyReadOptions): Promise<Result<unknown>> {
  const type = req.headers['content-type'];
  if (type !== undefined && !isJsonContentType(type)) {
    discardRest(req, opts);
    return err('E_BAD_REQUEST', `content-type: expected application/json, got ${JSON.stringify(type.slice(0, 60))}`, {
      field: 'content-type',
    });
  }
  const body = await readBody(req, opts);
  if (!body.ok) return body;
  const text = body.value.toString('utf8');
  if (text.trim() === '') return ok({});
  if (type === undefined) {
    return err('E_BAD_REQUEST', 'content-type: a JSON body needs Content-Type: application/json', { field: 'content-type' });
  }
  const deep = tooDeep(text, 'body');
  if (deep) return err('E_BAD_REQUEST', deep, { field: 'body' });
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (error) {
    return err('E_BAD_REQUEST', `body: invalid JSON (${error instanceof Error ? error.message : String(error)})`, { field: 'body' });
  }
}
