import { useMemo } from 'react';
import type { RequestMetrics as Metrics, RequestSample } from '../../../shared/domain';
import { formatCount, formatMs, formatRate } from '../format';
import { requestColumns } from '../state/metrics-columns';
import { TimeSeriesChart, type ChartSeries } from './charts/time-series-chart';
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

export const perSecond = (v: number) => `${formatRate(v)}/s`;
export const latencyFormat = (v: number) => formatMs(v);

/** Traffic through the router: totals, rate, errors, latency, and their last few minutes. */
export function RequestMetrics({ requests, samples }: { requests: Metrics; samples: RequestSample[] | null }) {
  const latency = (ms: number | null) => (ms === null ? '—' : formatMs(ms));
  const cols = useMemo(() => requestColumns(samples ?? []), [samples]);
  const rateSeries = useMemo<ChartSeries[]>(
    () => [
      { label: 'Requests', values: cols.values.rate, color: 'blue', fill: true },
      { label: 'Errors', values: cols.values.errors, color: 'red' },
    ],
    [cols],
  );
  const latencySeries = useMemo<ChartSeries[]>(
    () => [
      { label: 'p50', values: cols.values.p50, color: 'green' },
      { label: 'p99', values: cols.values.p99, color: 'amber' },
    ],
    [cols],
  );
  return (
    <Section title="Requests" className="span-6">
      <dl className="stats stats--3 stats--compact">
        <Stat label="Total" value={formatCount(requests.total)} />
        <Stat label="Errors" value={formatCount(requests.errors)} {...(requests.errors > 0 ? { tone: 'bad' as const } : {})} />
        <Stat label="In flight" value={formatCount(requests.inFlight)} />
        <Stat label="Rate" value={formatRate(requests.ratePerSec)} unit="req/s" />
        <Stat label="p50 latency" value={latency(requests.p50Ms)} />
        <Stat label="p99 latency" value={latency(requests.p99Ms)} />
      </dl>
      <div className="charts">
        <TimeSeriesChart title="Request and error rate" timestamps={cols.ts} series={rateSeries} format={perSecond} syncKey="overview" height={130} />
        <TimeSeriesChart
          title="Latency (last minute)"
          timestamps={cols.ts}
          series={latencySeries}
          format={latencyFormat}
          syncKey="overview"
          height={130}
          emptyText="No requests yet."
        />
      </div>
    </Section>
  );
}
