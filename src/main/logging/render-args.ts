/** Turning a log call's extra arguments into text: full for the file and console, short for the bus. */

/** Longest rendering of one non-Error argument; longer JSON is cut with a marker. */
export const MAX_ARG_CHARS = 2048;

export interface RenderedMessage {
  /** Message plus arguments; Errors with their stack (and cause). For the file and the console. */
  full: string;
  /** Message plus arguments; Errors as `Name: message`. For the log bus and the UI. */
  short: string;
}

/** Renders `message` (normally a string, but JS callers pass anything) and the extra arguments. */
export function renderMessage(message: unknown, rest: readonly unknown[]): RenderedMessage {
  if (typeof message === 'string' && rest.length === 0) return { full: message, short: message };
  const full: string[] = [];
  const short: string[] = [];
  for (const arg of [message, ...rest]) {
    if (arg instanceof Error) {
      full.push(errorWithStack(arg));
      short.push(errorHeadline(arg));
    } else {
      const text = renderValue(arg);
      full.push(text);
      short.push(text);
    }
  }
  return { full: full.join(' '), short: short.join(' ') };
}

function errorHeadline(error: Error): string {
  return `${error.name}: ${error.message}`;
}

function errorWithStack(error: Error, depth = 0): string {
  const head = error.stack && error.stack.includes(error.message) ? error.stack : `${errorHeadline(error)}\n${error.stack ?? ''}`.trimEnd();
  const cause: unknown = error.cause;
  if (cause === undefined || depth >= 3) return head;
  const causeText = cause instanceof Error ? errorWithStack(cause, depth + 1) : renderValue(cause);
  return `${head}\nCaused by: ${causeText}`;
}

function renderValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'symbol':
    case 'undefined':
      return String(value);
    case 'function':
      return `[function ${value.name || 'anonymous'}]`;
    default:
      return truncate(safeJson(value));
  }
}

function safeJson(value: unknown): string {
  // The objects on the path from the root to the current value: a repeat among them is a cycle
  // (the same object twice side by side is not, and is rendered twice).
  const ancestors: unknown[] = [];
  // Maps and Sets are replaced by plain copies; the copy's children see the copy as their holder.
  const originals = new WeakMap<object, object>();
  try {
    const json = JSON.stringify(value, function (this: object, _key: string, v: unknown) {
      if (typeof v === 'bigint') return `${v}n`;
      if (v instanceof Error) return errorHeadline(v);
      if (v === null || typeof v !== 'object') return v;
      const holder = originals.get(this) ?? this;
      while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== holder) ancestors.pop();
      if (ancestors.includes(v)) return '[circular]';
      ancestors.push(v);
      const copy = v instanceof Map ? Object.fromEntries(v) : v instanceof Set ? [...v] : undefined;
      if (copy === undefined) return v;
      originals.set(copy, v);
      return copy;
    });
    return json ?? String(value);
  } catch (error) {
    return `[unserialisable: ${error instanceof Error ? error.message : String(error)}]`;
  }
}

function truncate(text: string): string {
  return text.length <= MAX_ARG_CHARS ? text : `${text.slice(0, MAX_ARG_CHARS)}…(${text.length - MAX_ARG_CHARS} more chars)`;
}
