import type { Logger } from '../logging/logger';
import type { ProcessSampler, ProcessUsage } from '../scaler/process-sampler';

/**
 * Per-instance CPU and RSS, refreshed on the health tick from a per-pid sampler (/proc on
 * Linux). A refresh still running when the next tick comes is not doubled up. Thread instances
 * share the conductor's pid and have no figures of their own.
 */
export class InstanceUsage {
  private latest = new Map<number, ProcessUsage>();
  private running = false;
  private failedOnce = false;

  constructor(
    private readonly sampler: ProcessSampler,
    private readonly log: Logger,
    private readonly onUpdate: () => void,
  ) {}

  /** Samples these pids (those of process instances); pids no longer asked about are forgotten. */
  refresh(pids: readonly number[]): void {
    if (this.running) return;
    if (pids.length === 0) {
      if (this.latest.size > 0) {
        this.latest = new Map();
        this.onUpdate();
      }
      return;
    }
    this.running = true;
    this.sampler
      .sampleProcesses(pids)
      .then(
        (usage) => {
          this.latest = usage;
          this.onUpdate();
        },
        (error: unknown) => {
          if (!this.failedOnce) this.log.warn(`per-instance CPU/memory sampling failed: ${error instanceof Error ? error.message : String(error)}`);
          this.failedOnce = true;
        },
      )
      .finally(() => {
        this.running = false;
      });
  }

  of(pid: number | null): ProcessUsage | undefined {
    return pid === null ? undefined : this.latest.get(pid);
  }
}
