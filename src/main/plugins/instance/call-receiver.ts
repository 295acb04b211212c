/**
 * The callback form of a call, for the router's hot path: instead of a promise (and the promise
 * of its `then`) per call, the instance reports the outcome to a receiver with a token the caller
 * chose. An answer from the plugin is reported synchronously as it is read; every other outcome
 * (deadline, abort, crash, a payload that cannot be sent) a microtask later, as a promise's
 * rejection would be.
 */
export interface CallReceiver<T> {
  /** `result` is the plugin's value when `ok`, else the error (a `ConductorError`). */
  callSettled(token: T, ok: boolean, result: unknown): void;
}

/** An instance that offers `callWith` besides `call`. */
export interface CallbackCallable {
  /**
   * Sends one request like `call(payload, { deadline, capability, signal })`. Returns null when it
   * was sent (the outcome goes to `receiver` exactly once), or the error it was refused with at once
   * (then `receiver` hears nothing). `now`, when given, is the caller's reading of the instance's
   * clock just before (it saves the instance a read).
   */
  callWith<T>(
    payload: unknown,
    deadline: number,
    capability: string | undefined,
    signal: AbortSignal | undefined,
    receiver: CallReceiver<T>,
    token: T,
    now?: number,
  ): Error | null;
}

export function hasCallWith(instance: object): instance is CallbackCallable {
  return typeof (instance as Partial<CallbackCallable>).callWith === 'function';
}
