/** Pure helpers of the time-series chart: the words a screen reader hears, the summary table. */

export interface SeriesStats {
  latest: number | null;
  min: number | null;
  max: number | null;
}

/** Latest, min and max of a series, skipping gaps (null / NaN). */
export function seriesStats(values: readonly (number | null)[]): SeriesStats {
  let latest: number | null = null;
  let min: number | null = null;
  let max: number | null = null;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    latest = v;
    min = min === null ? v : Math.min(min, v);
    max = max === null ? v : Math.max(max, v);
  }
  return { latest, min, max };
}

/** "CPU over the last 5 minutes: CPU 12% (min 3%, max 40%)." — or why there is nothing to show. */
export function chartLabel(
  title: string,
  series: readonly { label: string; values: readonly (number | null)[] }[],
  format: (v: number) => string,
  windowText: string,
): string {
  const parts = series.map((s) => {
    const st = seriesStats(s.values);
    if (st.latest === null) return `${s.label}: no data`;
    return `${s.label} ${format(st.latest)} (min ${format(st.min!)}, max ${format(st.max!)})`;
  });
  const anyData = series.some((s) => seriesStats(s.values).latest !== null);
  if (!anyData) return `${title}: no samples yet.`;
  return `${title} over ${windowText}, latest: ${parts.join('; ')}.`;
}

/** "the last 5 minutes" / "the last 40 seconds", from the span of the timestamps (ms). */
export function windowText(timestamps: readonly number[]): string {
  if (timestamps.length < 2) return 'the last moment';
  const seconds = Math.round((timestamps[timestamps.length - 1]! - timestamps[0]!) / 1000);
  if (seconds >= 90) return `the last ${Math.round(seconds / 60)} minutes`;
  return `the last ${seconds} seconds`;
}
