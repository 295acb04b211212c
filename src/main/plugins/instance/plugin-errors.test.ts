import { afterEach, describe, expect, it } from 'vitest';
import { ChunkStream } from '../chunk-stream';
import { ISOLATIONS, InstanceKit, inMs } from './instance.test-helper';

const kit = new InstanceKit();
afterEach(() => kit.dispose());

describe.each(ISOLATIONS)('plugin errors (%s)', (isolation) => {
  it('a throw becomes E_PLUGIN_ERROR with the plugin message and its stack', async () => {
    const instance = await kit.started('throws', isolation);
    const error = await instance.call({ what: 'the disk is full' }, { deadline: inMs(5_000) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_PLUGIN_ERROR', message: 'boom: the disk is full' });
    expect((error as Error).stack).toContain('throws.mjs');
    expect(instance.errors).toBe(1);
    expect(instance.state).toBe('ready');
  });

  it('keeps E_BAD_REQUEST / E_NOT_FOUND / E_CONFLICT, and no other code', async () => {
    const instance = await kit.started('throws', isolation);
    for (const code of ['E_BAD_REQUEST', 'E_NOT_FOUND', 'E_CONFLICT']) {
      await expect(instance.call({ code, message: 'nope' }, { deadline: inMs(5_000) })).rejects.toMatchObject({ code, message: 'nope' });
    }
    await expect(instance.call({ code: 'E_UNAUTHORIZED', message: 'sneaky' }, { deadline: inMs(5_000) })).rejects.toMatchObject({
      code: 'E_PLUGIN_ERROR',
      message: 'sneaky',
    });
  });

  it('a streaming answer is a ChunkStream; an unsendable answer is an error; undefined is fine', async () => {
    const instance = await kit.started('odd-answers', isolation);
    const stream = await instance.call('stream', { deadline: inMs(5_000) });
    expect(ChunkStream.is(stream)).toBe(true);
    expect(await (stream as ChunkStream).collect()).toEqual([1]);
    expect(instance.inFlight).toBe(0);
    await expect(instance.call('unsendable', { deadline: inMs(5_000) })).rejects.toMatchObject({ code: 'E_PLUGIN_ERROR', message: expect.stringContaining('cannot be sent') });
    await expect(instance.call('undefined', { deadline: inMs(5_000) })).resolves.toBeUndefined();
    await expect(instance.call('null', { deadline: inMs(5_000) })).resolves.toBeNull();
  });

  it('a payload that cannot be sent fails that call only', async () => {
    const instance = await kit.started('echo', isolation);
    const bad = instance.call({ f: () => 1, n: 1n }, { deadline: inMs(5_000) });
    const good = instance.call('fine', { deadline: inMs(5_000) });
    await expect(bad).rejects.toMatchObject({ code: 'E_BAD_REQUEST' });
    await expect(good).resolves.toMatchObject({ echo: 'fine' });
    expect(instance.inFlight).toBe(0);
  });
});
