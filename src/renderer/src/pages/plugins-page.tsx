import { ActionStatus } from '../components/action-status';
import { InstallForm } from '../components/install-form';
import { PluginsTable } from '../components/plugins-table';
import { Section } from '../components/section';
import { getApi } from '../api/get-api';
import { useConductor } from '../state/store-context';

/** In the desktop app: the native folder picker (`system:pickFolder`); null when cancelled. */
async function pickFolder(): Promise<string | null> {
  const result = await getApi().invoke('system:pickFolder', { title: 'Choose a plugin folder to install' });
  return result.ok ? result.value.path : null;
}

/**
 * Every plugin with its live figures and actions, and the install form. The form takes a path
 * (works in the browser and in Electron); in the desktop app a native folder picker fills it.
 */
export function PluginsPage() {
  const status = useConductor((s) => s.status);
  const connection = useConductor((s) => s.connection);

  if (status === null) {
    return (
      <div className="page-placeholder">
        <p className="loading">
          <span className="spinner" aria-hidden="true" />
          {connection === 'open' ? 'Loading plugins…' : 'Connecting to Conductor…'}
        </p>
      </div>
    );
  }

  return (
    <div className={connection === 'open' ? 'grid' : 'grid grid--stale'}>
      <div className="span-12">
        <ActionStatus />
      </div>
      <PluginsTable plugins={status.plugins} dataDir={status.dataDir} variant="full" title="Installed plugins" />
      <Section title="Install a plugin" className="span-12">
        <InstallForm {...(status.host === 'electron' ? { pickFolder } : {})} />
      </Section>
    </div>
  );
}
