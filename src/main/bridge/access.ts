/**
 * Access rules of the headless server (DESIGN.md, "Access to the headless server"), as pure
 * functions so each rule is tested on its own:
 *
 * - Host must be a loopback name (blocks DNS rebinding): `127.0.0.1`, any `127.x.y.z`,
 *   `localhost`, `[::1]`, with or without a port.
 * - Auth is `Authorization: Bearer <token>` or the session cookie. The cookie never holds the raw
 *   token: it holds HMAC-sha256(token, 'conductor-session'). Both are compared by hashing the two
 *   sides with sha256 and `timingSafeEqual`.
 * - A WebSocket's Origin, and the Origin of a cookie-authenticated state-changing request, must be
 *   exactly `http://<Host>` where Host is loopback and its port is the server's own.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { SESSION_COOKIE } from '../../shared/contract';
import type { ErrorCode } from '../../shared/result';

/** A token is at least 32 hex characters (128 bits); generated ones are 64 (256 bits). */
export const TOKEN_PATTERN = /^[0-9a-f]{32,1024}$/i;

/** 32 random bytes as hex: the access token a host prints and writes to `runtime.json`. */
export function generateToken(): string {
  return randomBytes(32).toString('hex');
}

export interface HostInfo {
  /** Lower-cased; IPv6 literals keep their brackets (`[::1]`). */
  hostname: string;
  /** `null` when the header names no port. */
  port: number | null;
}

const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/;
const LOOPBACK_V4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Parses a Host header (`name[:port]`); anything else (userinfo, paths, spaces) is `null`. */
export function parseHost(value: string | undefined): HostInfo | null {
  if (typeof value !== 'string') return null;
  const match = HOST_HEADER.exec(value.trim().toLowerCase());
  if (!match) return null;
  const port = match[2] === undefined ? null : Number(match[2]);
  if (port !== null && port > 65535) return null;
  return { hostname: match[1]!, port };
}

export function isLoopbackHostname(hostname: string): boolean {
  const name = hostname.toLowerCase();
  if (name === 'localhost' || name === '[::1]') return true;
  const v4 = LOOPBACK_V4.exec(name);
  return v4 !== null && v4.slice(1).every((octet) => Number(octet) <= 255);
}

/** True when the Host header names a loopback host (any port). */
export function isLoopbackHost(hostHeader: string | undefined): boolean {
  const host = parseHost(hostHeader);
  return host !== null && isLoopbackHostname(host.hostname);
}

const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Constant-time comparison of two secrets of any length: hashes both, then `timingSafeEqual`. */
export function secretEquals(given: string, expected: string): boolean {
  return timingSafeEqual(sha256(given), sha256(expected));
}

/** The session cookie's value for a token: HMAC-sha256(token, 'conductor-session'), hex. */
export function sessionValueFor(token: string): string {
  return createHmac('sha256', token).update('conductor-session').digest('hex');
}

/**
 * The session cookie's name for a token: `conductor_session_<tag>`, the tag derived from the token
 * (HMAC, 12 hex). Browsers do not separate cookies by port, so two conductors on 127.0.0.1 would
 * otherwise overwrite each other's cookie; each run's fresh token gives it a name of its own.
 */
export function sessionCookieNameFor(token: string): string {
  return `${SESSION_COOKIE}_${createHmac('sha256', token).update('conductor-cookie-name').digest('hex').slice(0, 12)}`;
}

/** `Set-Cookie` value of the browser flow: HttpOnly, SameSite=Strict, whole site, session-long. */
export function sessionCookieHeader(session: string, name: string): string {
  return `${name}=${session}; HttpOnly; SameSite=Strict; Path=/`;
}

/** The token of an `Authorization: Bearer <token>` header, or `null`. */
export function bearerTokenOf(authorization: string | undefined): string | null {
  if (typeof authorization !== 'string') return null;
  const match = /^Bearer +(\S+)\s*$/i.exec(authorization);
  return match ? match[1]! : null;
}

/** Every value of cookie `name` in a Cookie header (another app on localhost may set the same name). */
export function cookieValues(cookieHeader: string | undefined, name: string): string[] {
  if (typeof cookieHeader !== 'string') return [];
  const out: string[] = [];
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) out.push(part.slice(eq + 1).trim());
  }
  return out;
}

export interface AccessSecrets {
  token: string;
  /** The derived session cookie value. */
  session: string;
  /** The session cookie's name (see `sessionCookieNameFor`). */
  cookieName: string;
}

export function accessSecrets(token: string): AccessSecrets {
  return { token, session: sessionValueFor(token), cookieName: sessionCookieNameFor(token) };
}

