/**
 * A plugin that floods its log (and its stdout) must not take the conductor down with it: other
 * plugins keep answering promptly, the memory the conductor holds for logs stays bounded, and
 * the flood is visible (its lines are in the log, or counted as dropped).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox, type Harness } from './integration.test-helper';

const FLOOD = `
export default {
  async handle(payload, ctx) {
    for (let i = 0; i < payload.lines; i++) {
      ctx.log.info('flood line ' + i + ' ' + 'x'.repeat(200));
      if (i % 5000 === 0) console.log('stdout flood ' + i);
      if (i % 20000 === 0) await new Promise((r) => setImmediate(r));
    }
    return 'flooded';
  },
  health() { return { status: 'ok' }; },
};
`;

describe('a plugin flooding its log', () => {
  let box: Sandbox;
  let h: Harness;

  beforeAll(async () => {
    box = new Sandbox('flood', { health: { intervalMs: 100 } });
    box.writePlugin('flood', { capabilities: ['test.flood'], requestTimeoutMs: 120_000 }, FLOOD);
    box.copyPlugin('echo');
    h = await box.start();
    await h.waitReady('flood');
    await h.waitReady('echo');
  });

  afterAll(async () => {
    await box?.dispose();
  });

  it('other plugins keep answering; log memory stays bounded; the conductor keeps serving', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const flood = h.send({ plugin: 'flood', payload: { lines: 200_000 }, timeoutMs: 120_000 });
    const latencies: number[] = [];
    let done = false;
    void flood.then(() => (done = true));
    while (!done) {
      const t0 = performance.now();
      expect(await h.send({ plugin: 'echo', payload: 1 })).toEqual({ ok: true, value: { echo: 1 } });
      latencies.push(performance.now() - t0);
    }
    expect(await flood).toEqual({ ok: true, value: 'flooded' });
    latencies.sort((a, b) => a - b);
    const p50 = latencies[Math.floor(latencies.length / 2)]!;
    // Generous: a loaded 2-core box; what matters is that echo is not starved for seconds.
    expect(p50).toBeLessThan(500);
    expect(h.conductor.logBus.size).toBeLessThanOrEqual(h.conductor.logBus.capacity);
    // The flood's lines (or a note of dropped ones) reach the log.
    const { entries } = await h.must('logs:query', { plugin: 'flood', limit: 10 });
    expect(entries.length).toBeGreaterThan(0);
    const heapAfter = process.memoryUsage().heapUsed;
    expect(heapAfter - heapBefore).toBeLessThan(200 * 1024 * 1024);
    expect((await h.plugin('flood')).state).toBe('ready');
  });
});
