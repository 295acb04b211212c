import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../../shared/domain';
import { describeEvent, laneColumns, laneOf } from './plugin-events';

const ev = (kind: string, data: Record<string, unknown>, ts = 1000, id = 1): StoredEvent => ({ id, ts, kind, source: 'plugin:flaky', data });

describe('plugin events in words', () => {
  it('puts each kind on its lane', () => {
    expect(laneOf('instance.readiness')).toBe('probes');
    expect(laneOf('instance.recycled', { cause: 'liveness' })).toBe('probes');
    expect(laneOf('instance.recycled', { cause: 'memory' })).toBe('restarts');
    expect(laneOf('breaker.halfOpen')).toBe('breaker');
    expect(laneOf('instance.crashed')).toBe('restarts');
    expect(laneOf('scaling.decision')).toBe('scaling');
    expect(laneOf('plugin.state')).toBe('state');
  });

  it('says what happened and why', () => {
    expect(describeEvent(ev('breaker.open', { instance: 'flaky#1', reason: '5 of 5 calls failed', openMs: 10_000 })).text).toBe(
      'Breaker of flaky#1 opened: 5 of 5 calls failed (for 10 s)',
    );
    expect(describeEvent(ev('breaker.open', { instance: 'a#1', reason: 'open for 10 s', openMs: 10_000 })).text).toBe('Breaker of a#1 opened: open for 10 s');
    expect(describeEvent(ev('instance.crashed', { instance: 'flaky#1', code: null, signal: 'SIGKILL' }))).toMatchObject({
      text: 'flaky#1 crashed — signal SIGKILL',
      tone: 'bad',
    });
    expect(describeEvent(ev('scaling.decision', { previous: 1, desired: 2, blocked: false, reason: 'in-flight 9 > target' })).text).toBe(
      'Scaled 1 → 2 instance(s): in-flight 9 > target',
    );
    expect(describeEvent(ev('plugin.state', { from: 'starting', to: 'ready' }))).toMatchObject({ text: 'State starting → ready', tone: 'ok' });
    expect(describeEvent(ev('something.new', { a: 1 })).text).toBe('something.new {"a":1}');
  });

  it('lays events out in lanes on one time column', () => {
    const cols = laneColumns([
      describeEvent(ev('breaker.open', {}, 2000, 2)),
      describeEvent(ev('instance.started', {}, 1000, 1)),
      describeEvent(ev('plugin.state', {}, 2000, 3)),
    ]);
    expect(cols.ts).toEqual([1000, 2000]);
    expect(cols.values.restarts).toEqual([3, null]);
    expect(cols.values.breaker).toEqual([null, 4]);
    expect(cols.values.state).toEqual([null, 1]);
    expect(cols.values.probes).toEqual([null, null]);
  });
});

describe('the shared time axis', () => {
  it('spans at least a minute, back to the oldest sample or event of the last 5 minutes', async () => {
    const { timeAxis } = await import('./plugin-timeline');
    const now = 1_000_000;
    expect(timeAxis([], [], now)).toEqual([now - 60_000, now]);
    expect(timeAxis([now - 120_000, now - 1000], [], now)).toEqual([now - 120_000, now]);
    expect(timeAxis([now - 30_000], [now - 200_000, now - 900_000], now)).toEqual([now - 200_000, now]);
  });
});
