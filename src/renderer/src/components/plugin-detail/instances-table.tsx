import type { InstanceSummary } from '../../../../shared/domain';
import { formatCount, formatUptime } from '../../format';
import { useNow } from '../../hooks/use-now';
import { instanceHandle } from '../plugin-format';
import { UsageCells } from '../usage-cells';
import { Section } from '../section';
import { StateBadge } from '../state-badge';

/** The plugin's running copies: process or thread, state, uptime, load, breaker, CPU and RSS. */
export function InstancesTable({ instances, isolation }: { instances: InstanceSummary[]; isolation: 'process' | 'thread' }) {
  const now = useNow(1000, instances.length > 0);
  return (
    <Section title="Instances" className="span-12" aside={<span className="muted">{isolation === 'process' ? 'one child process each' : 'worker threads'}</span>}>
      {instances.length === 0 ? (
        <p className="empty">No instances are running.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Instance</th>
                <th scope="col">{isolation === 'process' ? 'PID' : 'Thread'}</th>
                <th scope="col">State</th>
                <th scope="col">Breaker</th>
                <th scope="col" className="num">
                  Uptime
                </th>
                <th scope="col" className="num">
                  In flight
                </th>
                <th scope="col" className="num">
                  Served
                </th>
                <th scope="col" className="num">
                  Errors
                </th>
                <th scope="col" className="num">
                  CPU
                </th>
                <th scope="col" className="num">
                  RSS
                </th>
              </tr>
            </thead>
            <tbody>
              {instances.map((i) => (
                <tr key={i.id} data-instance={i.id}>
                  <th scope="row" className="mono">
                    {i.id}
                  </th>
                  <td className="mono">{instanceHandle(i)}</td>
                  <td>
                    <StateBadge state={i.state} />
                  </td>
                  <td>
                    <StateBadge state={i.breaker} />
                  </td>
                  <td className="mono num">{i.startedAt === null ? '—' : formatUptime(now - i.startedAt)}</td>
                  <td className="mono num">{formatCount(i.inFlight)}</td>
                  <td className="mono num">{formatCount(i.served)}</td>
                  <td className="mono num">{formatCount(i.errors)}</td>
                  <UsageCells isolation={i.threadId !== null ? 'thread' : isolation} cpuPercent={i.cpuPercent} rssBytes={i.rssBytes} />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
