import { usePluginActions } from '../state/plugins-client-context';

/**
 * The outcome of the latest plugin action, announced politely (progress and success) or as an
 * alert (failure: code, message and what to do next).
 */
export function ActionStatus() {
  const last = usePluginActions((s) => s.last);
  const dismiss = usePluginActions((s) => s.dismiss);
  return (
    <div className="action-status" aria-live="polite" aria-atomic="true" role="status" aria-label="Action result">
      {last && last.phase !== 'failed' && (
        <p className={`action-status__line action-status__line--${last.phase}`}>
          {last.phase === 'running' ? <span className="spinner" aria-hidden="true" /> : <span className="tick" aria-hidden="true" />}
          <span>{last.message}</span>
          {last.phase === 'done' && (
            <button type="button" className="button button--ghost button--small" onClick={() => dismiss(last.id)}>
              Dismiss
            </button>
          )}
        </p>
      )}
      {last && last.phase === 'failed' && last.error && (
        <div className="notice notice--error" role="alert">
          <div className="notice__body">
            <strong>{last.message}</strong>
            <span>
              <code className="error-code">{last.error.code}</code> {last.error.message}
            </span>
            {last.hint && <span className="notice__hint">{last.hint}</span>}
          </div>
          <button type="button" className="button button--ghost" onClick={() => dismiss(last.id)}>
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
}
