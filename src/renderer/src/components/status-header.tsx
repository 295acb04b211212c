import type { ReactNode } from 'react';
import { formatUptime } from '../format';
import { useNow } from '../hooks/use-now';
import { useConductor } from '../state/store-context';
import { ShutdownControl } from './shutdown-control';
import { StateBadge } from './state-badge';

/** The overall state as the live region: the last known state, or why there is none. */
function OverallState() {
  const state = useConductor((s) => s.status?.state);
  const connection = useConductor((s) => s.connection);
  const shutDown = useConductor((s) => s.shutdown.phase === 'accepted' || s.status?.state === 'stopping');
  let badge: ReactNode;
  if (connection !== 'open' && state !== undefined) {
    badge = shutDown ? <StateBadge state="stopped" large /> : <StateBadge state="unreachable" large />;
  } else if (state === undefined) {
    badge = <StateBadge state="pending" label="Connecting…" large />;
  } else {
    badge = <StateBadge state={state} large />;
  }
  return (
    <div className="overall" role="status" aria-label="Overall state">
      {badge}
    </div>
  );
}

function Uptime({ uptimeMs, receivedAt, running }: { uptimeMs: number; receivedAt: number; running: boolean }) {
  const now = useNow(1000, running);
  return <>{formatUptime(uptimeMs + Math.max(0, now - receivedAt))}</>;
}

function Fact({ label, children, wide = false }: { label: string; children: ReactNode; wide?: boolean }) {
  return (
    <div className={wide ? 'fact fact--wide' : 'fact'}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function StatusHeader() {
  const status = useConductor((s) => s.status);
  const receivedAt = useConductor((s) => s.statusReceivedAt);
  const connection = useConductor((s) => s.connection);

  return (
    <div className="status-header">
      <div className="status-header__brand">
        <Logo />
        <h1>Conductor</h1>
        <OverallState />
      </div>
      {status && receivedAt !== null && (
        <dl className="facts" aria-label="About this Conductor">
          <Fact label="Version">{status.version}</Fact>
          <Fact label="Host">{status.host === 'electron' ? 'Desktop (Electron)' : 'Headless'}</Fact>
          <Fact label="Uptime">
            <Uptime
              uptimeMs={status.uptimeMs}
              receivedAt={receivedAt}
              running={connection === 'open' && status.state !== 'stopping'}
            />
          </Fact>
          <Fact label="PID">{status.pid}</Fact>
          <Fact label="Data dir" wide>
            <code title={status.dataDir}>{status.dataDir}</code>
          </Fact>
        </dl>
      )}
      <div className="status-header__actions">
        <ShutdownControl />
      </div>
    </div>
  );
}

function Logo() {
  return (
    <svg className="logo" viewBox="0 0 32 32" width="32" height="32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" className="logo__bg" />
      <path d="M8 22 L8 14 M13 22 L13 10 M18 22 L18 16 M23 22 L23 8" className="logo__bars" />
    </svg>
  );
}
