/**
 * The wire protocol between main (`src/main/plugins/instance/`) and the child-side runtime
 * (`src/main/plugins/runtime/`), over a child process's IPC channel or a worker thread's port.
 * Every message is a plain object tagged with `type`; request-like messages carry an integer `id`
 * chosen by the side that asks. Several messages written in one event-loop tick may travel as one
 * `batch` message (see `CoalescingSender`).
 *
 * The hot path has a compact form: a request travels as a `RequestEntry` array and its answer as a
 * `ResponseEntry` array (alone, or among the messages of a batch), which serialises, parses and
 * collects measurably cheaper than the tagged objects (JSON of the protocol objects was ~20 % of
 * main's CPU at 256 outstanding). Main sends requests compact; the child runtime answers a compact
 * request compactly and a tagged `request` with a tagged `response`, so both forms stay valid.
 *
 * Pure TypeScript: no node, no DOM, no electron. Main validates everything the child sends with
 * `validateChildMessage` (a plugin may send anything); the child trusts main.
 */
import { isErrorCode, type ErrorCode } from './result';

/** An error on the wire (DESIGN.md, Contracts: `{ code, message, stack }`). */
export interface WireError {
  code: ErrorCode;
  message: string;
  stack?: string;
}

/** The result envelope on the wire. With JSON serialisation an `undefined` value arrives as a missing key. */
export type WireResult = { ok: true; value?: unknown } | { ok: false; error: WireError };

export type WireLogLevel = 'error' | 'warn' | 'info' | 'debug';

export type WireStateOp =
  | { op: 'get'; key: string }
  | { op: 'set'; key: string; value: unknown }
  | { op: 'delete'; key: string }
  | { op: 'increment'; key: string; by: number }
  | { op: 'compareAndSet'; key: string; expected: unknown; value: unknown }
  | { op: 'keys'; prefix?: string };

export type WireTarget = { capability: string } | { plugin: string };

export type HealthStatus = 'ok' | 'degraded' | 'down';

// ---- main → child -------------------------------------------------------------------------------

export interface InitMessage {
  type: 'init';
  plugin: string;
  instance: string;
  /** Absolute path of the plugin's ES module entry. */
  entryPath: string;
  config: Record<string, unknown>;
  env: Record<string, string>;
  heartbeatMs: number;
  /**
   * Main's clock time when the instance started: the deadlines of compact requests are relative
   * to it (absent: 0, i.e. absolute).
   */
  timeBase?: number;
}
export interface RequestMessage {
  type: 'request';
  id: number;
  payload: unknown;
  capability?: string;
  /** Epoch ms in main's clock; main sends `cancel` when it passes. */
  deadline: number;
}
/** `reason` becomes the plugin's `signal.reason` (a TimeoutError or an AbortError). */
export interface CancelMessage { type: 'cancel'; id: number; reason?: 'timeout' | 'cancelled' }
export interface PingMessage { type: 'ping'; id: number }
export interface HealthMessage { type: 'health'; id: number; timeoutMs: number }
export interface DeactivateMessage { type: 'deactivate' }
export interface StateResultMessage { type: 'state-result'; id: number; result: WireResult }
/** Streaming: the child may send `n` more `chunk`s of request `id` (backpressure). */
export interface CreditMessage { type: 'credit'; id: number; n: number }
export interface RequestResultMessage { type: 'request-result'; id: number; result: WireResult }

/**
 * A request in compact form: `[id, deadline, capability, payload]`. `deadline` is relative to the
 * `timeBase` of `init` (epoch ms is a 13-digit double, which costs JSON ~75 ns to write and ~35 ns
 * to read, as much as the rest of an echo request; the offset is a small integer). `capability`
 * is `0` when none was asked for; `payload` is left out when it is `undefined` (so it arrives
 * `undefined`, as a missing key of a `request` object would; JSON makes an `undefined` element `null`).
 */
export type RequestEntry = [id: number, deadline: number, capability: string | 0, payload?: unknown];

export type MainMessage = RequestEntry | TaggedMainMessage;

/** The main → child messages in object form. */
export type TaggedMainMessage =
  | InitMessage
  | RequestMessage
  | CancelMessage
  | PingMessage
  | HealthMessage
  | DeactivateMessage
  | StateResultMessage
  | RequestResultMessage
  | CreditMessage;

// ---- child → main -------------------------------------------------------------------------------

