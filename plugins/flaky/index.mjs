/**
 * flaky — capability `test.flaky`: throws with probability `config.failRate`, exits the instance
 * (`process.exit(1)`; in a worker thread that ends the thread) with probability
 * `config.crashRate`, else answers `{ ok: true }`. `{ fail: boolean }` / `{ crash: boolean }` in
 * the payload decide instead of chance, for deterministic tests.
 */
const DEFAULTS = { failRate: 0.3, crashRate: 0 };
let base = null;

function rate(name) {
  const value = base?.config?.[name];
  return typeof value === 'number' && value >= 0 && value <= 1 ? value : DEFAULTS[name];
}

export default {
  activate(ctx) {
    base = ctx ?? null;
    base?.log?.info(`flaky: ready (failRate ${rate('failRate')}, crashRate ${rate('crashRate')})`);
  },

  handle(payload, reqCtx) {
    const log = reqCtx?.log ?? base?.log;
    const crash = typeof payload?.crash === 'boolean' ? payload.crash : Math.random() < rate('crashRate');
    if (crash) {
      log?.warn('flaky: crashing on purpose');
      process.exit(1);
    }
    const fail = typeof payload?.fail === 'boolean' ? payload.fail : Math.random() < rate('failRate');
    if (fail) throw new Error('flaky: failed on purpose');
    return { ok: true };
  },

  health() {
    return { status: 'ok' };
  },

  deactivate() {
    base?.log?.info('flaky: stopping');
  },
};
