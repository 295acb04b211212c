/**
 * slow — capability `test.slow`: `{ ms }` → `{ slept: ms }` after waiting `ms` milliseconds.
 * Honours the request's abort signal (deadline passed or caller gone): rejects at once with an
 * "aborted" error and logs it.
 */
export const MAX_MS = 600_000;
let base = null;

/** An input error: the caller gets E_BAD_REQUEST with this message. */
function badRequest(message) {
  return Object.assign(new Error(message), { code: 'E_BAD_REQUEST' });
}

export default {
  activate(ctx) {
    base = ctx ?? null;
    base?.log?.info('slow: ready');
  },

  handle(payload, reqCtx) {
    const ms = payload?.ms ?? 100;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > MAX_MS) {
      throw badRequest(`slow: ms must be a number from 0 to ${MAX_MS}, got ${JSON.stringify(ms) ?? String(ms)}`);
    }
    const signal = reqCtx?.signal;
    const log = reqCtx?.log ?? base?.log;
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const abort = () => {
        clearTimeout(timer);
        const error = new Error(`slow: aborted after ${Date.now() - started} ms of ${ms} ms`);
        error.name = 'AbortError';
        log?.info(error.message);
        reject(error);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', abort);
        resolve({ slept: ms });
      }, ms);
      if (signal?.aborted) abort();
      else signal?.addEventListener('abort', abort, { once: true });
    });
  },

  health() {
    return { status: 'ok' };
  },

  deactivate() {
    base?.log?.info('slow: stopping');
  },
};
