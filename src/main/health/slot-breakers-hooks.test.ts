import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../shared/result';
import { ManualClock } from '../common/clock';
import { classifyCallError, SlotBreakers } from './slot-breakers';

describe('SlotBreakers as the router hooks', () => {
  it('classifies codes: instance faults fail, caller faults succeed, cancellations say nothing', () => {
    const verdicts = Object.fromEntries(ERROR_CODES.map((code) => [code, classifyCallError(code)]));
    expect(verdicts).toEqual({
      E_BAD_REQUEST: 'success',
      E_UNAUTHORIZED: 'success',
      E_FORBIDDEN: 'success',
      E_NOT_FOUND: 'success',
      E_PLUGIN_NOT_FOUND: 'success',
      E_CONFLICT: 'ignore',
      E_PAYLOAD_TOO_LARGE: 'success',
      E_OVERLOADED: 'ignore',
      E_PLUGIN_ERROR: 'failure',
      E_PLUGIN_CRASHED: 'failure',
      E_CIRCUIT_OPEN: 'ignore',
      E_SHUTTING_DOWN: 'ignore',
      E_TIMEOUT: 'failure',
      E_INTERNAL: 'failure',
    });
  });

  it('caller faults keep the breaker closed; timeouts open it', () => {
    const clock = new ManualClock();
    const breakers = new SlotBreakers<object>({ breaker: { minimumCalls: 4 } }, clock);
    const inst = {};
    const breaker = breakers.bind(inst, 0);
    for (let i = 0; i < 4; i++) breakers.onCallResult(inst, false, 0, 'E_BAD_REQUEST');
    expect(breaker.state).toBe('closed');
    expect(breaker.windowCalls).toBe(4);
    for (let i = 0; i < 4; i++) breakers.onCallResult(inst, false, 0, 'E_TIMEOUT');
    expect(breaker.state).toBe('open'); // 4 of 8
  });

  it('a cancelled half-open trial (E_CONFLICT) frees its place instead of closing or reopening', () => {
    const clock = new ManualClock();
    const breakers = new SlotBreakers<object>({ breaker: { minimumCalls: 1, halfOpenTrials: 1 } }, clock);
    const inst = {};
    const breaker = breakers.bind(inst, 0);
    breakers.onCallResult(inst, false, 0, 'E_PLUGIN_ERROR');
    clock.advance(10_000);
    expect(breakers.admit(inst)).toBe(true);
    breakers.onCallStart(inst);
    expect(breakers.admit(inst)).toBe(false);
    clock.advance(2);
    breakers.onCallResult(inst, false, 2, 'E_CONFLICT');
    expect(breaker.state).toBe('halfOpen');
    expect(breakers.admit(inst)).toBe(true);
  });

  it('tick() announces due half-open steps; a custom classify is used', () => {
    const clock = new ManualClock();
    const breakers = new SlotBreakers<object>({ breaker: { minimumCalls: 1 }, classify: () => 'failure' }, clock);
    const inst = {};
    breakers.bind(inst, 2);
    const seen: string[] = [];
    breakers.on('change', (c) => seen.push(`${c.slot} ${c.transition.to}`));
    breakers.onCallResult(inst, false, 0, 'E_BAD_REQUEST');
    clock.advance(10_000);
    breakers.tick();
    expect(seen).toEqual(['2 open', '2 halfOpen']);
    breakers.dispose();
    breakers.resetAll();
    expect(seen).toHaveLength(2); // disposed: no longer forwarded
  });

  it('rejects a slot index out of range', () => {
    const breakers = new SlotBreakers<object>({ maxSlots: 2 }, new ManualClock());
    expect(() => breakers.forSlot(2)).toThrow('slot index must be an integer in [0, 1], got 2');
    expect(() => breakers.forSlot(-1)).toThrow(RangeError);
  });
});
