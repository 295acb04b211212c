import { useConductor } from '../state/store-context';

const RESTART_HINT = (
  <>
    start it again with <code>npm start</code> or <code>npm run headless</code>, then reload (headless prints a new
    address to open).
  </>
);

/** Says when the panel cannot reach the conductor, and what to do about it. */
export function ConnectionBanner() {
  const connection = useConductor((s) => s.connection);
  const everConnected = useConductor((s) => s.everConnected);
  const stopping = useConductor((s) => s.shutdown.phase === 'accepted' || s.status?.state === 'stopping');
  const reconnectNow = useConductor((s) => s.reconnectNow);

  if (connection === 'open') return null;
  if (!everConnected && connection === 'connecting') return null;

  const title = stopping
    ? 'Conductor has stopped.'
    : everConnected
      ? 'Connection to Conductor lost.'
      : 'Cannot reach Conductor.';
  return (
    <div className={`banner ${stopping ? 'banner--info' : 'banner--warn'}`} role="alert">
      <div className="banner__body">
        <strong>{title}</strong>
        <p>
          {stopping ? <>To use it again, {RESTART_HINT}</> : <>Conductor may have stopped; {RESTART_HINT}</>}
        </p>
      </div>
      {!stopping && (
        <div className="banner__actions">
          <span className="banner__state">{connection === 'connecting' ? 'Reconnecting…' : 'Waiting to reconnect…'}</span>
          <button type="button" className="button" onClick={reconnectNow} disabled={connection === 'connecting'}>
            Retry now
          </button>
        </div>
      )}
    </div>
  );
}
