/**
 * tokens — capability `text.tokens`: streams the words of `payload.text`, one chunk per word,
 * `payload.delayMs` apart. `handle` is an async generator: each `yield` is a chunk the caller gets
 * at once (NDJSON over HTTP, events over the WebSocket). A slow reader pauses the generator at its
 * `yield`; a caller that goes away aborts `ctx.signal`, and the generator stops.
 */
const DEFAULT_TEXT = 'Conductor streams this answer to you one word at a time, as it is produced.';

let log = null;

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

export default {
  activate(ctx) {
    log = ctx?.log ?? null;
  },

  async *handle(payload, ctx) {
    const text = typeof payload?.text === 'string' && payload.text.trim() !== '' ? payload.text : DEFAULT_TEXT;
    const delayMs = Number.isFinite(payload?.delayMs) ? Math.max(0, Math.min(10_000, payload.delayMs)) : 100;
    const words = text.split(/\s+/).filter(Boolean);
    let sent = 0;
    try {
      for (const [index, word] of words.entries()) {
        if (index > 0) await sleep(delayMs, ctx.signal);
        yield { token: index === 0 ? word : ` ${word}`, index };
        sent++;
      }
    } finally {
      if (sent < words.length) log?.warn(`tokens: stopped after ${sent} of ${words.length} words (${ctx.signal.aborted ? 'the caller went away' : 'stopped'})`);
    }
  },

  health() {
    return { status: 'ok' };
  },

  deactivate() {
    log?.info('tokens: stopping');
  },
};
