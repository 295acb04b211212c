/** The built runtime driven directly over the protocol, the way main drives it. */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChildMessage, MainMessage } from '../../../shared/plugin-protocol';
import { FIXTURES, RUNTIME_JS, fixture, isAlive, requireRuntimeBuild, waitFor } from '../instance/instance.test-helper';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

function start(entry: string) {
  requireRuntimeBuild();
  const child = fork(RUNTIME_JS, [], { cwd: FIXTURES, detached: true, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'json', execArgv: [] });
  children.push(child);
  const received: ChildMessage[] = [];
  let wireMessages = 0;
  child.on('message', (raw: ChildMessage | { type: 'batch'; messages: ChildMessage[] }) => {
    wireMessages++;
    if (raw.type === 'batch') received.push(...raw.messages);
    else received.push(raw);
  });
  const send = (message: MainMessage | { type: 'batch'; messages: MainMessage[] }) => child.send(message);
  send({ type: 'init', plugin: 'p', instance: 'p#1', entryPath: fixture(entry), config: {}, env: {}, heartbeatMs: 60_000 });
  return { child, received, send, wires: () => wireMessages };
}

describe('the child-side runtime', () => {
  it('refuses to run without a channel', () => {
    requireRuntimeBuild();
    const result = spawnSync(process.execPath, [RUNTIME_JS], { encoding: 'utf8', timeout: 10_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('without an IPC channel');
  });

  it('init → ready (+ a first heartbeat); a batch of requests is answered; ping → pong', async () => {
    const { received, send, wires } = start('echo');
    await waitFor(() => received.some((m) => m.type === 'ready') && received.some((m) => m.type === 'heartbeat'), 'ready and a heartbeat');
    const before = wires();
    const deadline = Date.now() + 5_000;
    send({ type: 'batch', messages: Array.from({ length: 20 }, (_, i) => ({ type: 'request' as const, id: i + 1, payload: i, deadline })) });
    await waitFor(() => received.filter((m) => m.type === 'response').length === 20, '20 responses');
    // Answers produced in one tick travel coalesced: far fewer wire messages than answers.
    expect(wires() - before).toBeLessThanOrEqual(3);
    send({ type: 'ping', id: 99 });
    await waitFor(() => received.some((m) => m.type === 'pong' && m.id === 99), 'pong');
  });

  it('closing the channel (the conductor is gone) kills the whole process group', async () => {
    const { child, received, send } = start('grandchild');
    await waitFor(() => received.some((m) => m.type === 'ready'), 'ready');
    send({ type: 'request', id: 1, payload: null, deadline: Date.now() + 5_000 });
    await waitFor(() => received.some((m) => m.type === 'response'), 'the grandchild pid');
    const response = received.find((m) => m.type === 'response') as Extract<ChildMessage, { type: 'response' }>;
    const { grandchild } = (response.result as { ok: true; value: { grandchild: number } }).value;
    expect(isAlive(grandchild)).toBe(true);
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    child.disconnect();
    expect(await exited).toBe('SIGKILL');
    await waitFor(() => !isAlive(grandchild), 'the grandchild to die', 5_000);
  });
});
