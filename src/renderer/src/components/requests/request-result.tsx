import { formatMs } from '../../format';
import { nextStepFor, pluginOfTarget, type SentRequest } from '../../state/requests-history';
import type { StreamView } from '../../state/requests-stream';
import { StreamResult } from './stream-result';

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

/** A sent request's outcome: the value and latency, or the error and what to do next. */
function SentOutcome({ request }: { request: SentRequest }) {
  const { outcome, stream } = request;
  if (outcome.ok) {
    return (
      <div className="req-outcome req-outcome--ok">
        <p className="req-outcome__line">
          <span className="badge badge--ok">
            <span className="badge__dot" aria-hidden="true" />
            OK
          </span>
          <span>
            Latency <strong className="req-latency">{formatMs(outcome.latencyMs)}</strong>
          </span>
        </p>
        {stream && (
          <p className="muted">
            Streamed {stream.chunks} {stream.chunks === 1 ? 'chunk' : 'chunks'}; the history keeps the first {stream.preview.length}.
          </p>
        )}
        <pre className="req-json" aria-label={stream ? 'First chunks' : 'Result value'} tabIndex={0}>
          {pretty(outcome.value)}
        </pre>
      </div>
    );
  }
  if (stream?.cancelled) {
    return (
      <div className="req-outcome">
        <p className="req-outcome__line">
          <span className="badge badge--warn">
            <span className="badge__dot" aria-hidden="true" />
            Cancelled
          </span>
          <code className="error-code">{outcome.error.code}</code>
          <span className="muted">
            after {formatMs(outcome.elapsedMs)}, {stream.chunks} {stream.chunks === 1 ? 'chunk' : 'chunks'}
          </span>
        </p>
      </div>
    );
  }
  const plugin = pluginOfTarget(request.target);
  return (
    <div className="req-outcome req-outcome--error" role="alert">
      <p className="req-outcome__line">
        <span className="badge badge--bad">
          <span className="badge__dot" aria-hidden="true" />
          Failed
        </span>
        <code className="error-code">{outcome.error.code}</code>
        <span className="muted">after {formatMs(outcome.elapsedMs)}</span>
      </p>
      <p className="req-error-message">{outcome.error.message}</p>
      {outcome.error.details !== undefined && <pre className="req-json req-json--small">{pretty(outcome.error.details)}</pre>}
      <p className="req-next">
        <strong>What to do:</strong> {nextStepFor(outcome.error.code)}
        {plugin !== null && (
          <>
            {' '}
            <a href={`#/logs?plugin=${encodeURIComponent(plugin)}`}>Open the plugin’s logs</a>
          </>
        )}
      </p>
    </div>
  );
}

/**
 * The outcome of the last request. A streamed request (`live`) shows its chunks as they come,
 * and keeps showing them once it ended.
 */
export function RequestResult({
  request,
  sending,
  live = null,
  onCancel,
}: {
  request: SentRequest | null;
  sending: boolean;
  /** The running stream, or the finished one `request` recorded. */
  live?: StreamView | null;
  onCancel?(): void;
}) {
  const about = live ?? (sending ? null : request);
  const streamed = live !== null || request?.stream !== undefined;
  return (
    <section className="card req-result" aria-labelledby="req-result-title" aria-busy={sending || live?.status === 'streaming'}>
      <div className="card__head">
        <h2 id="req-result-title">Result</h2>
        {about && (
          <span className="card__aside muted">
            {describeTarget(about.target)} · {new Date(about.sentAt).toLocaleTimeString()}
            {streamed && ' · streamed'}
          </span>
        )}
      </div>
      {live ? (
        // Not a live region as a whole (each chunk would be announced): the state badge is a status.
        <div className="req-result__body">
          <StreamResult view={live} onCancel={() => onCancel?.()} />
        </div>
      ) : (
        <div aria-live="polite" className="req-result__body">
          {sending ? (
            <p className="loading">
              <span className="spinner" aria-hidden="true" />
              Sending…
            </p>
          ) : request === null ? (
            <p className="muted">Send a request to see its result, or its error and what to do about it, here.</p>
          ) : (
            <SentOutcome request={request} />
          )}
        </div>
      )}
    </section>
  );
}
