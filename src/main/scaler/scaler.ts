import type { Disposable } from '../common/disposable';
import type { ComponentReport, HealthReporter } from '../common/health';
import type { Service } from '../common/service';
import type { HealthMonitor } from '../health/health-monitor';
import type { Logger } from '../logging/logger';
import type { ResourceMonitor } from './resource-monitor';

/**
 * The scaler acts on health ticks, never on a loop of its own. For now it samples system
 * resources on every tick (for status and the resource guard); the scaling policy plugs in here.
 */
export class Scaler implements Service, HealthReporter {
  private tickSubscription: Disposable | null = null;
  private quiesced = false;
  private lastError: string | null = null;

  constructor(
    private readonly monitor: HealthMonitor,
    readonly resources: ResourceMonitor,
    private readonly log: Logger,
    private readonly onSample: () => void,
  ) {}

  async start(): Promise<void> {
    this.quiesced = false;
    // Prime systeminformation (its first CPU read is slow) so the first tick has figures.
    await this.sampleOnce();
    this.tickSubscription = this.monitor.onTick('scaler', () => (this.quiesced ? undefined : this.sampleOnce()));
  }

  quiesce(): void {
    this.quiesced = true;
  }

  async stop(): Promise<void> {
    this.quiesced = true;
    this.tickSubscription?.dispose();
    this.tickSubscription = null;
  }

  health(): ComponentReport {
    if (this.lastError !== null) return { state: 'degraded', message: `resource sampling failed: ${this.lastError}` };
    const latest = this.resources.latest();
    return latest
      ? { state: 'ready', message: `CPU ${latest.cpuPercent}%, memory ${Math.round((latest.memUsedBytes / latest.memTotalBytes) * 100)}%` }
      : { state: 'ready', message: 'waiting for the first sample' };
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
