import { useState, type FormEvent } from 'react';
import type { PluginDetail, PluginEnvVar } from '../../../../shared/domain';
import { changeSummary, checkEnvDrafts, envSourceLabel } from '../../state/plugin-settings';
import { useClient } from '../../state/plugins-client-context';
import { SaveStatusLine } from './save-status-line';
import { useSettingsSave } from './use-settings-save';

/** The id of a variable's input: fixed, so the "missing variable" callout can focus it. */
export function envInputId(name: string): string {
  return `plugin-env-${name}`;
}

function LockIcon() {
  return (
    <svg className="pset-storage__icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <rect x="3" y="7" width="10" height="7" rx="1.5" />
      <path d="M5.5 7V5a2.5 2.5 0 0 1 5 0v2" />
    </svg>
  );
}

function WarnIcon() {
  return (
    <svg className="pset-storage__icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d="M8 1.8 15 14H1z" />
      <path d="M8 6.2v3.6M8 11.6v.2" />
    </svg>
  );
}

/** How values set here are kept: encrypted (desktop app) or a plain-text 0600 file (headless). */
export function StorageNote({ storage }: { storage: PluginDetail['secretStorage'] }) {
  if (storage.protection === 'encrypted') {
    return (
      <p className="pset-storage pset-storage--ok" data-protection="encrypted">
        <LockIcon />
        <span>
          Values set here are <strong>encrypted with the OS keychain</strong> (Electron safeStorage) and kept in <code>{storage.location}</code>.
        </span>
      </p>
    );
  }
  return (
    <p className="pset-storage pset-storage--warn" data-protection="plain-file">
      <WarnIcon />
      <span>
        <strong>Warning:</strong> values set here are stored in <strong>PLAIN TEXT</strong> in <code>{storage.location}</code> (mode 0600). Anyone who can read that
        file as your user can read them. The desktop app encrypts them with the OS keychain instead.
      </span>
    </p>
  );
}

/**
 * The declared env variables and secrets: where each comes from, plain values shown and editable,
 * secrets never shown (a password input sets a new one; empty keeps it), Clear to remove a value
 * set in Conductor.
 */
export function EnvForm({ detail, onSaved }: { detail: PluginDetail; onSaved: (detail: PluginDetail) => void }) {
  const client = useClient();
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const { status, setStatus, run, saving } = useSettingsSave('env', detail.name, onSaved);
  const check = checkEnvDrafts(detail.env, drafts);
  const pending = Object.keys(check.values);
  const invalid = Object.keys(check.errors);

  const edit = (name: string, value: string) => {
    setDrafts((d) => ({ ...d, [name]: value }));
    if (status.phase === 'invalid' || status.phase === 'done') setStatus({ phase: 'idle' });
  };

  const send = async (values: Record<string, string | null>, progress: string, failTitle: string) => {
    const set = Object.keys(values).filter((k) => values[k] !== null);
    const cleared = Object.keys(values).filter((k) => values[k] === null);
    const summary = [set.length > 0 ? changeSummary(set, [], 'Cleared') : '', cleared.length > 0 ? changeSummary([], cleared, 'Cleared') : ''].filter(Boolean).join(' ');
    return run({ progress, failTitle, summary, before: detail, send: () => client.invoke('plugins:setEnv', { name: detail.name, values }) });
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (invalid.length > 0) {
      setStatus({ phase: 'invalid', message: `Not saved: correct ${invalid.join(', ')} first.` });
      document.getElementById(envInputId(invalid[0]!))?.focus();
      return;
    }
    if (pending.length === 0) {
      setStatus({ phase: 'done', message: 'Nothing to save: type a value first (an empty secret field keeps the secret as it is).' });
      return;
    }
    // The drafts (secrets included) leave the page's state as soon as they are sent.
    const values = check.values;
    setDrafts({});
    const ok = await send(values, `Saving ${pending.join(', ')}…`, `Could not save the environment of ${detail.name}`);
    if (!ok) {
      // Put back the plain values so nothing typed is lost; secrets must be typed again.
      const plain: Record<string, string> = {};
      for (const v of detail.env) if (!v.secret && typeof values[v.name] === 'string') plain[v.name] = values[v.name]!;
      setDrafts(plain);
    }
  };

  const clear = async (v: PluginEnvVar) => {
    const ok = await send({ [v.name]: null }, `Clearing ${v.name}…`, `Could not clear ${v.name}`);
    if (ok) {
      setDrafts((d) => {
        const { [v.name]: _dropped, ...rest } = d;
        return rest;
      });
    }
  };

  if (detail.env.length === 0) {
    return <p className="empty">This plugin declares no environment variables or secrets.</p>;
  }

  return (
    <form className="pset-form" onSubmit={submit} noValidate>
      <StorageNote storage={detail.secretStorage} />
      <ul className="pset-env-list">
        {detail.env.map((v) => (
          <EnvRow
            key={v.name}
            v={v}
            draft={drafts[v.name]}
            pending={v.name in check.values}
            error={check.errors[v.name]}
            saving={saving}
            onChange={(value) => edit(v.name, value)}
            onClear={() => void clear(v)}
          />
        ))}
      </ul>
      <div className="pset-actions">
        <button type="submit" className="button button--primary" disabled={saving}>
          {saving && <span className="spinner spinner--small" aria-hidden="true" />}
          Save environment
        </button>
        {pending.length > 0 && !saving && (
          <button type="button" className="button button--ghost" onClick={() => setDrafts({})}>
            Discard changes
          </button>
        )}
        <span className="pset-actions__note muted">{pending.length === 0 ? 'No unsaved changes.' : `Unsaved: ${pending.join(', ')}.`}</span>
      </div>
      <SaveStatusLine status={status} label="Environment save result" onDismiss={() => setStatus({ phase: 'idle' })} />
    </form>
  );
}

