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

/** What the plugin is: capabilities, runtime, dependencies and folder. Its config and env are under Settings. */
export function AboutCard({ detail }: { detail: PluginDetail | null }) {
  return (
    <Section title="About" className="span-8">
      {detail === null ? (
        <p className="loading">
          <span className="spinner" aria-hidden="true" /> Loading…
        </p>
      ) : (
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
      )}
    </Section>
  );
}
