import type { LogEntry } from '../../../../shared/domain';
import { formatLogTimestamp } from '../../state/logs-window';

/** The selected entry in full (the list shows one line per entry). */
export function LogDetail({ entry, onClose }: { entry: LogEntry; onClose(): void }) {
  return (
    <section className="log-detail" aria-label="Selected log entry">
      <div className="log-detail__head">
        <dl className="log-detail__facts">
          <div>
            <dt>Time</dt>
            <dd className="mono">{formatLogTimestamp(entry.ts)}</dd>
          </div>
          <div>
            <dt>Level</dt>
            <dd className={`log-detail__level log-detail__level--${entry.level}`}>{entry.level}</dd>
          </div>
          <div>
            <dt>Source</dt>
            <dd className="mono">{entry.source}</dd>
          </div>
          {entry.instance !== undefined && (
            <div>
              <dt>Instance</dt>
              <dd className="mono">{entry.instance}</dd>
            </div>
          )}
          <div>
            <dt>Seq</dt>
            <dd className="mono">{entry.seq}</dd>
          </div>
        </dl>
        <button type="button" className="button button--ghost" onClick={onClose}>
          Close
        </button>
      </div>
      <pre className="log-detail__message">{entry.message}</pre>
    </section>
  );
}
