/**
 * Orphan protection for a plugin child process. The conductor forks each process instance as the
 * leader of its own process group. If the conductor dies — even by SIGKILL, which runs none of its
 * handlers — the instance and everything it spawned must die too:
 *
 * 1. The IPC channel disconnects: the runtime kills its own process group and exits. This needs
 *    the runtime's event loop, so it fails when the plugin is stuck in a busy loop. Hence:
 * 2. A watchdog worker thread, started before the plugin is loaded, polls `process.ppid` (a live
 *    getppid(2)) every 250 ms, blocked in `Atomics.wait` in between. When the conductor is gone the
 *    child has been re-parented, the ppid differs, and the watchdog SIGKILLs the whole group from
 *    its own thread, however busy the plugin's thread is. Comparing the ppid (not probing the
 *    conductor's pid) is immune to pid reuse and to an unreaped (zombie) conductor.
 *
 * Cost, measured on this machine (Node 20): ~7–9 MB RSS and ~0.3 ms CPU per second per instance
 * (`setInterval` in a worker costs ~2 ms/s, hence `Atomics.wait`). A worker thread needs no
 * executable on PATH and dies with its process, so it can never outlive the instance.
 */
import { Worker } from 'node:worker_threads';

export const WATCHDOG_POLL_MS = 250;

// CommonJS, evaluated in the worker; kept dependency-free.
const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads');
const cell = new Int32Array(new SharedArrayBuffer(4));
for (;;) {
  Atomics.wait(cell, 0, 0, workerData.pollMs);
  if (process.ppid !== workerData.parentPid) {
    try { process.kill(-workerData.groupId, 'SIGKILL'); } catch {}
    try { process.kill(workerData.selfPid, 'SIGKILL'); } catch {}
  }
}
`;

/** Kills this process's group (the plugin and its descendants), then this process. */
export function killOwnGroup(): never {
  try {
    process.kill(-process.pid, 'SIGKILL');
  } catch {
    // Not a group leader (started without detached): at least this process goes.
  }
  process.kill(process.pid, 'SIGKILL');
  process.exit(137);
}

/** Starts the watchdog for the current parent (the conductor). Never keeps the process alive. */
export function startOrphanWatchdog(pollMs = WATCHDOG_POLL_MS): Worker {
  const worker = new Worker(WATCHDOG_SOURCE, {
    eval: true,
    workerData: { parentPid: process.ppid, groupId: process.pid, selfPid: process.pid, pollMs },
    // Its own tiny heap: the plugin's --max-old-space-size does not apply to it.
    resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2, codeRangeSizeMb: 2, stackSizeMb: 1 },
    stdout: false,
    stderr: false,
  });
  worker.unref();
  worker.on('error', () => {
    // Cannot happen short of a Node bug; the IPC disconnect handler still protects the common case.
  });
  return worker;
}