export interface ReadyMessage { type: 'ready' }
export interface InitFailedMessage { type: 'init-failed'; error: WireError }
export interface ResponseMessage { type: 'response'; id: number; result: WireResult }
export interface LogMessage { type: 'log'; level: WireLogLevel; message: string }
export interface HeartbeatMessage { type: 'heartbeat'; rss: number; heapUsed: number }
export interface PongMessage { type: 'pong'; id: number }
export interface HealthResultMessage { type: 'health-result'; id: number; status: HealthStatus; message?: string }
export interface StateRequestMessage { type: 'state'; id: number; op: WireStateOp }
/**
 * Streaming: `handle` returned an async iterable. `chunk`s follow, each only with credit from
 * main (`credit`), and the request's ordinary response ends the stream (ok, or the error).
 */
export interface StreamStartMessage { type: 'stream-start'; id: number }
export interface ChunkMessage { type: 'chunk'; id: number; value?: unknown }
export interface OutboundRequestMessage {
  type: 'outbound-request';
  id: number;
  target: WireTarget;
  payload: unknown;
  timeoutMs?: number;
  /** The deadline of the request being handled (as main sent it), when called from `handle`. */
  deadline?: number;
  /** The id of the request being handled, when called from `handle`: main clamps to its deadline. */
  parentId?: number;
}

/**
 * An answer in compact form: `[id, 1, value]` (value left out when `undefined`) or `[id, 0, error]`.
 * Equivalent to `{ type: 'response', id, result: { ok: true, value } | { ok: false, error } }`.
 */
export type ResponseEntry = [id: number, ok: 1, value?: unknown] | [id: number, ok: 0, error: WireError];

export type ChildMessage = ResponseEntry | TaggedChildMessage;

/** The child → main messages in object form. */
export type TaggedChildMessage =
  | ReadyMessage
  | InitFailedMessage
  | ResponseMessage
  | LogMessage
  | HeartbeatMessage
  | PongMessage
  | HealthResultMessage
  | StateRequestMessage
  | OutboundRequestMessage
  | StreamStartMessage
  | ChunkMessage;

export interface BatchMessage<M> {
  type: 'batch';
  messages: M[];
}

export type MainWire = MainMessage | BatchMessage<MainMessage>;
export type ChildWire = ChildMessage | BatchMessage<ChildMessage>;

/** Bounds main applies to what a child sends. */
export const PROTOCOL_LIMITS = {
  /** Longer log messages and error messages are cut (not dropped). */
  maxMessageChars: 16_384,
  /** Longer stacks are cut. */
  maxStackChars: 16_384,
  /** A batch with more messages is dropped as garbage. */
  maxBatchMessages: 65_536,
  /** State keys, capability and plugin names. */
  maxKeyChars: 1_024,
} as const;

/** Codes a plugin may answer with; anything else it throws becomes `E_PLUGIN_ERROR`. */
export const PLUGIN_ERROR_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['E_BAD_REQUEST', 'E_NOT_FOUND', 'E_CONFLICT', 'E_PLUGIN_ERROR']);

