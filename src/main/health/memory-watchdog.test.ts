import { describe, expect, it } from 'vitest';
import { MemoryWatchdog, type MemoryWatchdogTransition } from './memory-watchdog';

const MiB = 1024 * 1024;

function setup(samples = 3) {
  const watchdog = new MemoryWatchdog({ limitBytes: 256 * MiB, samples });
  const events: MemoryWatchdogTransition[] = [];
  watchdog.on('over', (e) => events.push(e));
  watchdog.on('within', (e) => events.push(e));
  watchdog.on('recycle', (e) => events.push(e));
  return { watchdog, events };
}

describe('MemoryWatchdog', () => {
  it('recycles after 3 consecutive samples above the limit, with the figures in the reason', () => {
    const { watchdog, events } = setup();
    expect(watchdog.sample(200 * MiB, 0)).toBe('within');
    expect(watchdog.sample(300 * MiB, 1_000)).toBe('over');
    expect(watchdog.sample(310 * MiB, 2_000)).toBe('over');
    expect(watchdog.sample(312 * MiB, 3_000)).toBe('recycle');
    expect(events.map((e) => e.to)).toEqual(['over', 'recycle']);
    expect(events[1]).toMatchObject({ from: 'over', rssBytes: 312 * MiB, limitBytes: 256 * MiB, consecutive: 3, at: 3_000 });
    expect(events[1]!.reason).toBe('RSS above the 256 MiB limit for 3 samples in a row (300, 310, 312 MiB)');
    expect(watchdog.peakRssBytes).toBe(312 * MiB);
  });

  it('a sample within the limit starts the count over: 2 over, 1 within, 2 over is no recycle', () => {
    const { watchdog, events } = setup();
    for (const mib of [300, 300, 250, 300, 300]) watchdog.sample(mib * MiB, 0);
    expect(watchdog.state).toBe('over');
    expect(events.map((e) => e.to)).toEqual(['over', 'within', 'over']);
    expect(watchdog.sample(301 * MiB, 0)).toBe('recycle');
    expect(watchdog.reason).toBe('RSS above the 256 MiB limit for 3 samples in a row (300, 300, 301 MiB)');
  });

  it('exactly at the limit is within it', () => {
    const { watchdog } = setup(1);
    expect(watchdog.sample(256 * MiB, 0)).toBe('within');
    expect(watchdog.sample(256 * MiB + 1, 0)).toBe('recycle');
  });

  it('recycle stays until reset; the peak is kept for a crash cause', () => {
    const { watchdog } = setup(2);
    watchdog.sample(400 * MiB, 0);
    watchdog.sample(500 * MiB, 1);
    expect(watchdog.sample(10 * MiB, 2)).toBe('recycle');
    watchdog.reset(3);
    expect(watchdog.state).toBe('within');
    expect(watchdog.peakRssBytes).toBe(500 * MiB);
    expect(watchdog.sample(300 * MiB, 4)).toBe('over');
  });
});
