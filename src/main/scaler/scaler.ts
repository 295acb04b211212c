import type { Clock } from '../common/clock';
import { toDisposable, type Disposable } from '../common/disposable';
import type { ComponentReport, HealthReporter } from '../common/health';
import type { Service } from '../common/service';
import type { HealthMonitor } from '../health/health-monitor';
import type { Logger } from '../logging/logger';
import type { ResourceMonitor } from './resource-monitor';
import { ScalingPolicy, type ScalingDecision, type ScalingInput, type ScalingPolicyOptions } from './scaling-policy';

/** What the scaler needs from the plugin manager (attached once plugins load). */
export interface ScalingTarget {
  /** Every enabled, valid plugin, idle ones included, with its figures for this tick. */
  scalingInputs(): Array<{ plugin: string; input: Omit<ScalingInput, 'system' | 'now'> }>;
  /** Carry out a decision whose count changed. */
  scaleTo(plugin: string, decision: ScalingDecision): void;
}

export interface ScalerOptions {
  /** Passed to every plugin's policy (stabilisation, cooldown, tolerance, guard thresholds…). */
  policy: Partial<ScalingPolicyOptions>;
}

/**
 * The scaler acts on health ticks, never on a loop of its own: each tick it samples system
 * resources, then asks each plugin's policy for a decision (idle plugins included) and hands
 * changes to the plugin manager. Every decision that changes the count or is blocked is reported
 * (`onDecision`) with its inputs and a reason in words.
 */
export class Scaler implements Service, HealthReporter {
  private tickSubscription: Disposable | null = null;
  private quiesced = false;
  private lastError: string | null = null;
  private target: ScalingTarget | null = null;
  private readonly policies = new Map<string, ScalingPolicy>();
  private readonly latest = new Map<string, ScalingDecision>();
  private readonly blockedShown = new Set<string>();

  constructor(
    private readonly monitor: HealthMonitor,
    readonly resources: ResourceMonitor,
    private readonly log: Logger,
    private readonly onSample: () => void,
    private readonly clock: Clock,
    private readonly onDecision: (plugin: string, decision: ScalingDecision) => void = () => {},
    private readonly options: ScalerOptions = { policy: {} },
  ) {}

  async start(): Promise<void> {
    this.quiesced = false;
    // Prime systeminformation (its first CPU read is slow) so the first tick has figures.
    await this.sampleOnce();
    this.tickSubscription = this.monitor.onTick('scaler', () => (this.quiesced ? undefined : this.onTick()));
  }

  /** The plugin manager attaches itself when plugins load. */
  attach(target: ScalingTarget): Disposable {
    this.target = target;
    return toDisposable(() => {
      if (this.target === target) this.target = null;
    });
  }

  quiesce(): void {
    this.quiesced = true;
  }

  async stop(): Promise<void> {
    this.quiesced = true;
    this.tickSubscription?.dispose();
    this.tickSubscription = null;
  }

  /** The latest decision that changed a count or was blocked, per plugin. */
  latestDecision(plugin: string): ScalingDecision | undefined {
    return this.latest.get(plugin);
  }

  /** Forget a plugin's policy (disabled or uninstalled: its history no longer applies). */
  forget(plugin: string): void {
    this.policies.delete(plugin);
    this.latest.delete(plugin);
    this.blockedShown.delete(plugin);
  }

  health(): ComponentReport {
    if (this.lastError !== null) return { state: 'degraded', message: `resource sampling failed: ${this.lastError}` };
    const latest = this.resources.latest();
    return latest
      ? { state: 'ready', message: `CPU ${latest.cpuPercent}%, memory ${Math.round((latest.memUsedBytes / latest.memTotalBytes) * 100)}%` }
      : { state: 'ready', message: 'waiting for the first sample' };
  }

  private async onTick(): Promise<void> {
    await this.sampleOnce();
    if (!this.quiesced) this.evaluate();
  }

  /** One decision per plugin; public so tests can drive it with an injected clock. */
  evaluate(): void {
    if (!this.target) return;
    const sample = this.resources.latest();
    const system = sample ? { cpuPercent: sample.cpuPercent, memPercent: (sample.memUsedBytes / sample.memTotalBytes) * 100 } : null;
    for (const { plugin, input } of this.target.scalingInputs()) {
      let policy = this.policies.get(plugin);
      if (!policy) {
        policy = new ScalingPolicy(this.clock, this.options.policy);
        this.policies.set(plugin, policy);
      }
      const decision = policy.decide({ ...input, system, now: this.clock.now() });
      if (decision.changed) {
        this.blockedShown.delete(plugin);
        this.latest.set(plugin, decision);
        this.log.info(`${plugin}: ${decision.reason}`);
        this.onDecision(plugin, decision);
        this.target.scaleTo(plugin, decision);
      } else if (decision.blocked) {
        // A blocked scale-up is recorded once per episode, not every tick.
        if (!this.blockedShown.has(plugin)) {
          this.blockedShown.add(plugin);
          this.latest.set(plugin, decision);
          this.log.warn(`${plugin}: ${decision.reason}`);
          this.onDecision(plugin, decision);
        }
      } else {
        this.blockedShown.delete(plugin);
      }
    }
  }

  private async sampleOnce(): Promise<void> {
    try {
      await this.resources.sample();
      this.lastError = null;
      this.onSample();
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      this.log.warn(`resource sampling failed: ${this.lastError}`);
    }
  }
}
