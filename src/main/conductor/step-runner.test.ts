import { describe, expect, it } from 'vitest';
import { STEP_NAMES, type StepName, type StepTiming } from '../../shared/domain';
import { ManualClock } from '../common/clock';
import type { Service } from '../common/service';
import { StepFailedError, StepRunner, type Step } from './step-runner';

/** Flushes pending promise callbacks (no timers involved). */
const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

function recordingSteps(log: string[], overrides: Partial<Record<StepName, Partial<Service>>> = {}): Step[] {
  return STEP_NAMES.map((name) => ({
    name,
    service: {
      start: overrides[name]?.start ?? (async () => void log.push(`start ${name}`)),
      stop: overrides[name]?.stop ?? (async () => void log.push(`stop ${name}`)),
    },
  }));
}

describe('StepRunner', () => {
  it('starts in order and stops in exact reverse', async () => {
    const log: string[] = [];
    const runner = new StepRunner(recordingSteps(log), { startTimeoutMs: 1000, stopTimeoutMs: 1000 }, new ManualClock(), { onTiming: () => {} });
    await runner.startAll();
    const results = await runner.stopAll('test');
    expect(log).toEqual([...STEP_NAMES.map((n) => `start ${n}`), ...[...STEP_NAMES].reverse().map((n) => `stop ${n}`)]);
    expect(results.map((r) => r.outcome)).toEqual(Array(8).fill('ok'));
  });

  it.each([1, 4, 8])('a failing step %i unwinds the steps before it in reverse and reports the cause', async (n) => {
    const log: string[] = [];
    const failing = STEP_NAMES[n - 1]!;
    const steps = recordingSteps(log, { [failing]: { start: async () => Promise.reject(new Error('boom')) } });
    const timings: StepTiming[] = [];
    const runner = new StepRunner(steps, { startTimeoutMs: 1000, stopTimeoutMs: 1000 }, new ManualClock(), { onTiming: (t) => timings.push(t) });
    const error = await runner.startAll().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepFailedError);
    expect((error as Error).message).toBe(`startup step "${failing}" failed: boom`);
    const before = STEP_NAMES.slice(0, n - 1);
    expect(log).toEqual([...before.map((s) => `start ${s}`), ...[...before].reverse().map((s) => `stop ${s}`)]);
    expect(timings.find((t) => t.name === failing && t.outcome === 'failed')?.error).toBe('boom');
  });

  it('forces a stop that hangs past its deadline and goes on unwinding', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const steps = recordingSteps(log, { scaler: { stop: () => new Promise<void>(() => {}) } });
    const runner = new StepRunner(steps, { startTimeoutMs: 1000, stopTimeoutMs: 5000 }, clock, { onTiming: () => {} });
    await runner.startAll();
    const done = runner.stopAll('test');
    await settle();
    expect(log).toContain('stop router');
    expect(log).not.toContain('stop health');
    clock.advance(4999);
    await settle();
    expect(log).not.toContain('stop health');
    clock.advance(1);
    const results = await done;
    const scaler = results.find((r) => r.name === 'scaler')!;
    expect(scaler.outcome).toBe('forced');
    expect(scaler.durationMs).toBe(5000);
    expect(scaler.error).toBe('did not stop within 5000 ms; forced');
    expect(log.slice(-4)).toEqual(['stop health', 'stop discovery', 'stop db', 'stop config']);
  });

  it('a start that hangs past its deadline fails startup; the hung step is stopped first (its start may still be bringing things up)', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const runner = new StepRunner(recordingSteps(log, { health: { start: () => new Promise<void>(() => {}) } }), { startTimeoutMs: 3000, stopTimeoutMs: 1000 }, clock, { onTiming: () => {} });
    const started = runner.startAll().catch((e: unknown) => e);
    await settle();
    clock.advance(3000);
    const error = (await started) as Error;
    expect(error.message).toBe('startup step "health" failed: did not start within 3000 ms');
    expect(log).toEqual(['start config', 'start db', 'start discovery', 'stop health', 'stop discovery', 'stop db', 'stop config']);
  });

  it('force() cuts the stop in progress and gives later stops only a short grace', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const steps = recordingSteps(log, {
      plugins: { stop: () => new Promise<void>(() => {}) },
      router: { stop: () => new Promise<void>(() => {}) },
    });
    const runner = new StepRunner(steps, { startTimeoutMs: 1000, stopTimeoutMs: 60_000 }, clock, { onTiming: () => {} });
    await runner.startAll();
    const done = runner.stopAll('test');
    await settle();
    runner.force();
    await settle();
    clock.advance(100);
    const results = await done;
    expect(results.map((r) => `${r.name}:${r.outcome}`)).toEqual([
      'signals:ok', 'plugins:forced', 'router:forced', 'scaler:ok', 'health:ok', 'discovery:ok', 'db:ok', 'config:ok',
    ]);
    expect(log).toContain('stop db');
  });
});
