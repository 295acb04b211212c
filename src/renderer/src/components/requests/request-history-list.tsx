import { formatCount, formatMs } from '../../format';
import type { SentRequest } from '../../state/requests-history';
import { describeTarget } from './request-result';

const chunks = (n: number) => `${formatCount(n)} ${n === 1 ? 'chunk' : 'chunks'}`;

function OutcomeBadge({ entry }: { entry: SentRequest }) {
  const { outcome, stream } = entry;
  if (outcome.ok) {
    return <span className="badge badge--ok">OK · {stream ? `${chunks(stream.chunks)} · ` : ''}{formatMs(outcome.latencyMs)}</span>;
  }
  if (stream?.cancelled) return <span className="badge badge--warn">Cancelled · {chunks(stream.chunks)}</span>;
  return <span className="badge badge--bad">{outcome.error.code}</span>;
}

/** The last few requests sent from this page, newest first, each ready to send again or edit. */
export function RequestHistoryList({
  entries,
  disabled,
  onResend,
  onEdit,
  onClear,
}: {
  entries: readonly SentRequest[];
  disabled: boolean;
  onResend(entry: SentRequest): void;
  onEdit(entry: SentRequest): void;
  onClear(): void;
}) {
  return (
    <section className="card req-history" aria-labelledby="req-history-title">
      <div className="card__head">
        <h2 id="req-history-title">History</h2>
        {entries.length > 0 && (
          <button type="button" className="button button--ghost card__aside" onClick={onClear}>
            Clear
          </button>
        )}
      </div>
      {entries.length === 0 ? (
        <p className="muted">Requests you send are listed here for this session, to send again or edit.</p>
      ) : (
        <ol className="req-history__list" aria-label="Sent requests">
          {entries.map((entry) => {
            const payload = entry.payloadText.replace(/\s+/g, ' ').trim();
            return (
              <li key={entry.id} className="req-history__item">
                <div className="req-history__main">
                  <span className="req-history__target">{describeTarget(entry.target)}</span>
                  <code className="req-history__payload" title={entry.payloadText}>
                    {payload.length > 80 ? `${payload.slice(0, 80)}…` : payload}
                  </code>
                  <span className="req-history__meta muted">
                    {new Date(entry.sentAt).toLocaleTimeString()}
                    {entry.timeoutMs !== undefined && ` · timeout ${formatMs(entry.timeoutMs)}`}
                    {entry.idempotent && ' · idempotent'}
                    {entry.stream && ' · streamed'}
                  </span>
                </div>
                <span className="req-history__outcome">
                  <OutcomeBadge entry={entry} />
                </span>
                <span className="req-history__actions">
                  <button
                    type="button"
                    className="button"
                    disabled={disabled}
                    onClick={() => onResend(entry)}
                    aria-label={`Send again: ${describeTarget(entry.target)}, ${payload.slice(0, 40)}`}
                  >
                    Re-send
                  </button>
                  <button type="button" className="button button--ghost" onClick={() => onEdit(entry)} aria-label={`Edit: ${describeTarget(entry.target)}`}>
                    Edit
                  </button>
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
