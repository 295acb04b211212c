import { formatMs } from '../../format';
import { nextStepFor, pluginOfTarget, type SentRequest } from '../../state/requests-history';

export function describeTarget(target: SentRequest['target']): string {
  return target.kind === 'capability' ? `capability ${target.name}` : `plugin ${target.name}`;
}

function pretty(value: unknown): string {
  if (value === undefined) return 'undefined (no value)';
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The outcome of the last request: the value and latency, or the error and what to do next. */
export function RequestResult({ request, sending }: { request: SentRequest | null; sending: boolean }) {
  return (
    <section className="card req-result" aria-labelledby="req-result-title" aria-busy={sending}>
      <div className="card__head">
        <h2 id="req-result-title">Result</h2>
        {request && (
          <span className="card__aside muted">
            {describeTarget(request.target)} · {new Date(request.sentAt).toLocaleTimeString()}
          </span>
        )}
      </div>
      <div aria-live="polite" className="req-result__body">
        {sending ? (
          <p className="loading">
            <span className="spinner" aria-hidden="true" />
            Sending…
          </p>
        ) : request === null ? (
          <p className="muted">Send a request to see its result, or its error and what to do about it, here.</p>
        ) : request.outcome.ok ? (
          <div className="req-outcome req-outcome--ok">
            <p className="req-outcome__line">
              <span className="badge badge--ok">
                <span className="badge__dot" aria-hidden="true" />
                OK
              </span>
              <span>
                Latency <strong className="req-latency">{formatMs(request.outcome.latencyMs)}</strong>
              </span>
            </p>
            <pre className="req-json" aria-label="Result value" tabIndex={0}>
              {pretty(request.outcome.value)}
            </pre>
          </div>
        ) : (
          <div className="req-outcome req-outcome--error" role="alert">
            <p className="req-outcome__line">
              <span className="badge badge--bad">
                <span className="badge__dot" aria-hidden="true" />
                Failed
              </span>
              <code className="error-code">{request.outcome.error.code}</code>
              <span className="muted">after {formatMs(request.outcome.elapsedMs)}</span>
            </p>
            <p className="req-error-message">{request.outcome.error.message}</p>
            {request.outcome.error.details !== undefined && <pre className="req-json req-json--small">{pretty(request.outcome.error.details)}</pre>}
            <p className="req-next">
              <strong>What to do:</strong> {nextStepFor(request.outcome.error.code)}
              {pluginOfTarget(request.target) !== null && (
                <>
                  {' '}
                  <a href={`#/logs?plugin=${encodeURIComponent(pluginOfTarget(request.target)!)}`}>Open the plugin’s logs</a>
                </>
              )}
            </p>
          </div>
        )}
      </div>
    </section>
  );
}
