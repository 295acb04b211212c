import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { Store } from './store';

describe('PluginSettingsRepository', () => {
  let dataDir: string;
  let clock: ManualClock;
  let store: Store;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-plugin-settings-'));
    clock = new ManualClock(1000);
    store = new Store({ dataDir, clock });
    store.open();
  });

  afterEach(() => {
    store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('has nothing for a plugin never saved', () => {
    expect(store.pluginSettings.get('echo')).toBeUndefined();
    expect(store.pluginSettings.all()).toEqual([]);
  });

  it('round-trips each setting without clobbering the others, across a reopen', () => {
    const settings = store.pluginSettings;
    settings.setEnabled('echo', false);
    clock.advance(10);
    settings.setBounds('echo', 0, 3);
    clock.advance(10);
    settings.setConfig('echo', { greeting: 'hi', nested: { n: 1 } });
    settings.setEnabled('counter', true);
    const echo = { plugin: 'echo', quarantine: null, enabled: false, minInstances: 0, maxInstances: 3, config: { greeting: 'hi', nested: { n: 1 } }, updatedAt: 1020 };
    expect(settings.get('echo')).toEqual(echo);

    store.close();
    store = new Store({ dataDir, clock });
    store.open();
    expect(store.pluginSettings.all()).toEqual([
      { plugin: 'counter', enabled: true, minInstances: null, maxInstances: null, config: null, quarantine: null, updatedAt: 1020 },
      echo,
    ]);
  });

  it('null forgets a setting (the manifest decides again); delete forgets the plugin', () => {
    const settings = store.pluginSettings;
    settings.setEnabled('echo', true);
    settings.setBounds('echo', 1, null);
    settings.setConfig('echo', { a: 1 });
    settings.setEnabled('echo', null);
    settings.setConfig('echo', null);
    expect(settings.get('echo')).toMatchObject({ enabled: null, minInstances: 1, maxInstances: null, config: null });
    expect(settings.delete('echo')).toBe(true);
    expect(settings.delete('echo')).toBe(false);
    expect(settings.get('echo')).toBeUndefined();
  });

  it.each([
    [() => store.pluginSettings.setBounds('p', 3, 2), 'plugin settings p: min: expected at most max (2), got 3'],
    [() => store.pluginSettings.setBounds('p', -1, null), 'plugin settings p: min: expected an integer of 0 or more, got -1'],
    [() => store.pluginSettings.setBounds('p', null, 0), 'plugin settings p: max: expected an integer of 1 or more, got 0'],
    [() => store.pluginSettings.setBounds('p', 1.5, null), 'plugin settings p: min: expected an integer of 0 or more, got 1.5'],
    [() => store.pluginSettings.setConfig('p', [] as unknown as Record<string, unknown>), 'plugin settings p: config: expected an object or null'],
    [() => store.pluginSettings.setEnabled('', true), 'plugin settings: plugin must be a non-empty name'],
  ])('refuses bad input naming the field (%#)', (fn, message) => {
    expect(fn).toThrow(message);
    expect(store.pluginSettings.all()).toEqual([]);
  });
});
