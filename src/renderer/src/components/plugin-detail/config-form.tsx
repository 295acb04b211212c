import { useId, useMemo, useState, type FormEvent } from 'react';
import type { PluginDetail } from '../../../../shared/domain';
import {
  buildConfigModel,
  changeSummary,
  checkConfigDrafts,
  draftOf,
  showValue,
  type ConfigDraft,
  type ConfigFieldModel,
} from '../../state/plugin-settings';
import { useClient } from '../../state/plugins-client-context';
import { SaveStatusLine } from './save-status-line';
import { useSettingsSave } from './use-settings-save';

/** The plugin's config against its schema: one labelled control per key, Save sends only the changed keys. */
export function ConfigForm({ detail, onSaved }: { detail: PluginDetail; onSaved: (detail: PluginDetail) => void }) {
  const client = useClient();
  const id = useId();
  const fields = useMemo(() => buildConfigModel(detail), [detail]);
  const [drafts, setDrafts] = useState<Record<string, ConfigDraft>>({});
  const { status, setStatus, run, saving } = useSettingsSave('config', detail.name, onSaved);
  const check = checkConfigDrafts(fields, drafts);
  const changed = Object.keys(check.changes);
  const invalid = Object.keys(check.errors);

  const controlId = (key: string) => `${id}-cfg-${key}`;

  const edit = (key: string, draft: ConfigDraft) => {
    setDrafts((d) => ({ ...d, [key]: draft }));
    if (status.phase === 'invalid' || status.phase === 'done') setStatus({ phase: 'idle' });
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (invalid.length > 0) {
      const which = invalid.length === 1 ? `${invalid[0]} has a value that does not fit` : `${invalid.join(', ')} have values that do not fit`;
      setStatus({ phase: 'invalid', message: `Not saved: ${which}. Correct ${invalid.length === 1 ? 'it' : 'them'} first.` });
      document.getElementById(controlId(invalid[0]!))?.focus();
      return;
    }
    if (changed.length === 0) {
      setStatus({ phase: 'done', message: 'Nothing to save: every value is as saved.' });
      return;
    }
    const config = check.changes;
    const ok = await run({
      progress: `Saving ${changed.join(', ')}…`,
      failTitle: `Could not save the config of ${detail.name}`,
      summary: changeSummary(changed, [], 'Reset'),
      before: detail,
      send: () => client.invoke('plugins:setConfig', { name: detail.name, config }),
    });
    if (ok) setDrafts({});
  };

  const reset = async (field: ConfigFieldModel) => {
    const ok = await run({
      progress: `Resetting ${field.key}…`,
      failTitle: `Could not reset ${field.key}`,
      summary: changeSummary([], [field.key], 'Reset'),
      before: detail,
      send: () => client.invoke('plugins:setConfig', { name: detail.name, config: { [field.key]: null } }),
    });
    if (ok) {
      setDrafts((d) => {
        const { [field.key]: _dropped, ...rest } = d;
        return rest;
      });
    }
  };

  if (fields.length === 0) {
    return <p className="empty">This plugin declares no config keys.</p>;
  }

  return (
    <form className="pset-form" onSubmit={submit} noValidate>
      <div className="pset-fields">
        {fields.map((field) => (
          <ConfigFieldRow
            key={field.key}
            field={field}
            controlId={controlId(field.key)}
            draft={Object.prototype.hasOwnProperty.call(drafts, field.key) ? drafts[field.key]! : draftOf(field, field.value)}
            changed={field.key in check.changes}
            error={check.errors[field.key]}
            saving={saving}
            onChange={(d) => edit(field.key, d)}
            onReset={() => void reset(field)}
          />
        ))}
      </div>
      <div className="pset-actions">
        <button type="submit" className="button button--primary" disabled={saving}>
          {saving && <span className="spinner spinner--small" aria-hidden="true" />}
          Save config
        </button>
        {changed.length > 0 && !saving && (
          <button type="button" className="button button--ghost" onClick={() => setDrafts({})}>
            Discard changes
          </button>
        )}
        <span className="pset-actions__note muted">
          {changed.length === 0 ? 'No unsaved changes.' : `Unsaved: ${changed.join(', ')}.`} Running instances restart, one at a time, to apply a save.
        </span>
      </div>
      <SaveStatusLine status={status} label="Config save result" onDismiss={() => setStatus({ phase: 'idle' })} />
    </form>
  );
}

