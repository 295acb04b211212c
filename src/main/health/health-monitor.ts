import type { Clock } from '../common/clock';
import { toDisposable, type Disposable } from '../common/disposable';
import type { ComponentReport, HealthReporter } from '../common/health';
import type { Service } from '../common/service';
import type { Logger } from '../logging/logger';

export interface HealthMonitorOptions {
  /** The conductor-wide tick, ms (config `health.intervalMs`). Default 1000. */
  intervalMs: number;
}

/** A failed tick handler keeps the monitor degraded for this many ticks. */
const ERROR_MEMORY_TICKS = 30;

export const DEFAULT_HEALTH_MONITOR_OPTIONS: HealthMonitorOptions = { intervalMs: 1000 };

export interface TickContext {
  /** Clock time of this tick. */
  now: number;
  /** Tick number since start, from 1. */
  seq: number;
}

export type TickHandler = (tick: TickContext) => void | Promise<void>;

interface Registration {
  name: string;
  handler: TickHandler;
  running: boolean;
}

/**
 * Owns the one conductor-wide health tick: every periodic job (probes, resource sampling, the
 * scaler) registers a handler here instead of running a loop of its own. A handler still busy
 * from the previous tick is skipped, never stacked. `quiesce()` stops acting during shutdown.
 */
export class HealthMonitor implements Service, HealthReporter {
  private readonly options: HealthMonitorOptions;
  private readonly handlers = new Set<Registration>();
  private timer: Disposable | null = null;
  private seq = 0;
  private quiesced = false;
  private lastError: string | null = null;
  private lastErrorAt = 0;
  private lastTickAt: number | null = null;

  constructor(
    options: Partial<HealthMonitorOptions>,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    this.options = { ...DEFAULT_HEALTH_MONITOR_OPTIONS, ...options };
    if (!Number.isInteger(this.options.intervalMs) || this.options.intervalMs <= 0) {
      throw new Error(`HealthMonitor: intervalMs must be a positive integer, got ${String(this.options.intervalMs)}`);
    }
  }

  get intervalMs(): number {
    return this.options.intervalMs;
  }

  onTick(name: string, handler: TickHandler): Disposable {
    const reg: Registration = { name, handler, running: false };
    this.handlers.add(reg);
    return toDisposable(() => this.handlers.delete(reg));
  }

  async start(): Promise<void> {
    this.quiesced = false;
    this.timer?.dispose();
    this.timer = this.clock.setInterval(() => this.tick(), this.options.intervalMs);
  }

  /** Stop acting (no probes, no restarts, no scaling) while the conductor goes down. */
  quiesce(): void {
    this.quiesced = true;
  }

  async stop(): Promise<void> {
    this.quiesced = true;
    this.timer?.dispose();
    this.timer = null;
  }

  /** Runs one tick now (the interval calls this; tests may too). */
  tick(): void {
    if (this.quiesced) return;
    const ctx: TickContext = { now: this.clock.now(), seq: ++this.seq };
    this.lastTickAt = ctx.now;
    for (const reg of this.handlers) {
      if (reg.running) continue;
      let result: void | Promise<void>;
      try {
        result = reg.handler(ctx);
      } catch (error) {
        this.noteError(reg.name, error);
        continue;
      }
      if (result && typeof (result as Promise<void>).then === 'function') {
        reg.running = true;
        (result as Promise<void>).then(
          () => {
            reg.running = false;
          },
          (error: unknown) => {
            reg.running = false;
            this.noteError(reg.name, error);
          },
        );
      }
    }
  }

  /**
   * Degraded while a tick handler failed within the last `ERROR_MEMORY_TICKS` ticks (then it
   * recovers on its own), or while ticks stopped arriving (more than 5 intervals late).
   */
  health(): ComponentReport {
    const now = this.clock.now();
    if (this.lastError !== null && now - this.lastErrorAt < ERROR_MEMORY_TICKS * this.options.intervalMs) return { state: 'degraded', message: this.lastError };
    if (this.timer && !this.quiesced && this.lastTickAt !== null && now - this.lastTickAt > 5 * this.options.intervalMs) {
      return { state: 'degraded', message: `no tick for ${now - this.lastTickAt} ms (every ${this.options.intervalMs} ms expected): the main process is overloaded` };
    }
    const message = this.lastTickAt === null ? `tick every ${this.options.intervalMs} ms` : `tick every ${this.options.intervalMs} ms, ${this.seq} so far`;
    return { state: 'ready', message };
  }

  private noteError(name: string, error: unknown): void {
    this.lastError = `${name} failed on tick ${this.seq}: ${error instanceof Error ? error.message : String(error)}`;
    this.lastErrorAt = this.clock.now();
    this.log.warn(this.lastError);
  }
}
