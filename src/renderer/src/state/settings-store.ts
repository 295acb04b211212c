/**
 * The Settings page's state: the `settings:get` view, refreshed by `settings:changed` (any window
 * or script may save), and one save at a time per setting with its outcome.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { SettingKey, SettingSource, SettingsView, SettingView } from '../../../shared/domain';
import type { ErrorInfo } from '../../../shared/result';
import type { ConductorClient } from '../api/conductor-client';

export interface SettingsState {
  view: SettingsView | null;
  loadError: ErrorInfo | null;
  /** Keys being saved. */
  saving: Partial<Record<SettingKey, true>>;
  /** The value being saved (or waiting to be), per key: what the controls show until the answer. */
  pending: Partial<Record<SettingKey, unknown>>;
  /** The last failed save, per key. */
  saveErrors: Partial<Record<SettingKey, ErrorInfo>>;
  /** The last key saved successfully, with a counter so a repeated save is announced again. */
  lastSaved: { key: SettingKey; n: number } | null;

  load(): Promise<void>;
  /**
   * Saves a value. While an earlier save of the same key is out, the newest value waits and is
   * saved after it (so quick toggles are neither lost nor sent out of order).
   */
  save(key: SettingKey, value: unknown): Promise<boolean>;
  dismissError(key: SettingKey): void;
}

export type SettingsStore = StoreApi<SettingsState> & { start(): () => void };

/** The value a control shows: the one being saved, else the effective one. */
export function shownValue(state: Pick<SettingsState, 'pending'>, setting: SettingView): unknown {
  return Object.prototype.hasOwnProperty.call(state.pending, setting.key) ? state.pending[setting.key] : setting.value;
}

export function createSettingsStore(client: ConductorClient): SettingsStore {
  let saveCount = 0;
  /** The newest value asked for while a save of the key was out. */
  const waiting = new Map<SettingKey, unknown>();
  const store = createStore<SettingsState>()((set, get) => ({
    view: null,
    loadError: null,
    saving: {},
    pending: {},
    saveErrors: {},
    lastSaved: null,

    async load() {
      const result = await client.invoke('settings:get', {});
      if (result.ok) set({ view: result.value, loadError: null });
      else set({ loadError: result.error });
    },

    async save(key, value) {
      set((s) => ({ pending: { ...s.pending, [key]: value }, saveErrors: omit(s.saveErrors, key) }));
      if (get().saving[key]) {
        waiting.set(key, value);
        return true;
      }
      set((s) => ({ saving: { ...s.saving, [key]: true } }));
      const result = await client.invoke('settings:set', { key, value });
      const next = waiting.get(key);
      waiting.delete(key);
      set((s) => ({ saving: omit(s.saving, key) }));
      if (!result.ok) {
        set((s) => ({ pending: omit(s.pending, key), saveErrors: { ...s.saveErrors, [key]: result.error } }));
        return false;
      }
      if (next !== undefined) {
        set({ view: result.value });
        return get().save(key, next);
      }
      set((s) => ({ view: result.value, pending: omit(s.pending, key), lastSaved: { key, n: ++saveCount } }));
      return true;
    },

    dismissError(key) {
      set((s) => ({ saveErrors: omit(s.saveErrors, key) }));
    },
  }));

  let stop: (() => void) | null = null;
  const start = () => {
    if (stop) return stop;
    const offChanged = client.on('settings:changed', (view) => store.setState({ view, loadError: null }));
    let lost = false;
    const offConnection = client.onConnectionChange((state) => {
      if (state !== 'open') lost = true;
      else if (lost || store.getState().loadError) {
        lost = false;
        void store.getState().load();
      }
    });
    void store.getState().load();
    stop = () => {
      offChanged();
      offConnection();
      stop = null;
    };
    return stop;
  };
  return Object.assign(store, { start });
}

function omit<T extends object>(record: T, key: PropertyKey): T {
  const copy = { ...record } as Record<PropertyKey, unknown>;
  delete copy[key];
  return copy as T;
}

export const SOURCE_LABEL: Record<SettingSource, string> = {
  flag: 'Flag',
  file: 'Config file',
  saved: 'Saved',
  default: 'Default',
};

/** The flag that sets a key, where there is one. */
const FLAG_OF: Partial<Record<SettingKey, string>> = { logLevel: '--log-level', 'ui.startHidden': '--hidden' };

/** Why a setting cannot be changed here and what to change instead; null when it can. */
export function pinnedExplanation(setting: SettingView, configFile: string | null): string | null {
  if (setting.editable) return null;
  if (setting.source === 'flag') {
    const flag = FLAG_OF[setting.key];
    return flag
      ? `Set by the ${flag} command-line flag. To change it, start Conductor without ${flag} or with another value.`
      : 'Set by a command-line flag. To change it, start Conductor with another value.';
  }
  if (setting.source === 'file') {
    return `Set in the config file${configFile ? ` ${configFile}` : ''} (key ${setting.key}). Edit or remove it there and restart Conductor.`;
  }
  return 'This setting cannot be changed here.';
}

/** A muted-plugins value, normalised (a bad value reads as none muted). */
export function mutedList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The muted list with `plugin` muted or not, sorted, without duplicates. */
export function toggleMuted(current: readonly string[], plugin: string, muted: boolean): string[] {
  const set = new Set(current);
  if (muted) set.add(plugin);
  else set.delete(plugin);
  return [...set].sort();
}
