import type { PluginDetail, PluginSummary } from '../../../../shared/domain';
import { Section } from '../section';

const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** The scaler's latest decision for the plugin, with its reason. */
export function ScalingCard({ plugin }: { plugin: PluginSummary }) {
  const s = plugin.lastScaling;
  return (
    <Section title="Scaling" className="span-4">
      <p className="muted">
        Bounds {plugin.min}–{plugin.max} instances.
      </p>
      {s === undefined ? (
        <p className="empty">No scaling decision yet: the scaler acts when the load calls for a different number of instances.</p>
      ) : (
        <div className="scaling">
          <p className="scaling__change">
            <span className="mono">
              {s.previous} → {s.desired}
            </span>{' '}
            {s.blocked ? <span className="badge badge--warn">blocked</span> : <span className="badge badge--busy">applied</span>}{' '}
            <span className="muted">at {TIME.format(s.at)}</span>
          </p>
          <p className="scaling__reason">{s.reason}</p>
        </div>
      )}
    </Section>
  );
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Effective config and the declared env: set or unset, never the values. */
export function ConfigCard({ detail }: { detail: PluginDetail | null }) {
  const config = detail ? Object.entries(detail.config) : [];
  return (
    <Section title="Configuration" className="span-8">
      {detail === null ? (
        <p className="loading">
          <span className="spinner" aria-hidden="true" /> Loading…
        </p>
      ) : (
        <div className="config-grid">
          <div>
            <h3 className="minihead">Config</h3>
            {config.length === 0 ? (
              <p className="empty">No config keys.</p>
            ) : (
              <dl className="kv">
                {config.map(([k, v]) => (
                  <div key={k} className="kv__row">
                    <dt className="mono">{k}</dt>
                    <dd className="mono">{show(v)}</dd>
                  </div>
                ))}
              </dl>
            )}
          </div>
          <div>
            <h3 className="minihead">Environment</h3>
            {detail.env.length === 0 ? (
              <p className="empty">Declares no environment variables.</p>
            ) : (
              <ul className="env-list" aria-label="Declared environment variables">
                {detail.env.map((e) => (
                  <li key={e.name}>
                    <code>{e.name}</code>{' '}
                    <span className={`badge ${e.set ? 'badge--ok' : e.required ? 'badge--bad' : 'badge--muted'}`}>{e.set ? 'set' : 'not set'}</span>
                    {e.secret && <span className="tag">secret</span>}
                    {e.required && <span className="tag">required</span>}
                  </li>
                ))}
              </ul>
            )}
            <p className="field__help">Values are never shown.</p>
          </div>
          <div className="config-grid__wide">
            <h3 className="minihead">About</h3>
            <dl className="kv">
              <div className="kv__row">
                <dt>Capabilities</dt>
                <dd className="mono">{detail.capabilities.join(', ') || '—'}</dd>
              </div>
              <div className="kv__row">
                <dt>Runtime</dt>
                <dd>
                  {detail.runtime}, {detail.isolation === 'process' ? 'child process per instance' : 'worker thread per instance'}
                </dd>
              </div>
              <div className="kv__row">
                <dt>Depends on</dt>
                <dd className="mono">{detail.dependsOn.join(', ') || '—'}</dd>
              </div>
              <div className="kv__row">
                <dt>Folder</dt>
                <dd className="mono">
                  {detail.dir} <span className="muted">({detail.origin})</span>
                </dd>
              </div>
            </dl>
          </div>
        </div>
      )}
    </Section>
  );
}
