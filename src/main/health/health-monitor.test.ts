import { describe, expect, it } from 'vitest';
import { testLogger } from '../bridge/bridge-fixture.test-helper';
import { ManualClock } from '../common/clock';
import { HealthMonitor } from './health-monitor';

describe('HealthMonitor', () => {
  it('runs every handler each tick, skips one still busy, and never stacks it', async () => {
    const clock = new ManualClock();
    const monitor = new HealthMonitor({ intervalMs: 100 }, clock, testLogger());
    const seen: number[] = [];
    let release: () => void = () => {};
    let slowRuns = 0;
    monitor.onTick('fast', (t) => void seen.push(t.seq));
    monitor.onTick('slow', () => {
      slowRuns++;
      return new Promise<void>((r) => (release = r));
    });
    await monitor.start();
    clock.advance(300);
    expect(seen).toEqual([1, 2, 3]);
    expect(slowRuns).toBe(1);
    release();
    await Promise.resolve();
    await Promise.resolve();
    clock.advance(100);
    expect(slowRuns).toBe(2);
    await monitor.stop();
  });

  it('is degraded after a failing handler, recovers after 30 clean ticks, and reports stalled ticks', async () => {
    const manual = new ManualClock();
    // `skew` moves time on without firing timers: what a status call sees when the loop was blocked.
    let skew = 0;
    const clock = { now: () => manual.now() + skew, setTimeout: manual.setTimeout.bind(manual), setInterval: manual.setInterval.bind(manual), advance: manual.advance.bind(manual) };
    const log = testLogger();
    const monitor = new HealthMonitor({ intervalMs: 100 }, clock, log);
    let fail = true;
    monitor.onTick('probe', () => {
      if (fail) throw new Error('boom');
    });
    await monitor.start();
    clock.advance(100);
    expect(monitor.health()).toEqual({ state: 'degraded', message: 'probe failed on tick 1: boom' });
    expect(log.lines.some((l) => l.level === 'warn' && l.message.includes('boom'))).toBe(true);
    fail = false;
    clock.advance(2900);
    expect(monitor.health().state).toBe('degraded');
    clock.advance(100);
    expect(monitor.health()).toMatchObject({ state: 'ready' });

    skew = 1000;
    expect(monitor.health()).toMatchObject({ state: 'degraded', message: expect.stringContaining('no tick for 1000 ms') });
    // Quiesced (shutting down): not ticking is expected.
    monitor.quiesce();
    expect(monitor.health()).toMatchObject({ state: 'ready' });
    await monitor.stop();
  });

  it('names a bad option', () => {
    expect(() => new HealthMonitor({ intervalMs: 0 }, new ManualClock(), testLogger())).toThrow('intervalMs');
  });
});
