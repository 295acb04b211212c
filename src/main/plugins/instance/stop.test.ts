import { afterEach, describe, expect, it } from 'vitest';
import type { InstanceExit } from '../instance-types';
import { ISOLATIONS, InstanceKit, inMs, isAlive, waitFor } from './instance.test-helper';

const kit = new InstanceKit();
afterEach(() => kit.dispose());

describe('stop', () => {
  it('a deactivate that hangs: the process group is killed at the deadline', async () => {
    const instance = await kit.started('grandchild', 'process', { config: { hangOnDeactivate: true } });
    const { grandchild, pid } = (await instance.call(null, { deadline: inMs(5_000) })) as { grandchild: number; pid: number };
    const exits: InstanceExit[] = [];
    instance.onExit((exit) => exits.push(exit));
    const deadline = inMs(400);
    await instance.stop({ deadline });
    const at = Date.now();
    expect(at).toBeGreaterThanOrEqual(deadline);
    expect(at).toBeLessThan(deadline + 2_000);
    expect(exits).toEqual([expect.objectContaining({ expected: true, signal: 'SIGKILL' })]);
    expect(instance.state).toBe('stopped');
    await waitFor(() => !isAlive(pid) && !isAlive(grandchild), 'the group to be gone', 5_000);
  });

  it('a thread whose deactivate hangs is terminated at the deadline', async () => {
    const instance = await kit.started('grandchild', 'thread', { config: { hangOnDeactivate: true } });
    const { grandchild } = (await instance.call(null, { deadline: inMs(5_000) })) as { grandchild: number };
    const deadline = inMs(300);
    await instance.stop({ deadline });
    expect(Date.now()).toBeGreaterThanOrEqual(deadline);
    expect(instance.state).toBe('stopped');
    // A thread has no process group: what its plugin spawned is the conductor's child (documented limit).
    expect(isAlive(grandchild)).toBe(true);
    process.kill(grandchild, 'SIGKILL');
  });

  it.each(ISOLATIONS)('a graceful stop (%s) runs deactivate and exits 0 before the deadline; a second stop is a no-op', async (isolation) => {
    const instance = await kit.started('grandchild', isolation);
    const { grandchild } = (await instance.call(null, { deadline: inMs(5_000) })) as { grandchild: number };
    const exits: InstanceExit[] = [];
    instance.onExit((exit) => exits.push(exit));
    const deadline = inMs(10_000);
    await Promise.all([instance.stop({ deadline }), instance.stop({ deadline })]);
    expect(Date.now()).toBeLessThan(deadline);
    await instance.stop({ deadline });
    expect(exits).toEqual([expect.objectContaining({ expected: true, code: 0 })]);
    await waitFor(() => !isAlive(grandchild), 'deactivate to end the grandchild', 5_000);
  });

  it('stop before start, and stop during start', async () => {
    const never = kit.create('echo', 'process');
    await never.stop({ deadline: inMs(1_000) });
    expect(never.state).toBe('stopped');
    await expect(never.start()).rejects.toMatchObject({ code: 'E_SHUTTING_DOWN' });

    const slow = kit.create('slow-activate', 'process');
    const starting = slow.start().catch((e: unknown) => e);
    await waitFor(() => slow.pid !== null, 'the fork');
    await slow.stop({ deadline: inMs(2_000) });
    expect(await starting).toMatchObject({ code: 'E_SHUTTING_DOWN' });
    expect(slow.state).toBe('stopped');
  });
});
