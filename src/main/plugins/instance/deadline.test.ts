import { afterEach, describe, expect, it } from 'vitest';
import { ConductorError } from '../../../shared/result';
import { ISOLATIONS, InstanceKit, inMs, waitFor } from './instance.test-helper';

const kit = new InstanceKit();
afterEach(() => kit.dispose());

describe.each(ISOLATIONS)('deadlines (%s)', (isolation) => {
  it('rejects with E_TIMEOUT at the deadline, aborts the plugin, frees the slot', async () => {
    const instance = await kit.started('never-answers', isolation);
    const deadline = inMs(300);
    const pending = instance.call('x', { deadline });
    expect(instance.inFlight).toBe(1);
    const error = await pending.catch((e: unknown) => e);
    const at = Date.now();
    expect(error).toBeInstanceOf(ConductorError);
    expect((error as ConductorError).code).toBe('E_TIMEOUT');
    expect(at).toBeGreaterThanOrEqual(deadline);
    expect(at).toBeLessThanOrEqual(deadline + 1_000);
    expect(instance.inFlight).toBe(0);
    expect(instance.errors).toBe(1);
    await waitFor(() => kit.host.has('aborted: TimeoutError'), 'the plugin to observe its abort signal', 5_000);
    expect(instance.state).toBe('ready');
  });

  it('a call cancelled by its caller rejects at once and aborts the plugin', async () => {
    const instance = await kit.started('never-answers', isolation);
    const controller = new AbortController();
    const pending = instance.call('x', { deadline: inMs(30_000), signal: controller.signal });
    controller.abort(new ConductorError('E_SHUTTING_DOWN', 'caller went away'));
    await expect(pending).rejects.toMatchObject({ code: 'E_SHUTTING_DOWN', message: 'caller went away' });
    expect(instance.inFlight).toBe(0);
    await waitFor(() => kit.host.has('aborted: AbortError'), 'the plugin to observe the cancel', 5_000);
  });

  it('a caller signal aborted with an E_TIMEOUT reaches the plugin as a timeout, not a cancel', async () => {
    const instance = await kit.started('never-answers', isolation);
    const controller = new AbortController();
    const pending = instance.call('x', { deadline: inMs(30_000), signal: controller.signal });
    controller.abort(new ConductorError('E_TIMEOUT', 'the deadline passed'));
    await expect(pending).rejects.toMatchObject({ code: 'E_TIMEOUT' });
    expect(instance.inFlight).toBe(0);
    await waitFor(() => kit.host.has('aborted: TimeoutError'), 'the plugin to observe a timeout', 5_000);
  });

  it('many calls share one signal: aborting it cancels every one of them, and only them', async () => {
    const instance = await kit.started('never-answers', isolation);
    const shared = new AbortController();
    const calls = [1, 2, 3].map((n) => instance.call(n, { deadline: inMs(30_000), signal: shared.signal }).catch((e: unknown) => e));
    const other = instance.call(4, { deadline: inMs(30_000), signal: new AbortController().signal }).catch((e: unknown) => e);
    expect(instance.inFlight).toBe(4);
    shared.abort(new ConductorError('E_SHUTTING_DOWN', 'going'));
    for (const error of await Promise.all(calls)) expect(error).toMatchObject({ code: 'E_SHUTTING_DOWN' });
    expect(instance.inFlight).toBe(1);
    instance.kill();
    expect(await other).toMatchObject({ code: 'E_PLUGIN_CRASHED' });
  });

  it('rejects a call whose deadline already passed without sending it', async () => {
    const instance = await kit.started('echo', isolation);
    await expect(instance.call('x', { deadline: Date.now() - 1 })).rejects.toMatchObject({ code: 'E_TIMEOUT' });
    expect(instance.inFlight).toBe(0);
  });

  it('a wedged instance does not answer a ping in time', async () => {
    const instance = await kit.started('busy-loop', isolation);
    await expect(instance.call('spin', { deadline: inMs(5_000) })).resolves.toBe('spinning');
    await waitFor(() => kit.host.has('spinning now'), 'the plugin to start spinning', 5_000);
    await expect(instance.ping(300)).rejects.toMatchObject({ code: 'E_TIMEOUT' });
    expect(await instance.checkHealth(300)).toMatchObject({ status: 'down' });
    instance.kill();
  });
});
