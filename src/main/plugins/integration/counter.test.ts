/**
 * Shared persistent state through real SQLite: the counter plugin with 4 process instances takes
 * 1,000 concurrent increments and counts exactly 1,000 (each value handed out once); the count
 * survives a rolling `plugins:restart` and a full conductor restart on the same data dir.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox, type Harness } from './integration.test-helper';

const INCREMENTS = 1_000;
const BATCH = 100;

describe('counter (shared state across instances and restarts)', () => {
  let box: Sandbox;

  beforeAll(() => {
    box = new Sandbox('counter');
    box.copyPlugin('counter');
  });

  afterAll(async () => {
    await box?.dispose();
  });

  it('4 instances, 1,000 concurrent increments → exactly 1,000; survives plugins:restart and a conductor restart', async () => {
    let h: Harness = await box.start();
    await h.waitReady('counter', 2);
    const bounds = await h.must('plugins:setBounds', { name: 'counter', min: 4, max: 4 });
    expect([bounds.min, bounds.max]).toEqual([4, 4]);
    const four = await h.waitReady('counter', 4);
    expect(new Set(four.instances.map((i) => i.pid)).size).toBe(4);

    const values: number[] = [];
    for (let start = 0; start < INCREMENTS; start += BATCH) {
      const batch = await Promise.all(Array.from({ length: BATCH }, () => h.send({ capability: 'state.counter', payload: {} })));
      for (const o of batch) {
        if (!o.ok) throw new Error(`an increment failed: ${o.code} ${o.message}`);
        values.push((o.value as { value: number }).value);
      }
    }
    // Atomic: every value from 1 to 1,000 handed out exactly once.
    expect(values.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: INCREMENTS }, (_, i) => i + 1));
    // All four instances took part.
    const served = (await h.plugin('counter')).instances.map((i) => i.served);
    expect(served).toHaveLength(4);
    for (const n of served) expect(n).toBeGreaterThan(0);
    expect(served.reduce((a, b) => a + b, 0)).toBe(INCREMENTS);

    // A rolling restart replaces every instance; the count stays.
    const oldPids = four.instances.map((i) => i.pid);
    await h.must('plugins:restart', { name: 'counter' });
    const restarted = await h.waitReady('counter', 4);
    expect(restarted.instances.map((i) => i.pid).filter((pid) => oldPids.includes(pid))).toEqual([]);
    expect(await h.send({ plugin: 'counter', payload: { by: 0 } })).toEqual({ ok: true, value: { value: INCREMENTS } });

    // A new conductor on the same data dir: same count, and the 4-instance bounds were kept.
    await box.stop(h, 'test: restart the conductor');
    h = await box.start();
    const again = await h.waitReady('counter', 4);
    expect([again.min, again.max]).toEqual([4, 4]);
    expect(await h.send({ capability: 'state.counter', payload: {} })).toEqual({ ok: true, value: { value: INCREMENTS + 1 } });
  });
});
