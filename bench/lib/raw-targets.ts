/**
 * The baselines the pipeline is built on, each as thin as it can be: the message carries the lane
 * number as its id, so an answer goes straight to its lane (no id table, no promise).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import Piscina from 'piscina';
import type { Target } from './harness';

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
const CHILD = `${BENCH_DIR}raw-echo-child.mjs`;
const WORKER = `${BENCH_DIR}raw-echo-worker.mjs`;
const PISCINA_TASK = `${BENCH_DIR}piscina-echo.mjs`;

interface Envelope {
  id: number;
  payload: unknown;
}

type Done = (lane: number) => void;
type Fail = (error: unknown) => void;

const unbound: Done = () => {
  throw new Error('bench: an answer arrived outside a run');
};

/** Forks the raw echo child the way instances are forked: JSON serialisation, no loader flags. */
async function forkEcho(mode: 'single' | 'batch'): Promise<ChildProcess> {
  const child = fork(CHILD, [mode], { serialization: 'json', execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await once(child, 'spawn');
  return child;
}

async function closeChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.disconnect();
  const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
  await exited;
  clearTimeout(timer);
}

/** (a) Fork IPC, one message per request each way. */
export async function rawFork(): Promise<Target> {
  const child = await forkEcho('single');
  let done: Done = unbound;
  let fail: Fail = () => {};
  child.on('message', (message) => done((message as Envelope).id));
  child.on('exit', (code, signal) => fail(new Error(`raw echo child exited (${code ?? signal})`)));
  return {
    name: 'fork',
    description: 'raw fork IPC (JSON), one message per request each way',
    bind(d, f) {
      done = d;
      fail = f;
    },
    send(lane, payload) {
      child.send({ id: lane, payload });
    },
    async close() {
      fail = () => {};
      await closeChild(child);
    },
  };
}

/** (b) Fork IPC, coalesced: every message sent in one tick goes as one array (both ways), flushed on setImmediate. */
export async function rawForkCoalesced(): Promise<Target> {
  const child = await forkEcho('batch');
  let done: Done = unbound;
  let fail: Fail = () => {};
  let queue: Envelope[] = [];
  let armed = false;
  const flush = (): void => {
    armed = false;
    const batch = queue;
    queue = [];
    if (batch.length > 0) child.send(batch);
  };
  child.on('message', (message) => {
    const batch = message as Envelope[];
    for (let i = 0; i < batch.length; i++) done(batch[i]!.id);
  });
  child.on('exit', (code, signal) => fail(new Error(`raw echo child exited (${code ?? signal})`)));
  return {
    name: 'fork-coalesced',
    description: 'raw fork IPC (JSON), messages of a tick batched into one array both ways (setImmediate)',
    bind(d, f) {
      done = d;
      fail = f;
    },
    send(lane, payload) {
      queue.push({ id: lane, payload });
      if (!armed) {
        armed = true;
        setImmediate(flush);
      }
    },
    async close() {
      fail = () => {};
      await closeChild(child);
    },
  };
}

/** (c) worker_threads, one postMessage per request each way (structured clone). */
export async function rawWorker(): Promise<Target> {
  const worker = new Worker(WORKER, { execArgv: [] });
  await once(worker, 'online');
  let done: Done = unbound;
  let fail: Fail = () => {};
  worker.on('message', (message) => done((message as Envelope).id));
  worker.on('error', (error) => fail(error));
  return {
    name: 'worker',
    description: 'raw worker_threads postMessage (structured clone), one message per request each way',
    bind(d, f) {
      done = d;
      fail = f;
    },
    send(lane, payload) {
      worker.postMessage({ id: lane, payload });
    },
    async close() {
      fail = () => {};
      await worker.terminate();
    },
  };
}

/** (d) piscina with its defaults (threads: min max(1, cpus/2), max 1.5 × cpus; one task per thread at a time). */
export async function piscina(): Promise<Target> {
  const pool = new Piscina({ filename: PISCINA_TASK, execArgv: [] });
  let fail: Fail = () => {};
  let done: Done = unbound;
  // Bring the threads up before measuring.
  await Promise.all(Array.from({ length: pool.maxThreads * 2 }, () => pool.run(null)));
  return {
    name: 'piscina',
    description: `piscina ${Piscina.version} defaults (${pool.minThreads}–${pool.maxThreads} threads, 1 task per thread), pool.run(payload)`,
    bind(d, f) {
      done = d;
      fail = f;
    },
    send(lane, payload) {
      pool.run(payload).then(
        () => done(lane),
        (error: unknown) => fail(error),
      );
    },
    async close() {
      fail = () => {};
      await pool.destroy();
    },
  };
}
