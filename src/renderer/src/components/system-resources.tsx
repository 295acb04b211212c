import { useMemo } from 'react';
import type { SystemResources as Resources } from '../../../shared/domain';
import { formatBytes, formatPercent } from '../format';
import { systemColumns } from '../state/metrics-columns';
import { TimeSeriesChart, type ChartSeries } from './charts/time-series-chart';
import { Section } from './section';

function Meter({ fraction }: { fraction: number }) {
  const pct = Math.min(100, Math.max(0, fraction * 100));
  const tone = pct >= 90 ? 'bad' : pct >= 75 ? 'warn' : 'ok';
  return (
    <span className="meter" aria-hidden="true">
      <span className={`meter__fill meter__fill--${tone}`} style={{ width: `${pct}%` }} />
    </span>
  );
}

/** The machine's CPU and memory: the latest figures and their last few minutes. */
export function SystemResources({ system, samples }: { system: Resources | null; samples: Resources[] | null }) {
  const cols = useMemo(() => systemColumns(samples ?? []), [samples]);
  const cpuSeries = useMemo<ChartSeries[]>(() => [{ label: 'CPU', values: cols.values.cpu, color: 'blue', fill: true }], [cols]);
  const memSeries = useMemo<ChartSeries[]>(() => [{ label: 'Used', values: cols.values.mem, color: 'violet', fill: true }], [cols]);
  return (
    <Section title="System" className="span-6">
      {system === null ? (
        <p className="empty">Not sampled yet — the first sample comes with the next health tick.</p>
      ) : (
        <dl className="stats stats--2">
          <div className="stat">
            <dt>CPU</dt>
            <dd>
              <span className="stat__value">{formatPercent(system.cpuPercent)}</span>
              <Meter fraction={system.cpuPercent / 100} />
            </dd>
          </div>
          <div className="stat">
            <dt>Memory</dt>
            <dd>
              <span className="stat__value">{formatBytes(system.memUsedBytes)}</span>
              <span className="stat__sub">of {formatBytes(system.memTotalBytes)}</span>
              <Meter fraction={system.memTotalBytes > 0 ? system.memUsedBytes / system.memTotalBytes : 0} />
            </dd>
          </div>
        </dl>
      )}
      <div className="charts">
        <TimeSeriesChart title="CPU (all cores)" timestamps={cols.ts} series={cpuSeries} format={formatPercent} yRange={[0, 100]} syncKey="overview" height={130} />
        <TimeSeriesChart
          title="Memory used"
          timestamps={cols.ts}
          series={memSeries}
          format={formatBytes}
          yMinTop={1024 * 1024 * 1024}
          syncKey="overview"
          height={130}
        />
      </div>
    </Section>
  );
}
