import { useMemo } from 'react';
import type { PluginSample, StoredEvent } from '../../../../shared/domain';
import type { ErrorInfo } from '../../../../shared/result';
import { formatBytes, formatCount, formatPercent, formatRate } from '../../format';
import { pluginColumns } from '../../state/metrics-columns';
import { TimeSeriesChart, type ChartMarker, type ChartSeries } from '../charts/time-series-chart';
import { ErrorNotice } from '../error-notice';
import { Section } from '../section';
import { StateBadge } from '../state-badge';
import { describeEvent, LANE_BY_Y, LANES, laneColumns, type DescribedEvent } from './plugin-events';

/** How much history the charts show: the live metrics' ring (~5 minutes at the 1 s tick). */
export const WINDOW_MS = 5 * 60_000;
/** The shortest span shown, so a fresh plugin's first seconds are not one squeezed line. */
export const MIN_SPAN_MS = 60_000;

/**
 * The shared time axis: ends now (or at the newest sample), starts at the oldest sample or event
 * of the last 5 minutes — at least a minute back.
 */
export function timeAxis(sampleTs: readonly number[], eventTs: readonly number[], now: number): [number, number] {
  const end = Math.max(now, sampleTs[sampleTs.length - 1] ?? now);
  const floor = end - WINDOW_MS;
  let start = end - MIN_SPAN_MS;
  for (const t of [sampleTs[0], ...eventTs]) if (t !== undefined && t >= floor && t < start) start = t;
  return [start, end];
}

const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const perSecond = (v: number) => `${formatRate(v)}/s`;
const MIB = 1024 * 1024;
const count = (v: number) => formatCount(Math.round(v * 10) / 10);
const laneName = (v: number) => LANE_BY_Y.get(v)?.title ?? '';

/**
 * The plugin over the last minutes, on ONE time axis: its traffic, load, instances, CPU and
 * memory, and a lane chart of what happened (probes, breaker changes, restarts, scaling, state),
 * followed by the same events as a list in words, newest first.
 */
export function PluginTimeline({
  samples,
  events,
  eventsError,
  now,
}: {
  samples: PluginSample[] | null;
  events: StoredEvent[] | null;
  eventsError: ErrorInfo | null;
  now: number;
}) {
  const cols = useMemo(() => pluginColumns(samples ?? []), [samples]);
  const described = useMemo(() => (events ?? []).map(describeEvent), [events]);
  const xRange = timeAxis(
    cols.ts,
    described.map((e) => e.ts),
    now,
  );
  const inWindow = useMemo(() => described.filter((e) => e.ts >= now - WINDOW_MS), [described, now]);
  const lanes = useMemo(() => laneColumns(inWindow), [inWindow]);
  const markers = useMemo<ChartMarker[]>(
    () =>
      inWindow
        .filter((e) => e.lane === 'breaker' || e.lane === 'restarts' || e.lane === 'scaling')
        .map((e) => ({ ts: e.ts, color: LANES.find((l) => l.lane === e.lane)!.color, label: e.text })),
    [inWindow],
  );

  const rate = useMemo<ChartSeries[]>(
    () => [
      { label: 'Requests', values: cols.values.rate, color: 'blue', fill: true },
      { label: 'Errors', values: cols.values.errors, color: 'red' },
    ],
    [cols],
  );
  const load = useMemo<ChartSeries[]>(
    () => [
      { label: 'In flight', values: cols.values.inFlight, color: 'green' },
      { label: 'Instances', values: cols.values.instances, color: 'violet', stepped: true },
    ],
    [cols],
  );
  const cpu = useMemo<ChartSeries[]>(() => [{ label: 'CPU', values: cols.values.cpu, color: 'amber', fill: true }], [cols]);
  const rss = useMemo<ChartSeries[]>(() => [{ label: 'RSS', values: cols.values.rss, color: 'violet', fill: true }], [cols]);
  const laneSeries = useMemo<ChartSeries[]>(
    () => LANES.map((l) => ({ label: l.title, values: lanes.values[l.lane], color: l.color, dots: true })),
    [lanes],
  );

  const common = { xRange, markers, syncKey: 'plugin', height: 110 } as const;
  return (
    <Section title="Activity" className="span-12" aside={<span className="muted">up to 5 minutes · dashed lines mark breaker, restart and scaling events</span>}>
      <div className="charts charts--stack">
        <TimeSeriesChart title="Request and error rate" timestamps={cols.ts} series={rate} format={perSecond} {...common} />
        <TimeSeriesChart title="In flight and instances" timestamps={cols.ts} series={load} format={count} yMinTop={2} {...common} />
        <TimeSeriesChart title="CPU (sum of instances, % of one core)" timestamps={cols.ts} series={cpu} format={formatPercent} {...common} />
        <TimeSeriesChart title="Memory (RSS, sum of instances)" timestamps={cols.ts} series={rss} format={formatBytes} yMinTop={MIB} {...common} />
      </div>
      <TimeSeriesChart
        title="Events"
        timestamps={lanes.ts}
        series={laneSeries}
        format={laneName}
        yRange={[0.4, 5.6]}
        ySplits={LANES.map((l) => l.y)}
        xRange={xRange}
        syncKey="plugin"
        height={140}
        emptyText="No events in the last 5 minutes."
        ariaLabel={`Events of the last 5 minutes on the same time axis: ${inWindow.length} event(s); the list below describes each.`}
        summaryTable={false}
        legend={false}
      />
      <h3 className="subhead">What happened</h3>
      {eventsError && <ErrorNotice title="Could not load the events" error={eventsError} />}
      <EventList events={described} loading={events === null} />
    </Section>
  );
}

function EventList({ events, loading }: { events: DescribedEvent[]; loading: boolean }) {
  if (loading) {
    return (
      <p className="loading">
        <span className="spinner" aria-hidden="true" /> Loading events…
      </p>
    );
  }
  if (events.length === 0) return <p className="empty">Nothing recorded yet.</p>;
  const shown = events.slice(0, 60);
  return (
    <div className="table-wrap event-list" tabIndex={0} role="group" aria-label="Events, newest first">
      <table className="table table--events">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Kind</th>
            <th scope="col">What happened</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((e) => (
            <tr key={e.id} data-kind={e.kind}>
              <td className="mono nowrap">
                <time dateTime={new Date(e.ts).toISOString()}>{TIME.format(e.ts)}</time>
              </td>
              <td className="nowrap">
                <span className={`lane-dot lane-dot--${e.lane}`} aria-hidden="true" />
                <StateBadge state={e.tone === 'busy' ? 'running' : e.tone === 'bad' ? 'failed' : e.tone === 'warn' ? 'degraded' : e.tone === 'ok' ? 'ready' : 'pending'} label={LANES.find((l) => l.lane === e.lane)!.title} />
              </td>
              <td>{e.text}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
