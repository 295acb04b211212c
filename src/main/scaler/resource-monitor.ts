import si from 'systeminformation';
import type { SystemResources } from '../../shared/domain';
import type { Clock } from '../common/clock';

/** Reads system CPU and memory; injected so tests can supply figures. */
export interface SystemSampler {
  sample(): Promise<{ cpuPercent: number; memUsedBytes: number; memTotalBytes: number }>;
}

/** systeminformation's figures: CPU load since the previous call, memory in active use. */
export const systemInformationSampler: SystemSampler = {
  async sample() {
    const [load, mem] = await Promise.all([si.currentLoad(), si.mem()]);
    return { cpuPercent: round1(load.currentLoad), memUsedBytes: mem.active, memTotalBytes: mem.total };
  },
};

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

export interface ResourceMonitorOptions {
  /** Samples kept for live charts. Default 300 (5 minutes at the default tick). */
  historySize: number;
}

export const DEFAULT_RESOURCE_MONITOR_OPTIONS: ResourceMonitorOptions = { historySize: 300 };

/**
 * System resources, sampled on the health tick (it has no loop of its own) into a ring buffer.
 * The first systeminformation CPU call is slow (~0.5 s), so `start` primes it once.
 */
export class ResourceMonitor {
  private readonly options: ResourceMonitorOptions;
  private readonly ring: (SystemResources | undefined)[];
  private next = 0;
  private count = 0;

  constructor(
    private readonly sampler: SystemSampler,
    private readonly clock: Clock,
    options: Partial<ResourceMonitorOptions> = {},
  ) {
    this.options = { ...DEFAULT_RESOURCE_MONITOR_OPTIONS, ...options };
    if (!Number.isInteger(this.options.historySize) || this.options.historySize <= 0) {
      throw new Error(`ResourceMonitor: historySize must be a positive integer, got ${String(this.options.historySize)}`);
    }
    this.ring = new Array(this.options.historySize);
  }

  async sample(): Promise<SystemResources> {
    const figures = await this.sampler.sample();
    const sample: SystemResources = { ...figures, sampledAt: this.clock.now() };
    this.ring[this.next] = sample;
    this.next = (this.next + 1) % this.ring.length;
    this.count = Math.min(this.count + 1, this.ring.length);
    return sample;
  }

  latest(): SystemResources | null {
    if (this.count === 0) return null;
    return this.ring[(this.next - 1 + this.ring.length) % this.ring.length] ?? null;
  }

  /** Oldest first. */
  history(): SystemResources[] {
    const out: SystemResources[] = [];
    const start = (this.next - this.count + this.ring.length) % this.ring.length;
    for (let i = 0; i < this.count; i++) out.push(this.ring[(start + i) % this.ring.length]!);
    return out;
  }
}
