/**
 * Entry of the child-side runtime, built to `out/main/plugin-runtime.js`. Main forks it (process
 * isolation) or starts it as a worker (thread isolation); it then waits for `init`.
 */
import { killOwnGroup, startOrphanWatchdog } from './orphan-watchdog';
import { PluginRuntime } from './plugin-runtime';
import { openRuntimePort } from './runtime-port';

const port = openRuntimePort();
if (port === null) {
  process.stderr.write('plugin-runtime: started without an IPC channel or a parent port; the conductor starts this file\n');
  process.exit(2);
}

if (port.mode === 'process') {
  // The conductor is gone (or closed the channel): take the whole process group down.
  process.on('disconnect', () => killOwnGroup());
  // The same when the plugin's thread is too busy to notice (see orphan-watchdog.ts).
  startOrphanWatchdog();
}

new PluginRuntime(port);
