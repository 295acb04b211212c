import type { Logger } from '../logging/logger';
import type { Store } from '../store/store';
import { messageOf } from './step-runner';

/**
 * Lifecycle and audit events into the store's `events` table. Events recorded before the database
 * is open are held, and written in one batch by `flush` once it is.
 */
export class EventJournal {
  private pending: { kind: string; source: string; data: Record<string, unknown> }[] = [];

  constructor(
    private readonly store: () => Store | null,
    private readonly logger: Logger,
  ) {}

  /** Stores an event, or holds it until the database is open. */
  record(kind: string, source: string, data: Record<string, unknown>): void {
    const store = this.store();
    if (store?.isOpen) {
      try {
        store.events.append(kind, source, data);
      } catch (error) {
        this.logger.error(`could not store event ${kind}: ${messageOf(error)}`);
      }
    } else {
      this.pending.push({ kind, source, data });
    }
  }

  /** Writes the held events, when the database is open. */
  flush(): void {
    const store = this.store();
    if (!store?.isOpen || this.pending.length === 0) return;
    store.events.appendMany(this.pending.splice(0));
  }
}
