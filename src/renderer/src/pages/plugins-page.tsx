import { ActionStatus } from '../components/action-status';
import { InstallForm } from '../components/install-form';
import { PluginsTable } from '../components/plugins-table';
import { Section } from '../components/section';
import { useConductor } from '../state/store-context';

/**
 * Every plugin with its live figures and actions, and the install form. The form takes a path
 * (works in the browser and in Electron); the desktop shell's native folder picker plugs into
 * `InstallForm`'s `pickFolder` once the shell exposes one.
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
        <InstallForm />
      </Section>
    </div>
  );
}
