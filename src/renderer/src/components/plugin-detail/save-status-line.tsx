import type { SaveStatus } from './use-settings-save';

/**
 * A settings form's result: progress, success and "fix this first" announced politely in a live
 * region that is always there; a failed save as an alert with its code, message and what to do.
 */
export function SaveStatusLine({ status, label, onDismiss }: { status: SaveStatus; label: string; onDismiss: () => void }) {
  return (
    <div className="pset-status">
      <div role="status" aria-live="polite" aria-atomic="true" aria-label={label}>
        {status.phase === 'saving' && (
          <p className="pset-status__line">
            <span className="spinner spinner--small" aria-hidden="true" />
            <span>{status.message}</span>
          </p>
        )}
        {status.phase === 'done' && (
          <p className="pset-status__line pset-status__line--done">
            <span className="tick" aria-hidden="true" />
            <span>{status.message}</span>
          </p>
        )}
        {status.phase === 'invalid' && <p className="pset-status__line pset-status__line--invalid">{status.message}</p>}
      </div>
      {status.phase === 'failed' && (
        <div className="notice notice--error" role="alert">
          <div className="notice__body">
            <strong>{status.title}</strong>
            <span>
              <code className="error-code">{status.error.code}</code> {status.error.message}
            </span>
            <span className="notice__hint">{status.hint}</span>
          </div>
          <button type="button" className="button button--ghost" onClick={onDismiss}>
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
}
