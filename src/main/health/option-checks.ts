/**
 * Small validators for the health modules' options: each throws an Error that names the option
 * (`CircuitBreakerOptions.windowMs must be …, got …`), the convention for every `XOptions`.
 */

/** Fills `defaults` with the defined entries of `partial` (an explicit `undefined` keeps the default). */
export function withDefaults<T extends object>(defaults: Readonly<T>, partial: Partial<T> | undefined): T {
  const filled = { ...defaults } as T;
  if (!partial) return filled;
  for (const [key, value] of Object.entries(partial)) {
    if (value !== undefined) (filled as Record<string, unknown>)[key] = value;
  }
  return filled;
}

function fail(owner: string, name: string, expected: string, value: unknown): never {
  throw new Error(`${owner}.${name} must be ${expected}, got ${String(value)}`);
}

/** A finite number in [min, max]; `integer` additionally requires a whole number. */
export function checkNumber(owner: string, name: string, value: unknown, min: number, max = Infinity, integer = false): number {
  const expected = `${integer ? 'an integer' : 'a number'} ${max === Infinity ? `≥ ${min}` : `in [${min}, ${max}]`}`;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) fail(owner, name, expected, value);
  if (integer && !Number.isInteger(value)) fail(owner, name, expected, value);
  return value;
}

/** A whole number ≥ 1. */
export function checkPositiveInt(owner: string, name: string, value: unknown, max = Infinity): number {
  return checkNumber(owner, name, value, 1, max, true);
}

/** A rate in (0, 1]. */
export function checkRate(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0 && value <= 1)) fail(owner, name, 'a number in (0, 1]', value);
  return value;
}

export function checkFunction(owner: string, name: string, value: unknown): void {
  if (typeof value !== 'function') fail(owner, name, 'a function', value);
}

/** "10 s", "1.5 s", "250 ms", "2 min": durations in reasons and logs. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${Number((ms / 1000).toFixed(1))} s`;
  return `${Number((ms / 60_000).toFixed(1))} min`;
}

/** "312 MiB": byte figures in reasons. */
export function formatMiB(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MiB`;
}

/** "58 %": rates in reasons (floored, so a reason never claims more than happened). */
export function formatPercent(rate: number): string {
  return `${Math.floor(rate * 100)} %`;
}
