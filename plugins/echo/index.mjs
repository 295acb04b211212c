/**
 * echo — capability `text.echo`: answers `{ echo: payload }`.
 * A plain ES module; the default export is the plugin object. Nothing to install.
 */
let log = null;

export default {
  activate(ctx) {
    log = ctx?.log ?? null;
    log?.info('echo: ready');
  },

  handle(payload) {
    return { echo: payload === undefined ? null : payload };
  },

  health() {
    return { status: 'ok' };
  },

  deactivate() {
    log?.info('echo: stopping');
  },
};
