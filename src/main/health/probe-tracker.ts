import type { Disposable } from '../common/disposable';
import { Emitter } from '../common/emitter';
import { formatMs } from './option-checks';
import type { ProbeKind } from './probe-history';
import { resolveProbeTrackerOptions, type ProbeTrackerOptions, type ProbeTrackerOptionsInput } from './probe-tracker-options';

export { DEFAULT_PROBE_TRACKER_OPTIONS, type ProbeTrackerOptions, type ProbeTrackerOptionsInput } from './probe-tracker-options';
export type { ProbeKind } from './probe-history';

/** What a probe answered: `degraded` and `ok` pass (liveness treats them alike); `fail` and `timeout` fail. */
export type ProbeOutcome = 'ok' | 'degraded' | 'fail' | 'timeout';

/** One probe to run now, handed out by `due()` and handed back to `report()`. */
export interface ProbeTicket {
  readonly kind: ProbeKind;
  /** Per-kind sequence number; a report for an older ticket is ignored. */
  readonly seq: number;
  /** Clock time it was issued. */
  readonly startedAt: number;
  /** Run the probe with this timeout (e.g. `instance.ping(timeoutMs)`). */
  readonly timeoutMs: number;
}

/** `starting` until the first pass (or activation); then traffic follows `ready | degraded | unready`. */
export type ReadinessState = 'starting' | 'ready' | 'degraded' | 'unready';
/** `recycle` is terminal: drain and replace the instance. */
export type LivenessState = 'ok' | 'recycle';

export interface ProbeDecision {
  liveness: LivenessState;
  readiness: ReadinessState;
  /** Reason of the last transition (null before the first). */
  reason: string | null;
}

export interface ReadinessTransition {
  from: ReadinessState;
  to: Exclude<ReadinessState, 'starting'>;
  reason: string;
  at: number;
}

export interface LivenessTransition {
  from: 'ok';
  to: 'recycle';
  reason: string;
  at: number;
  /**
   * `liveness`: the liveness probe failed `failureThreshold` times in a row; `startup`: never
   * ready within `startup.maxMs`. Both should count as a crash for the crash-loop detector.
   */
  cause: 'liveness' | 'startup';
}

export interface ProbeTrackerEvents {
  readiness: ReadinessTransition;
  liveness: LivenessTransition;
}

interface KindState {
  nextDue: number;
  inFlight: ProbeTicket | null;
  seq: number;
  fails: number;
  passes: number;
}

const NOTHING_DUE: readonly ProbeTicket[] = Object.freeze([]);

/**
 * Probe bookkeeping of ONE instance, driven by the conductor-wide health tick: `due(now)` says
 * which probes to run now (each on its own interval; a probe still in flight is never issued
 * twice; one past its timeout is counted as a failure), `report(ticket, outcome, now)` feeds the
 * answer back, and the tracker turns results into decisions with reasons:
 *
 * - liveness: `failureThreshold` failures in a row → `recycle`; also `recycle` when the instance
 *   is not ready within `startup.maxMs` of its start;
 * - readiness: `starting` → `ready`/`degraded` on activation or after `successThreshold` passes;
 *   `failureThreshold` failures in a row → `unready` (no traffic); `successThreshold` passes →
 *   back. A serving instance follows the plugin's own ok/degraded answer at once.
 * - startup grace: failures within `startup.graceMs` of start are not counted (successes are, so
 *   a quick starter is ready at once): an instance is never judged unready or dead in its grace.
 *
 * No timers of its own; allocation only per issued probe.
 */
export class ProbeTracker {
  readonly options: Readonly<ProbeTrackerOptions>;
  private readonly emitter = new Emitter<ProbeTrackerEvents>();
  private readonly live: KindState;
  private readonly ready: KindState;
  private livenessState: LivenessState = 'ok';
  private readinessState: ReadinessState = 'starting';
  private everReady = false;
  private lastReason: string | null = null;

  constructor(
    options: ProbeTrackerOptionsInput | undefined,
    /** Clock time the instance was started. */
    readonly startedAt: number,
  ) {
    this.options = Object.freeze(resolveProbeTrackerOptions(options));
    this.live = { nextDue: startedAt + this.options.liveness.intervalMs, inFlight: null, seq: 0, fails: 0, passes: 0 };
    this.ready = { nextDue: startedAt + this.options.startupProbeIntervalMs, inFlight: null, seq: 0, fails: 0, passes: 0 };
  }

  get liveness(): LivenessState {
    return this.livenessState;
  }

  get readiness(): ReadinessState {
    return this.readinessState;
  }

  decision(): ProbeDecision {
    return { liveness: this.livenessState, readiness: this.readinessState, reason: this.lastReason };
  }

  /** When the probe of `kind` is next due (null once recycled). */
  nextDueAt(kind: ProbeKind): number | null {
    return this.livenessState === 'recycle' ? null : this.state(kind).nextDue;
  }

  on<K extends keyof ProbeTrackerEvents>(event: K, listener: (payload: ProbeTrackerEvents[K]) => void): Disposable {
    return this.emitter.on(event, listener);
  }

