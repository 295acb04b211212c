import type { LogEntry } from '../../../../shared/domain';
import type { ErrorInfo } from '../../../../shared/result';
import { hrefOf } from '../../hooks/use-hash-route';
import { ErrorNotice } from '../error-notice';
import { Section } from '../section';

const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

/** The plugin's newest log lines (newest at the bottom), with a link to the full Logs page. */
export function PluginLogs({ entries, error }: { entries: LogEntry[] | null; error: ErrorInfo | null }) {
  const shown = entries ? entries.slice(-100) : null;
  return (
    <Section title="Recent logs" className="span-12" aside={<a href={hrefOf('logs')}>All logs</a>}>
      {error && <ErrorNotice title="Could not load the logs" error={error} />}
      {shown === null ? (
        <p className="loading">
          <span className="spinner" aria-hidden="true" /> Loading logs…
        </p>
      ) : shown.length === 0 ? (
        <p className="empty">Nothing logged yet.</p>
      ) : (
        <ol className="log-lines" aria-label="Log lines, oldest first" tabIndex={0}>
          {shown.map((e) => (
            <li key={e.seq} className={`log-line log-line--${e.level}`}>
              <time className="log-line__time" dateTime={new Date(e.ts).toISOString()}>
                {TIME.format(e.ts)}
              </time>
              <span className="log-line__level">{e.level}</span>
              {e.instance && <span className="log-line__instance">{e.instance}</span>}
              <span className="log-line__message">{e.message}</span>
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}
