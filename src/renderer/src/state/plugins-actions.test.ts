import { describe, expect, it } from 'vitest';
import type { CommandName } from '../../../shared/contract';
import { err, ok, type Result } from '../../../shared/result';
import type { ConductorClient } from '../api/conductor-client';
import { createPluginActionsStore, nextStepFor } from './plugins-actions';

function fakeClient() {
  const pending: Array<{ command: CommandName; args: unknown; resolve: (r: Result<unknown>) => void }> = [];
  const client = {
    transport: 'websocket',
    invoke: (command: CommandName, args: unknown) => new Promise((resolve) => pending.push({ command, args, resolve })),
    on: () => () => {},
    connectionState: () => 'open',
    onConnectionChange: () => () => {},
    reconnectNow: () => {},
  } as unknown as ConductorClient;
  return { client, pending };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('plugin actions', () => {
  it('shows progress, then the outcome with the new state', async () => {
    const fake = fakeClient();
    const store = createPluginActionsStore(fake.client);
    const done = store.getState().disable('echo');
    expect(fake.pending[0]).toMatchObject({ command: 'plugins:disable', args: { name: 'echo' } });
    expect(store.getState().byTarget['echo']).toMatchObject({ phase: 'running', message: expect.stringContaining('Disabling echo') });
    fake.pending[0]!.resolve(ok({ state: 'disabled' }));
    expect(await done).toBe(true);
    expect(store.getState().last).toMatchObject({ phase: 'done', message: 'echo disabled — it is disabled now.' });
  });

  it('keeps the error code, message and a next step on failure', async () => {
    const fake = fakeClient();
    const store = createPluginActionsStore(fake.client);
    const done = store.getState().uninstall('echo', false);
    expect(fake.pending[0]).toMatchObject({ command: 'plugins:uninstall', args: { name: 'echo', removeState: false } });
    fake.pending[0]!.resolve(err('E_CONFLICT', 'plugin "echo" is bundled with the app; disable it instead'));
    expect(await done).toBe(false);
    const last = store.getState().last!;
    expect(last.phase).toBe('failed');
    expect(last.message).toBe('Could not uninstall echo');
    expect(last.error?.code).toBe('E_CONFLICT');
    expect(last.hint).toMatch(/current state/);
    store.getState().dismiss(last.id);
    expect(store.getState().last).toBeNull();
  });

  it('a newer action is not overwritten by an older one finishing late', async () => {
    const fake = fakeClient();
    const store = createPluginActionsStore(fake.client);
    const first = store.getState().restart('echo');
    const second = store.getState().disable('echo');
    fake.pending[1]!.resolve(ok({ state: 'disabled' }));
    await second;
    fake.pending[0]!.resolve(ok({ state: 'ready' }));
    await first;
    await flush();
    expect(store.getState().byTarget['echo']?.action).toBe('disable');
  });

  it('install: names the folder and explains a bad one', async () => {
    const fake = fakeClient();
    const store = createPluginActionsStore(fake.client);
    const done = store.getState().install('/tmp/greeter');
    fake.pending[0]!.resolve(ok({ name: 'greeter', version: '1.0.0', plugin: { state: 'starting' } }));
    await done;
    expect(store.getState().last?.message).toBe('greeter installed (1.0.0) — it is starting now.');
    expect(nextStepFor('install', { code: 'E_BAD_REQUEST', message: 'x' })).toMatch(/plugin\.json/);
  });
});
