import type { ErrorInfo } from '../../../shared/result';

/** An invoke that failed, with its code and message (callers branch on the code, people read both). */
export function ErrorNotice({ title, error, onDismiss }: { title: string; error: ErrorInfo; onDismiss?: () => void }) {
  return (
    <div className="notice notice--error" role="alert">
      <div className="notice__body">
        <strong>{title}</strong>
        <span>
          <code className="error-code">{error.code}</code> {error.message}
        </span>
      </div>
      {onDismiss && (
        <button type="button" className="button button--ghost" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}
