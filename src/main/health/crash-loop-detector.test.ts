import { describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { CrashLoopDetector, type CrashCause, type CrashLoopQuarantinedEvent } from './crash-loop-detector';
import { RestartBackoff } from './restart-backoff';

const T0 = 1_700_000_000_000;

function crash(at: number, extra: Partial<CrashCause> = {}): CrashCause {
  return { exitCode: 1, signal: null, lastLines: ['starting', 'Error: boom'], peakRssBytes: 80 * 1024 * 1024, at, ...extra };
}

function setup() {
  const detector = new CrashLoopDetector(); // 5 within 60 s
  const events: CrashLoopQuarantinedEvent[] = [];
  detector.on('quarantined', (e) => events.push(e));
  return { detector, events };
}

describe('CrashLoopDetector', () => {
  it('4 crashes within the window are not a loop; the 5th quarantines, keeping the cause', () => {
    const { detector, events } = setup();
    for (let i = 0; i < 4; i++) expect(detector.onCrash(crash(T0 + i * 1_000))).toBe(false);
    expect(detector.state).toBe('watching');
    expect(detector.crashesInWindow(T0 + 4_000)).toBe(4);
    const last = crash(T0 + 4_200, { exitCode: null, signal: 'SIGKILL', lastLines: Array.from({ length: 30 }, (_, i) => `line ${i}`) });
    expect(detector.onCrash(last)).toBe(true);
    expect(detector.state).toBe('quarantined');
    expect(detector.cause).toEqual({ ...last, lastLines: Array.from({ length: 20 }, (_, i) => `line ${i + 10}`) });
    expect(detector.reason).toBe('5 crashes in 4.2 s (limit: 5 within 60 s); last: killed by SIGKILL, peak RSS 80 MiB — line 29');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ from: 'watching', to: 'quarantined', at: T0 + 4_200 });
  });

  it('5 crashes spread over the window or wider are not a loop; the window rolls', () => {
    const { detector } = setup();
    for (let i = 0; i < 5; i++) expect(detector.onCrash(crash(T0 + i * 15_000))).toBe(false); // 0 … 60 s: spread = window
    expect(detector.state).toBe('watching');
    // The 6th, at 61 s: the last five span 15 s … 61 s = 46 s, inside the window.
    expect(detector.onCrash(crash(T0 + 61_000))).toBe(true);
  });

  it('crashes reported while quarantined change nothing', () => {
    const { detector, events } = setup();
    for (let i = 0; i < 5; i++) detector.onCrash(crash(T0 + i));
    const cause = detector.cause;
    expect(detector.onCrash(crash(T0 + 10, { exitCode: 7 }))).toBe(true);
    expect(detector.cause).toBe(cause);
    expect(events).toHaveLength(1);
  });

  it('retry() clears the quarantine and the count, and a fresh backoff starts', () => {
    const clock = new ManualClock(T0);
    const { detector } = setup();
    const backoff = new RestartBackoff({ random: () => 0 }, clock);
    detector.on('released', () => backoff.reset()); // how the integrator wires it
    for (let i = 0; i < 5; i++) {
      backoff.nextDelay();
      detector.onCrash(crash(T0 + i * 100));
    }
    const released: string[] = [];
    detector.on('released', (e) => released.push(`${e.from}→${e.to}: ${e.reason}`));
    detector.retry(T0 + 1_000, 'retried by the user');
    expect(detector.state).toBe('watching');
    expect(detector.cause).toBeNull();
    expect(detector.reason).toBeNull();
    expect(released).toEqual(['quarantined→watching: retried by the user']);
    expect(backoff.nextDelay()).toBe(200);
    // A full new run of crashes is needed to quarantine again.
    for (let i = 0; i < 4; i++) expect(detector.onCrash(crash(T0 + 2_000 + i))).toBe(false);
    expect(detector.onCrash(crash(T0 + 2_010))).toBe(true);
  });

  it('maxCrashes 1 quarantines at the first crash', () => {
    const detector = new CrashLoopDetector({ maxCrashes: 1 });
    expect(detector.onCrash(crash(T0, { lastLines: [] }))).toBe(true);
    expect(detector.reason).toBe('1 crash in 0 ms (limit: 1 within 60 s); last: exit code 1, peak RSS 80 MiB');
  });

  it('a start the conductor ended (activate threw, not ready in time) is told by its failure, not by the SIGKILL that ended it', () => {
    const detector = new CrashLoopDetector({ maxCrashes: 1 });
    const startFailure = 'plugin store (store#1) failed to start: activate() failed: cannot reach the database';
    expect(detector.onCrash(crash(T0, { exitCode: null, signal: 'SIGKILL', lastLines: [startFailure], startFailure }))).toBe(true);
    expect(detector.reason).toBe(`1 crash in 0 ms (limit: 1 within 60 s); last: ${startFailure}, peak RSS 80 MiB`);
  });
});
