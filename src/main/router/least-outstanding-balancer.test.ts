import { describe, expect, it } from 'vitest';
import type { InstanceState, RoutableInstance } from '../plugins/instance-types';
import { LeastOutstandingBalancer } from './least-outstanding-balancer';

interface TestInstance extends RoutableInstance {
  inFlight: number;
}

function inst(id: string, inFlight: number, state: InstanceState = 'ready'): TestInstance {
  return { id, state, inFlight, call: () => Promise.resolve(null) };
}

/** A seeded LCG so P2C is reproducible. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const load = (i: RoutableInstance): number => i.inFlight;

function balancer(random = seeded(1)) {
  return new LeastOutstandingBalancer({ p2cThreshold: 4, degradedLoadFactor: 2, random });
}

describe('LeastOutstandingBalancer', () => {
  it('picks the instance with the fewest outstanding requests; ties go to the earlier one', () => {
    const b = balancer();
    const list = [inst('a', 3), inst('b', 1), inst('c', 2)];
    expect(b.pick(list, 10, load, null, null)?.id).toBe('b');
    list[1]!.inFlight = 2;
    list[2]!.inFlight = 2;
    expect(b.pick(list, 10, load, null, null)?.id).toBe('b');
  });

  it('skips instances that are not ready/degraded, busy ones, the excluded one and refused ones; says why when none', () => {
    const b = balancer();
    const p = (instances: RoutableInstance[], admit: ((i: RoutableInstance) => boolean) | null = null, exclude: RoutableInstance | null = null) =>
      b.pick(instances, 2, load, admit, exclude);
    expect(p([inst('s', 0, 'starting'), inst('u', 0, 'unready'), inst('d', 0, 'draining')])).toBeNull();
    expect(b.miss).toBe('none-routable');
    expect(p([])).toBeNull();
    expect(b.miss).toBe('none-routable');
    expect(p([inst('a', 2), inst('b', 5)])).toBeNull();
    expect(b.miss).toBe('all-busy');
    expect(p([inst('a', 0), inst('b', 1)], () => false)).toBeNull();
    expect(b.miss).toBe('all-refused');
    expect(p([inst('a', 0), inst('b', 2)], () => false)).toBeNull();
    expect(b.miss).toBe('all-busy');
    const a = inst('a', 0);
    expect(p([a, inst('b', 1)], null, a)?.id).toBe('b');
    expect(p([a], null, a)).toBeNull();
    expect(b.miss).toBe('none-routable');
    expect(p([inst('a', 0), inst('b', 1)], (i) => i.id !== 'a')?.id).toBe('b');
  });

  it('counts a degraded instance’s load double, so it gets less traffic', () => {
    const b = balancer();
    const ready = inst('ready', 0);
    const degraded = inst('degraded', 0, 'degraded');
    const list = [degraded, ready];
    for (let i = 0; i < 9; i++) (b.pick(list, 100, load, null, null) as TestInstance).inFlight++;
    expect(ready.inFlight).toBe(6);
    expect(degraded.inFlight).toBe(3);
  });

  it('with more than four instances, uses two random choices and spreads load evenly', () => {
    const b = balancer(seeded(42));
    const list = Array.from({ length: 10 }, (_, i) => inst(`i${i}`, 0));
    for (let i = 0; i < 1000; i++) (b.pick(list, 1000, load, null, null) as TestInstance).inFlight++;
    const loads = list.map((i) => i.inFlight);
    // Two choices keeps the spread tight: max − min stays small (a single random choice would drift by ~±30).
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(4);
    expect(loads.reduce((a, b) => a + b, 0)).toBe(1000);
  });

  it('P2C never returns a busy, unroutable or refused instance, and finds the only free one', () => {
    const b = balancer(seeded(7));
    const list = Array.from({ length: 8 }, (_, i) => inst(`i${i}`, 5));
    list[6]!.inFlight = 0;
    for (let i = 0; i < 50; i++) expect(b.pick(list, 5, load, null, null)?.id).toBe('i6');
    list[6]!.inFlight = 5;
    expect(b.pick(list, 5, load, null, null)).toBeNull();
    expect(b.miss).toBe('all-busy');
    const idle = Array.from({ length: 8 }, (_, i) => inst(`i${i}`, 0));
    expect(b.pick(idle, 5, load, () => false, null)).toBeNull();
    expect(b.miss).toBe('all-refused');
  });
});
