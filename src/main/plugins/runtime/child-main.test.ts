/** The built runtime driven directly over the protocol, the way main drives it. */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChildMessage, MainMessage, ResponseEntry, TaggedChildMessage } from '../../../shared/plugin-protocol';
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
  const received: TaggedChildMessage[] = [];
  const entries: ResponseEntry[] = [];
  let wireMessages = 0;
  const take = (message: ChildMessage) => {
    if (Array.isArray(message)) entries.push(message);
    else received.push(message);
  };
  child.on('message', (raw: ChildMessage | { type: 'batch'; messages: ChildMessage[] }) => {
    wireMessages++;
    if (!Array.isArray(raw) && raw.type === 'batch') raw.messages.forEach(take);
    else take(raw as ChildMessage);
  });
  const send = (message: MainMessage | { type: 'batch'; messages: MainMessage[] }) => child.send(message);
  send({ type: 'init', plugin: 'p', instance: 'p#1', entryPath: fixture(entry), config: {}, env: {}, heartbeatMs: 60_000 });
  return { child, received, entries, send, wires: () => wireMessages };
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

  it('compact requests get compact answers, an undefined payload and value staying undefined', async () => {
    const { received, entries, send } = start('echo');
    await waitFor(() => received.some((m) => m.type === 'ready'), 'ready');
    const deadline = Date.now() + 5_000;
    send({ type: 'batch', messages: [[1, deadline, 0, { a: 1 }], [2, deadline, 'text.echo'], { type: 'request', id: 3, payload: 'tagged', deadline }] });
    await waitFor(() => entries.length === 2 && received.some((m) => m.type === 'response'), 'three answers');
    const byId = new Map(entries.map((e) => [e[0], e]));
    expect(byId.get(1)).toMatchObject([1, 1, { echo: { a: 1 } }]);
    expect((byId.get(1)![2] as { capability?: string }).capability).toBeUndefined();
    // The payload was left out: the plugin saw undefined (JSON would have made an undefined element null).
    expect(byId.get(2)![2]).toMatchObject({ capability: 'text.echo' });
    expect('echo' in (byId.get(2)![2] as object)).toBe(false);
    expect(received.find((m) => m.type === 'response')).toMatchObject({ type: 'response', id: 3, result: { ok: true, value: { echo: 'tagged' } } });
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
