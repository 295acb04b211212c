import { PerformanceObserver, performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { CircuitBreaker } from './circuit-breaker';

/**
 * A smoke check, not a timed test: a million calls through `canPass` / `onCallStart` /
 * `onResult` — with the clock moving so the bucket ring advances — must not allocate. The check
 * counts garbage collections during the loop (a loop that allocated even 16 bytes per call would
 * fill the young generation many times over) and the heap growth, both with generous bounds.
 */
describe('CircuitBreaker call path', () => {
  it('does not allocate: 1e6 canPass/onResult calls cause no young-generation collections to speak of', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ minimumCalls: 20, failureRateThreshold: 0.9 }, clock);
    const run = (n: number): number => {
      let passed = 0;
      for (let i = 0; i < n; i++) {
        if (breaker.canPass()) {
          breaker.onCallStart();
          passed++;
        }
        if ((i & 63) === 0) clock.advance(7); // the ring advances every ~143 calls
        breaker.onResult(i % 10 !== 0, 3); // 10 % failures: stays closed
      }
      return passed;
    };
    run(200_000); // warm up: let the optimizing compiler take over (interpreted doubles allocate)

    const gcs: number[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) gcs.push(entry.startTime);
    });
    observer.observe({ entryTypes: ['gc'] });
    await new Promise((resolve) => setImmediate(resolve));
    const heapBefore = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    const passed = run(1_000_000);
    const t1 = performance.now();
    const heapAfter = process.memoryUsage().heapUsed;
    await new Promise((resolve) => setTimeout(resolve, 20)); // let the observer deliver
    observer.disconnect();

    expect(passed).toBe(1_000_000);
    expect(breaker.state).toBe('closed');
    const during = gcs.filter((t) => t >= t0 && t <= t1).length;
    expect(during).toBeLessThanOrEqual(2);
    expect(heapAfter - heapBefore).toBeLessThan(4 * 1024 * 1024);
  });
});
