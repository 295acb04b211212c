/**
 * Routing through a real Conductor: echo answers in each isolation mode (child process and worker
 * thread), by capability and by plugin name; the status shows a pid for a process instance and a
 * threadId for a thread instance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox, type Harness } from './integration.test-helper';

describe('routing (real instances)', () => {
  let box: Sandbox;
  let h: Harness;

  beforeAll(async () => {
    box = new Sandbox('routing');
    box.copyPlugin('echo', { manifest: { instances: { min: 1, max: 1 } } });
    box.copyPlugin('echo', { as: 'echo-thread', manifest: { isolation: 'thread', capabilities: ['text.echo-thread'], instances: { min: 1, max: 1 } } });
    h = await box.start();
    await h.waitReady('echo');
    await h.waitReady('echo-thread');
  });

  afterAll(async () => {
    await box?.dispose();
  });

  it.each([
    { mode: 'process', target: { plugin: 'echo' } },
    { mode: 'process', target: { capability: 'text.echo' } },
    { mode: 'thread', target: { plugin: 'echo-thread' } },
    { mode: 'thread', target: { capability: 'text.echo-thread' } },
  ])('echo answers in a $mode instance, routed by $target', async ({ target }) => {
    const payload = { hello: 'world', n: 42, list: [1, 'two', null] };
    expect(await h.send({ ...target, payload })).toEqual({ ok: true, value: { echo: payload } });
  });

  it('many requests at once all come back, each with its own answer', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) => h.send(i % 2 === 0 ? { capability: 'text.echo', payload: i } : { plugin: 'echo-thread', payload: i })),
    );
    expect(outcomes).toEqual(Array.from({ length: 50 }, (_, i) => ({ ok: true, value: { echo: i } })));
  });

  it('an unknown capability is E_NOT_FOUND and an unknown plugin E_PLUGIN_NOT_FOUND', async () => {
    expect(await h.send({ capability: 'no.such', payload: 1 })).toMatchObject({ ok: false, code: 'E_NOT_FOUND' });
    expect(await h.send({ plugin: 'no-such', payload: 1 })).toMatchObject({ ok: false, code: 'E_PLUGIN_NOT_FOUND' });
  });

  it('the status shows a pid for a process instance and a threadId for a thread instance', async () => {
    const proc = await h.plugin('echo');
    expect(proc.isolation).toBe('process');
    expect(proc.instances).toHaveLength(1);
    const pi = proc.instances[0]!;
    expect(pi.pid).toEqual(expect.any(Number));
    expect(pi.pid).not.toBe(process.pid);
    expect(pi.threadId).toBeNull();
    expect(pi.served).toBeGreaterThan(0);

    const thread = await h.plugin('echo-thread');
    expect(thread.isolation).toBe('thread');
    expect(thread.instances).toHaveLength(1);
    const ti = thread.instances[0]!;
    expect(ti.pid).toBeNull();
    expect(ti.threadId).toEqual(expect.any(Number));
    expect(ti.threadId).toBeGreaterThan(0);
    expect(ti.served).toBeGreaterThan(0);

    // The same over plugins:list.
    const list = await h.list();
    expect(list.map((p) => p.name).sort()).toEqual(['echo', 'echo-thread']);
    expect(list.find((p) => p.name === 'echo')!.instances[0]!.pid).toBe(pi.pid);
    expect(list.find((p) => p.name === 'echo-thread')!.instances[0]!.threadId).toBe(ti.threadId);
  });
});
