import { checkNumber, checkPositiveInt, withDefaults } from './option-checks';
import type { ProbeHistory } from './probe-history';

/** The manifest's `probes.liveness` (same names, same defaults). */
export interface LivenessProbeOptions {
  /** How often the probe runs, ms; it is issued on the first health tick at or after it is due. */
  intervalMs: number;
  /** A probe not answered within this is a failure (a timeout), ms; at most `intervalMs`. */
  timeoutMs: number;
  /** Consecutive failures before acting (liveness: recycle; readiness: no traffic). */
  failureThreshold: number;
}

/** The manifest's `probes.readiness`. */
export interface ReadinessProbeOptions extends LivenessProbeOptions {
  /** Consecutive passing probes before an unready (or starting) instance gets traffic again. */
  successThreshold: number;
}

/** The manifest's `probes.startup`. */
export interface StartupOptions {
  /** Probe failures are not counted this long after start, ms (successes are). */
  graceMs: number;
  /** An instance never ready this long after start is recycled, counted as a crash, ms. */
  maxMs: number;
}

export interface ProbeTrackerOptions {
  /**
   * Defaults: every 5000 ms, 1000 ms timeout, 3 failures — the manifest's; Kubernetes uses
   * 10 s / 1 s / 3, and a desktop's local round-trip is cheap enough to check twice as often.
   */
  liveness: LivenessProbeOptions;
  /** Defaults: every 5000 ms, 2000 ms timeout (the plugin's own `health()` may do I/O), 3 failures, 1 success — the manifest's; Kubernetes: 10 s / 1 s / 3 / 1. */
  readiness: ReadinessProbeOptions;
  /** Defaults: grace 10 000 ms, max 60 000 ms — the manifest's (Kubernetes' startupProbe allows 3 × 10 s by default). */
  startup: StartupOptions;
  /**
   * Until an instance is first ready, its readiness is probed this often, ms — so a `command`
   * plugin that takes 300 ms to listen gets traffic after about a second, not after
   * `readiness.intervalMs`. Default 1000, the default health tick (probes can only be issued on a
   * tick anyway).
   */
  startupProbeIntervalMs: number;
  /** Whose probes these are, in reasons and history rows (an instance id such as "echo#1"). Default "instance". */
  subject: string;
  /** Where results and changes are recorded for SQLite; null records nothing. Default null. */
  history: ProbeHistory | null;
}

/** What a caller may pass: any group partially (a resolved manifest `probes` object fits). */
export interface ProbeTrackerOptionsInput {
  liveness?: Partial<LivenessProbeOptions>;
  readiness?: Partial<ReadinessProbeOptions>;
  startup?: Partial<StartupOptions>;
  startupProbeIntervalMs?: number;
  subject?: string;
  history?: ProbeHistory | null;
}

export const DEFAULT_PROBE_TRACKER_OPTIONS: Readonly<ProbeTrackerOptions> = Object.freeze({
  liveness: Object.freeze({ intervalMs: 5000, timeoutMs: 1000, failureThreshold: 3 }),
  readiness: Object.freeze({ intervalMs: 5000, timeoutMs: 2000, failureThreshold: 3, successThreshold: 1 }),
  startup: Object.freeze({ graceMs: 10_000, maxMs: 60_000 }),
  startupProbeIntervalMs: 1000,
  subject: 'instance',
  history: null,
});

const OWNER = 'ProbeTrackerOptions';

/** Fills defaults group by group and validates; throws an Error naming the first bad option. */
export function resolveProbeTrackerOptions(input: ProbeTrackerOptionsInput = {}): ProbeTrackerOptions {
  const d = DEFAULT_PROBE_TRACKER_OPTIONS;
  const o: ProbeTrackerOptions = {
    liveness: withDefaults(d.liveness, input.liveness),
    readiness: withDefaults(d.readiness, input.readiness),
    startup: withDefaults(d.startup, input.startup),
    startupProbeIntervalMs: input.startupProbeIntervalMs ?? d.startupProbeIntervalMs,
    subject: input.subject ?? d.subject,
    history: input.history === undefined ? d.history : input.history,
  };
  for (const kind of ['liveness', 'readiness'] as const) {
    const p = o[kind];
    checkPositiveInt(OWNER, `${kind}.intervalMs`, p.intervalMs);
    checkPositiveInt(OWNER, `${kind}.timeoutMs`, p.timeoutMs, p.intervalMs);
    checkPositiveInt(OWNER, `${kind}.failureThreshold`, p.failureThreshold);
  }
  checkPositiveInt(OWNER, 'readiness.successThreshold', o.readiness.successThreshold);
  checkPositiveInt(OWNER, 'startup.maxMs', o.startup.maxMs);
  checkNumber(OWNER, 'startup.graceMs', o.startup.graceMs, 0, o.startup.maxMs, true);
  checkPositiveInt(OWNER, 'startupProbeIntervalMs', o.startupProbeIntervalMs);
  if (typeof o.subject !== 'string' || o.subject === '') throw new Error(`${OWNER}.subject must be a non-empty string, got ${String(o.subject)}`);
  if (o.history !== null && typeof o.history?.recordResult !== 'function') throw new Error(`${OWNER}.history must be a ProbeHistory or null`);
  return o;
}
