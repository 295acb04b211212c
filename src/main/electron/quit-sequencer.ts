/**
 * Quit sequencing for the Electron shell, as a pure state machine (no electron import): every way
 * of quitting (the app menu / `app.quit()`, closing the window, a signal, `system:shutdown`) asks
 * the sequencer, which answers what the shell should do. The first request starts ONE graceful
 * shutdown; later ones are ignored while it runs, except a second signal, which forces the exit.
 *
 *   idle ──any request──▶ shutting-down ──shutdownFinished──▶ done
 *                              └──────────second signal──────────▶ done (forced)
 */
import type { Clock } from '../common/clock';

export type QuitState = 'idle' | 'shutting-down' | 'done';

/**
 * Where a quit request came from.
 * - `before-quit`: Electron's `before-quit` (app menu, `app.quit()`, the OS ending the session).
 * - `window-close`: the main window's `close` event (the user closed the window).
 * - `window-all-closed`: the last window is gone.
 * - `signal`: SIGINT / SIGTERM.
 * - `command`: `system:shutdown` from a client.
 */
export type QuitSource = 'before-quit' | 'window-close' | 'window-all-closed' | 'signal' | 'command';

export interface QuitRequest {
  source: QuitSource;
  /** For logs and the shutdown report, e.g. `SIGINT`, `window closed`. */
  reason: string;
}

/**
 * What the shell does with a request. `preventDefault` applies to the Electron event that carried
 * it (`before-quit`, the window's `close`); it is false for sources with nothing to prevent.
 */
export type QuitDecision =
  | { kind: 'start-shutdown'; reason: string; preventDefault: boolean }
  | { kind: 'ignore'; preventDefault: boolean }
  | { kind: 'force-exit'; reason: string; exitCode: number }
  | { kind: 'proceed' };

export type ExitDecision = { kind: 'exit'; exitCode: number } | { kind: 'ignore' };

export interface QuitSequencerOptions {
  /**
   * A signal arriving within this many ms of the previous one is the same signal delivered twice
   * (a terminal sends Ctrl-C to the whole process group and the launcher forwards it as well), so
   * it does not force. Default 1000 ms.
   */
  signalDebounceMs: number;
  /** Exit code after a forced exit. Default 1. */
  forcedExitCode: number;
  /** Exit code after a shutdown that did not finish cleanly, or a failed startup. Default 1. */
  failedExitCode: number;
}

export const DEFAULT_QUIT_SEQUENCER_OPTIONS: QuitSequencerOptions = {
  signalDebounceMs: 1000,
  forcedExitCode: 1,
  failedExitCode: 1,
};

export class QuitSequencer {
  private current: QuitState = 'idle';
  private shutdownReason: string | undefined;
  private lastSignalAt: number | undefined;
  private readonly options: QuitSequencerOptions;

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    options: Partial<QuitSequencerOptions> = {},
  ) {
    this.options = { ...DEFAULT_QUIT_SEQUENCER_OPTIONS, ...options };
    for (const key of Object.keys(DEFAULT_QUIT_SEQUENCER_OPTIONS) as (keyof QuitSequencerOptions)[]) {
      const value = this.options[key];
      if (!Number.isInteger(value) || value < 0) {
        throw new RangeError(`QuitSequencerOptions.${key} must be a non-negative integer, got ${String(value)}`);
      }
    }
  }

  get state(): QuitState {
    return this.current;
  }

  /** Why the shutdown in progress (or done) was started. */
  get reason(): string | undefined {
    return this.shutdownReason;
  }

  /** A quit request from any source; the answer says what the shell should do. */
  request(request: QuitRequest): QuitDecision {
    const blocksDefault = request.source === 'before-quit' || request.source === 'window-close';
    switch (this.current) {
      case 'idle':
        this.current = 'shutting-down';
        this.shutdownReason = request.reason;
        if (request.source === 'signal') this.lastSignalAt = this.clock.now();
        // The window stays open to show the shutdown's progress; the shell exits when it is done.
        return { kind: 'start-shutdown', reason: request.reason, preventDefault: blocksDefault };
      case 'shutting-down':
        if (request.source === 'signal') {
          const now = this.clock.now();
          const duplicate = this.lastSignalAt !== undefined && now - this.lastSignalAt < this.options.signalDebounceMs;
          if (!duplicate) {
            this.current = 'done';
            return { kind: 'force-exit', reason: request.reason, exitCode: this.options.forcedExitCode };
          }
          return { kind: 'ignore', preventDefault: false };
        }
        // Quitting again (menu, `app.quit()`) must not end the process under the shutdown; closing the
        // window while it runs is allowed (the user need not watch), the shutdown carries on.
        return { kind: 'ignore', preventDefault: request.source === 'before-quit' };
      case 'done':
        return blocksDefault ? { kind: 'proceed' } : { kind: 'ignore', preventDefault: false };
    }
  }

  /** The conductor's shutdown has returned (`clean` false if it threw or forced a step). */
  shutdownFinished(clean: boolean): ExitDecision {
    if (this.current !== 'shutting-down') return { kind: 'ignore' };
    this.current = 'done';
    return { kind: 'exit', exitCode: clean ? 0 : this.options.failedExitCode };
  }

  /**
   * The conductor's startup failed. When idle the shell reports it and exits; when a quit request
   * already started the shutdown (a quit during startup makes `start()` fail), the shutdown's own
   * end decides the exit.
   */
  startupFailed(): ExitDecision {
    if (this.current !== 'idle') return { kind: 'ignore' };
    this.current = 'done';
    return { kind: 'exit', exitCode: this.options.failedExitCode };
  }
}

/**
 * Whether a reason handed to `Conductor.onShutdownRequested` names a signal (the signals step
 * passes the signal's name, e.g. `SIGINT`), as opposed to `system:shutdown`.
 */
export function isSignalReason(reason: string): boolean {
  return /\bSIG[A-Z0-9]+\b/.test(reason);
}
