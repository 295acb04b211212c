/**
 * counter — capability `state.counter`: `{ by? }` → `{ value }`. The count lives in the plugin's
 * persistent state (`ctx.state`), incremented atomically in main, so every instance shares it.
 */
let base = null;

/** An input error: the caller gets E_BAD_REQUEST with this message. */
function badRequest(message) {
  return Object.assign(new Error(message), { code: 'E_BAD_REQUEST' });
}

export default {
  activate(ctx) {
    base = ctx ?? null;
    base?.log?.info('counter: ready');
  },

  async handle(payload, reqCtx) {
    const by = payload?.by ?? 1;
    if (typeof by !== 'number' || !Number.isSafeInteger(by)) {
      throw badRequest(`counter: by must be an integer, got ${JSON.stringify(by) ?? String(by)}`);
    }
    const state = reqCtx?.state ?? base?.state;
    if (!state) throw new Error('counter: no state store in the context');
    return { value: await state.increment('count', by) };
  },

  health() {
    return { status: 'ok' };
  },

  deactivate() {
    base?.log?.info('counter: stopping');
  },
};
