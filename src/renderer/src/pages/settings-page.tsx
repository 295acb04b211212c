import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { LOG_LEVELS, type SettingKey, type SettingView } from '../../../shared/domain';
import { getApi } from '../api/get-api';
import { ErrorNotice } from '../components/error-notice';
import { Section } from '../components/section';
import { RuntimeInfoList } from '../components/settings/runtime-info';
import { SettingRow } from '../components/settings/setting-row';
import { createSettingsStore, mutedList, pinnedExplanation, shownValue, toggleMuted, type SettingsStore } from '../state/settings-store';
import { useConductor } from '../state/store-context';
import './settings-page.css';

const LEVEL_LABEL = { error: 'Error', warn: 'Warn', info: 'Info', debug: 'Debug' } as const;
const DESKTOP_KEYS: SettingKey[] = ['ui.closeToTray', 'ui.startHidden', 'ui.launchAtLogin', 'ui.notifications'];

/** UI settings with where each value comes from (flags > config file > saved > defaults), and runtime info. */
export function SettingsPage() {
  const [store] = useState<SettingsStore>(() => createSettingsStore(getApi()));
  useEffect(() => store.start(), [store]);
  const s = useStore(store);
  const statusHost = useConductor((c) => c.status?.host);
  const statusPlugins = useConductor((c) => c.status?.plugins);
  const pluginNames = useMemo(() => (statusPlugins ?? []).map((p) => p.name).sort(), [statusPlugins]);

  if (s.view === null) {
    return (
      <div className="page-placeholder">
        {s.loadError ? (
          <div>
            <ErrorNotice title="Could not load the settings" error={s.loadError} />
            <p className="muted set-retry">
              Check that Conductor is running, then{' '}
              <button type="button" className="button" onClick={() => void s.load()}>
                Try again
              </button>
            </p>
          </div>
        ) : (
          <p className="loading">
            <span className="spinner" aria-hidden="true" />
            Loading settings…
          </p>
        )}
      </div>
    );
  }

  const { view } = s;
  const headless = (statusHost ?? view.runtime.host) === 'headless';
  const byKey = new Map(view.settings.map((x) => [x.key, x] as const));
  const rowProps = (setting: SettingView) => ({
    setting,
    pinned: pinnedExplanation(setting, view.runtime.configFile),
    headless,
    saving: s.saving[setting.key] === true,
    error: s.saveErrors[setting.key],
    onDismissError: () => s.dismissError(setting.key),
  });

  const logLevel = byKey.get('logLevel');
  const muted = byKey.get('ui.mutedPlugins');
  const notifications = byKey.get('ui.notifications');
  const mutedNames = muted ? mutedList(shownValue(s, muted)) : [];
  const listed = [...new Set([...pluginNames, ...mutedNames])].sort();
  const lastSavedTitle = s.lastSaved ? byKey.get(s.lastSaved.key)?.title : undefined;

  return (
    <div className="grid set-page">
      <p className="visually-hidden" role="status" aria-live="polite">
        {lastSavedTitle ? `Saved ${lastSavedTitle.toLowerCase()}.` : ''}
      </p>
      <div className="span-7 set-col">
        <Section title="General">
          <p className="set-precedence muted">
            Each value comes from, in order: a command-line flag, the config file, what you save here, or the default. Values set by a flag or the
            file are shown but not changed here.
          </p>
          {logLevel && (
            <SettingRow {...rowProps(logLevel)}>
              {(ids) => (
                <select
                  id={ids.control}
                  aria-describedby={ids.description}
                  value={String(shownValue(s, logLevel))}
                  disabled={!logLevel.editable}
                  onChange={(ev) => void s.save('logLevel', ev.target.value)}
                >
                  {LOG_LEVELS.map((level) => (
                    <option key={level} value={level}>
                      {LEVEL_LABEL[level]}
                    </option>
                  ))}
                </select>
              )}
            </SettingRow>
          )}
        </Section>

        <Section title="Desktop app" aside={headless ? <span className="muted">You are in the browser panel (headless mode)</span> : undefined}>
          {headless && (
            <p className="set-note">
              These only take effect in the desktop app, not in this browser panel. You can still save them here: the desktop app reads them
              from the same data dir.
            </p>
          )}
          {DESKTOP_KEYS.map((key) => {
            const setting = byKey.get(key);
            if (!setting) return null;
            return (
              <SettingRow key={key} {...rowProps(setting)}>
                {(ids) => (
                  <input
                    id={ids.control}
                    type="checkbox"
                    role="switch"
                    className="set-switch"
                    aria-describedby={ids.description}
                    checked={shownValue(s, setting) === true}
                    disabled={!setting.editable}
                    onChange={(ev) => void s.save(key, ev.target.checked)}
                  />
                )}
              </SettingRow>
            );
          })}
        </Section>

        {muted && (
          <Section title="Notifications per plugin">
            {headless && <p className="set-note">Desktop notifications: they apply when you run the desktop app with this data dir.</p>}
            <SettingRow {...rowProps(muted)}>
              {(ids) => (
                <div id={ids.control} className="set-muted" role="group" aria-label="Muted plugins" tabIndex={-1}>
                  {notifications?.value === false && <p className="set-note">Notifications are off, so no plugin notifies; turn them on above.</p>}
                  {listed.length === 0 ? (
                    <p className="muted">No plugins yet. Plugins you add appear here, each with its own mute switch.</p>
                  ) : (
                    <ul className="set-muted__list">
                      {listed.map((name) => {
                        const isMuted = mutedNames.includes(name);
                        const inputId = `${ids.control}-${name}`;
                        return (
                          <li key={name} className="set-muted__item">
                            <input
                              id={inputId}
                              type="checkbox"
                              role="switch"
                              className="set-switch"
                              checked={isMuted}
                              disabled={!muted.editable}
                              onChange={(ev) => void s.save('ui.mutedPlugins', toggleMuted(mutedNames, name, ev.target.checked))}
                            />
                            <label htmlFor={inputId}>
                              Mute <span className="mono">{name}</span>
                            </label>
                            {!pluginNames.includes(name) && <span className="tag">not installed</span>}
                          </li>
                        );
                      })}
                    </ul>
                  )}
                </div>
              )}
            </SettingRow>
          </Section>
        )}
      </div>

      <div className="span-5 set-col">
        <Section title="Runtime">
          <RuntimeInfoList runtime={view.runtime} />
        </Section>
      </div>
    </div>
  );
}
