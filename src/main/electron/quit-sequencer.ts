/**
 * Quit sequencing for the Electron shell, as a pure state machine (no electron import): every way
 * of quitting (the app menu or `app.quit()`, the tray's Quit, closing the window when it does not
 * go to the tray, a signal, the OS ending the session, `system:shutdown`) asks the sequencer, which
 * answers what the shell should do. The first request starts ONE graceful shutdown; later ones are
 * ignored while it runs, except signals and session ends: the second forces the shutdown (the
 * conductor stops waiting on stuck steps), the third exits at once. A session end also bounds the
 * shutdown it starts: the OS will not wait long, so past `sessionEndForceAfterMs` it is forced.
 *
 *   idle ──any request──▶ shutting-down ──shutdownFinished / third signal / force timeout──▶ done
 */
import type { Clock } from '../common/clock';

export type QuitState = 'idle' | 'shutting-down' | 'done';

/**
 * Where a quit request came from.
 * - `before-quit`: Electron's `before-quit` (app menu, `app.quit()`, the OS ending the session).
 * - `window-close`: the main window's `close` event (the user closed the window).
 * - `window-all-closed`: the last window is gone.
 * - `signal`: SIGINT / SIGTERM / SIGHUP.
 * - `command`: `system:shutdown` from a client (`Conductor.onShutdownRequested`).
 * - `tray`: the tray menu's Quit.
 * - `session-end`: the OS is logging out, rebooting or shutting down (`powerMonitor` `shutdown` on
 *   Linux and macOS, whose `preventDefault` asks the OS to wait; `session-end` on Windows).
 */
export type QuitSource = 'before-quit' | 'window-close' | 'window-all-closed' | 'signal' | 'command' | 'tray' | 'session-end';

/** Sources whose Electron event the shell prevents while the sequencer holds the quit. */
const PREVENTABLE: ReadonlySet<QuitSource> = new Set(['before-quit', 'window-close', 'session-end']);
/** Sources that, while a shutdown runs, mean "stop waiting": they force it, and a second one exits. */
const URGENT: ReadonlySet<QuitSource> = new Set(['signal', 'session-end']);

export interface QuitRequest {
  source: QuitSource;
  /** For logs and the shutdown report, e.g. `SIGINT`, `window closed`. */
  reason: string;
}

/**
 * What the shell does with a request. `preventDefault` applies to the Electron event that carried
 * it (`before-quit`, the window's `close`); it is false for sources with nothing to prevent.
 * - `start-shutdown`: run `conductor.shutdown(reason)`, keep the window to show progress, and
 *   report back with `shutdownFinished`; with `forceAfterMs`, call `forceDeadlinePassed` after
 *   that long (a session end: the OS will not wait for ever).
 * - `force-shutdown`: call `conductor.force(reason)`; if the shutdown has not returned after
 *   `exitAfterMs`, report `forceTimedOut`.
 * - `exit-now`: `app.exit(exitCode)` without waiting any longer.
 * - `proceed`: let Electron's default happen (the shutdown is done).
 */
export type QuitDecision =
  | { kind: 'start-shutdown'; reason: string; preventDefault: boolean; forceAfterMs?: number }
  | { kind: 'ignore'; preventDefault: boolean }
  | { kind: 'force-shutdown'; reason: string; exitAfterMs: number }
  | { kind: 'exit-now'; reason: string; exitCode: number }
  | { kind: 'proceed' };

export type ExitDecision = { kind: 'exit'; exitCode: number } | { kind: 'ignore' };

export interface QuitSequencerOptions {
  /**
   * A signal within this many ms of the previous one counted is the same signal delivered twice
   * (a terminal sends Ctrl-C to the whole process group and a launcher may forward it as well),
   * so it is ignored. Default 500 ms.
   */
  signalDebounceMs: number;
  /** After a forced shutdown, how long to wait for it to return before exiting anyway. Default 5000 ms. */
  forceExitAfterMs: number;
  /**
   * A shutdown started by the session ending is forced after this long (then `forceExitAfterMs`
   * more at most): logout and reboot give an app a few seconds. Default 4000 ms.
   */
  sessionEndForceAfterMs: number;
  /**
   * Exit code when the shutdown was abandoned (a third signal, or a forced shutdown that did not
   * return in time) and after a failed startup. Default 1. A shutdown that returns, forced or not,
   * exits 0, as the headless host does (README, Exit codes).
   */
  failedExitCode: number;
}

