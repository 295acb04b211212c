import { describe, expect, it } from 'vitest';
import { ProbeHistory } from './probe-history';
import { setupTracker, T0 } from './probe-tracker.test-helper';

const MIN = 60_000;
const M0 = T0 - (T0 % MIN); // the minute T0 falls in

describe('ProbeHistory', () => {
  it('rolls results up per subject, kind and minute, and drains only the minutes that ended', () => {
    const history = new ProbeHistory();
    for (let s = 0; s < 60; s += 5) history.recordResult('echo#1', 'liveness', s !== 30, M0 + s * 1000);
    history.recordResult('echo#1', 'readiness', false, M0 + 1_000);
    history.recordResult('echo#2', 'liveness', true, M0 + 2_000);
    history.recordResult('echo#1', 'liveness', true, M0 + MIN); // the next minute
    expect(history.drain(M0 + MIN + 1)).toEqual([
      { type: 'rollup', subject: 'echo#1', probe: 'liveness', minute: M0, ok: 11, fail: 1 },
      { type: 'rollup', subject: 'echo#1', probe: 'readiness', minute: M0, ok: 0, fail: 1 },
      { type: 'rollup', subject: 'echo#2', probe: 'liveness', minute: M0, ok: 1, fail: 0 },
    ]);
    expect(history.drain(M0 + MIN + 2)).toEqual([]); // the open minute waits
    expect(history.drain(M0 + MIN + 3, true)).toEqual([{ type: 'rollup', subject: 'echo#1', probe: 'liveness', minute: M0 + MIN, ok: 1, fail: 0 }]);
  });

  it('fed by a tracker: one row per state change and per-minute rollups, never a row per probe', () => {
    const history = new ProbeHistory();
    const { drive } = setupTracker({ history, subject: 'echo#1', startup: { graceMs: 0 } });
    // 3 minutes: readiness probes answer fail from 60 s to 90 s; ready at once, unready after 3 failures, ready again.
    drive(1000, 3 * MIN - 1000, (kind, at) => (kind === 'readiness' && at >= 60_000 && at < 90_000 ? 'fail' : 'ok'));
    const rows = history.drain(T0 + 3 * MIN, true);
    const changes = rows.filter((r) => r.type === 'change');
    expect(changes.map((c) => (c.type === 'change' ? `${c.at - T0} ${c.probe} ${c.from}→${c.to}` : ''))).toEqual([
      '1010 readiness starting→ready',
      '71010 readiness ready→unready',
      '91010 readiness unready→ready',
    ]);
    const rollups = rows.filter((r) => r.type === 'rollup');
    expect(rollups.length).toBeLessThanOrEqual(2 * 4); // 2 kinds × the (up to 4) minutes touched
    const total = (probe: string, key: 'ok' | 'fail') => rollups.reduce((n, r) => n + (r.type === 'rollup' && r.probe === probe ? r[key] : 0), 0);
    expect(total('liveness', 'ok')).toBe(35); // every 5 s for 179 s
    expect(total('liveness', 'fail')).toBe(0);
    expect(total('readiness', 'fail')).toBe(6); // readiness runs at 1 s, then 6, 11 … s: fails at 61 … 86 s
    expect(total('readiness', 'ok') + total('readiness', 'fail')).toBe(36);
  });

  it('drops the oldest rows beyond maxPendingRows, and counts them', () => {
    const history = new ProbeHistory({ maxPendingRows: 3 });
    for (let i = 0; i < 5; i++) history.recordChange('a', 'readiness', 'ready', 'unready', `#${i}`, i);
    expect(history.dropped).toBe(2);
    expect(history.drain(10).map((r) => (r.type === 'change' ? r.reason : ''))).toEqual(['#2', '#3', '#4']);
  });

  it('ignores a result from a minute already closed (clock stepped back)', () => {
    const history = new ProbeHistory();
    history.recordResult('a', 'liveness', true, M0 + MIN);
    history.recordResult('a', 'liveness', true, M0 + 5);
    expect(history.drain(M0 + MIN, true)).toEqual([{ type: 'rollup', subject: 'a', probe: 'liveness', minute: M0 + MIN, ok: 1, fail: 0 }]);
  });
});
