import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../common/clock';
import type { InstanceExit } from '../instance-types';
import { ISOLATIONS, InstanceKit, waitFor } from './instance.test-helper';

const kit = new InstanceKit();
afterEach(() => kit.dispose());

describe.each(ISOLATIONS)('start failures (%s)', (isolation) => {
  it('activate throws: start rejects with the plugin message, state crashed', async () => {
    const instance = kit.create('activate-throws', isolation);
    const exits: InstanceExit[] = [];
    instance.onExit((exit) => exits.push(exit));
    await expect(instance.start()).rejects.toMatchObject({ code: 'E_PLUGIN_ERROR', message: expect.stringContaining('activate() failed: missing API key') });
    expect(instance.state).toBe('crashed');
    await waitFor(() => exits.length === 1, 'the instance to be killed');
    expect(exits[0]!.expected).toBe(false);
    expect(exits[0]!.lastLines.join('\n')).toContain('missing API key');
  });

  it('no handle(): the error names the file and what is missing', async () => {
    const instance = kit.create('no-handle', isolation);
    await expect(instance.start()).rejects.toMatchObject({ code: 'E_PLUGIN_ERROR', message: expect.stringMatching(/no-handle\.mjs.*no handle\(\) function/) });
    expect(instance.state).toBe('crashed');
  });

  it('an entry that does not exist', async () => {
    const instance = kit.create('does-not-exist', isolation);
    await expect(instance.start()).rejects.toMatchObject({ code: 'E_PLUGIN_ERROR', message: expect.stringContaining('could not load') });
  });

  it('an entry that exits while loading: start rejects naming the exit and the last line', async () => {
    const instance = kit.create('exits-on-load', isolation);
    const error = await instance.start().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_PLUGIN_CRASHED', message: expect.stringContaining('exited with code 3') });
    if (isolation === 'process') expect((error as Error).message).toContain('cannot run here');
    expect(instance.state).toBe('crashed');
  });

  it('not ready within startTimeoutMs: E_TIMEOUT, crashed, killed', async () => {
    const clock = new ManualClock(Date.now());
    const instance = kit.create('slow-activate', isolation, { clock, startTimeoutMs: 5_000 });
    const exits: InstanceExit[] = [];
    instance.onExit((exit) => exits.push(exit));
    const starting = instance.start().catch((e: unknown) => e);
    clock.advance(4_999);
    expect(instance.state).toBe('starting');
    clock.advance(1);
    expect(await starting).toMatchObject({ code: 'E_TIMEOUT', message: expect.stringContaining('not ready within 5000 ms') });
    expect(instance.state).toBe('crashed');
    await waitFor(() => exits.length === 1, 'the instance to be killed');
    expect(exits[0]!.expected).toBe(false);
  });
});

describe('options', () => {
  it('are validated, naming the option', () => {
    expect(() => kit.create('echo', 'process', { memoryLimitMb: 1 })).toThrow(/option "memoryLimitMb"/);
    expect(() => kit.create('echo', 'process', { entryPath: 'relative.mjs' })).toThrow(/option "entryPath"/);
    expect(() => kit.create('echo', 'fiber' as never)).toThrow(/option "isolation"/);
    expect(() => kit.create('echo', 'process', { env: { 'BAD-NAME': 'x' } })).toThrow(/option "env"/);
    expect(() => kit.create('echo', 'process', { heartbeatMs: 0 })).toThrow(/option "heartbeatMs"/);
    expect(() => kit.create('echo', 'process', { runtimePath: '/nowhere/plugin-runtime.js' })).toThrow(/npm run build/);
  });
});
