import { useRef } from 'react';
import { ActionStatus } from '../components/action-status';
import { InstancesTable } from '../components/plugin-detail/instances-table';
import { AboutCard, ScalingCard } from '../components/plugin-detail/plugin-facts';
import { MissingEnvCallout, needsEnv, PluginSettings } from '../components/plugin-detail/plugin-settings';
import { PluginLogs } from '../components/plugin-detail/plugin-logs';
import { PluginTimeline } from '../components/plugin-detail/plugin-timeline';
import { QuarantineCard } from '../components/plugin-detail/quarantine-card';
import { PluginActions } from '../components/plugin-actions';
import { breakerOf, readyCount } from '../components/plugin-format';
import { StateBadge } from '../components/state-badge';
import { formatRate } from '../format';
import { hrefOf, useHashParam } from '../hooks/use-hash-route';
import { useNow } from '../hooks/use-now';
import { useMetricsHistory } from '../state/metrics-history';
import { usePluginDetail, usePluginEvents, usePluginLogs } from '../state/plugins-detail';
import { useConductor } from '../state/store-context';

/** One plugin: `#/plugin/<name>`. */
export function PluginDetailPage() {
  const name = useHashParam();
  if (name === null) {
    return (
      <div className="page-placeholder">
        <p>
          No plugin named in the address. Pick one on the <a href={hrefOf('plugins')}>Plugins page</a>.
        </p>
      </div>
    );
  }
  // Keyed by name: another plugin's page starts from a clean slate.
  return <PluginDetail key={name} name={name} />;
}

function PluginDetail({ name }: { name: string }) {
  const status = useConductor((s) => s.status);
  const connection = useConductor((s) => s.connection);
  const plugin = useConductor((s) => s.status?.plugins.find((p) => p.name === name));
  const detail = usePluginDetail(name);
  const events = usePluginEvents(name);
  const logs = usePluginLogs(name);
  const metrics = useMetricsHistory(name);
  const now = useNow(1000);
  const settingsFirst = useRef(false);

  if (status === null) {
    return (
      <div className="page-placeholder">
        <p className="loading">
          <span className="spinner" aria-hidden="true" />
          {connection === 'open' ? 'Loading…' : 'Connecting to Conductor…'}
        </p>
      </div>
    );
  }

  if (plugin === undefined) {
    return (
      <div className="grid">
        <div className="span-12">
          <ActionStatus />
        </div>
        <div className="card span-12 empty-state">
          <h1 className="page-title">No plugin named &ldquo;{name}&rdquo;</h1>
          <p>
            Conductor does not know this plugin: it may have been uninstalled or renamed. See the <a href={hrefOf('plugins')}>Plugins page</a> for
            the plugins there are.
          </p>
        </div>
      </div>
    );
  }

  const breaker = breakerOf(plugin);
  // A plugin waiting for a required variable: the callout and the settings come first. Once
  // there, the settings stay there for this visit (moving them would lose the form's state and
  // its result just as the save starts the plugin).
  const envNeeded = needsEnv(plugin, detail.value);
  if (envNeeded) settingsFirst.current = true;
  const envFirst = settingsFirst.current;
  return (
    <div className={connection === 'open' ? 'grid' : 'grid grid--stale'}>
      <div className="span-12 detail-head">
        <p className="breadcrumb">
          <a href={hrefOf('plugins')}>Plugins</a> <span aria-hidden="true">/</span>
        </p>
        <div className="detail-head__row">
          <h1 className="page-title">
            {plugin.name} <span className="muted mono detail-head__version">{plugin.version}</span>
          </h1>
          <span role="status" aria-label="Plugin state">
            <StateBadge state={plugin.state} large />
          </span>
          <PluginActions plugin={plugin} />
        </div>
        {plugin.description && <p className="detail-head__desc">{plugin.description}</p>}
        <dl className="facts detail-head__facts">
          <div className="fact">
            <dt>Instances</dt>
            <dd>
              {readyCount(plugin)} ready of {plugin.instances.length} ({plugin.min}–{plugin.max})
            </dd>
          </div>
          <div className="fact">
            <dt>Breaker</dt>
            <dd aria-label="Breaker state">{breaker.label === '—' ? 'No instances' : breaker.label}</dd>
          </div>
          <div className="fact">
            <dt>Requests</dt>
            <dd>
              {plugin.metrics.total} ({formatRate(plugin.metrics.ratePerSec)}/s)
            </dd>
          </div>
          <div className="fact">
            <dt>Errors</dt>
            <dd>{plugin.metrics.errors}</dd>
          </div>
          <div className="fact">
            <dt>Restarts</dt>
            <dd>{plugin.restarts}</dd>
          </div>
          <div className="fact">
            <dt>Queue</dt>
            <dd>{plugin.queueDepth}</dd>
          </div>
        </dl>
        {plugin.reason && plugin.state !== 'quarantined' && <p className="detail-head__reason">{plugin.reason}</p>}
      </div>
      <div className="span-12">
        <ActionStatus />
      </div>
      {envNeeded && <MissingEnvCallout plugin={plugin} detail={detail.value} />}
      {plugin.quarantine && <QuarantineCard name={plugin.name} cause={plugin.quarantine} />}
      {envFirst && <PluginSettings detail={detail.value} prominent={envNeeded} />}
      <InstancesTable instances={plugin.instances} isolation={plugin.isolation} />
      <PluginTimeline samples={metrics.history?.plugin ?? null} events={events.value} eventsError={events.error} now={now} />
      <ScalingCard plugin={plugin} />
      <AboutCard detail={detail.value} />
      {!envFirst && <PluginSettings detail={detail.value} prominent={false} />}
      <PluginLogs entries={logs.value} error={logs.error} />
    </div>
  );
}
