import { useId, useState } from 'react';
import type { PluginSummary } from '../../../shared/domain';
import type { PluginAction } from '../state/plugins-actions';
import { usePluginActions } from '../state/plugins-client-context';
import { BoundsDialog } from './bounds-dialog';
import { ConfirmDialog } from './confirm-dialog';
import { canUninstall } from './plugin-format';

const BUSY_LABEL: Partial<Record<PluginAction, string>> = {
  enable: 'Enabling…',
  disable: 'Disabling…',
  restart: 'Restarting…',
  retry: 'Retrying…',
  uninstall: 'Uninstalling…',
};

/**
 * A plugin's actions as real buttons. Each accessible name carries the plugin's name ("Disable
 * echo") so a screen reader's button list — and a test — can tell the rows apart.
 */
export function PluginActions({ plugin }: { plugin: PluginSummary }) {
  const record = usePluginActions((s) => s.byTarget[plugin.name]);
  const actions = usePluginActions((s) => s);
  const [bounds, setBounds] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [removeState, setRemoveState] = useState(false);
  const removeId = useId();
  const running = record?.phase === 'running' ? record.action : null;
  const name = plugin.name;
  const busy = running !== null;
  const settling = plugin.state === 'stopping' || plugin.state === 'starting';
  const invalid = plugin.state === 'invalid';

  const button = (action: PluginAction, label: string, onClick: () => void, opts: { disabled?: boolean; tone?: 'danger' | 'primary' } = {}) => (
    <button
      type="button"
      className={`button button--small${opts.tone ? ` button--${opts.tone}` : ''}`}
      aria-label={`${label} ${name}`}
      disabled={busy || opts.disabled === true}
      aria-busy={running === action ? true : undefined}
      onClick={onClick}
    >
      {running === action && <span className="spinner spinner--small" aria-hidden="true" />}
      {running === action ? (BUSY_LABEL[action] ?? `${label}…`) : label}
    </button>
  );

  return (
    <div className="plugin-actions" role="group" aria-label={`Actions for ${name}`}>
      {plugin.state === 'quarantined' && button('retry', 'Retry', () => void actions.retry(name), { tone: 'primary' })}
      {plugin.enabled
        ? button('disable', 'Disable', () => void actions.disable(name), { disabled: invalid })
        : button('enable', 'Enable', () => void actions.enable(name), { disabled: invalid })}
      {button('restart', 'Restart', () => void actions.restart(name), { disabled: !plugin.enabled || invalid || settling || plugin.state === 'quarantined' })}
      {button('setBounds', 'Bounds', () => setBounds(true), { disabled: invalid })}
      {canUninstall(plugin) && button('uninstall', 'Uninstall', () => setConfirming(true), { tone: 'danger' })}
      <BoundsDialog plugin={plugin} open={bounds} onClose={() => setBounds(false)} />
      {canUninstall(plugin) && (
        <ConfirmDialog
          open={confirming}
          title={`Uninstall ${name}?`}
          body={`Its instances are stopped and its folder is removed from the data dir. Requests to it will fail with E_NOT_FOUND. To use it again, install it from its folder.`}
          confirmLabel="Uninstall"
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            void actions.uninstall(name, removeState);
          }}
        >
          <p className="checkbox-row">
            <input id={removeId} type="checkbox" checked={removeState} onChange={(e) => setRemoveState(e.target.checked)} />
            <label htmlFor={removeId}>Also delete its saved state and settings</label>
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
