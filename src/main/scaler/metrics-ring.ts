/**
 * A fixed-size ring of samples for live charts: one Float64Array per series plus one for the
 * sample times, allocated once, so recording a tick allocates nothing and the oldest sample is
 * overwritten when full. Series are named at construction (e.g. `['cpu', 'rss', 'inFlight',
 * 'instances', 'desired']`).
 */
export interface MetricsRingOptions<K extends string> {
  /** Samples kept per series. Default 300 (5 minutes at the default 1 s health tick). */
  capacity: number;
  /** Series names; at least one, no duplicates. */
  series: readonly K[];
}

export const DEFAULT_METRICS_RING_OPTIONS: Readonly<Pick<MetricsRingOptions<string>, 'capacity'>> = Object.freeze({ capacity: 300 });

/** Oldest first, copies (safe to post to a renderer). */
export interface MetricsRingSnapshot<K extends string> {
  times: Float64Array;
  series: Record<K, Float64Array>;
}

export class MetricsRing<K extends string> {
  readonly capacity: number;
  readonly seriesNames: readonly K[];
  private readonly times: Float64Array;
  private readonly columns: Record<K, Float64Array>;
  private next = 0;
  private count = 0;

  constructor(options: Partial<MetricsRingOptions<K>> & { series: readonly K[] }) {
    const capacity = options.capacity ?? DEFAULT_METRICS_RING_OPTIONS.capacity;
    if (!Number.isInteger(capacity) || capacity <= 0) throw new Error(`MetricsRingOptions.capacity must be a positive integer, got ${String(capacity)}`);
    if (!Array.isArray(options.series) || options.series.length === 0 || new Set(options.series).size !== options.series.length || options.series.some((s) => typeof s !== 'string' || s.length === 0)) {
      throw new Error(`MetricsRingOptions.series must be distinct non-empty names, got ${JSON.stringify(options.series)}`);
    }
    this.capacity = capacity;
    this.seriesNames = Object.freeze([...options.series]);
    this.times = new Float64Array(capacity);
    this.columns = {} as Record<K, Float64Array>;
    for (const name of this.seriesNames) this.columns[name] = new Float64Array(capacity);
  }

  /** Samples held (≤ capacity). */
  get size(): number {
    return this.count;
  }

  /** Records one sample; a series missing from `values` is recorded as NaN (a gap in the chart). */
  push(time: number, values: Partial<Record<K, number>>): void {
    this.times[this.next] = time;
    for (const name of this.seriesNames) this.columns[name][this.next] = values[name] ?? Number.NaN;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /** The newest sample, or null when empty. */
  latest(): { time: number; values: Record<K, number> } | null {
    if (this.count === 0) return null;
    const i = (this.next - 1 + this.capacity) % this.capacity;
    const values = {} as Record<K, number>;
    for (const name of this.seriesNames) values[name] = this.columns[name][i]!;
    return { time: this.times[i]!, values };
  }

  /** Everything held, oldest first, as fresh typed arrays. */
  snapshot(): MetricsRingSnapshot<K> {
    const start = (this.next - this.count + this.capacity) % this.capacity;
    const copy = (source: Float64Array): Float64Array => {
      const out = new Float64Array(this.count);
      const firstPart = Math.min(this.count, this.capacity - start);
      out.set(source.subarray(start, start + firstPart), 0);
      if (firstPart < this.count) out.set(source.subarray(0, this.count - firstPart), firstPart);
      return out;
    };
    const series = {} as Record<K, Float64Array>;
    for (const name of this.seriesNames) series[name] = copy(this.columns[name]);
    return { times: copy(this.times), series };
  }

  clear(): void {
    this.next = 0;
    this.count = 0;
  }
}
