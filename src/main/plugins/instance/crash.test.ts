import { afterEach, describe, expect, it } from 'vitest';
import type { InstanceExit } from '../instance-types';
import { InstanceKit, inMs, isAlive, waitFor } from './instance.test-helper';

const kit = new InstanceKit();
afterEach(() => kit.dispose());

describe('an instance that dies unexpectedly', () => {
  it('kill -9 from outside: in-flight calls reject E_PLUGIN_CRASHED, state crashed, exit not expected', async () => {
    const instance = await kit.started('never-answers', 'process');
    const exits: InstanceExit[] = [];
    const states: string[] = [];
    instance.onExit((exit) => exits.push(exit));
    instance.onStateChange((state) => states.push(state));
    const calls = [1, 2, 3].map((i) => instance.call(i, { deadline: inMs(30_000) }).catch((e: unknown) => e));
    expect(instance.inFlight).toBe(3);
    process.kill(instance.pid!, 'SIGKILL');
    const errors = await Promise.all(calls);
    for (const error of errors) {
      expect(error).toMatchObject({ code: 'E_PLUGIN_CRASHED', message: expect.stringContaining('SIGKILL') });
    }
    expect(instance.inFlight).toBe(0);
    expect(instance.state).toBe('crashed');
    expect(states).toEqual(['crashed']);
    expect(exits).toEqual([expect.objectContaining({ expected: false, code: null, signal: 'SIGKILL' })]);
    await expect(instance.call(1, { deadline: inMs(1_000) })).rejects.toMatchObject({ code: 'E_PLUGIN_CRASHED' });
    await expect(instance.ping(1_000)).rejects.toMatchObject({ code: 'E_PLUGIN_CRASHED' });
    expect(await instance.checkHealth(1_000)).toMatchObject({ status: 'down' });
  });

  it('an exiting thread rejects its calls the same way, keeping its last lines', async () => {
    const instance = await kit.started('never-answers', 'thread');
    const exits: InstanceExit[] = [];
    instance.onExit((exit) => exits.push(exit));
    const call = instance.call(1, { deadline: inMs(30_000) }).catch((e: unknown) => e);
    // Not requested by anyone the instance knows of: terminate the worker behind its back.
    (instance as unknown as { channel: { kill(): void } }).channel.kill();
    expect(await call).toMatchObject({ code: 'E_PLUGIN_CRASHED' });
    expect(instance.state).toBe('crashed');
    expect(exits[0]).toMatchObject({ expected: false });
  });

  it('kill() is a requested stop: the group dies, state stopped, exit expected', async () => {
    const instance = await kit.started('grandchild', 'process');
    const { grandchild } = (await instance.call(null, { deadline: inMs(5_000) })) as { grandchild: number };
    expect(isAlive(grandchild)).toBe(true);
    const exits: InstanceExit[] = [];
    instance.onExit((exit) => exits.push(exit));
    instance.kill();
    await waitFor(() => exits.length === 1, 'the exit');
    expect(exits[0]).toMatchObject({ expected: true, signal: 'SIGKILL' });
    expect(exits[0]!.lastLines.some((line) => line.startsWith('grandchild '))).toBe(true);
    expect(instance.state).toBe('stopped');
    await waitFor(() => !isAlive(grandchild), 'the grandchild to die', 5_000);
  });
});
