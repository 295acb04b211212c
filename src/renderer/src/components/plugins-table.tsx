import type { PluginSummary } from '../../../shared/domain';
import { formatCount, formatRate, joinPath } from '../format';
import { hrefOf } from '../hooks/use-hash-route';
import { PluginActions } from './plugin-actions';
import { breakerOf, errorPercent, inFlightOf, readyCount } from './plugin-format';
import { UsageCells } from './usage-cells';
import { Section } from './section';
import { StateBadge } from './state-badge';

export function EmptyPlugins({ dataDir, canInstall = false }: { dataDir: string; canInstall?: boolean }) {
  return (
    <div className="empty-state">
      <p className="empty-state__title">No plugins yet</p>
      <p>
        A plugin is a folder with a <code>plugin.json</code> manifest and an ES module entry.{' '}
        {canInstall ? 'Install one from its folder with the form below, or drop' : 'To add one, install it from the Plugins page, or drop'} its
        folder into <code>{joinPath(dataDir, 'plugins')}</code> (or a folder listed in the config&rsquo;s <code>plugins.dirs</code>) and start
        Conductor again.
      </p>
    </div>
  );
}

function NameCell({ p, showDescription }: { p: PluginSummary; showDescription: boolean }) {
  return (
    <th scope="row">
      <a className="plugin-link" href={hrefOf('plugin', p.name)}>
        {p.name}
      </a>
      <span className="muted mono plugin-version">{p.version}</span>
      {p.required && <span className="tag">required</span>}
      {showDescription && p.description && (
        <span className="plugin-desc" title={p.description}>
          {p.description}
        </span>
      )}
    </th>
  );
}

function Breaker({ p }: { p: PluginSummary }) {
  const b = breakerOf(p);
  return b.state === 'none' ? <span className="muted">—</span> : <StateBadge state={b.state} label={b.label} />;
}

/**
 * The plugins with their live figures. `compact` (Overview): no actions or descriptions; `full`
 * (Plugins page): every figure and the actions of each plugin.
 */
export function PluginsTable({
  plugins,
  dataDir,
  variant = 'compact',
  title = 'Plugins',
}: {
  plugins: PluginSummary[];
  dataDir: string;
  variant?: 'compact' | 'full';
  title?: string;
}) {
  const full = variant === 'full';
  const ready = plugins.filter((p) => p.state === 'ready').length;
  return (
    <Section
      title={title}
      className="span-12"
      aside={
        plugins.length > 0 ? (
          <span className="muted">
            {ready} of {plugins.length} ready{!full && <> · <a href={hrefOf('plugins')}>Manage plugins</a></>}
          </span>
        ) : undefined
      }
    >
      {plugins.length === 0 ? (
        <EmptyPlugins dataDir={dataDir} canInstall={full} />
      ) : (
        <div className="table-wrap">
          <table className={full ? 'table table--plugins' : 'table table--compact'}>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">State</th>
                <th scope="col">Instances</th>
                <th scope="col">Breaker</th>
                <th scope="col" className="num">
                  In flight
                </th>
                <th scope="col" className="num">
                  Req/s
                </th>
                <th scope="col" className="num">
                  Errors
                </th>
                <th scope="col" className="num">
                  CPU
                </th>
                <th scope="col" className="num">
                  Memory
                </th>
                {full && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {plugins.map((p) => (
                <tr key={`${p.name}:${p.dir}`} data-plugin={p.name}>
                  <NameCell p={p} showDescription={full} />
                  <td>
                    <StateBadge state={p.state} />
                    {p.reason && <span className="reason">{p.reason}</span>}
                  </td>
                  <td className="mono nowrap" title={`${readyCount(p)} ready of ${p.instances.length}; bounds ${p.min}–${p.max}`}>
                    {readyCount(p)}/{p.instances.length}{' '}
                    <span className="muted">
                      ({p.min}–{p.max})
                    </span>
                  </td>
                  <td>
                    <Breaker p={p} />
                  </td>
                  <td className="mono num">{formatCount(inFlightOf(p))}</td>
                  <td className="mono num">{formatRate(p.metrics.ratePerSec)}</td>
                  <td className="mono num">
                    <span className={p.metrics.errors > 0 ? 'bad' : undefined}>{formatCount(p.metrics.errors)}</span>
                    {p.metrics.total > 0 && <span className="muted"> · {errorPercent(p)}</span>}
                  </td>
                  <UsageCells isolation={p.isolation} cpuPercent={p.cpuPercent} rssBytes={p.rssBytes} />
                  {full && (
                    <td>
                      <PluginActions plugin={p} />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
