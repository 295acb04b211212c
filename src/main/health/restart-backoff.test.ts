import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { RestartBackoff, type RestartBackoffOptions } from './restart-backoff';

function setup(options: Partial<RestartBackoffOptions> = {}) {
  const clock = new ManualClock();
  return { clock, backoff: new RestartBackoff(options, clock) };
}

describe('RestartBackoff', () => {
  it('without jitter the delays are 200 ms × 1.5ⁿ, capped at 15 s', () => {
    const { backoff } = setup({ random: () => 0 });
    const delays = Array.from({ length: 12 }, () => backoff.nextDelay());
    expect(delays).toEqual([200, 300, 450, 675, 1012.5, 1518.75, 2278.125, 3417.1875, 5125.78125, 7688.671875, 11533.0078125, 15_000]);
    expect(backoff.nextDelay()).toBe(15_000);
    expect(backoff.attempt).toBe(13);
  });

  it('jitter only takes off: every delay lies in [base × 0.8, base], the first ≤ 250 ms', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 30 }), (randoms) => {
        let k = 0;
        const { backoff } = setup({ random: () => randoms[k++ % randoms.length]! });
        for (let n = 0; n < randoms.length; n++) {
          const base = Math.min(15_000, 200 * 1.5 ** n);
          const delay = backoff.nextDelay();
          expect(delay).toBeLessThanOrEqual(base);
          expect(delay).toBeGreaterThanOrEqual(base * 0.8);
          if (n === 0) expect(delay).toBeLessThanOrEqual(250);
        }
      }),
    );
  });

  it('starts over when the crashed instance had been up for resetAfterStableMs, not a moment less', () => {
    const { clock, backoff } = setup({ random: () => 0 });
    backoff.nextDelay(); // 200
    backoff.nextDelay(); // 300
    backoff.onUp();
    clock.advance(29_999);
    expect(backoff.nextDelay()).toBe(450); // up 29.999 s: still the same run of crashes
    backoff.onUp();
    clock.advance(30_000);
    expect(backoff.nextDelay()).toBe(200);
  });

  it('onStable on the health tick resets once the instance has been up long enough', () => {
    const { clock, backoff } = setup({ random: () => 0, resetAfterStableMs: 10_000 });
    backoff.nextDelay();
    backoff.nextDelay();
    expect(backoff.onStable()).toBe(false); // not up yet
    backoff.onUp();
    clock.advance(9_999);
    expect(backoff.onStable()).toBe(false);
    expect(backoff.attempt).toBe(2);
    clock.advance(1);
    expect(backoff.onStable()).toBe(true);
    expect(backoff.attempt).toBe(0);
    expect(backoff.peekDelay()).toBe(200);
    expect(backoff.onStable()).toBe(false); // nothing left to reset
  });

  it('a crash before coming up keeps the count (no stale upSince)', () => {
    const { clock, backoff } = setup({ random: () => 0 });
    backoff.onUp();
    backoff.nextDelay(); // 200; the instance is down now
    clock.advance(60_000); // the replacement never came up
    expect(backoff.nextDelay()).toBe(300);
  });

  it('reset() starts over (a retry after quarantine)', () => {
    const { backoff } = setup({ random: () => 0 });
    for (let i = 0; i < 5; i++) backoff.nextDelay();
    backoff.reset();
    expect(backoff.nextDelay()).toBe(200);
  });
});
