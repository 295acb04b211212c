import { describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { SlotBreakers, type SlotBreakerChange } from './slot-breakers';

/** Stands for a RoutableInstance: only its identity matters to the breakers. */
interface FakeInstance {
  id: string;
}

function setup() {
  const clock = new ManualClock();
  const breakers = new SlotBreakers<FakeInstance>({ breaker: { minimumCalls: 2, halfOpenTrials: 1 } }, clock);
  const changes: SlotBreakerChange[] = [];
  breakers.on('change', (c) => changes.push(c));
  const fail = (instance: FakeInstance, latency = 0): void => {
    breakers.onCallStart(instance);
    clock.advance(latency);
    breakers.onCallResult(instance, false, latency, 'E_PLUGIN_CRASHED');
  };
  const opens = () => changes.flatMap((c) => (c.transition.to === 'open' ? [{ slot: c.slot, ...c.transition }] : []));
  return { clock, breakers, changes, fail, opens };
}

describe('a recycled instance keeps its slot’s breaker history', () => {
  it('the replacement bound to the same slot gets the same breaker, still open, and its period keeps growing', () => {
    const { clock, breakers, fail, opens } = setup();
    const first: FakeInstance = { id: 'echo#1' };
    const breaker = breakers.bind(first, 0);
    fail(first);
    fail(first);
    expect(breaker.state).toBe('open');

    // The instance is recycled; its replacement takes slot 0.
    const second: FakeInstance = { id: 'echo#2' };
    expect(breakers.bind(second, 0)).toBe(breaker);
    expect(breakers.admit(second)).toBe(false); // the slot's breaker is still open

    clock.advance(10_000);
    expect(breakers.admit(second)).toBe(true); // half-open: one trial
    fail(second, 5);
    expect(breaker.state).toBe('open');

    // Recycled again: the third instance inherits an open period that has doubled.
    const third: FakeInstance = { id: 'echo#3' };
    breakers.bind(third, 0);
    expect(opens().map((o) => [o.slot, o.openMs, o.consecutiveOpens])).toEqual([
      [0, 10_000, 1],
      [0, 20_000, 2],
    ]);
    clock.advance(19_999);
    expect(breakers.admit(third)).toBe(false);
    clock.advance(1);
    expect(breakers.admit(third)).toBe(true);
  });

  it('another slot has a breaker of its own', () => {
    const { breakers, fail } = setup();
    const a: FakeInstance = { id: 'echo#1' };
    const b: FakeInstance = { id: 'echo#2' };
    breakers.bind(a, 0);
    breakers.bind(b, 1);
    fail(a);
    fail(a);
    expect(breakers.admit(a)).toBe(false);
    expect(breakers.admit(b)).toBe(true);
    expect(breakers.snapshot().map((s) => [s.slot, s.state])).toEqual([
      [0, 'open'],
      [1, 'closed'],
    ]);
  });

  it('late results of the old instance still count for its slot', () => {
    const { clock, breakers } = setup();
    const old: FakeInstance = { id: 'echo#1' };
    const breaker = breakers.bind(old, 0);
    breakers.onCallStart(old);
    breakers.onCallStart(old);
    breakers.bind({ id: 'echo#2' }, 0); // replaced before its calls failed
    clock.advance(3);
    breakers.onCallResult(old, false, 3, 'E_PLUGIN_CRASHED');
    breakers.onCallResult(old, false, 3, 'E_PLUGIN_CRASHED');
    expect(breaker.state).toBe('open');
  });

  it('an unbound instance is admitted and its results go nowhere', () => {
    const { breakers } = setup();
    const stray: FakeInstance = { id: 'x' };
    expect(breakers.admit(stray)).toBe(true);
    breakers.onCallResult(stray, false, 0, 'E_TIMEOUT');
    expect(breakers.snapshot()).toEqual([]);
  });
});
