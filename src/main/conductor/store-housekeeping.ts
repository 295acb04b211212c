import type { LogEntry } from '../../shared/domain';
import type { Disposable } from '../common/disposable';
import type { ProbeHistory } from '../health/probe-history';
import type { LogBus } from '../logging/log-bus';
import type { Logger } from '../logging/logger';
import type { Router } from '../router/router';
import type { LiveMetrics } from '../scaler/live-metrics';
import { epochMinute } from '../store/metrics-repository';
import type { Store } from '../store/store';
import type { ConductorConfig } from './config-schema';
import { messageOf } from './step-runner';

export interface StoreHousekeepingOptions {
  /** The store, once the db step has opened it. */
  store(): Store | null;
  /** The router, once its step has started (source of the request rollups). */
  router(): Router | null;
  /** Retention: `metrics.retentionDays` and `logs.retainEntries`. */
  config(): ConductorConfig;
  logBus: LogBus;
  logger: Logger;
  probeHistory: ProbeHistory;
  liveMetrics: LiveMetrics;
}

/**
 * What the conductor writes into SQLite besides events: log entries (each batch the bus delivers),
 * the per-minute rollups (requests, resources, probes) drained on the health tick, and retention
 * (old rows pruned once an hour).
 */
export class StoreHousekeeping {
  private lastPruneAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: StoreHousekeepingOptions) {}

  /**
   * Log entries go to the `logs` table for the Logs page's history: numbering continues after
   * the last stored entry, what was logged before the store opened is written now, and each batch
   * the bus delivers is written in one transaction. Disposing stops the writing.
   */
  persistLogs(store: Store): Disposable {
    const { logBus } = this.options;
    logBus.rebase(store.logs.maxSeq());
    const write = (batch: readonly LogEntry[]) => {
      if (!store.isOpen) return;
      try {
        store.logs.appendMany(batch);
      } catch (error) {
        // Not logged: a log line here would feed the bus this listener writes from.
        process.stderr.write(`could not store log entries: ${messageOf(error)}\n`);
      }
    };
    write(logBus.held());
    return logBus.onAppended(write);
  }

  /**
   * Per-minute request rollups, aggregated in memory by the router, and probe history (changes,
   * per-minute rollups), each written in one batch.
   */
  persistRollups(now: number, flush: boolean): void {
    const store = this.options.store();
    if (!store?.isOpen) return;
    const { logger } = this.options;
    const probes = this.options.probeHistory.drain(now, flush);
    if (probes.length > 0) {
      try {
        store.probeHistory.writeMany(probes);
      } catch (error) {
        logger.warn(`could not store probe history: ${messageOf(error)}`);
      }
    }
    const resources = this.options.liveMetrics.drainRollups(now, flush);
    if (resources.length > 0) {
      try {
        store.resources.writeRollups(resources);
      } catch (error) {
        logger.warn(`could not store resource rollups: ${messageOf(error)}`);
      }
    }
    const router = this.options.router();
    if (!router) return;
    const rows = router.drainRollup(flush ? { flush: true } : undefined);
    if (rows.length === 0) return;
    try {
      // The router keys a rollup by the minute's start in epoch ms; the table by epoch minute.
      store.metrics.writeRollups(rows.map((r) => ({ ...r, minute: epochMinute(r.minute) })));
    } catch (error) {
      logger.warn(`could not store request metrics: ${messageOf(error)}`);
    }
  }

  /** Retention, once an hour (and on the first tick): old rollups, events and log entries go. */
  pruneOld(now: number): void {
    const store = this.options.store();
    if (!store?.isOpen || now - this.lastPruneAt < 3_600_000) return;
    this.lastPruneAt = now;
    const config = this.options.config();
    const cutoff = now - config.metrics.retentionDays * 86_400_000;
    try {
      const removed =
        store.events.prune(cutoff) +
        store.metrics.prune(epochMinute(cutoff)) +
        store.resources.prune(epochMinute(cutoff)) +
        store.probeHistory.prune(cutoff) +
        store.logs.prune(config.logs.retainEntries);
      if (removed > 0) this.options.logger.info(`retention: removed ${removed} old row(s) (older than ${config.metrics.retentionDays} days, logs beyond ${config.logs.retainEntries} entries)`);
    } catch (error) {
      this.options.logger.warn(`retention pruning failed: ${messageOf(error)}`);
    }
  }
}