function EnvRow({
  v,
  draft,
  pending,
  error,
  saving,
  onChange,
  onClear,
}: {
  v: PluginEnvVar;
  draft: string | undefined;
  pending: boolean;
  error: string | undefined;
  saving: boolean;
  onChange: (value: string) => void;
  onClear: () => void;
}) {
  const inputId = envInputId(v.name);
  const descId = `${inputId}-desc`;
  const hintId = `${inputId}-hint`;
  const errorId = `${inputId}-error`;
  const describedBy = [v.description ? descId : null, hintId, error ? errorId : null].filter(Boolean).join(' ');
  const missing = v.required && !v.set;
  const tone = v.source === 'conductor' ? 'ok' : v.source === 'environment' ? 'busy' : missing ? 'bad' : 'muted';

  let hint: string;
  if (v.secret) {
    hint =
      v.source === 'conductor'
        ? 'Set. Its value is never shown: type a new value to replace it, or leave this empty to keep it.'
        : v.source === 'environment'
          ? "Taken from Conductor's environment; its value is never shown. Type a value to set one in Conductor instead (it takes precedence)."
          : 'Not set. Its value will never be shown once saved.';
  } else {
    hint =
      v.source === 'conductor'
        ? 'Edit the value, or empty the field and save to clear it.'
        : v.source === 'environment'
          ? "Taken from Conductor's environment (not shown here). Type a value to set one in Conductor instead (it takes precedence)."
          : 'Not set.';
  }

  return (
    <li className={`pset-env${missing ? ' pset-env--missing' : ''}`} data-env={v.name}>
      <div className="pset-env__head">
        <code className="pset-env__name">{v.name}</code>
        {v.required && <span className={`badge ${missing ? 'badge--bad' : 'badge--muted'}`}>required</span>}
        {v.secret && <span className="badge badge--warn">secret</span>}
        <span className={`badge badge--${tone} pset-env__source`} data-source={v.source ?? 'none'}>
          <span className="visually-hidden">{v.name} is </span>
          {envSourceLabel(v)}
        </span>
        {pending && <span className="badge badge--busy">unsaved</span>}
      </div>
      {v.description && (
        <p id={descId} className="pset-field__desc">
          {v.description}
        </p>
      )}
      <div className="pset-field__control">
        <label htmlFor={inputId} className="pset-env__label">
          {v.secret ? 'New value' : 'Value'} <span className="visually-hidden">for {v.name}</span>
        </label>
        <input
          id={inputId}
          className="input input--mono pset-input--env"
          type={v.secret ? 'password' : 'text'}
          autoComplete={v.secret ? 'new-password' : 'off'}
          spellCheck={false}
          placeholder={v.secret ? (v.set ? '•••••• (unchanged)' : 'enter the secret') : v.source === 'environment' ? "(from Conductor's environment)" : ''}
          value={draft ?? (v.secret ? '' : (v.value ?? ''))}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
          aria-required={missing ? true : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
        {v.source === 'conductor' && (
          <button type="button" className="button button--small" onClick={onClear} disabled={saving}>
            Clear <span className="visually-hidden">{v.name}</span>
          </button>
        )}
      </div>
      <p id={hintId} className="field__help">
        {hint}
      </p>
      {error && (
        <p id={errorId} className="field__error">
          {error}
        </p>
      )}
    </li>
  );
}
