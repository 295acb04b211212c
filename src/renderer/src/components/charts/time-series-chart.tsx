/**
 * A time-series chart on uPlot: responsive width, colours from the theme's CSS variables (it is
 * rebuilt when the OS switches between light and dark), units on the y axis, optional event
 * markers (vertical lines) and a shared cursor between charts with the same `syncKey`.
 *
 * Accessible: the canvas sits in a `role="img"` whose label says what the chart shows and its
 * latest values; a visually hidden table gives each series' latest, min and max.
 */
import { useEffect, useId, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useElementWidth } from '../../hooks/use-element-width';
import { usePrefersDark } from '../../hooks/use-prefers-dark';
import { chartLabel, seriesStats, windowText } from './chart-summary';

/** Colour tokens: each maps to a CSS variable of the theme (styles.css, `--chart-*`). */
export type ChartColor = 'blue' | 'red' | 'green' | 'amber' | 'violet' | 'grey';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  color: ChartColor;
  /** Fill the area under the line (one series per chart looks best). */
  fill?: boolean;
  /** Step line (counts such as instances). */
  stepped?: boolean;
  /** Dots only, no line (events). */
  dots?: boolean;
}

export interface ChartMarker {
  /** Clock time, ms. */
  ts: number;
  color: ChartColor;
  label: string;
}

export interface TimeSeriesChartProps {
  title: string;
  /** Sample times, ms, ascending. */
  timestamps: number[];
  series: ChartSeries[];
  /** Formats a y value with its unit (axis ticks, legend, summary). */
  format: (value: number) => string;
  /** Fixed y range, e.g. [0, 100] for percentages; otherwise from 0 to the data's max. */
  yRange?: [number, number];
  /** The automatic y range reaches at least this high (e.g. 1 MiB for memory: no "1 B" ticks). */
  yMinTop?: number;
  /** Fixed x range, ms (several charts on one time axis). */
  xRange?: [number, number];
  markers?: ChartMarker[];
  height?: number;
  /** Charts with the same key share the cursor. */
  syncKey?: string;
  /** Shown instead of the plot while there are no samples. */
  emptyText?: string;
  /** The y axis' ticks at exactly these values (e.g. lanes). */
  ySplits?: number[];
  /** Replaces the generated label (when the chart's summary is given elsewhere, e.g. a list). */
  ariaLabel?: string;
  /** The visually hidden latest/min/max table. Default true. */
  summaryTable?: boolean;
  /** The series' names under the plot. Default true. */
  legend?: boolean;
}

const X_FORMAT = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

function cssVar(el: Element, name: string, fallback: string): string {
  const value = getComputedStyle(el).getPropertyValue(name).trim();
  return value === '' ? fallback : value;
}

interface Theme {
  text: string;
  grid: string;
  colors: Record<ChartColor, string>;
}

function readTheme(el: Element): Theme {
  return {
    text: cssVar(el, '--text-muted', '#5e6878'),
    grid: cssVar(el, '--chart-grid', 'rgba(128,128,128,0.15)'),
    colors: {
      blue: cssVar(el, '--chart-blue', '#2563eb'),
      red: cssVar(el, '--chart-red', '#dc2626'),
      green: cssVar(el, '--chart-green', '#16a34a'),
      amber: cssVar(el, '--chart-amber', '#d97706'),
      violet: cssVar(el, '--chart-violet', '#7c3aed'),
      grey: cssVar(el, '--chart-grey', '#64748b'),
    },
  };
}

/** `#rrggbb` with an alpha (canvas styles need a plain colour; the theme declares hex values). */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(color.trim());
  if (!hex) return color;
  const a = Math.round(Math.min(1, Math.max(0, alpha)) * 255)
    .toString(16)
    .padStart(2, '0');
  return `#${hex[1]}${a}`;
}

/** Draws the markers as thin vertical lines over the plotting area. */
function markersPlugin(markers: { current: ChartMarker[] }, theme: { current: Theme }): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const list = markers.current;
        if (list.length === 0) return;
        const { ctx, bbox } = u;
        ctx.save();
        ctx.lineWidth = Math.max(1, devicePixelRatio);
        ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
        for (const m of list) {
          const x = Math.round(u.valToPos(m.ts / 1000, 'x', true));
          if (x < bbox.left || x > bbox.left + bbox.width) continue;
          ctx.strokeStyle = theme.current.colors[m.color];
          ctx.beginPath();
          ctx.moveTo(x, bbox.top);
          ctx.lineTo(x, bbox.top + bbox.height);
          ctx.stroke();
        }
        ctx.restore();
      },
    },
  };
}

