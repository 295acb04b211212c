import type { MetricsHistory, PluginSample, PluginSummary, RequestMetrics, RequestSample, SystemResources } from '../../shared/domain';
import { RingBuffer } from '../common/ring-buffer';
import type { ResourceRollup } from '../store/resource-repository';

export interface LiveMetricsOptions {
  /** Samples kept per series for the live charts. Default 300 (5 minutes at the default 1 s tick). */
  capacity: number;
}

export const DEFAULT_LIVE_METRICS_OPTIONS: Readonly<LiveMetricsOptions> = Object.freeze({ capacity: 300 });

interface MinuteAccumulator {
  minute: number;
  samples: number;
  cpuSum: number;
  cpuMax: number;
  memSum: number;
  memMax: number;
}

/**
 * The charts' data, recorded once per health tick: request and per-plugin rates (from the
 * counters' deltas between ticks), in-flight, instances, CPU and memory, in rings; and per-minute
 * resource rollups (system and per plugin) handed to the store as each minute closes.
 */
export class LiveMetrics {
  private readonly options: LiveMetricsOptions;
  private readonly system: RingBuffer<SystemResources>;
  private readonly requests: RingBuffer<RequestSample>;
  private readonly plugins = new Map<string, RingBuffer<PluginSample>>();
  private previous: { ts: number; total: number; errors: number } | null = null;
  private readonly previousByPlugin = new Map<string, { total: number; errors: number }>();
  private readonly minutes = new Map<string, MinuteAccumulator>();
  private closed: ResourceRollup[] = [];

  constructor(options: Partial<LiveMetricsOptions> = {}) {
    this.options = { ...DEFAULT_LIVE_METRICS_OPTIONS, ...options };
    if (!Number.isInteger(this.options.capacity) || this.options.capacity < 1) {
      throw new Error(`LiveMetricsOptions.capacity must be a positive integer, got ${String(this.options.capacity)}`);
    }
    this.system = new RingBuffer(this.options.capacity);
    this.requests = new RingBuffer(this.options.capacity);
  }

  record(now: number, system: SystemResources | null, requests: RequestMetrics, plugins: readonly PluginSummary[]): void {
    const prev = this.previous;
    const seconds = prev ? Math.max((now - prev.ts) / 1000, 0.001) : 0;
    if (system && (this.system.latest()?.sampledAt ?? -1) !== system.sampledAt) {
      this.system.push(system);
      this.accumulate('system', now, system.cpuPercent, system.memUsedBytes);
    }
    if (prev) {
      this.requests.push({
        ts: now,
        ratePerSec: round2(Math.max(0, requests.total - prev.total) / seconds),
        errorsPerSec: round2(Math.max(0, requests.errors - prev.errors) / seconds),
        inFlight: requests.inFlight,
        p50Ms: requests.p50Ms,
        p99Ms: requests.p99Ms,
      });
    }
    for (const p of plugins) {
      const before = this.previousByPlugin.get(p.name);
      this.previousByPlugin.set(p.name, { total: p.metrics.total, errors: p.metrics.errors });
      if (p.cpuPercent !== null || p.rssBytes !== null) this.accumulate(p.name, now, p.cpuPercent ?? 0, p.rssBytes ?? 0);
      if (!prev || !before) continue;
      let ring = this.plugins.get(p.name);
      if (!ring) {
        ring = new RingBuffer(this.options.capacity);
        this.plugins.set(p.name, ring);
      }
      let inFlight = 0;
      let instances = 0;
      for (const i of p.instances) {
        inFlight += i.inFlight;
        if (i.state !== 'stopped' && i.state !== 'crashed') instances++;
      }
      ring.push({
        ts: now,
        ratePerSec: round2(Math.max(0, p.metrics.total - before.total) / seconds),
        errorsPerSec: round2(Math.max(0, p.metrics.errors - before.errors) / seconds),
        inFlight,
        instances,
        cpuPercent: p.cpuPercent,
        rssBytes: p.rssBytes,
      });
    }
    this.previous = { ts: now, total: requests.total, errors: requests.errors };
  }

  history(plugin?: string): MetricsHistory {
    const out: MetricsHistory = { system: this.system.toArray(), requests: this.requests.toArray() };
    if (plugin !== undefined) out.plugin = this.plugins.get(plugin)?.toArray() ?? [];
    return out;
  }

  /** Rollups of the minutes closed since the last call; `flush` closes the current ones too. */
  drainRollups(now: number, flush = false): ResourceRollup[] {
    const minute = Math.floor(now / 60_000);
    for (const [subject, acc] of this.minutes) {
      if (flush || acc.minute < minute) {
        this.closed.push(rollupOf(subject, acc));
        this.minutes.delete(subject);
      }
    }
    const out = this.closed;
    this.closed = [];
    return out;
  }

  /** Forgets a plugin's series (uninstalled). */
  forget(plugin: string): void {
    this.plugins.delete(plugin);
    this.previousByPlugin.delete(plugin);
  }

  private accumulate(subject: string, now: number, cpu: number, mem: number): void {
    const minute = Math.floor(now / 60_000);
    let acc = this.minutes.get(subject);
    if (acc && acc.minute !== minute) {
      this.closed.push(rollupOf(subject, acc));
      acc = undefined;
    }
    if (!acc) {
      acc = { minute, samples: 0, cpuSum: 0, cpuMax: 0, memSum: 0, memMax: 0 };
      this.minutes.set(subject, acc);
    }
    acc.samples++;
    acc.cpuSum += cpu;
    acc.memSum += mem;
    acc.cpuMax = Math.max(acc.cpuMax, cpu);
    acc.memMax = Math.max(acc.memMax, mem);
  }
}

function rollupOf(subject: string, acc: MinuteAccumulator): ResourceRollup {
  return {
    subject,
    minute: acc.minute,
    samples: acc.samples,
    cpuAvg: round2(acc.cpuSum / acc.samples),
    cpuMax: acc.cpuMax,
    memAvg: Math.round(acc.memSum / acc.samples),
    memMax: acc.memMax,
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
