import { ProbeTracker, type ProbeKind, type ProbeOutcome, type ProbeTicket, type ProbeTrackerOptionsInput } from './probe-tracker';

export const T0 = 1_700_000_000_000;

/** An answer to one probe, or 'hang' for none. */
export type Answer = ProbeOutcome | 'hang' | { outcome: ProbeOutcome; message?: string; afterMs?: number };

/**
 * A tracker started at T0 with its transitions logged as text, plus a health tick driver: every
 * `tickMs` it calls `due(now)` and answers each issued probe via `answer` (10 ms later unless
 * the answer says otherwise). Times in the log are ms after T0.
 */
export function setupTracker(options?: ProbeTrackerOptionsInput) {
  const tracker = new ProbeTracker(options, T0);
  const log: string[] = [];
  const issued: string[] = [];
  tracker.on('readiness', (e) => log.push(`${e.at - T0} readiness ${e.from}→${e.to}: ${e.reason}`));
  tracker.on('liveness', (e) => log.push(`${e.at - T0} liveness ${e.to} (${e.cause}): ${e.reason}`));

  const respond = (ticket: ProbeTicket, answer: Answer): void => {
    if (answer === 'hang') return;
    const { outcome, message, afterMs } = typeof answer === 'string' ? { outcome: answer, message: undefined, afterMs: undefined } : answer;
    tracker.report(ticket, outcome, ticket.startedAt + (afterMs ?? 10), message);
  };

  /** Health ticks from `fromMs` to `toMs` (inclusive, ms after T0). */
  const drive = (fromMs: number, toMs: number, answer: (kind: ProbeKind, atMs: number) => Answer, tickMs = 1000): void => {
    for (let t = fromMs; t <= toMs; t += tickMs) {
      for (const ticket of tracker.due(T0 + t)) {
        issued.push(`${ticket.kind[0]!.toUpperCase()}@${t}`);
        respond(ticket, answer(ticket.kind, t));
      }
    }
  };

  /** Runs the next probe of `kind` as soon as it is due, answering it with `answer` (and any other probe issued with it `ok`). */
  const probe = (kind: ProbeKind, answer: Answer): void => {
    const at = tracker.nextDueAt(kind);
    if (at === null) throw new Error('recycled: nothing is due');
    for (const ticket of tracker.due(at)) respond(ticket, ticket.kind === kind ? answer : 'ok');
  };

  return { tracker, log, issued, drive, probe };
}
