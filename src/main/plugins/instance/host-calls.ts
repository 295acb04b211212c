/**
 * A child's `state` and `outbound-request` messages, executed in main through the `InstanceHost`,
 * and the answer envelope sent back.
 */
import { validateStateOp, type OutboundRequestMessage, type StateRequestMessage, type WireResult } from '../../../shared/plugin-protocol';
import { ConductorError } from '../../../shared/result';
import type { InstanceHost, StateOp } from '../instance-types';

export function toWireFailure(error: unknown): WireResult {
  if (error instanceof ConductorError) return { ok: false, error: { code: error.code, message: error.message } };
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, error: { code: 'E_INTERNAL', message } };
}

/** Runs a state op; answers a malformed op with E_BAD_REQUEST naming the field. */
export function runStateOp(host: InstanceHost, plugin: string, message: StateRequestMessage, reply: (result: WireResult) => void): void {
  const problem = validateStateOp(message.op);
  if (problem !== null) {
    reply({ ok: false, error: { code: 'E_BAD_REQUEST', message: `state: ${problem}` } });
    return;
  }
  let pending: Promise<unknown>;
  try {
    pending = host.state(plugin, message.op as StateOp);
  } catch (error) {
    reply(toWireFailure(error));
    return;
  }
  pending.then(
    (value) => reply({ ok: true, value }),
    (error: unknown) => reply(toWireFailure(error)),
  );
}

export interface OutboundContext {
  now: number;
  /** The deadline of the in-flight call `parentId` names, if it is still in flight. */
  parentDeadline: number | undefined;
  /** Bound when neither a parent nor `timeoutMs` gives one. */
  defaultTimeoutMs: number;
}

/**
 * The deadline of a nested request: never later than the request it is made for (known to main by
 * its id, so a plugin cannot extend it), nor than `timeoutMs` from now.
 */
export function outboundDeadline(message: OutboundRequestMessage, context: OutboundContext): number {
  const { now, parentDeadline, defaultTimeoutMs } = context;
  let deadline = Number.POSITIVE_INFINITY;
  if (parentDeadline !== undefined) deadline = parentDeadline;
  // The parent is no longer in flight (answered or timed out): its claimed deadline, at most the default.
  else if (message.parentId !== undefined) deadline = Math.min(message.deadline ?? deadline, now + defaultTimeoutMs);
  if (message.timeoutMs !== undefined) deadline = Math.min(deadline, now + message.timeoutMs);
  return deadline === Number.POSITIVE_INFINITY ? now + defaultTimeoutMs : deadline;
}

export function runOutboundRequest(
  host: InstanceHost,
  plugin: string,
  message: OutboundRequestMessage,
  context: OutboundContext,
  reply: (result: WireResult) => void,
): void {
  const deadline = outboundDeadline(message, context);
  if (deadline <= context.now) {
    reply({ ok: false, error: { code: 'E_TIMEOUT', message: 'the deadline of the request being handled has passed' } });
    return;
  }
  const target = 'plugin' in message.target ? { plugin: message.target.plugin } : { capability: message.target.capability };
  const options = message.timeoutMs === undefined ? { deadline } : { timeoutMs: message.timeoutMs, deadline };
  let pending: Promise<unknown>;
  try {
    pending = host.request(plugin, target, message.payload, options);
  } catch (error) {
    reply(toWireFailure(error));
    return;
  }
  pending.then(
    (value) => reply({ ok: true, value }),
    (error: unknown) => reply(toWireFailure(error)),
  );
}