const LOG_LEVEL_SET: ReadonlySet<string> = new Set(['error', 'warn', 'info', 'debug']);
const HEALTH_SET: ReadonlySet<string> = new Set(['ok', 'degraded', 'down']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isShortString(value: unknown): value is string {
  return typeof value === 'string' && value.length <= PROTOCOL_LIMITS.maxKeyChars;
}

function validateError(value: unknown): string | null {
  if (!isRecord(value)) return 'error is not an object';
  if (!isErrorCode(value.code)) return 'error.code is not a known code';
  if (typeof value.message !== 'string') return 'error.message is not a string';
  if (value.stack !== undefined && typeof value.stack !== 'string') return 'error.stack is not a string';
  return null;
}

function validateResult(value: unknown): string | null {
  if (!isRecord(value)) return 'result is not an object';
  if (value.ok === true) return null;
  if (value.ok === false) return validateError(value.error);
  return 'result.ok is not a boolean';
}

/** Validates one `state` op; returns the reason it is invalid (naming the field) or null. */
export function validateStateOp(value: unknown): string | null {
  if (!isRecord(value)) return 'op is not an object';
  switch (value.op) {
    case 'get':
    case 'set':
    case 'delete':
    case 'compareAndSet':
      return isShortString(value.key) ? null : 'op.key must be a string of at most 1024 characters';
    case 'increment':
      if (!isShortString(value.key)) return 'op.key must be a string of at most 1024 characters';
      return typeof value.by === 'number' && Number.isFinite(value.by) ? null : 'op.by must be a finite number';
    case 'keys':
      return value.prefix === undefined || isShortString(value.prefix) ? null : 'op.prefix must be a string';
    default:
      return 'op.op is not one of get, set, delete, increment, compareAndSet, keys';
  }
}

function validateTarget(value: unknown): string | null {
  if (!isRecord(value)) return 'target is not an object';
  if (value.capability !== undefined) return isShortString(value.capability) ? null : 'target.capability must be a string';
  if (value.plugin !== undefined) return isShortString(value.plugin) ? null : 'target.plugin must be a string';
  return 'target names neither a capability nor a plugin';
}

/** Builds a compact request (see `RequestEntry`); `timeBase` is the one `init` carried. */
export function requestEntry(id: number, deadline: number, timeBase: number, capability: string | undefined, payload: unknown): RequestEntry {
  const cap = capability === undefined ? 0 : capability;
  const relative = deadline - timeBase;
  return payload === undefined ? [id, relative, cap] : [id, relative, cap, payload];
}

/** The absolute deadline of a compact request (JSON turns a non-finite number into null: kept as it comes). */
export function entryDeadline(entry: RequestEntry, timeBase: number): number {
  const relative = entry[1];
  return typeof relative === 'number' ? timeBase + relative : relative;
}

/** Builds a compact answer (see `ResponseEntry`). */
export function responseEntry(id: number, result: WireResult): ResponseEntry {
  if (!result.ok) return [id, 0, result.error];
  return result.value === undefined ? [id, 1] : [id, 1, result.value];
}

/** Validates a compact answer from a child; null when well formed, else the reason. */
export function validateResponseEntry(entry: readonly unknown[]): string | null {
  if (!isId(entry[0])) return 'response entry id is not a non-negative integer';
  const ok = entry[1];
  if (ok === 1) return entry.length <= 3 ? null : 'response entry has more than 3 elements';
  if (ok === 0) return entry.length === 3 ? validateError(entry[2]) : 'failed response entry is not [id, 0, error]';
  return 'response entry ok flag is not 1 or 0';
}

/**
 * Validates one (non-batch) message from a child. Returns null when it is well formed, else the
 * reason. Allocates nothing for a valid message. Field contents a plugin controls (the response
 * value, the payload of an outbound request, the value of a state op) are not inspected.
 */
export function validateChildMessage(raw: unknown): string | null {
  if (Array.isArray(raw)) return validateResponseEntry(raw);
  if (!isRecord(raw)) return `not an object (${raw === null ? 'null' : typeof raw})`;
  switch (raw.type) {
    case 'response':
      if (!isId(raw.id)) return 'response.id is not a non-negative integer';
      return validateResult(raw.result);
    case 'log':
      if (typeof raw.level !== 'string' || !LOG_LEVEL_SET.has(raw.level)) return 'log.level is not one of error, warn, info, debug';
      return typeof raw.message === 'string' ? null : 'log.message is not a string';
    case 'heartbeat':
      return typeof raw.rss === 'number' && typeof raw.heapUsed === 'number' ? null : 'heartbeat.rss/heapUsed are not numbers';
    case 'pong':
      return isId(raw.id) ? null : 'pong.id is not a non-negative integer';
    case 'health-result':
      if (!isId(raw.id)) return 'health-result.id is not a non-negative integer';
      if (typeof raw.status !== 'string' || !HEALTH_SET.has(raw.status)) return 'health-result.status is not ok, degraded or down';
      return raw.message === undefined || typeof raw.message === 'string' ? null : 'health-result.message is not a string';
    case 'state':
      // The op itself is checked by the receiver, which answers a bad op with E_BAD_REQUEST.
      return isId(raw.id) ? null : 'state.id is not a non-negative integer';
    case 'outbound-request': {
      if (!isId(raw.id)) return 'outbound-request.id is not a non-negative integer';
      const target = validateTarget(raw.target);
      if (target !== null) return `outbound-request.${target}`;
      if (raw.timeoutMs !== undefined && !(typeof raw.timeoutMs === 'number' && raw.timeoutMs > 0)) return 'outbound-request.timeoutMs must be a positive number';
      if (raw.deadline !== undefined && typeof raw.deadline !== 'number') return 'outbound-request.deadline must be a number';
      return raw.parentId === undefined || isId(raw.parentId) ? null : 'outbound-request.parentId is not a non-negative integer';
    }
    case 'stream-start':
      return isId(raw.id) ? null : 'stream-start.id is not a non-negative integer';
    case 'chunk':
      return isId(raw.id) ? null : 'chunk.id is not a non-negative integer';
    case 'ready':
      return null;
    case 'init-failed':
      return validateError(raw.error);
    case 'batch':
      return 'a batch inside a batch';
    default:
      return typeof raw.type === 'string' ? `unknown type "${raw.type.slice(0, 64)}"` : 'no type';
  }
}

/** Cuts a string to `max` characters, saying so. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}
