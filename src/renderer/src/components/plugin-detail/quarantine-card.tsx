import type { QuarantineCause } from '../../../../shared/domain';
import { usePluginActions } from '../../state/plugins-client-context';
import { optionalBytes } from '../plugin-format';

const TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** Why the plugin is quarantined, in plain words, with what to do: fix it, then Retry. */
export function QuarantineCard({ name, cause }: { name: string; cause: QuarantineCause }) {
  const retry = usePluginActions((s) => s.retry);
  const running = usePluginActions((s) => s.byTarget[name]?.phase === 'running');
  const how = cause.signal ? `killed by ${cause.signal}` : cause.exitCode !== null ? `exited with code ${cause.exitCode}` : 'exited';
  return (
    <section className="card span-12 quarantine" aria-labelledby="quarantine-title" role="region">
      <div className="card__head">
        <h2 id="quarantine-title">Quarantined: {name} kept crashing</h2>
      </div>
      <p className="quarantine__reason">{cause.reason}</p>
      <dl className="quarantine__facts">
        <div>
          <dt>Last crash</dt>
          <dd>
            {how}, {TIME.format(cause.at)}
          </dd>
        </div>
        <div>
          <dt>Peak memory (RSS)</dt>
          <dd>{optionalBytes(cause.peakRssBytes)}</dd>
        </div>
      </dl>
      <h3 className="subhead subhead--plain">Last lines it printed</h3>
      {cause.lastLines.length === 0 ? (
        <p className="muted">It printed nothing before it crashed.</p>
      ) : (
        <pre className="last-lines" tabIndex={0} aria-label="Last lines before the crash">
          {cause.lastLines.join('\n')}
        </pre>
      )}
      <div className="quarantine__next">
        <p>
          Conductor stopped restarting it. Fix the cause (the lines above and the plugin&rsquo;s logs below usually say what), then retry: it starts
          again with a fresh crash count.
        </p>
        <button type="button" className="button button--primary" onClick={() => void retry(name)} disabled={running} aria-label={`Retry ${name}`}>
          {running && <span className="spinner spinner--small" aria-hidden="true" />}
          {running ? 'Retrying…' : 'Retry'}
        </button>
      </div>
    </section>
  );
}