export const DEFAULT_QUIT_SEQUENCER_OPTIONS: QuitSequencerOptions = {
  signalDebounceMs: 500,
  forceExitAfterMs: 5000,
  sessionEndForceAfterMs: 4000,
  failedExitCode: 1,
};

export class QuitSequencer {
  private current: QuitState = 'idle';
  private shutdownReason: string | undefined;
  private signalsCounted = 0;
  private lastSignalAt = 0;
  private forced = false;
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

  /** True once a second signal forced the shutdown. */
  get isForced(): boolean {
    return this.forced;
  }

  /** A quit request from any source; the answer says what the shell should do. */
  request(request: QuitRequest): QuitDecision {
    const blocksDefault = PREVENTABLE.has(request.source);
    if (this.current === 'done') return blocksDefault ? { kind: 'proceed' } : { kind: 'ignore', preventDefault: false };

    if (request.source === 'signal') {
      const now = this.clock.now();
      if (this.signalsCounted > 0 && now - this.lastSignalAt < this.options.signalDebounceMs) {
        return { kind: 'ignore', preventDefault: false };
      }
      this.lastSignalAt = now;
      this.signalsCounted++;
    }

    if (this.current === 'idle') {
      this.current = 'shutting-down';
      this.shutdownReason = request.reason;
      return request.source === 'session-end'
        ? { kind: 'start-shutdown', reason: request.reason, preventDefault: true, forceAfterMs: this.options.sessionEndForceAfterMs }
        : { kind: 'start-shutdown', reason: request.reason, preventDefault: blocksDefault };
    }

    // shutting-down. A signal or a session end now is "again", however the shutdown started: force it.
    if (URGENT.has(request.source)) {
      if (!this.forced) {
        this.forced = true;
        return { kind: 'force-shutdown', reason: `${request.reason} during the shutdown`, exitAfterMs: this.options.forceExitAfterMs };
      }
      this.current = 'done';
      return { kind: 'exit-now', reason: `${request.reason} during the forced shutdown`, exitCode: this.options.failedExitCode };
    }
    // Quitting again (menu, `app.quit()`) must not end the process under the shutdown; closing the
    // window while it runs is allowed (the user need not watch), the shutdown carries on.
    return { kind: 'ignore', preventDefault: request.source === 'before-quit' };
  }

  /**
   * `forceAfterMs` of a `start-shutdown` passed: force the shutdown if it is still running and
   * not forced yet (then `forceTimedOut` after `exitAfterMs`).
   */
  forceDeadlinePassed(reason: string): QuitDecision {
    if (this.current !== 'shutting-down' || this.forced) return { kind: 'ignore', preventDefault: false };
    this.forced = true;
    return { kind: 'force-shutdown', reason, exitAfterMs: this.options.forceExitAfterMs };
  }

  /** The conductor's shutdown has returned (its report says whether it was clean or forced). */
  shutdownFinished(): ExitDecision {
    if (this.current !== 'shutting-down') return { kind: 'ignore' };
    this.current = 'done';
    return { kind: 'exit', exitCode: 0 };
  }

  /** `exitAfterMs` passed after `force-shutdown` and the shutdown has not returned. */
  forceTimedOut(): ExitDecision {
    if (this.current !== 'shutting-down' || !this.forced) return { kind: 'ignore' };
    this.current = 'done';
    return { kind: 'exit', exitCode: this.options.failedExitCode };
  }

  /**
   * The conductor's startup failed. When idle the shell reports it and exits; when a quit request
   * already started the shutdown (a quit during startup can make `start()` fail), the shutdown's
   * own end decides the exit.
   */
  startupFailed(): ExitDecision {
    if (this.current !== 'idle') return { kind: 'ignore' };
    this.current = 'done';
    return { kind: 'exit', exitCode: this.options.failedExitCode };
  }
}
