import { describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { CircuitBreaker, DEFAULT_CIRCUIT_BREAKER_OPTIONS } from './circuit-breaker';
import { CrashLoopDetector, DEFAULT_CRASH_LOOP_DETECTOR_OPTIONS } from './crash-loop-detector';
import { DEFAULT_MEMORY_WATCHDOG_OPTIONS, MemoryWatchdog } from './memory-watchdog';
import { ProbeHistory } from './probe-history';
import { DEFAULT_PROBE_TRACKER_OPTIONS, ProbeTracker } from './probe-tracker';
import { DEFAULT_RESTART_BACKOFF_OPTIONS, RestartBackoff } from './restart-backoff';
import { SlotBreakers } from './slot-breakers';

const clock = new ManualClock();

describe('health options: defaults filled, bad values named', () => {
  it('fills defaults and keeps them documented values', () => {
    expect(new CircuitBreaker(undefined, clock).options).toEqual(DEFAULT_CIRCUIT_BREAKER_OPTIONS);
    expect(new CircuitBreaker({ windowMs: undefined }, clock).options.windowMs).toBe(10_000);
    expect(new RestartBackoff({}, clock).options).toEqual(DEFAULT_RESTART_BACKOFF_OPTIONS);
    expect(new CrashLoopDetector().options).toEqual(DEFAULT_CRASH_LOOP_DETECTOR_OPTIONS);
    expect(new MemoryWatchdog().options).toEqual(DEFAULT_MEMORY_WATCHDOG_OPTIONS);
    expect(new ProbeTracker({ liveness: { intervalMs: 2000 } }, 0).options).toEqual({
      ...DEFAULT_PROBE_TRACKER_OPTIONS,
      liveness: { ...DEFAULT_PROBE_TRACKER_OPTIONS.liveness, intervalMs: 2000 },
    });
  });

  it.each([
    [() => new CircuitBreaker({ failureRateThreshold: 0 }, clock), 'CircuitBreakerOptions.failureRateThreshold must be a number in (0, 1], got 0'],
    [() => new CircuitBreaker({ slowCallRateThreshold: 1.5 }, clock), 'CircuitBreakerOptions.slowCallRateThreshold must be a number in (0, 1], got 1.5'],
    [() => new CircuitBreaker({ buckets: 3 }, clock), 'CircuitBreakerOptions.buckets must divide windowMs (10000) into whole milliseconds, got 3'],
    [() => new CircuitBreaker({ minimumCalls: 0.5 }, clock), 'CircuitBreakerOptions.minimumCalls must be an integer ≥ 1, got 0.5'],
    [() => new CircuitBreaker({ maxOpenMs: 5_000 }, clock), 'CircuitBreakerOptions.maxOpenMs must be a number ≥ 10000, got 5000'],
    [() => new CircuitBreaker({ openMultiplier: 0.5 }, clock), 'CircuitBreakerOptions.openMultiplier must be a number ≥ 1, got 0.5'],
    [() => new CircuitBreaker({ halfOpenTrials: 0 }, clock), 'CircuitBreakerOptions.halfOpenTrials must be an integer ≥ 1, got 0'],
    [() => new SlotBreakers({ breaker: { windowMs: -1 } }, clock), 'CircuitBreakerOptions.windowMs must be an integer ≥ 1, got -1'],
    [() => new SlotBreakers({ maxSlots: 0 }, clock), 'SlotBreakersOptions.maxSlots must be an integer ≥ 1, got 0'],
    [() => new RestartBackoff({ firstDelayMs: 300 }, clock), 'RestartBackoffOptions.firstDelayMs must be a number in [0, 250], got 300'],
    [() => new RestartBackoff({ factor: 0.9 }, clock), 'RestartBackoffOptions.factor must be a number ≥ 1, got 0.9'],
    [() => new RestartBackoff({ jitter: 1 }, clock), 'RestartBackoffOptions.jitter must be a number in [0, 0.99], got 1'],
    [() => new RestartBackoff({ maxDelayMs: 100 }, clock), 'RestartBackoffOptions.maxDelayMs must be a number ≥ 200, got 100'],
    [() => new CrashLoopDetector({ maxCrashes: 0 }), 'CrashLoopDetectorOptions.maxCrashes must be an integer in [1, 10000], got 0'],
    [() => new CrashLoopDetector({ windowMs: Number.NaN }), 'CrashLoopDetectorOptions.windowMs must be an integer ≥ 1, got NaN'],
    [() => new MemoryWatchdog({ samples: 0 }), 'MemoryWatchdogOptions.samples must be an integer in [1, 10000], got 0'],
    [() => new MemoryWatchdog({ limitBytes: 0 }), 'MemoryWatchdogOptions.limitBytes must be a number ≥ 1, got 0'],
    [() => new ProbeTracker({ readiness: { timeoutMs: 6_000 } }, 0), 'ProbeTrackerOptions.readiness.timeoutMs must be an integer in [1, 5000], got 6000'],
    [() => new ProbeTracker({ liveness: { failureThreshold: 0 } }, 0), 'ProbeTrackerOptions.liveness.failureThreshold must be an integer ≥ 1, got 0'],
    [() => new ProbeTracker({ startup: { graceMs: 70_000 } }, 0), 'ProbeTrackerOptions.startup.graceMs must be an integer in [0, 60000], got 70000'],
    [() => new ProbeHistory({ rollupMs: 0 }), 'ProbeHistoryOptions.rollupMs must be an integer ≥ 1, got 0'],
  ])('%# rejects with a message naming the option', (make, message) => {
    expect(make).toThrow(message);
  });
});
