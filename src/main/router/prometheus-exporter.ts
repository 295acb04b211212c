import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PluginSummary } from '../../shared/domain';

/** Latency buckets, seconds: 0.5 ms … 60 s. */
const LATENCY_BUCKETS_S = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

const INSTANCE_STATES = ['starting', 'ready', 'degraded', 'unready', 'draining', 'stopped', 'crashed'] as const;

export interface MetricsSource {
  plugins(): PluginSummary[];
}

/**
 * `GET /metrics` in the Prometheus text format (prom-client). Counters and gauges are read from
 * the in-memory figures when scraped; only the latency histogram is observed per call, through a
 * per-plugin child kept once (no label lookup on the request path).
 */
export class PrometheusExporter {
  readonly registry = new Registry();
  private readonly latency: Histogram<'plugin'>;
  private readonly children = new Map<string, { observe(v: number): void }>();

  constructor(source: MetricsSource) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'conductor_process_' });
    this.latency = new Histogram({
      name: 'conductor_request_duration_seconds',
      help: 'Request latency through the router, per plugin',
      labelNames: ['plugin'],
      buckets: LATENCY_BUCKETS_S,
      registers,
    });
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
      help: 'Requests that failed, per plugin',
      labelNames: ['plugin'],
      registers,
      collect() {
        this.reset();
        for (const p of source.plugins()) this.inc({ plugin: p.name }, p.metrics.errors);
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

  /** Called once per settled call (router hook); the child is looked up once per plugin. */
  observe(plugin: string, latencyMs: number): void {
    let child = this.children.get(plugin);
    if (!child) {
      child = this.latency.labels({ plugin });
      this.children.set(plugin, child);
    }
    child.observe(latencyMs / 1000);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
