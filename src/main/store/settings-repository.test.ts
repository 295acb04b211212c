import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { Store } from './store';

describe('SettingsRepository', () => {
  let dir: string;
  let store: Store;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-settings-'));
    store = new Store({ dataDir: dir, clock: new ManualClock(5) });
    store.open();
  });

  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips JSON values of every shape', () => {
    const values: Record<string, unknown> = {
      'ui.theme': 'dark',
      'health.tickMs': 1000,
      'logs.follow': true,
      'nothing': null,
      'plugins.order': ['a', 'b'],
      'scaler': { target: 0.7, nested: { deep: [1, { x: 'y' }] } },
    };
    for (const [key, value] of Object.entries(values)) store.settings.set(key, value);
    for (const [key, value] of Object.entries(values)) expect(store.settings.get(key)).toEqual(value);
    expect(store.settings.all()).toEqual(values);
    expect(Object.keys(store.settings.all())).toEqual(Object.keys(values).sort());
  });

  it('overwrites, deletes and answers undefined for a missing key', () => {
    expect(store.settings.get('missing')).toBeUndefined();
    store.settings.set('k', 1);
    store.settings.set('k', { v: 2 });
    expect(store.settings.get('k')).toEqual({ v: 2 });
    expect(store.settings.delete('k')).toBe(true);
    expect(store.settings.delete('k')).toBe(false);
    expect(store.settings.get('k')).toBeUndefined();
    expect(store.settings.all()).toEqual({});
  });

  it('refuses a value that is not JSON', () => {
    expect(() => store.settings.set('k', undefined)).toThrow('setting k: value must be JSON-serialisable');
    expect(() => store.settings.set('f', () => 1)).toThrow('setting f');
  });

  it('survives a reopen', () => {
    store.settings.set('a', [1, 2, 3]);
    store.close();
    store = new Store({ dataDir: dir });
    store.open();
    expect(store.settings.get('a')).toEqual([1, 2, 3]);
  });
});
