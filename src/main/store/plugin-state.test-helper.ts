/**
 * Child process for the cross-process atomicity tests: opens its own Store on the given data dir,
 * says `ready`, waits for `go`, then runs `count` increments (or compare-and-set increments, retried
 * until each succeeds) against the shared key, and says `done`.
 * Usage: node --import tsx plugin-state.test-helper.ts <dataDir> <increment|cas> <count>
 */
import { Store } from './store';

const [dataDir, mode, countText] = process.argv.slice(2);
if (!dataDir || (mode !== 'increment' && mode !== 'cas') || !countText) throw new Error('usage: <dataDir> <increment|cas> <count>');
const count = Number(countText);
const store = new Store({ dataDir, busyTimeoutMs: 30_000 });
store.open();
const state = store.pluginState;

process.once('message', () => {
  let retries = 0;
  for (let i = 0; i < count; i += 1) {
    if (mode === 'increment') {
      state.increment('counter', 'count', 1);
      continue;
    }
    for (;;) {
      const current = state.get('counter', 'cas') as number | undefined;
      if (state.compareAndSet('counter', 'cas', current, (current ?? 0) + 1)) break;
      retries += 1;
    }
  }
  store.close();
  process.send?.({ type: 'done', retries }, () => process.disconnect());
});
process.send?.({ type: 'ready' });
