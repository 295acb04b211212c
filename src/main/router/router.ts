import type { RequestMetrics } from '../../shared/domain';
import { ConductorError } from '../../shared/result';
import type { Clock } from '../common/clock';
import type { ComponentReport, HealthReporter } from '../common/health';
import type { Service } from '../common/service';
import { RequestMetricsRecorder } from './request-metrics';

export interface RouteTarget {
  capability?: string;
  plugin?: string;
}

/** Finds who can serve a request; the plugin runtime provides this. */
export interface RouteResolver {
  /** Whether some loaded plugin provides the target (even if none of its instances is ready). */
  knows(target: RouteTarget): boolean;
  /** Hands the request to an instance and resolves with its answer. */
  dispatch(target: RouteTarget, payload: unknown, deadline: number): Promise<unknown>;
}

/**
 * The request router: a gate (closed while shutting down), in-memory metrics, and routing by
 * capability or plugin name to whatever resolver the plugin runtime registers.
 */
export class Router implements Service, HealthReporter {
  private open = false;
  private resolver: RouteResolver | null = null;
  readonly metrics: RequestMetricsRecorder;

  constructor(private readonly clock: Clock) {
    this.metrics = new RequestMetricsRecorder(clock);
  }

  async start(): Promise<void> {
    this.open = true;
  }

  /** Close the gate: new requests get E_SHUTTING_DOWN at once. */
  quiesce(): void {
    this.open = false;
  }

  async stop(): Promise<void> {
    this.open = false;
  }

  setResolver(resolver: RouteResolver | null): void {
    this.resolver = resolver;
  }

  get isOpen(): boolean {
    return this.open;
  }

  async request(target: RouteTarget, payload: unknown, timeoutMs: number): Promise<unknown> {
    if (!this.open) throw new ConductorError('E_SHUTTING_DOWN', 'the conductor is shutting down');
    const name = target.plugin ?? target.capability ?? '';
    if (this.resolver === null || !this.resolver.knows(target)) {
      throw target.plugin !== undefined
        ? new ConductorError('E_PLUGIN_NOT_FOUND', `no plugin named "${name}" is loaded`, { field: 'plugin' })
        : new ConductorError('E_NOT_FOUND', `no loaded plugin provides capability "${name}"`, { field: 'capability' });
    }
    const started = this.clock.now();
    this.metrics.begin();
    let failed = true;
    try {
      const value = await this.resolver.dispatch(target, payload, started + timeoutMs);
      failed = false;
      return value;
    } finally {
      this.metrics.end(this.clock.now() - started, failed);
    }
  }

  snapshot(): RequestMetrics {
    return this.metrics.snapshot();
  }

  health(): ComponentReport {
    return this.open ? { state: 'ready', message: this.resolver ? 'routing' : 'no plugin runtime attached' } : { state: 'down', message: 'gate closed' };
  }
}
