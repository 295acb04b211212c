import { describe, expect, it } from 'vitest';
import type { CommandName, EventName } from '../../../shared/contract';
import type { SettingsView, SettingView } from '../../../shared/domain';
import { err, ok, type Result } from '../../../shared/result';
import type { ConductorClient } from '../api/conductor-client';
import { createSettingsStore, mutedList, pinnedExplanation, shownValue, toggleMuted } from './settings-store';

const setting = (over: Partial<SettingView>): SettingView => ({
  key: 'ui.closeToTray',
  title: 'Close to tray',
  description: '',
  value: true,
  source: 'default',
  editable: true,
  electronOnly: true,
  ...over,
});

const view = (value: unknown, source: SettingView['source'] = 'saved'): SettingsView => ({
  settings: [setting({ value, source })],
  runtime: { version: '0', host: 'headless', pid: 1, dataDir: '/d', databasePath: '/d/db', logsDir: '/d/logs', configFile: null, nodeVersion: '20', platform: 'linux' },
});

function fakeClient() {
  const pending: Array<{ command: CommandName; args: { key?: string; value?: unknown }; resolve: (r: Result<unknown>) => void }> = [];
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const client: ConductorClient = {
    transport: 'websocket',
    invoke: ((command: CommandName, args: { key?: string; value?: unknown }) =>
      new Promise((resolve) => pending.push({ command, args, resolve: resolve as (r: Result<unknown>) => void }))) as ConductorClient['invoke'],
    on: ((event: EventName, l: (p: unknown) => void) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(l);
      return () => set.delete(l);
    }) as ConductorClient['on'],
    connectionState: () => 'open',
    onConnectionChange: () => () => {},
    reconnectNow: () => {},
  };
  const flush = async () => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return {
    client,
    pending,
    async reply(result: Result<unknown>) {
      pending.shift()!.resolve(result);
      await flush();
    },
    emit(event: EventName, payload: unknown) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
  };
}

describe('settings store', () => {
  it('loads, shows the value being saved at once, and takes the answer', async () => {
    const f = fakeClient();
    const store = createSettingsStore(f.client);
    store.start();
    await f.reply(ok(view(true, 'default')));
    const save = store.getState().save('ui.closeToTray', false);
    expect(shownValue(store.getState(), store.getState().view!.settings[0]!)).toBe(false);
    expect(store.getState().saving['ui.closeToTray']).toBe(true);
    await f.reply(ok(view(false)));
    await save;
    const s = store.getState();
    expect(s.view!.settings[0]).toMatchObject({ value: false, source: 'saved' });
    expect(s.pending).toEqual({});
    expect(s.lastSaved?.key).toBe('ui.closeToTray');
  });

  it('saves the newest value after the one in flight, in order', async () => {
    const f = fakeClient();
    const store = createSettingsStore(f.client);
    store.start();
    await f.reply(ok(view(true)));
    void store.getState().save('ui.closeToTray', false);
    void store.getState().save('ui.closeToTray', true);
    expect(f.pending.map((p) => p.args.value)).toEqual([false]);
    await f.reply(ok(view(false)));
    expect(f.pending.map((p) => p.args.value)).toEqual([true]);
    expect(shownValue(store.getState(), store.getState().view!.settings[0]!)).toBe(true);
    await f.reply(ok(view(true)));
    expect(store.getState().view!.settings[0]!.value).toBe(true);
  });

  it('reverts and keeps the error when the save is refused', async () => {
    const f = fakeClient();
    const store = createSettingsStore(f.client);
    store.start();
    await f.reply(ok(view(true)));
    const saved = store.getState().save('ui.closeToTray', false);
    await f.reply(err('E_CONFLICT', 'ui.closeToTray is set in the config file'));
    expect(await saved).toBe(false);
    const s = store.getState();
    expect(shownValue(s, s.view!.settings[0]!)).toBe(true);
    expect(s.saveErrors['ui.closeToTray']?.code).toBe('E_CONFLICT');
    s.dismissError('ui.closeToTray');
    expect(store.getState().saveErrors).toEqual({});
  });

  it('follows settings:changed', async () => {
    const f = fakeClient();
    const store = createSettingsStore(f.client);
    store.start();
    await f.reply(ok(view(true)));
    f.emit('settings:changed', view(false));
    expect(store.getState().view!.settings[0]!.value).toBe(false);
  });
});

describe('helpers', () => {
  it('explain a pinned value and what to change instead', () => {
    expect(pinnedExplanation(setting({}), null)).toBeNull();
    expect(pinnedExplanation(setting({ key: 'logLevel', source: 'flag', editable: false }), null)).toContain('--log-level');
    expect(pinnedExplanation(setting({ source: 'file', editable: false }), '/etc/c.json')).toBe(
      'Set in the config file /etc/c.json (key ui.closeToTray). Edit or remove it there and restart Conductor.',
    );
  });

  it('toggle muted plugins, sorted and unique', () => {
    expect(toggleMuted(['b'], 'a', true)).toEqual(['a', 'b']);
    expect(toggleMuted(['a', 'b'], 'a', false)).toEqual(['b']);
    expect(toggleMuted(['a'], 'a', true)).toEqual(['a']);
    expect(mutedList('x')).toEqual([]);
    expect(mutedList(['a', 1])).toEqual(['a']);
  });
});
