import type { RequestMetrics as Metrics } from '../../../shared/domain';
import { formatCount, formatMs, formatRate } from '../format';
import { Section } from './section';

function Stat({ label, value, unit, tone }: { label: string; value: string; unit?: string; tone?: 'bad' }) {
  return (
    <div className={tone ? `stat stat--${tone}` : 'stat'}>
      <dt>{label}</dt>
      <dd>
        <span className="stat__value">{value}</span>
        {unit && <span className="stat__sub">{unit}</span>}
      </dd>
    </div>
  );
}

export function RequestMetrics({ requests }: { requests: Metrics }) {
  const latency = (ms: number | null) => (ms === null ? '—' : formatMs(ms));
  return (
    <Section title="Requests" className="span-7">
      <dl className="stats stats--3">
        <Stat label="Total" value={formatCount(requests.total)} />
        <Stat label="Errors" value={formatCount(requests.errors)} {...(requests.errors > 0 ? { tone: 'bad' as const } : {})} />
        <Stat label="In flight" value={formatCount(requests.inFlight)} />
        <Stat label="Rate" value={formatRate(requests.ratePerSec)} unit="req/s" />
        <Stat label="p50 latency" value={latency(requests.p50Ms)} />
        <Stat label="p99 latency" value={latency(requests.p99Ms)} />
      </dl>
    </Section>
  );
}
