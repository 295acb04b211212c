// The raw worker_threads baseline's worker: echoes each `{ id, payload }` with one postMessage.
import { parentPort } from 'node:worker_threads';

const port = parentPort;
port.on('message', (message) => port.postMessage(message));
