/**
 * The child side of the channel to main: the IPC channel of a forked process, or the parent port
 * of a worker thread. Same protocol either way.
 */
import { isMainThread, parentPort } from 'node:worker_threads';
import type { ChildWire, MainWire } from '../../../shared/plugin-protocol';

export interface RuntimePort {
  readonly mode: 'process' | 'thread';
  /** Writes one wire message; throws if it cannot be serialised. Dropped when main is gone. */
  post(message: ChildWire): void;
  onMessage(listener: (message: MainWire) => void): void;
  /** Exits after what was posted has been written. */
  exit(code: number): void;
}

/** Upper bound on waiting for the last messages to be written before exiting anyway. */
const EXIT_FLUSH_MS = 2_000;

function processPort(): RuntimePort {
  const send = process.send!.bind(process);
  return {
    mode: 'process',
    post(message) {
      if (process.connected) send(message);
    },
    onMessage(listener) {
      process.on('message', (message) => listener(message as MainWire));
    },
    exit(code) {
      if (!process.connected) process.exit(code);
      setTimeout(() => process.exit(code), EXIT_FLUSH_MS).unref();
      // Messages are written in order: once this one is written, everything before it is too.
      send({ type: 'log', level: 'debug', message: `runtime exiting with code ${code}` }, () => process.exit(code));
    },
  };
}

function threadPort(): RuntimePort {
  const port = parentPort!;
  return {
    mode: 'thread',
    post(message) {
      port.postMessage(message);
    },
    onMessage(listener) {
      port.on('message', (message: MainWire) => listener(message));
    },
    exit(code) {
      // A worker delivers what it posted before it exits; process.exit ends only this thread.
      process.exit(code);
    },
  };
}

/** The port for where this runtime runs, or null when it was started neither way. */
export function openRuntimePort(): RuntimePort | null {
  if (!isMainThread && parentPort) return threadPort();
  if (typeof process.send === 'function') return processPort();
  return null;
}
