import { describe, expect, it } from 'vitest';
import { DEFAULT_HOLT_FORECASTER_OPTIONS, HoltForecaster } from './holt-forecaster';

describe('HoltForecaster', () => {
  it('follows a linear ramp with bounded lag and no steady-state error', () => {
    const f = new HoltForecaster({ alpha: 0.5, beta: 0.1 });
    const slope = 0.5;
    const lags: number[] = [];
    for (let t = 0; t <= 200; t++) {
      f.update(slope * t);
      lags.push(slope * t - f.level);
    }
    // The lag is bounded throughout (it peaks while the trend is learnt) …
    expect(Math.max(...lags.map(Math.abs))).toBeLessThan(slope * 10);
    // … and vanishes: the level sits on the ramp and the trend is its slope.
    expect(Math.abs(lags.at(-1)!)).toBeLessThan(0.01);
    expect(f.trend).toBeCloseTo(slope, 3);
    // A forecast h steps ahead lands on the ramp h steps ahead.
    expect(f.forecast(10)).toBeCloseTo(slope * 210, 1);
  });

  it('converges on a constant load with the trend dying out', () => {
    const f = new HoltForecaster();
    for (let t = 0; t < 30; t++) f.update(t % 2 === 0 ? 0 : 12); // a noisy start
    for (let t = 0; t < 300; t++) f.update(7);
    expect(f.level).toBeCloseTo(7, 3);
    expect(Math.abs(f.trend)).toBeLessThan(1e-3);
    expect(f.forecast(30)).toBeCloseTo(7, 1);
  });

  it('starts from the first sample without guessing a trend, even from two samples 10 ms apart', () => {
    const f = new HoltForecaster();
    expect(f.forecast(5)).toBe(0);
    f.update(4, 0.25);
    expect([f.level, f.trend, f.samples]).toEqual([4, 0, 1]);
    f.update(6, 0.01);
    // A tiny gap gives the new sample a tiny weight: no slope of 200 per second.
    expect(f.level).toBeGreaterThan(4);
    expect(f.level).toBeLessThan(4.1);
    expect(Math.abs(f.trend)).toBeLessThan(0.1);
  });

  it('weighs an irregular gap like that many regular steps of the same value', () => {
    const a = new HoltForecaster({ alpha: 0.3, beta: 0 });
    const b = new HoltForecaster({ alpha: 0.3, beta: 0 });
    a.update(10);
    b.update(10);
    a.update(20, 3);
    for (let i = 0; i < 3; i++) b.update(20);
    expect(a.level).toBeCloseTo(b.level, 10);
  });

  it('refines the level on a zero gap and mostly forgets the past after a long one', () => {
    const f = new HoltForecaster({ alpha: 0.5, beta: 0.1 });
    f.update(10);
    f.update(12);
    const trend = f.trend;
    f.update(20, 0);
    expect(f.trend).toBe(trend);
    expect(f.level).toBeGreaterThan(12);
    f.update(3, 600);
    expect(f.level).toBeCloseTo(3, 6);
    expect(Math.abs(f.trend)).toBeLessThan(0.1);
  });

  it('never forecasts or levels below zero', () => {
    const f = new HoltForecaster({ alpha: 0.5, beta: 0.5 });
    for (const y of [40, 30, 20, 10, 0, 0]) f.update(y);
    expect(f.trend).toBeLessThan(0);
    expect(f.level).toBeGreaterThanOrEqual(0);
    expect(f.forecast(50)).toBe(0);
  });

  it('measures the horizon in steps of stepSeconds', () => {
    const f = new HoltForecaster({ alpha: 1, beta: 1, stepSeconds: 5 });
    f.update(0);
    f.update(10, 5); // +10 per 5 s step
    expect(f.trend).toBe(10);
    expect(f.forecast(2)).toBe(30);
  });

  it('resets', () => {
    const f = new HoltForecaster();
    f.update(3);
    f.update(5);
    f.reset();
    expect([f.level, f.trend, f.samples, f.forecast(3)]).toEqual([0, 0, 0, 0]);
  });

  it('documents its defaults and names a bad option or argument', () => {
    expect(DEFAULT_HOLT_FORECASTER_OPTIONS).toEqual({ alpha: 0.5, beta: 0.1, stepSeconds: 1 });
    expect(() => new HoltForecaster({ alpha: 0 })).toThrow('HoltForecasterOptions.alpha');
    expect(() => new HoltForecaster({ beta: 1.5 })).toThrow('HoltForecasterOptions.beta');
    expect(() => new HoltForecaster({ stepSeconds: 0 })).toThrow('HoltForecasterOptions.stepSeconds');
    const f = new HoltForecaster();
    expect(() => f.update(-1)).toThrow('observation');
    expect(() => f.update(Number.NaN)).toThrow('observation');
    expect(() => f.update(1, -1)).toThrow('dtSeconds');
    expect(() => f.forecast(-1)).toThrow('horizonSteps');
  });
});
