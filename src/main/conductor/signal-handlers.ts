import type { Service } from '../common/service';
import type { Logger } from '../logging/logger';

/** The part of `process` the signal step uses; injected so tests can raise signals. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

export const HANDLED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Startup step 8. The first SIGINT/SIGTERM/SIGHUP asks for a graceful shutdown; any later one
 * forces it. Stopping this step (the first step unwound) does not remove the handlers — a signal
 * during shutdown must still force it — it only records that we are going down; `dispose`
 * removes them when the host exits.
 */
export class SignalHandlers implements Service {
  private count = 0;
  private installed = false;
  private readonly listeners = new Map<NodeJS.Signals, () => void>();

  constructor(
    private readonly source: SignalSource,
    private readonly requestShutdown: (reason: string) => void,
    private readonly forceShutdown: (reason: string) => void,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    if (this.installed) return;
    for (const signal of HANDLED_SIGNALS) {
      const listener = () => this.onSignal(signal);
      this.listeners.set(signal, listener);
      this.source.on(signal, listener);
    }
    this.installed = true;
  }

  async stop(): Promise<void> {
    // Handlers stay until dispose(): a signal during the rest of the shutdown forces it.
    this.count = Math.max(this.count, 1);
  }

  dispose(): void {
    for (const [signal, listener] of this.listeners) this.source.off(signal, listener);
    this.listeners.clear();
    this.installed = false;
  }

  private onSignal(signal: NodeJS.Signals): void {
    this.count++;
    if (this.count === 1) {
      this.log.info(`${signal} received: shutting down gracefully (send it again to force)`);
      this.requestShutdown(signal);
    } else {
      this.log.warn(`${signal} received again: forcing shutdown`);
      this.forceShutdown(signal);
    }
  }
}
