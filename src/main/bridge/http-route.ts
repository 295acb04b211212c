/**
 * The bridge's route table: the built-in API routes and any a later part registers
 * (`/api/v1/plugins`, `/api/v1/requests`, `/metrics`). Every route is behind the same Host and
 * auth checks; a route only ever sees authenticated, loopback requests.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Result } from '../../shared/result';
import type { ErrorCode } from '../../shared/result';
import { toDisposable, type Disposable } from '../common/disposable';
import type { Logger } from '../logging/logger';
import type { AuthKind } from './access';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface RouteContext {
  /** The raw (still percent-encoded) path, without the query. */
  pathname: string;
  /** For a prefix route: the raw rest of the path after the prefix; `''` for an exact route. */
  rest: string;
  query: URLSearchParams;
  /** How the caller authenticated. */
  auth: AuthKind;
  /** Aborted when the client goes away before the response has ended (cancel the work). */
  signal: AbortSignal;
  log: Logger;
  /** Reads the JSON body (Content-Type, size limit and parse checked); an `Err` is ready to send. */
  readJson(): Promise<Result<unknown>>;
  /** Answers an envelope with the contract's status for its code (200 when ok). */
  sendResult(result: Result<unknown>): void;
  sendError(code: ErrorCode, message: string, details?: Record<string, unknown>): void;
  sendJson(status: number, body: unknown, headers?: Record<string, string>): void;
  sendText(status: number, contentType: string, body: string | Buffer, headers?: Record<string, string>): void;
}

export interface HttpRoute {
  method: HttpMethod;
  /** Starts with `/`. Matched exactly, or as a prefix when `prefix` is set (then end it with `/`). */
  path: string;
  prefix?: boolean;
  /**
   * Writes the answer on `res` (security headers are already set). A throw before anything was
   * sent becomes a 500 `E_INTERNAL` envelope.
   */
  handler(req: IncomingMessage, res: ServerResponse, ctx: RouteContext): Promise<void> | void;
}

export type RouteMatch =
  | { kind: 'route'; route: HttpRoute; rest: string }
  /** The path exists, but not for this method. */
  | { kind: 'method'; allowed: HttpMethod[] }
  | { kind: 'none' };

export class RouteTable {
  private readonly routes: HttpRoute[] = [];

  /** Adds a route; the same method and path twice is an error. Dispose to remove it. */
  add(route: HttpRoute): Disposable {
    validateRoute(route);
    const clash = this.routes.find(
      (r) => r.method === route.method && r.path === route.path && Boolean(r.prefix) === Boolean(route.prefix),
    );
    if (clash) throw new Error(`route ${route.method} ${route.path} is already registered`);
    this.routes.push(route);
    return toDisposable(() => {
      const at = this.routes.indexOf(route);
      if (at >= 0) this.routes.splice(at, 1);
    });
  }

  /** Exact routes win over prefix routes; among prefix routes the longest prefix wins. */
  match(method: string, pathname: string): RouteMatch {
    const candidates: Array<{ route: HttpRoute; rest: string; rank: number }> = [];
    for (const route of this.routes) {
      if (route.prefix) {
        if (pathname.startsWith(route.path)) {
          candidates.push({ route, rest: pathname.slice(route.path.length), rank: route.path.length });
        }
      } else if (pathname === route.path) {
        candidates.push({ route, rest: '', rank: Number.MAX_SAFE_INTEGER });
      }
    }
    if (candidates.length === 0) return { kind: 'none' };
    const best = Math.max(...candidates.map((c) => c.rank));
    const top = candidates.filter((c) => c.rank === best);
    const hit = top.find((c) => c.route.method === method);
    if (hit) return { kind: 'route', route: hit.route, rest: hit.rest };
    return { kind: 'method', allowed: [...new Set(top.map((c) => c.route.method))] };
  }
}

export function validateRoute(route: HttpRoute): void {
  if (!(HTTP_METHODS as readonly string[]).includes(route.method)) {
    throw new Error(`route.method: expected one of ${HTTP_METHODS.join(', ')}, got ${JSON.stringify(route.method)}`);
  }
  if (typeof route.path !== 'string' || !route.path.startsWith('/') || /[?#\s]/.test(route.path)) {
    throw new Error(`route.path: expected a path starting with "/" (no query), got ${JSON.stringify(route.path)}`);
  }
  if (typeof route.handler !== 'function') throw new Error(`route.handler: expected a function for ${route.path}`);
}
