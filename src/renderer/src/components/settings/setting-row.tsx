import { useId, type ReactNode } from 'react';
import type { SettingView } from '../../../../shared/domain';
import type { ErrorInfo } from '../../../../shared/result';
import { SOURCE_LABEL } from '../../state/settings-store';

const SOURCE_TONE = { flag: 'warn', file: 'warn', saved: 'ok', default: 'muted' } as const;

/** What to do about a failed save, by code. */
function saveHint(error: ErrorInfo, pinned: string | null): string {
  switch (error.code) {
    case 'E_CONFLICT':
      return pinned ?? 'Conductor cannot save settings right now (is it starting or stopping?). Try again once it is ready.';
    case 'E_BAD_REQUEST':
      return 'Conductor refused the value. Pick another value.';
    case 'E_SHUTTING_DOWN':
      return 'Conductor is shutting down. Start it again to change settings.';
    default:
      return 'Check that Conductor is running (the banner above says when the connection is lost), then try again.';
  }
}

export interface SettingRowProps {
  setting: SettingView;
  /** Why the value cannot be changed here, when it cannot. */
  pinned: string | null;
  /** True in the browser panel of the headless conductor. */
  headless: boolean;
  saving: boolean;
  error: ErrorInfo | undefined;
  onDismissError(): void;
  /** The control, given the id its label points at and the id of its description. */
  children(ids: { control: string; description: string }): ReactNode;
}

/** One setting: its title and description, the control, where the value comes from, and why it is locked. */
export function SettingRow({ setting, pinned, headless, saving, error, onDismissError, children }: SettingRowProps) {
  const id = useId();
  const ids = { control: `${id}-control`, description: `${id}-desc` };
  return (
    <div role="group" aria-labelledby={`${id}-title`} className={`setting${pinned ? ' setting--pinned' : ''}`} data-key={setting.key}>
      <div className="setting__text">
        <div className="setting__title-row">
          <label id={`${id}-title`} htmlFor={ids.control} className="setting__title">
            {setting.title}
          </label>
          <span className={`badge badge--${SOURCE_TONE[setting.source]} setting__source`} data-source={setting.source} title="Where the value comes from: flags, then the config file, then saved here, then the default">
            <span className="visually-hidden">Source: </span>
            {SOURCE_LABEL[setting.source]}
          </span>
          {setting.electronOnly && headless && (
            <span className="tag setting__tag" title="Has no effect in this browser panel; it applies when you run the desktop app with this data dir">
              Desktop app only
            </span>
          )}
          {saving && (
            <span className="setting__saving">
              <span className="spinner" aria-hidden="true" /> Saving…
            </span>
          )}
        </div>
        <p id={ids.description} className="setting__desc">
          {setting.description}
        </p>
        {pinned && (
          <p className="setting__pinned">
            <svg className="setting__lock" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
              <rect x="3" y="7" width="10" height="7" rx="1.5" />
              <path d="M5.5 7V5a2.5 2.5 0 0 1 5 0v2" />
            </svg>
            <span>{pinned}</span>
          </p>
        )}
      </div>
      <div className="setting__control">{children(ids)}</div>
      {error && (
        <div className="notice notice--error setting__error" role="alert">
          <div className="notice__body">
            <strong>Could not save {setting.title.toLowerCase()}</strong>
            <span>
              <code className="error-code">{error.code}</code> {error.message}
            </span>
            <span className="muted">{saveHint(error, pinned)}</span>
          </div>
          <button type="button" className="button button--ghost" onClick={onDismissError}>
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
}
