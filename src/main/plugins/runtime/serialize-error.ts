/** Turns whatever a plugin threw into a wire error `{ code, message, stack }`. */
import { PLUGIN_ERROR_CODES, PROTOCOL_LIMITS, truncate, type WireError } from '../../../shared/plugin-protocol';
import type { ErrorCode } from '../../../shared/result';

function messageOf(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message;
  if (typeof thrown === 'string') return thrown;
  if (typeof thrown === 'object' && thrown !== null) {
    const message = (thrown as { message?: unknown }).message;
    if (typeof message === 'string') return message;
    try {
      return JSON.stringify(thrown);
    } catch {
      return Object.prototype.toString.call(thrown);
    }
  }
  return String(thrown);
}

/**
 * Keeps the thrown object's `code` only when it is one a plugin may answer with (E_BAD_REQUEST,
 * E_NOT_FOUND, E_CONFLICT); anything else is `E_PLUGIN_ERROR` (or `fallback`).
 */
export function serializeError(thrown: unknown, fallback: ErrorCode = 'E_PLUGIN_ERROR', prefix = ''): WireError {
  const rawCode = typeof thrown === 'object' && thrown !== null ? (thrown as { code?: unknown }).code : undefined;
  const code = typeof rawCode === 'string' && PLUGIN_ERROR_CODES.has(rawCode as ErrorCode) ? (rawCode as ErrorCode) : fallback;
  const message = truncate(prefix + messageOf(thrown), PROTOCOL_LIMITS.maxMessageChars);
  const stack = typeof thrown === 'object' && thrown !== null ? (thrown as { stack?: unknown }).stack : undefined;
  return typeof stack === 'string' ? { code, message, stack: truncate(stack, PROTOCOL_LIMITS.maxStackChars) } : { code, message };
}

/** The error a plugin's promise rejects with when main answers a state op or request with an error. */
export class PluginCallError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'PluginCallError';
    this.code = code;
  }
}
