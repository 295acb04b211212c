import type { ReactNode } from 'react';
import type { RuntimeInfo } from '../../../../shared/domain';

/** Where Conductor keeps its data and what it runs on. */
export function RuntimeInfoList({ runtime }: { runtime: RuntimeInfo }) {
  const rows: [string, ReactNode][] = [
    ['Data directory', <code>{runtime.dataDir}</code>],
    ['Database', <code>{runtime.databasePath}</code>],
    ['Logs directory', <code>{runtime.logsDir}</code>],
    ['Config file', runtime.configFile ? <code>{runtime.configFile}</code> : <span className="muted">none (start with --config &lt;file&gt; to use one)</span>],
    ['Version', runtime.version],
    ['Host', runtime.host === 'electron' ? 'Desktop app (Electron)' : 'Headless (browser panel)'],
    ['Process id', String(runtime.pid)],
    ['Node.js', runtime.nodeVersion],
    ['Platform', runtime.platform],
  ];
  return (
    <dl className="runtime-list">
      {rows.map(([term, value]) => (
        <div key={term} className="runtime-list__row">
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
