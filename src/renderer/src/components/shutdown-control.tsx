import { useState } from 'react';
import { useConductor } from '../state/store-context';
import { ConfirmDialog } from './confirm-dialog';
import { ErrorNotice } from './error-notice';

/** "Shut down" with a confirmation; afterwards, a live note that Conductor is going down. */
export function ShutdownControl() {
  const phase = useConductor((s) => s.shutdown.phase);
  const error = useConductor((s) => s.shutdown.error);
  const overall = useConductor((s) => s.status?.state);
  const connection = useConductor((s) => s.connection);
  const requestShutdown = useConductor((s) => s.requestShutdown);
  const dismissError = useConductor((s) => s.dismissShutdownError);
  const [confirming, setConfirming] = useState(false);

  if (phase === 'accepted' || overall === 'stopping') {
    // Once the server is gone the line ends like a service script's: "shutting down… done".
    const gone = connection !== 'open';
    return (
      <div className={gone ? 'shutdown-note shutdown-note--done' : 'shutdown-note'} role="status" aria-label="Shutdown">
        {gone ? <span className="shutdown-note__icon" aria-hidden="true" /> : <span className="spinner" aria-hidden="true" />}
        <span>Conductor is shutting down…</span>
        {gone && <span className="shutdown-note__done"> done</span>}
      </div>
    );
  }

  return (
    <div className="shutdown-control">
      <button
        type="button"
        className="button button--danger"
        disabled={phase === 'requesting' || connection !== 'open' || overall === undefined}
        onClick={() => setConfirming(true)}
      >
        {phase === 'requesting' ? 'Shutting down…' : 'Shut down'}
      </button>
      <ConfirmDialog
        open={confirming}
        title="Shut down Conductor?"
        body="Every plugin is stopped in order and the control panel disconnects. Start Conductor again to use it."
        confirmLabel="Shut down"
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          void requestShutdown('requested from the control panel');
        }}
      />
      {error && <ErrorNotice title="Could not shut down" error={error} onDismiss={dismissError} />}
    </div>
  );
}
