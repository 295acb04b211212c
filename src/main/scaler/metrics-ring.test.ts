import { describe, expect, it } from 'vitest';
import { MetricsRing } from './metrics-ring';

describe('MetricsRing', () => {
  it('keeps the newest capacity samples, oldest first, in typed arrays', () => {
    const ring = new MetricsRing({ capacity: 3, series: ['cpu', 'rss'] as const });
    expect(ring.latest()).toBeNull();
    expect(ring.snapshot().times).toEqual(new Float64Array(0));
    for (let t = 1; t <= 5; t++) ring.push(t * 1000, { cpu: t, rss: t * 10 });
    expect(ring.size).toBe(3);
    const snap = ring.snapshot();
    expect(snap.times).toBeInstanceOf(Float64Array);
    expect([...snap.times]).toEqual([3000, 4000, 5000]);
    expect([...snap.series.cpu]).toEqual([3, 4, 5]);
    expect([...snap.series.rss]).toEqual([30, 40, 50]);
    expect(ring.latest()).toEqual({ time: 5000, values: { cpu: 5, rss: 50 } });
  });

  it('records a missing value as a gap and hands out copies', () => {
    const ring = new MetricsRing({ capacity: 4, series: ['a', 'b'] as const });
    ring.push(1, { a: 1 });
    const snap = ring.snapshot();
    expect(Number.isNaN(snap.series.b[0]!)).toBe(true);
    snap.series.a[0] = 99;
    expect(ring.snapshot().series.a[0]).toBe(1);
  });

  it('clears', () => {
    const ring = new MetricsRing({ series: ['x'] as const });
    expect(ring.capacity).toBe(300);
    ring.push(1, { x: 1 });
    ring.clear();
    expect(ring.size).toBe(0);
    expect(ring.latest()).toBeNull();
  });

  it('names a bad option', () => {
    expect(() => new MetricsRing({ capacity: 0, series: ['x'] })).toThrow('MetricsRingOptions.capacity');
    expect(() => new MetricsRing({ series: [] })).toThrow('MetricsRingOptions.series');
    expect(() => new MetricsRing({ series: ['x', 'x'] })).toThrow('MetricsRingOptions.series');
  });
});