  /**
   * Health tick: counts in-flight probes past their timeout as failures, recycles an instance
   * past `startup.maxMs` without ever being ready, and returns the probes to run now.
   */
  due(now: number): readonly ProbeTicket[] {
    for (const st of [this.live, this.ready]) {
      const t = st.inFlight;
      if (t !== null && now - t.startedAt >= t.timeoutMs) this.apply(t.kind, 'timeout', now, undefined);
    }
    if (this.livenessState === 'recycle') return NOTHING_DUE;
    const maxMs = this.options.startup.maxMs;
    if (!this.everReady && now - this.startedAt >= maxMs) {
      this.recycle('startup', now, `not ready ${formatMs(maxMs)} after start (startup.maxMs)`);
      return NOTHING_DUE;
    }
    let tickets: ProbeTicket[] | null = null;
    for (const kind of ['liveness', 'readiness'] as const) {
      const st = this.state(kind);
      if (st.inFlight !== null || now < st.nextDue) continue;
      const ticket: ProbeTicket = { kind, seq: ++st.seq, startedAt: now, timeoutMs: this.options[kind].timeoutMs };
      st.inFlight = ticket;
      st.nextDue = now + this.intervalOf(kind);
      (tickets ??= []).push(ticket);
    }
    return tickets ?? NOTHING_DUE;
  }

  /**
   * A probe answered. `message` (e.g. the plugin's `health()` message) goes into reasons. An
   * answer at or after the ticket's timeout counts as a timeout; a report for a ticket already
   * timed out, superseded, or after recycling is ignored.
   */
  report(ticket: ProbeTicket, outcome: ProbeOutcome, now: number, message?: string): void {
    if (this.livenessState === 'recycle' || this.state(ticket.kind).inFlight !== ticket) return;
    const late = outcome !== 'timeout' && now - ticket.startedAt >= ticket.timeoutMs;
    this.apply(ticket.kind, late ? 'timeout' : outcome, now, message);
  }

  /** The instance's runtime finished `activate()`: a starting instance is ready. */
  onActivated(now: number): void {
    if (this.livenessState === 'recycle' || this.readinessState !== 'starting') return;
    this.setReadiness('ready', now, 'activated');
  }

  // -------------------------------------------------------------------------------------------

  private state(kind: ProbeKind): KindState {
    return kind === 'liveness' ? this.live : this.ready;
  }

  private intervalOf(kind: ProbeKind): number {
    if (kind === 'liveness') return this.options.liveness.intervalMs;
    return this.everReady ? this.options.readiness.intervalMs : this.options.startupProbeIntervalMs;
  }

  private apply(kind: ProbeKind, outcome: ProbeOutcome, now: number, message: string | undefined): void {
    const st = this.state(kind);
    const timeoutMs = st.inFlight?.timeoutMs ?? this.options[kind].timeoutMs;
    const issuedAt = st.inFlight?.startedAt ?? now;
    st.inFlight = null;
    const passed = outcome === 'ok' || outcome === 'degraded';
    this.options.history?.recordResult(this.options.subject, kind, passed, now);
    const inGrace = now - this.startedAt < this.options.startup.graceMs;
    if (passed) {
      st.fails = 0;
      st.passes++;
      if (kind === 'readiness') this.onReadinessPass(outcome === 'ok' ? 'ready' : 'degraded', now, issuedAt, message);
      return;
    }
    st.passes = 0;
    if (inGrace) return;
    st.fails++;
    const threshold = this.options[kind].failureThreshold;
    if (st.fails < threshold) return;
    const last = outcome === 'timeout' ? `no answer within ${formatMs(timeoutMs)}` : message ? `failed: ${message}` : 'failed';
    const what = `${st.fails} ${kind} probe${st.fails === 1 ? '' : 's'} failed in a row (last: ${last})`;
    if (kind === 'liveness') this.recycle('liveness', now, what);
    else if (this.readinessState !== 'unready') this.setReadiness('unready', now, what);
  }

  private onReadinessPass(target: 'ready' | 'degraded', now: number, issuedAt: number, message: string | undefined): void {
    const current = this.readinessState;
    const note = target === 'degraded' ? `plugin reports degraded${message ? `: ${message}` : ''}` : null;
    if (current === 'ready' || current === 'degraded') {
      if (target !== current) this.setReadiness(target, now, note ?? 'plugin reports ok again');
      return;
    }
    const passes = this.ready.passes;
    if (passes < this.options.readiness.successThreshold) return;
    const what = `${passes} readiness probe${passes === 1 ? '' : 's'} passed in a row`;
    this.setReadiness(target, now, note ? `${what}; ${note}` : what, issuedAt);
  }

  /** `scheduleFrom`: when startup ends here, the next readiness probe is due one interval after it. */
  private setReadiness(to: Exclude<ReadinessState, 'starting'>, now: number, reason: string, scheduleFrom = now): void {
    const from = this.readinessState;
    if (from === to) return;
    this.readinessState = to;
    this.lastReason = reason;
    if (!this.everReady && to !== 'unready') {
      // Startup is over: from now on readiness runs on its own interval.
      this.everReady = true;
      this.ready.nextDue = scheduleFrom + this.options.readiness.intervalMs;
    }
    this.options.history?.recordChange(this.options.subject, 'readiness', from, to, reason, now);
    this.emitter.emit('readiness', { from, to, reason, at: now });
  }

  private recycle(cause: 'liveness' | 'startup', now: number, reason: string): void {
    if (this.livenessState === 'recycle') return;
    this.livenessState = 'recycle';
    this.lastReason = reason;
    this.live.inFlight = null;
    this.ready.inFlight = null;
    this.options.history?.recordChange(this.options.subject, 'liveness', 'ok', 'recycle', reason, now);
    this.emitter.emit('liveness', { from: 'ok', to: 'recycle', reason, at: now, cause });
  }
}
