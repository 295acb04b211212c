import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { PluginSummary } from '../../shared/domain';
import type { ErrorCode } from '../../shared/result';

/** Latency buckets, seconds: 0.5 ms … 60 s. */
const LATENCY_BUCKETS_S = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

const INSTANCE_STATES = ['starting', 'ready', 'degraded', 'unready', 'draining', 'stopped', 'crashed'] as const;

export interface MetricsSource {
  plugins(): PluginSummary[];
  /** A plugin's failed requests since start, by their final code (codes seen only). */
  errorsByCode(plugin: string): Partial<Record<ErrorCode, number>>;
}

/** One plugin's latency series: plain counters, bumped per call. */
interface LatencySeries {
  readonly labels: { plugin: string };
  /** Per bucket (not cumulative); beyond the last bound only `count` grows (the +Inf bucket). */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

type MetricValue = { labels: Record<string, string | number>; sharedLabels?: Record<string, string>; value: number; metricName: string; exemplar?: null };

/**
 * A per-plugin latency histogram that prom-client's registry scrapes like its own `Histogram`
 * (same names, labels, values and text), but whose `observe` only bumps a counter: prom-client's
 * labelled `observe` builds a label hash and a few objects per call (≈ 3 % of main's CPU at
 * 256 outstanding echo requests).
 */
class PluginLatencyHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, LatencySeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {}

  observe(plugin: string, seconds: number): void {
    if (!Number.isFinite(seconds)) return;
    let series = this.series.get(plugin);
    if (series === undefined) {
      series = { labels: { plugin }, counts: new Float64Array(this.bounds.length), sum: 0, count: 0 };
      this.series.set(plugin, series);
    }
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (seconds <= bounds[i]!) {
        series.counts[i]!++;
        break;
      }
    }
    series.sum += seconds;
    series.count += 1;
  }

  /** Called by the registry for the text format: bucket labels apart from the series' labels. */
  async getForPromString(): Promise<{ name: string; help: string; type: string; values: MetricValue[]; aggregator: string }> {
    const bucket = `${this.name}_bucket`;
    const values: MetricValue[] = [];
    for (const s of this.series.values()) {
      let acc = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        acc += s.counts[i]!;
        values.push({ labels: { le: this.bounds[i]! }, sharedLabels: s.labels, value: acc, metricName: bucket, exemplar: null });
      }
      values.push({ labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.count, metricName: bucket, exemplar: null });
      values.push({ labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** Called by the registry for JSON: every label on each value. */
  async get(): Promise<{ name: string; help: string; type: string; values: MetricValue[]; aggregator: string }> {
    const data = await this.getForPromString();
    data.values = data.values.map(({ sharedLabels, labels, ...rest }) => ({ ...rest, labels: { ...labels, ...sharedLabels } }));
    return data;
  }

  reset(): void {
    this.series.clear();
  }
}

/**
 * `GET /metrics` in the Prometheus text format (prom-client). Counters and gauges are read from
 * the in-memory figures when scraped; only the latency histogram is observed per call, and that
 * only bumps per-plugin counters (see `PluginLatencyHistogram`).
 */
export class PrometheusExporter {
  readonly registry = new Registry();
  private readonly latency: PluginLatencyHistogram;

  constructor(source: MetricsSource) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'conductor_process_' });
    this.latency = new PluginLatencyHistogram('conductor_request_duration_seconds', 'Latency of each call the router sent to an instance (a retried request counts each attempt), per plugin', LATENCY_BUCKETS_S);
    // The registry only needs what it scrapes (name, get/getForPromString, reset); not a prom-client class.
    this.registry.registerMetric(this.latency as unknown as Parameters<Registry['registerMetric']>[0]);
    new Counter({
      name: 'conductor_requests_total',
      help: 'Requests settled, per plugin',
      labelNames: ['plugin'],
      registers,
      collect() {
        this.reset();
        for (const p of source.plugins()) this.inc({ plugin: p.name }, p.metrics.total);
      },
    });
    new Counter({
      name: 'conductor_request_errors_total',
      help: 'Requests that failed, per plugin and error code (a series per code seen)',
      labelNames: ['plugin', 'code'],
      registers,
      collect() {
        this.reset();
        for (const p of source.plugins()) {
          for (const [code, n] of Object.entries(source.errorsByCode(p.name))) this.inc({ plugin: p.name, code }, n);
        }
      },
    });
    new Counter({
      name: 'conductor_instance_restarts_total',
      help: 'Instances restarted after a crash, per plugin',
      labelNames: ['plugin'],
      registers,
      collect() {
        this.reset();
        for (const p of source.plugins()) this.inc({ plugin: p.name }, p.restarts);
      },
    });
    new Gauge({
      name: 'conductor_instances',
      help: 'Instances per plugin and state',
      labelNames: ['plugin', 'state'],
      registers,
      collect() {
        this.reset();
        for (const p of source.plugins()) {
          for (const state of INSTANCE_STATES) this.set({ plugin: p.name, state }, p.instances.filter((i) => i.state === state).length);
        }
      },
    });
    new Gauge({
      name: 'conductor_queue_depth',
      help: 'Requests waiting in the plugin queue',
      labelNames: ['plugin'],
      registers,
      collect() {
        this.reset();
        for (const p of source.plugins()) this.set({ plugin: p.name }, p.queueDepth);
      },
    });
    new Gauge({
      name: 'conductor_plugin_up',
      help: '1 when the plugin is ready or idle (scaled to zero), else 0',
      labelNames: ['plugin', 'state'],
      registers,
      collect() {
        this.reset();
        for (const p of source.plugins()) this.set({ plugin: p.name, state: p.state }, p.state === 'ready' || p.state === 'idle' ? 1 : 0);
      },
    });
  }

  /** Called once per settled call (router hook). */
  observe(plugin: string, latencyMs: number): void {
    this.latency.observe(plugin, latencyMs / 1000);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
