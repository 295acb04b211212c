import type { Service } from '../common/service';
import type { Logger } from '../logging/logger';

/** The part of `process` the signal step uses; injected so tests can raise signals. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

export const HANDLED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * A repeat of the same signal within this window counts once: a terminal's Ctrl-C reaches the
 * whole process group, so under `npm run headless` the conductor gets SIGINT from the terminal and
 * again from npm forwarding it. A person pressing Ctrl-C twice to force is slower than this.
 */
export const SIGNAL_REPEAT_WINDOW_MS = 300;

/**
 * Startup step 8. The first SIGINT/SIGTERM/SIGHUP asks for a graceful shutdown; any later one
 * forces it. Stopping this step (the first step unwound) does not remove the handlers — a signal
 * during shutdown must still force it — it only records that we are going down; `dispose`
 * removes them when the host exits.
 */
export class SignalHandlers implements Service {
  private count = 0;
  private installed = false;
  private last: { signal: NodeJS.Signals; at: number } | null = null;
  private readonly listeners = new Map<NodeJS.Signals, () => void>();

  constructor(
    private readonly source: SignalSource,
    private readonly requestShutdown: (reason: string) => void,
    private readonly forceShutdown: (reason: string) => void,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
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
    const at = this.now();
    const repeat = this.last !== null && this.last.signal === signal && at - this.last.at < SIGNAL_REPEAT_WINDOW_MS;
    this.last = { signal, at };
    if (repeat) {
      this.log.debug(`${signal} repeated within ${SIGNAL_REPEAT_WINDOW_MS} ms: counted once`);
      return;
    }
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
