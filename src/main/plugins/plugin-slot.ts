import { basename } from 'node:path';
import type { InstanceSummary, PluginMetrics, PluginState, PluginSummary, QuarantineCause, ScalingSummary } from '../../shared/domain';
import type { Disposable } from '../common/disposable';
import type { RoutableInstance } from './instance-types';
import type { DiscoveredPlugin } from './discovery';
import type { ManagedInstance } from './instance';
import type { PluginManifest } from './manifest';
import type { PluginHealth } from './plugin-health';

/** Everything the manager keeps about one plugin: its manifest, state, bounds and instances. */
export class PluginSlot {
  state: PluginState;
  reason: string | undefined;
  enabled: boolean;
  min: number;
  max: number;
  config: Record<string, unknown> = {};
  /** Running (or starting/draining) instances; the router reads this very array. */
  readonly instances: ManagedInstance[] = [];
  readonly disposables = new Map<ManagedInstance, Disposable[]>();
  nextInstanceNo = 1;
  /** Breakers, restart backoff, crash-loop detector, probes (created with the first instance). */
  health: PluginHealth | null = null;
  /** Set while quarantined (crash loop). */
  quarantine: QuarantineCause | undefined;
  /** The scaler's latest decision, for status. */
  lastScaling: ScalingSummary | undefined;
  /** The instance count the scaler asked for (null: none yet; `min`..`max` apply). */
  desired: number | null = null;
  /** The router's `total` at the previous scaling tick (idle = nothing arrived since). */
  lastTotal = 0;
  /** Instances being replaced by the health monitor (liveness, startup or memory). */
  readonly recycling = new Map<ManagedInstance, string>();
  restartTimer: Disposable | null = null;
  /** Values of its secrets, redacted from its log lines. */
  secretValues: string[] = [];
  /** Instances restarted after a crash, for status and /metrics. */
  restarts = 0;
  routerRegistration: Disposable | null = null;
  /** Serialises management operations (enable, restart, bounds…) on this plugin. */
  private queue: Promise<void> = Promise.resolve();

  constructor(public plugin: DiscoveredPlugin) {
    const m = plugin.manifest;
    this.state = plugin.valid ? 'stopped' : 'invalid';
    this.reason = plugin.reason;
    this.enabled = m?.enabled ?? false;
    this.min = m?.instances.min ?? 0;
    this.max = m?.instances.max ?? 1;
  }

  /** The manifest's name; without a readable manifest the folder's name, as discovery's summary shows it. */
  get name(): string {
    return this.plugin.manifest?.name ?? basename(this.plugin.dir);
  }

  get manifest(): PluginManifest {
    if (!this.plugin.manifest) throw new Error(`plugin at ${this.plugin.dir} has no valid manifest`);
    return this.plugin.manifest;
  }

  get routable(): readonly RoutableInstance[] {
    return this.instances;
  }

  /** Runs `fn` after every earlier operation on this plugin has finished. */
  serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  readyCount(): number {
    let n = 0;
    for (const i of this.instances) if (i.state === 'ready' || i.state === 'degraded') n++;
    return n;
  }

  instanceSummaries(usage?: (pid: number | null) => { cpuPercent: number; rssBytes: number } | undefined): InstanceSummary[] {
    return this.instances.map((i) => ({
      id: i.id,
      pid: i.pid,
      threadId: i.threadId,
      state: i.state,
      startedAt: i.startedAt,
      inFlight: i.inFlight,
      served: i.served,
      errors: i.errors,
      breaker: this.health?.breakerState(i) ?? 'closed',
      cpuPercent: usage?.(i.pid)?.cpuPercent ?? null,
      rssBytes: usage?.(i.pid)?.rssBytes ?? null,
    }));
  }

  summary(metrics: PluginMetrics, queueDepth: number, usage?: (pid: number | null) => { cpuPercent: number; rssBytes: number } | undefined): PluginSummary {
    const m = this.plugin.manifest;
    const instances = this.instanceSummaries(usage);
    let cpuPercent: number | null = null;
    let rssBytes: number | null = null;
    for (const i of instances) {
      if (i.cpuPercent !== null) cpuPercent = (cpuPercent ?? 0) + i.cpuPercent;
      if (i.rssBytes !== null) rssBytes = (rssBytes ?? 0) + i.rssBytes;
    }
    const summary: PluginSummary = {
      name: this.name,
      version: m?.version ?? '?',
      description: m?.description ?? '',
      state: this.state,
      dir: this.plugin.dir,
      runtime: m?.runtime ?? 'node',
      isolation: m?.isolation ?? 'process',
      capabilities: m?.capabilities ?? [],
      dependsOn: m?.dependsOn ?? [],
      required: m?.required ?? false,
      enabled: this.enabled,
      min: this.min,
      max: this.max,
      instances,
      queueDepth,
      restarts: this.restarts,
      metrics,
      origin: this.plugin.origin,
      cpuPercent: cpuPercent === null ? null : Math.round(cpuPercent * 10) / 10,
      rssBytes,
    };
    if (this.reason !== undefined) summary.reason = this.reason;
    if (this.quarantine !== undefined) summary.quarantine = { ...this.quarantine, lastLines: [...this.quarantine.lastLines] };
    if (this.lastScaling !== undefined) summary.lastScaling = { ...this.lastScaling };
    return summary;
  }
}