export function TimeSeriesChart({
  title,
  timestamps,
  series,
  format,
  yRange,
  yMinTop = 1,
  xRange,
  markers,
  height = 150,
  syncKey,
  emptyText = 'Waiting for the first samples…',
  ySplits,
  ariaLabel,
  summaryTable = true,
  legend = true,
}: TimeSeriesChartProps) {
  const figureRef = useRef<HTMLElement>(null);
  const plotRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<uPlot | null>(null);
  const width = useElementWidth(figureRef);
  const dark = usePrefersDark();
  const captionId = useId();

  // Read by uPlot's callbacks, so new props apply without rebuilding the chart.
  const formatRef = useRef(format);
  formatRef.current = format;
  const xRangeRef = useRef(xRange);
  xRangeRef.current = xRange;
  const yRangeRef = useRef(yRange);
  yRangeRef.current = yRange;
  const yMinTopRef = useRef(yMinTop);
  yMinTopRef.current = yMinTop;
  const markersRef = useRef<ChartMarker[]>(markers ?? []);
  markersRef.current = markers ?? [];
  const themeRef = useRef<Theme | null>(null);

  const data = useMemo<uPlot.AlignedData>(
    () => [timestamps.map((t) => t / 1000), ...series.map((s) => s.values)] as uPlot.AlignedData,
    [timestamps, series],
  );
  const dataRef = useRef(data);
  dataRef.current = data;
  // Two samples make a time axis; with one, uPlot has no range to draw.
  const hasData = timestamps.length > 1;
  // The chart is rebuilt when its shape (series, colours, theme) changes, not for new samples.
  const shape = series.map((s) => `${s.label}:${s.color}:${s.fill ? 1 : 0}:${s.stepped ? 1 : 0}:${s.dots ? 1 : 0}`).join('|') + `/${ySplits?.join(',') ?? ''}`;

  useEffect(() => {
    const el = plotRef.current;
    if (!el || width <= 0 || !hasData) return;
    const theme = readTheme(el);
    themeRef.current = theme;
    const themeBox = { current: theme };
    const axis = (values: uPlot.Axis['values'], size?: number, splits?: number[], space?: number): uPlot.Axis => ({
      stroke: theme.text,
      ...(space !== undefined ? { space } : {}),
      grid: { stroke: theme.grid, width: 1 },
      ticks: { stroke: theme.grid, width: 1, size: 4 },
      font: '11px system-ui, sans-serif',
      values,
      ...(size !== undefined ? { size } : {}),
      ...(splits !== undefined ? { splits: () => splits } : {}),
    });
    const opts: uPlot.Options = {
      width,
      height,
      // Names only: the values are in the stats above each chart and in the hidden summary table.
      legend: { show: legend, live: false },
      cursor: { drag: { x: false, y: false }, ...(syncKey ? { sync: { key: syncKey } } : {}) },
      scales: {
        x: {
          time: true,
          range: (_u, min, max) => {
            const r = xRangeRef.current;
            return r ? [r[0] / 1000, r[1] / 1000] : [min, max];
          },
        },
        y: {
          range: (_u, _min, max) => {
            const r = yRangeRef.current;
            if (r) return r;
            const top = Number.isFinite(max) && max > 0 ? max * 1.15 : 0;
            return [0, Math.max(top, yMinTopRef.current)];
          },
        },
      },
      axes: [
        axis((_u, splits) => splits.map((s) => X_FORMAT.format(s * 1000)), 28, undefined, 80),
        axis((_u, splits) => splits.map((v) => formatRef.current(v)), 70, ySplits, 28),
      ],
      series: [
        { value: (_u, v) => (v === null || v === undefined ? '—' : X_FORMAT.format(v * 1000)) },
        ...series.map<uPlot.Series>((s) => ({
          label: s.label,
          stroke: theme.colors[s.color],
          width: 1.6,
          ...(s.fill ? { fill: withAlpha(theme.colors[s.color], 0.14) } : {}),
          ...(s.stepped ? { paths: uPlot.paths.stepped!({ align: 1 }) } : {}),
          ...(s.dots ? { paths: () => null, points: { show: true, size: 9, width: 1.5, fill: theme.colors[s.color], stroke: theme.colors[s.color] } } : { points: { show: false } }),
          spanGaps: false,
          value: (_u, v) => (v === null || v === undefined ? '—' : formatRef.current(v)),
        })),
      ],
      plugins: [markersPlugin(markersRef, themeBox)],
    };
    const chart = new uPlot(opts, dataRef.current, el);
    chartRef.current = chart;
    return () => {
      chart.destroy();
      chartRef.current = null;
    };
    // width is applied by setSize below; shape/theme/height/hasData rebuild.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, dark, height, syncKey, hasData, legend, width > 0]);

  useEffect(() => {
    chartRef.current?.setData(data);
  }, [data, xRange?.[0], xRange?.[1], markers]);

  useEffect(() => {
    const chart = chartRef.current;
    if (chart && width > 0 && chart.width !== width) chart.setSize({ width, height });
  }, [width, height]);

  const label = ariaLabel ?? chartLabel(title, series, format, windowText(timestamps));

  return (
    <figure className="chart" ref={figureRef} aria-labelledby={captionId}>
      <figcaption id={captionId} className="chart__title">
        {title}
      </figcaption>
      {hasData ? (
        <div className="chart__plot" role="img" aria-label={label} ref={plotRef} style={{ minHeight: height }} />
      ) : (
        <div className="chart__empty" role="img" aria-label={label} style={{ height }}>
          {emptyText}
        </div>
      )}
      {summaryTable && (
      <table className="visually-hidden">
        <caption>{title}: latest, lowest and highest values shown</caption>
        <thead>
          <tr>
            <th scope="col">Series</th>
            <th scope="col">Latest</th>
            <th scope="col">Lowest</th>
            <th scope="col">Highest</th>
          </tr>
        </thead>
        <tbody>
          {series.map((s) => {
            const st = seriesStats(s.values);
            const f = (v: number | null) => (v === null ? 'no data' : format(v));
            return (
              <tr key={s.label}>
                <th scope="row">{s.label}</th>
                <td>{f(st.latest)}</td>
                <td>{f(st.min)}</td>
                <td>{f(st.max)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      )}
    </figure>
  );
}
