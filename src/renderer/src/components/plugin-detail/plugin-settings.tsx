import { useCallback, useEffect, useState } from 'react';
import type { PluginDetail, PluginSummary } from '../../../../shared/domain';
import { missingRequired, stoppedForEnv } from '../../state/plugin-settings';
import { Section } from '../section';
import { ConfigForm } from './config-form';
import { EnvForm, envInputId } from './env-form';
import './plugin-settings.css';

export const SETTINGS_SECTION_ID = 'plugin-settings';

/**
 * The detail to show: the one a save returned, until the next poll brings a newer one. Saves
 * answer with the plugin as it is after the change, so the form shows the saved values at once.
 */
export function useShownDetail(polled: PluginDetail | null): [PluginDetail | null, (d: PluginDetail) => void] {
  const [saved, setSaved] = useState<PluginDetail | null>(null);
  useEffect(() => setSaved(null), [polled]);
  const onSaved = useCallback((d: PluginDetail) => setSaved(d), []);
  return [saved ?? polled, onSaved];
}

/** True when the settings need attention: stopped for a missing required variable, or one is missing. */
export function needsEnv(plugin: Pick<PluginSummary, 'reason'>, detail: Pick<PluginDetail, 'env'> | null): boolean {
  return stoppedForEnv(plugin.reason) || (detail !== null && missingRequired(detail.env).length > 0);
}

/** Scrolls to the settings card and focuses the first missing variable's input (or the card). */
function goToMissing(names: readonly string[]): void {
  const target = (names[0] !== undefined ? document.getElementById(envInputId(names[0])) : null) ?? document.getElementById(SETTINGS_SECTION_ID);
  document.getElementById(SETTINGS_SECTION_ID)?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  target?.focus({ preventScroll: true });
}

/** The page-top callout for a plugin that cannot start until a required variable is set. */
export function MissingEnvCallout({ plugin, detail }: { plugin: PluginSummary; detail: PluginDetail | null }) {
  const missing = detail ? missingRequired(detail.env) : [];
  const names = missing.length > 0 ? missing.join(', ') : 'a required variable';
  return (
    <div className="span-12 pset-callout" role="region" aria-label="Settings needed">
      <div className="pset-callout__body">
        <strong className="pset-callout__title">
          {plugin.name} cannot start: {names} {missing.length > 1 ? 'are' : 'is'} required and not set.
        </strong>
        <span>Set {missing.length > 1 ? 'them' : 'it'} under Settings below; the plugin starts as soon as every required variable is set.</span>
      </div>
      <button type="button" className="button button--primary" onClick={() => goToMissing(missing)}>
        Set {missing.length === 1 ? missing[0] : 'the variables'}
      </button>
    </div>
  );
}

/** The plugin's settings: its config against the schema, and its declared env variables and secrets. */
export function PluginSettings({ detail: polled, prominent }: { detail: PluginDetail | null; prominent: boolean }) {
  const [detail, onSaved] = useShownDetail(polled);
  return (
    <div id={SETTINGS_SECTION_ID} tabIndex={-1} className={`span-12 pset-anchor${prominent ? ' pset-anchor--prominent' : ''}`}>
      <Section title="Settings" className={prominent ? 'pset pset--prominent' : 'pset'}>
        {detail === null ? (
          <p className="loading">
            <span className="spinner" aria-hidden="true" /> Loading…
          </p>
        ) : (
          <div className="pset-grid">
            <section className="pset-part" aria-labelledby={`${SETTINGS_SECTION_ID}-config`}>
              <h3 id={`${SETTINGS_SECTION_ID}-config`} className="pset-part__title">
                Config
              </h3>
              <p className="pset-part__intro muted">Checked against the plugin&rsquo;s schema before anything is sent.</p>
              <ConfigForm detail={detail} onSaved={onSaved} />
            </section>
            <section className="pset-part" aria-labelledby={`${SETTINGS_SECTION_ID}-env`}>
              <h3 id={`${SETTINGS_SECTION_ID}-env`} className="pset-part__title">
                Environment and secrets
              </h3>
              <p className="pset-part__intro muted">Secrets are never shown, here or by the API: only whether they are set.</p>
              <EnvForm detail={detail} onSaved={onSaved} />
            </section>
          </div>
        )}
      </Section>
    </div>
  );
}