function ConfigFieldRow({
  field,
  controlId,
  draft,
  changed,
  error,
  saving,
  onChange,
  onReset,
}: {
  field: ConfigFieldModel;
  controlId: string;
  draft: ConfigDraft;
  changed: boolean;
  error: string | undefined;
  saving: boolean;
  onChange: (draft: ConfigDraft) => void;
  onReset: () => void;
}) {
  const descId = `${controlId}-desc`;
  const errorId = `${controlId}-error`;
  const describedBy = error ? `${descId} ${errorId}` : descId;
  const common = {
    id: controlId,
    'aria-describedby': describedBy,
    'aria-invalid': error ? true : undefined,
    'data-key': field.key,
  } as const;

  let control;
  switch (field.control) {
    case 'checkbox':
      control = (
        <span className="pset-check">
          <input {...common} type="checkbox" checked={draft === true} onChange={(e) => onChange(e.target.checked)} />
          <span aria-hidden="true">{draft === true ? 'On' : 'Off'}</span>
        </span>
      );
      break;
    case 'select':
      control = (
        <select {...common} className="input" value={typeof draft === 'string' ? draft : ''} onChange={(e) => onChange(e.target.value)}>
          {draft === '' && <option value="">— pick one —</option>}
          {(field.enum ?? []).map((v, i) => (
            <option key={i} value={String(i)}>
              {showValue(v)}
            </option>
          ))}
        </select>
      );
      break;
    case 'number':
      control = (
        <input
          {...common}
          className="input input--mono pset-input--number"
          type="number"
          inputMode={field.type === 'integer' ? 'numeric' : 'decimal'}
          step={field.type === 'integer' ? 1 : 'any'}
          min={field.min}
          max={field.max}
          value={typeof draft === 'string' ? draft : ''}
          onChange={(e) => onChange(e.target.value)}
        />
      );
      break;
    case 'text':
      control = (
        <input {...common} className="input input--mono pset-input--text" type="text" spellCheck={false} value={typeof draft === 'string' ? draft : ''} onChange={(e) => onChange(e.target.value)} />
      );
      break;
  }

  return (
    <div className={`pset-field${error ? ' pset-field--invalid' : ''}`} data-key={field.key}>
      <div className="pset-field__head">
        <label htmlFor={controlId} className="pset-field__label mono">
          {field.key}
        </label>
        <span className="tag">{field.type}</span>
        {changed && <span className="badge badge--busy pset-field__badge">unsaved</span>}
        {!changed && field.differsFromDefault && field.hasDefault && <span className="badge badge--muted pset-field__badge">custom</span>}
      </div>
      <p id={descId} className="pset-field__desc">
        {field.description && <span>{field.description} </span>}
        <span className="muted">
          {field.hasDefault ? (
            <>
              Default <code>{showValue(field.default)}</code>
            </>
          ) : (
            'No default'
          )}
          {field.control !== 'checkbox' && field.control !== 'text' && <> · {field.rule}</>}.
        </span>
      </p>
      <div className="pset-field__control">
        {control}
        {field.differsFromDefault && (
          <button type="button" className="button button--small" onClick={onReset} disabled={saving}>
            {field.hasDefault ? (
              <>
                Reset <span className="visually-hidden">{field.key} </span>to default
              </>
            ) : (
              <>
                Unset <span className="visually-hidden">{field.key}</span>
              </>
            )}
          </button>
        )}
      </div>
      {error && (
        <p id={errorId} className="field__error">
          {error}
        </p>
      )}
    </div>
  );
}
