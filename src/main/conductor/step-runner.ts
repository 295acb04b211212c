import type { StepName, StepTiming } from '../../shared/domain';
import type { Clock } from '../common/clock';
import type { Service } from '../common/service';

export interface Step {
  name: StepName;
  service: Service;
}

export interface StepRunnerOptions {
  /** Deadline for each step's start, ms. */
  startTimeoutMs: number;
  /** Deadline for each step's stop, ms; past it the step is forced and reported. */
  stopTimeoutMs: number;
}

export interface StepRunnerHooks {
  /** Called when a phase begins and again when it ends (with outcome and duration). */
  onTiming(timing: StepTiming): void;
}

/** The outcome of one step's stop, as stored in the shutdown report. */
export interface StepStopResult {
  name: StepName;
  outcome: 'ok' | 'failed' | 'forced';
  durationMs: number;
  error?: string;
}

export class StepFailedError extends Error {
  constructor(
    readonly step: StepName,
    cause: unknown,
  ) {
    super(`startup step "${step}" failed: ${messageOf(cause)}`, { cause });
    this.name = 'StepFailedError';
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** How long each remaining stop gets once shutdown is forced. */
export const FORCED_STOP_GRACE_MS = 100;

type Settled = { kind: 'done' } | { kind: 'failed'; error: unknown } | { kind: 'timeout' };

/**
 * Starts steps in order and stops them in exact reverse, each bounded by a deadline. A failed
 * start unwinds the steps already started; a stop that hangs past its deadline is forced (the
 * runner stops waiting and reports it) and the unwinding goes on.
 */
export class StepRunner {
  private readonly started: Step[] = [];
  private forced = false;
  private readonly waiting = new Set<() => void>();

  constructor(
    private readonly steps: readonly Step[],
    private readonly options: StepRunnerOptions,
    private readonly clock: Clock,
    private readonly hooks: StepRunnerHooks,
  ) {}

  /**
   * Stop waiting: the step in progress is reported forced at once, and each later stop is still
   * called (so the store can write its report and close) but given only `FORCED_STOP_GRACE_MS`.
   */
  force(): void {
    this.forced = true;
    for (const cut of [...this.waiting]) cut();
  }

  get isForced(): boolean {
    return this.forced;
  }

  get startedSteps(): readonly StepName[] {
    return this.started.map((s) => s.name);
  }

  /** Starts every step; on failure unwinds what started and throws `StepFailedError`. */
  async startAll(): Promise<void> {
    for (const step of this.steps) {
      const t0 = this.clock.now();
      this.hooks.onTiming({ name: step.name, phase: 'start', outcome: 'running', startedAt: t0 });
      const settled = await this.bounded(() => step.service.start(), this.options.startTimeoutMs);
      const durationMs = this.clock.now() - t0;
      if (settled.kind === 'done') {
        this.started.push(step);
        this.hooks.onTiming({ name: step.name, phase: 'start', outcome: 'ok', startedAt: t0, durationMs });
        continue;
      }
      const cause =
        settled.kind === 'timeout' ? new Error(`did not start within ${this.options.startTimeoutMs} ms`) : settled.error;
      this.hooks.onTiming({
        name: step.name,
        phase: 'start',
        outcome: settled.kind === 'timeout' ? 'forced' : 'failed',
        startedAt: t0,
        durationMs,
        error: messageOf(cause),
      });
      // A step whose start fails cleans up after itself. One that timed out is still starting
      // (e.g. plugin processes coming up): it is stopped first, then the steps before it unwind in reverse.
      if (settled.kind === 'timeout') this.started.push(step);
      await this.stopAll(`startup failed at ${step.name}`);
      throw new StepFailedError(step.name, cause);
    }
  }

  /** Stops every started step in reverse order. Never throws; returns each step's outcome. */
  async stopAll(reason: string): Promise<StepStopResult[]> {
    const results: StepStopResult[] = [];
    while (this.started.length > 0) {
      const step = this.started.pop()!;
      results.push(await this.stopOne(step, reason));
    }
    return results;
  }

  private async stopOne(step: Step, reason: string): Promise<StepStopResult> {
    const t0 = this.clock.now();
    this.hooks.onTiming({ name: step.name, phase: 'stop', outcome: 'running', startedAt: t0 });
    const deadline = t0 + this.options.stopTimeoutMs;
    const settled = await this.bounded(() => step.service.stop({ deadline, reason }), this.options.stopTimeoutMs);
    const durationMs = this.clock.now() - t0;
    const outcome = settled.kind === 'done' ? 'ok' : settled.kind === 'timeout' ? 'forced' : 'failed';
    const error =
      settled.kind === 'timeout'
        ? this.forced
          ? 'shutdown was forced; stopped waiting for it'
          : `did not stop within ${this.options.stopTimeoutMs} ms; forced`
        : settled.kind === 'failed'
          ? messageOf(settled.error)
          : undefined;
    const timing: StepTiming = { name: step.name, phase: 'stop', outcome, startedAt: t0, durationMs };
    if (error !== undefined) timing.error = error;
    this.hooks.onTiming(timing);
    return error === undefined ? { name: step.name, outcome, durationMs } : { name: step.name, outcome, durationMs, error };
  }

  private bounded(fn: () => Promise<void>, timeoutMs: number): Promise<Settled> {
    return new Promise<Settled>((resolveOuter) => {
      let settled = false;
      const resolve = (value: Settled) => {
        if (settled) return;
        settled = true;
        this.waiting.delete(cut);
        resolveOuter(value);
      };
      const cut = () => resolve({ kind: 'timeout' });
      this.waiting.add(cut);
      const timer = this.clock.setTimeout(cut, this.forced ? FORCED_STOP_GRACE_MS : timeoutMs);
      let promise: Promise<void>;
      try {
        promise = Promise.resolve(fn());
      } catch (error) {
        promise = Promise.reject(error);
      }
      promise.then(
        () => {
          timer.dispose();
          resolve({ kind: 'done' });
        },
        (error: unknown) => {
          timer.dispose();
          resolve({ kind: 'failed', error });
        },
      );
    });
  }
}
