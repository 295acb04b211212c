/**
 * fanout — capability `test.fanout`: `{ items }` → `{ answers }`, one `text.echo` request per item,
 * all at once, answers in item order. Each inner request gets at most the time left until the
 * outer request's deadline, so the fan-out never outlives its caller.
 */
export const MAX_ITEMS = 100;
let base = null;

/** An input error: the caller gets E_BAD_REQUEST with this message. */
function badRequest(message) {
  return Object.assign(new Error(message), { code: 'E_BAD_REQUEST' });
}

export default {
  activate(ctx) {
    base = ctx ?? null;
    base?.log?.info('fanout: ready');
  },

  async handle(payload, reqCtx) {
    const items = payload?.items;
    if (!Array.isArray(items) || items.length > MAX_ITEMS) {
      throw badRequest(`fanout: items must be an array of at most ${MAX_ITEMS} values`);
    }
    const ctx = typeof reqCtx?.request === 'function' ? reqCtx : base;
    if (typeof ctx?.request !== 'function') throw new Error('fanout: no request() in the context');
    const deadline = reqCtx?.deadline;
    const options = () => {
      if (typeof deadline !== 'number') return {};
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('fanout: deadline passed before the inner requests');
      return { timeoutMs: left };
    };
    const answers = await Promise.all(items.map((item) => ctx.request('text.echo', item, options())));
    return { answers };
  },

  health() {
    return { status: 'ok' };
  },

  deactivate() {
    base?.log?.info('fanout: stopping');
  },
};
