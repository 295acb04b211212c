import { ComponentHealthList } from '../components/component-health-list';
import { ErrorNotice } from '../components/error-notice';
import { PluginsTable } from '../components/plugins-table';
import { RequestMetrics } from '../components/request-metrics';
import { StartupTimeline } from '../components/startup-timeline';
import { SystemResources } from '../components/system-resources';
import { useMetricsHistory } from '../state/metrics-history';
import { useConductor } from '../state/store-context';

/** Everything the conductor reports in one snapshot: lifecycle, health, resources, plugins, traffic. */
export function OverviewPage() {
  const status = useConductor((s) => s.status);
  const statusError = useConductor((s) => s.statusError);
  const connection = useConductor((s) => s.connection);
  const { history, error: historyError } = useMetricsHistory();

  const error = statusError && connection === 'open' && (
    <ErrorNotice title={status ? 'Could not refresh the status' : 'Could not load the status'} error={statusError} />
  );

  if (status === null) {
    return (
      <div className="page-placeholder">
        {error || (
          <p className="loading">
            <span className="spinner" aria-hidden="true" />
            {connection === 'open' ? 'Loading status…' : 'Connecting to Conductor…'}
          </p>
        )}
      </div>
    );
  }

  return (
    // While disconnected the numbers are the last ones received: dim them.
    <div className={connection === 'open' ? 'grid' : 'grid grid--stale'}>
      {error && <div className="span-12">{error}</div>}
      {historyError && connection === 'open' && (
        <div className="span-12">
          <ErrorNotice title="Could not load the charts’ history; the figures below are still live" error={historyError} />
        </div>
      )}
      <StartupTimeline steps={status.steps} state={status.state} />
      <ComponentHealthList components={status.components} />
      <SystemResources system={status.system} samples={history?.system ?? null} />
      <RequestMetrics requests={status.requests} samples={history?.requests ?? null} />
      <PluginsTable plugins={status.plugins} dataDir={status.dataDir} />
    </div>
  );
}
