import type { PluginSummary } from '../../../shared/domain';
import { joinPath } from '../format';
import { Section } from './section';
import { StateBadge } from './state-badge';

function EmptyPlugins({ dataDir }: { dataDir: string }) {
  return (
    <div className="empty-state">
      <p className="empty-state__title">No plugins yet</p>
      <p>
        A plugin is a folder with a <code>plugin.json</code> manifest. To add one, drop its folder into{' '}
        <code>{joinPath(dataDir, 'plugins')}</code>, or into a folder listed in the config&rsquo;s{' '}
        <code>plugins.dirs</code>. Conductor discovers plugins when it starts.
      </p>
    </div>
  );
}

function readyInstances(p: PluginSummary): number {
  return p.instances.filter((i) => i.state === 'ready' || i.state === 'degraded').length;
}

export function PluginsTable({ plugins, dataDir }: { plugins: PluginSummary[]; dataDir: string }) {
  return (
    <Section
      title="Plugins"
      className="span-12"
      aside={plugins.length > 0 ? <span className="muted">{plugins.length} discovered</span> : undefined}
    >
      {plugins.length === 0 ? (
        <EmptyPlugins dataDir={dataDir} />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Version</th>
                <th scope="col">State</th>
                <th scope="col">Instances</th>
                <th scope="col">Requests</th>
                <th scope="col">Capabilities</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {plugins.map((p) => (
                <tr key={p.name}>
                  <th scope="row">
                    <span className="plugin-name">{p.name}</span>
                    {p.required && <span className="tag">required</span>}
                    {p.description && <span className="plugin-desc">{p.description}</span>}
                  </th>
                  <td className="mono">{p.version}</td>
                  <td>
                    <StateBadge state={p.state} />
                  </td>
                  <td className="mono" title={`bounds ${p.min}–${p.max}`}>
                    {readyInstances(p)}/{p.instances.length}{' '}
                    <span className="muted">
                      ({p.min}–{p.max})
                    </span>
                  </td>
                  <td className="mono">
                    {p.metrics.total}
                    {p.metrics.errors > 0 && <span className="muted"> · {p.metrics.errors} err</span>}
                  </td>
                  <td>
                    {p.capabilities.length === 0 ? (
                      <span className="muted">—</span>
                    ) : (
                      <ul className="chips" aria-label={`Capabilities of ${p.name}`}>
                        {p.capabilities.map((c) => (
                          <li key={c} className="chip">
                            {c}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td className="reason">{p.reason ?? <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
