/**
 * The result envelope used across every boundary (IPC, WebSocket, HTTP, plugin protocol) and the
 * error codes callers branch on. Pure TypeScript: no node, no DOM, no electron.
 */

/** Every error code, with the HTTP status the bridge answers it with (DESIGN.md, Contracts). */
export const ERROR_HTTP_STATUS = {
  E_BAD_REQUEST: 400,
  E_UNAUTHORIZED: 401,
  E_FORBIDDEN: 403,
  E_NOT_FOUND: 404,
  E_PLUGIN_NOT_FOUND: 404,
  E_CONFLICT: 409,
  E_PAYLOAD_TOO_LARGE: 413,
  E_OVERLOADED: 429,
  E_PLUGIN_ERROR: 502,
  E_PLUGIN_CRASHED: 502,
  E_CIRCUIT_OPEN: 503,
  E_SHUTTING_DOWN: 503,
  E_TIMEOUT: 504,
  E_INTERNAL: 500,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_HTTP_STATUS;

export const ERROR_CODES = Object.keys(ERROR_HTTP_STATUS) as ErrorCode[];

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export type Ok<T> = { ok: true; value: T };
export type Err = { ok: false; error: ErrorInfo };
export type Result<T> = Ok<T> | Err;

export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

export function err(code: ErrorCode, message: string, details?: Record<string, unknown>): Err {
  return details === undefined ? { ok: false, error: { code, message } } : { ok: false, error: { code, message, details } };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_HTTP_STATUS, value);
}

/** An error that carries a contract code; thrown inside main and turned into an `Err` at a boundary. */
export class ConductorError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'ConductorError';
    this.code = code;
    if (details !== undefined) this.details = details;
  }

  toInfo(): ErrorInfo {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}
