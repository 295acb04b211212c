import { ConductorError, isErrorCode } from '../../shared/result';
import type { DeadlineNode } from '../common/clock';
import type { RoutableInstance } from '../plugins/instance-types';
import type { QueueNode } from './plugin-queue';

/**
 * One admitted request, from admission until it settles (exactly once). It is its own queue node
 * while it waits. `E` is the router's per-plugin record.
 */
export class PendingRequest<E> implements QueueNode<PendingRequest<E>>, DeadlineNode<PendingRequest<E>> {
  prev: PendingRequest<E> | null = null;
  next: PendingRequest<E> | null = null;
  queued = false;
  settled = false;
  /** Attempts sent so far (1 + retries). */
  attempts = 0;
  /** The instance a retry must avoid. */
  excluded: RoutableInstance | null = null;
  /** The current attempt's instance and clock time sent (for an instance's `callWith` receiver). */
  attemptInstance: RoutableInstance | null = null;
  attemptStartedAt = 0;
  /** Links in the router's list of unsettled requests. */
  livePrev: PendingRequest<E> | null = null;
  liveNext: PendingRequest<E> | null = null;
  /** Links in the plugin's deadline queue (joined at admission, left at settle). */
  deadlinePrev: PendingRequest<E> | null = null;
  deadlineNext: PendingRequest<E> | null = null;
  inDeadlineQueue = false;
  /**
   * Only for a request with a caller signal: aborts its call (caller cancel, deadline, stop). A
   * request without one passes the router's shared stop signal, and its instance enforces the
   * deadline it is given.
   */
  controller: AbortController | null = null;
  /** Set by the router: the listener it put on `signal`. */
  onAbort: (() => void) | null = null;

  constructor(
    readonly entry: E,
    readonly payload: unknown,
    readonly capability: string | undefined,
    readonly deadline: number,
    readonly idempotent: boolean,
    readonly signal: AbortSignal | undefined,
    readonly startedAt: number,
    readonly resolve: (value: unknown) => void,
    readonly reject: (error: ConductorError) => void,
  ) {}
}

/**
 * What a rejected call means. A `ConductorError` (or anything carrying a contract `code`) is kept;
 * anything else is a transport failure (the channel to the instance broke) and counts as
 * E_PLUGIN_CRASHED, so it may be retried like a crash.
 */
export function toConductorError(error: unknown): ConductorError {
  if (error instanceof ConductorError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = (error as { message?: unknown } | null)?.message;
  if (isErrorCode(code)) {
    const details = (error as { details?: unknown }).details;
    return new ConductorError(code, typeof message === 'string' ? message : code, isRecord(details) ? details : undefined);
  }
  const text = typeof message === 'string' ? message : String(error);
  return new ConductorError('E_PLUGIN_CRASHED', `transport failure: ${text}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
