/**
 * Fixed load traces for the scaler bench: offered concurrency (requests in flight) per second.
 * Deterministic (no randomness), so every run prints the same table.
 */
export interface Trace {
  name: string;
  /** What the trace models, in words (printed in the README). */
  description: string;
  /** Offered concurrency at second i (fractional; the bench rounds it to whole requests). */
  concurrency: readonly number[];
}

function build(seconds: number, at: (t: number) => number): number[] {
  return Array.from({ length: seconds }, (_, t) => at(t));
}

/** 2 in flight for 60 s, then 20 for 540 s (10 min). */
export const stepTrace: Trace = {
  name: 'step',
  description: '2 in flight for 60 s, then a step to 20 held for 540 s (600 s)',
  concurrency: build(600, (t) => (t < 60 ? 2 : 20)),
};

/** 0 → 40 linearly over 600 s, then 40 held for 60 s so the top of the ramp is measured too. */
export const rampTrace: Trace = {
  name: 'ramp',
  description: 'linear ramp 0 → 40 over 600 s, then 40 held for 60 s (660 s)',
  concurrency: build(660, (t) => Math.min(40, (40 * t) / 600)),
};

/** 4 in flight, a 30 s spike to 50, back to 4 for 5 min. */
export const spikeTrace: Trace = {
  name: 'spike',
  description: '4 in flight for 120 s, a 30 s spike to 50, then 4 for 300 s (450 s)',
  concurrency: build(450, (t) => (t >= 120 && t < 150 ? 50 : 4)),
};

/** A day compressed to an hour: 2 in flight at "midnight" (t = 0), 40 at "noon" (t = 1800 s). */
export const sineTrace: Trace = {
  name: 'sine',
  description: 'daily wave compressed to 1 h: 21 − 19·cos(2πt / 3600), 2 at t = 0 and 3600 s, 40 at t = 1800 s (3600 s)',
  concurrency: build(3600, (t) => 21 - 19 * Math.cos((2 * Math.PI * t) / 3600)),
};

export const TRACES: readonly Trace[] = [stepTrace, rampTrace, spikeTrace, sineTrace];