export type AuthKind = 'bearer' | 'cookie';

/**
 * Who the request is: `bearer` when an Authorization header carries the right token, `cookie` when
 * the session cookie is right, otherwise `null`. A request that sends an Authorization header is
 * judged by it alone (a wrong bearer is not rescued by a cookie).
 */
export function authenticate(headers: IncomingHttpHeaders, secrets: AccessSecrets): AuthKind | null {
  if (headers.authorization !== undefined) {
    const token = bearerTokenOf(headers.authorization);
    return token !== null && secretEquals(token, secrets.token) ? 'bearer' : null;
  }
  const values = cookieValues(headers.cookie, secrets.cookieName);
  // Compare every candidate (no early exit) so timing does not tell which one matched.
  let match = false;
  for (const value of values) match = secretEquals(value, secrets.session) || match;
  return match ? 'cookie' : null;
}

/**
 * The server's own origin as seen through this Host header: `http://<host>` when the host is
 * loopback and its port is `serverPort` (no port means 80), else `null`.
 */
export function ownOrigin(hostHeader: string | undefined, serverPort: number): string | null {
  const host = parseHost(hostHeader);
  if (host === null || !isLoopbackHostname(host.hostname)) return null;
  if ((host.port ?? 80) !== serverPort) return null;
  return host.port === null ? `http://${host.hostname}` : `http://${host.hostname}:${host.port}`;
}

/** True when `origin` is exactly the server's own origin for this Host header. */
export function isOwnOrigin(origin: string | undefined, hostHeader: string | undefined, serverPort: number): boolean {
  const own = ownOrigin(hostHeader, serverPort);
  return own !== null && typeof origin === 'string' && origin === own;
}

export interface AccessDenied {
  ok: false;
  status: 401 | 403;
  code: Extract<ErrorCode, 'E_UNAUTHORIZED' | 'E_FORBIDDEN'>;
  message: string;
}

export type AccessDecision = { ok: true; auth: AuthKind } | AccessDenied;

const forbidden = (message: string): AccessDenied => ({ ok: false, status: 403, code: 'E_FORBIDDEN', message });
const unauthorized = (message: string): AccessDenied => ({ ok: false, status: 401, code: 'E_UNAUTHORIZED', message });

export const FOREIGN_HOST_MESSAGE = 'foreign Host: this server answers loopback names only (127.0.0.1, localhost, [::1])';

/** Host check for every HTTP request and upgrade. */
export function checkHost(headers: IncomingHttpHeaders): AccessDenied | null {
  return isLoopbackHost(headers.host) ? null : forbidden(FOREIGN_HOST_MESSAGE);
}

/**
 * Full check of a plain HTTP request: Host, then auth, then — for a cookie-authenticated request
 * with a state-changing method — a same-origin `Origin` header (CSRF defence in depth on top of
 * SameSite=Strict). Bearer requests need no Origin: a foreign page cannot set that header without
 * a CORS preflight, which this server never grants.
 */
export function checkRequest(
  method: string,
  headers: IncomingHttpHeaders,
  secrets: AccessSecrets,
  serverPort: number,
): AccessDecision {
  const host = checkHost(headers);
  if (host) return host;
  const auth = authenticate(headers, secrets);
  if (auth === null) return unauthorized('missing or wrong token: send Authorization: Bearer <token> or open the login URL');
  if (auth === 'cookie' && !isSafeMethod(method) && !isOwnOrigin(headers.origin, headers.host, serverPort)) {
    return forbidden('cookie-authenticated requests that change state must carry this server\'s own Origin');
  }
  return { ok: true, auth };
}

/**
 * Check of a WebSocket upgrade, before it is accepted: Host; then Origin — when present it must be
 * exactly the server's own; when absent (a non-browser client) only a Bearer header is accepted;
 * then auth.
 */
export function checkUpgrade(headers: IncomingHttpHeaders, secrets: AccessSecrets, serverPort: number): AccessDecision {
  const host = checkHost(headers);
  if (host) return host;
  const origin = headers.origin;
  if (origin !== undefined && !isOwnOrigin(origin, headers.host, serverPort)) {
    return forbidden(`foreign Origin: ${origin.slice(0, 100)}`);
  }
  const auth = authenticate(headers, secrets);
  if (auth === null) return unauthorized('missing or wrong token');
  if (origin === undefined && auth !== 'bearer') {
    return forbidden('a WebSocket without Origin must authenticate with Authorization: Bearer');
  }
  return { ok: true, auth };
}

export function isSafeMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}
