/**
 * Probes on the health tick (50 ms here, with short probe settings in copied manifests):
 * - readiness: a plugin whose `health()` says `down` (while a flag file exists) leaves routing
 *   (its instance is `unready`, requests are not sent to it) and returns once it says ok;
 * - liveness: a plugin wedged in a busy loop stops answering pings and is recycled (killed and
 *   replaced; counted as a crash);
 * - memory: an instance whose RSS stays above `memoryLimitMb` is drained and replaced, while
 *   another plugin keeps serving.
 */
import Database from 'better-sqlite3';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../shared/domain';
import { codesOf, isAlive, runLoad, Sandbox, waitFor, type Harness } from './integration.test-helper';

const FAST_PROBES = {
  liveness: { intervalMs: 150, timeoutMs: 100, failureThreshold: 2 },
  readiness: { intervalMs: 100, timeoutMs: 80, failureThreshold: 1, successThreshold: 1 },
  startup: { graceMs: 0, maxMs: 10_000 },
};

const MOODY = `
import { existsSync } from 'node:fs';
export default {
  handle(payload) { return { moody: payload }; },
  health() {
    return existsSync(new URL('./down', import.meta.url)) ? { status: 'down', message: 'flag file' } : { status: 'ok' };
  },
};
`;

const WEDGE = `
export default {
  handle(payload) {
    if (payload?.spin) for (;;) {}
    return { alive: payload };
  },
  health() { return { status: 'ok' }; },
};
`;

const LEAKY = `
const kept = [];
export default {
  async handle(payload) {
    if (payload?.leakMb) {
      // 8 MiB at a time, yielding between: touching fresh pages can be slow in a VM (160 MiB at
      // once took ~450 ms here), and one long block would trip the liveness probe instead.
      for (let mb = 0; mb < payload.leakMb; mb += 8) {
        kept.push(Buffer.alloc(8 * 1024 * 1024, 1));
        await new Promise((resolve) => setImmediate(resolve));
      }
      return { kept: kept.length };
    }
    return { leaky: payload };
  },
  health() { return { status: 'ok' }; },
};
`;

async function eventsOf(h: Harness, kind: string, plugin: string): Promise<StoredEvent[]> {
  const { events } = await h.must('events:query', { kind, limit: 1000 });
  return (events as StoredEvent[]).filter((e) => e.source === `plugin:${plugin}`);
}

describe('probes on the health tick', () => {
  let box: Sandbox;
  let h: Harness;
  let moodyDir: string;

  beforeAll(async () => {
    box = new Sandbox('probes', { health: { intervalMs: 50 } });
    moodyDir = box.writePlugin('moody', { capabilities: ['test.moody'], probes: FAST_PROBES }, MOODY);
    box.writePlugin('wedge', { capabilities: ['test.wedge'], probes: FAST_PROBES }, WEDGE);
    box.writePlugin('leaky', { capabilities: ['test.leaky'], probes: FAST_PROBES, memoryLimitMb: 96 }, LEAKY);
    box.copyPlugin('echo', { manifest: { instances: { min: 1, max: 1 } } });
    h = await box.start({ pluginHealth: { memorySamples: 2 } });
    for (const name of ['moody', 'wedge', 'leaky', 'echo']) await h.waitReady(name);
  }, 30_000);

  afterAll(async () => {
    await box?.dispose();
  });

  it('readiness down: the instance leaves routing; it returns when health says ok', async () => {
    const flag = join(moodyDir, 'down');
    writeFileSync(flag, '1');
    await waitFor(async () => (await h.plugin('moody')).instances[0]?.state === 'unready', 'moody to be unready', 5_000);
    // Not routed while unready: the request waits and times out.
    expect(await h.send({ plugin: 'moody', payload: 1, timeoutMs: 300 })).toMatchObject({ ok: false, code: 'E_TIMEOUT' });
    rmSync(flag);
    await waitFor(async () => (await h.plugin('moody')).instances[0]?.state === 'ready', 'moody to be ready again', 5_000);
    expect(await h.send({ plugin: 'moody', payload: 2 })).toEqual({ ok: true, value: { moody: 2 } });
    const changes = (await eventsOf(h, 'instance.readiness', 'moody')).map((e) => e.data.to);
    expect(changes).toContain('unready');
    expect(changes).toContain('ready');
  });

  it('liveness: a wedged instance (busy loop) is recycled and replaced', async () => {
    const before = (await h.plugin('wedge')).instances[0]!;
    const spinning = h.send({ plugin: 'wedge', payload: { spin: true }, timeoutMs: 10_000 });
    const after = await waitFor(async () => {
      const p = await h.plugin('wedge');
      const i = p.instances[0];
      return p.state === 'ready' && i && i.id !== before.id && i.state === 'ready' ? i : null;
    }, 'wedge to be replaced', 10_000);
    expect(after.pid).not.toBe(before.pid);
    expect(await spinning).toMatchObject({ ok: false, code: 'E_PLUGIN_CRASHED' });
    await waitFor(() => !isAlive(before.pid!), 'the wedged process to be gone', 5_000);
    expect(await h.send({ plugin: 'wedge', payload: 3 })).toEqual({ ok: true, value: { alive: 3 } });
    const recycled = await eventsOf(h, 'instance.recycled', 'wedge');
    expect(recycled[0]?.data).toMatchObject({ instance: before.id, cause: 'liveness' });
  });

  it('memory: an instance over its limit is replaced while another plugin keeps serving', async () => {
    const before = (await h.plugin('leaky')).instances[0]!;
    expect(await h.send({ plugin: 'leaky', payload: { leakMb: 160 } })).toMatchObject({ ok: true });
    let done = false;
    const load = (async () => {
      const outcomes = [];
      while (!done) outcomes.push(...(await runLoad(20, 4, (i) => h.send({ plugin: 'echo', payload: { i } }))));
      return outcomes;
    })();
    const after = await waitFor(async () => {
      const p = await h.plugin('leaky');
      const i = p.instances.find((x) => x.id !== before.id && x.state === 'ready');
      return i && !p.instances.some((x) => x.id === before.id) ? i : null;
    }, 'leaky to be replaced', 15_000).finally(() => {
      done = true;
    });
    const outcomes = await load;
    expect(outcomes.length).toBeGreaterThan(0);
    expect(codesOf(outcomes)).toEqual({ ok: outcomes.length });
    expect(after.pid).not.toBe(before.pid);
    expect(await h.send({ plugin: 'leaky', payload: 4 })).toEqual({ ok: true, value: { leaky: 4 } });
    const recycled = await eventsOf(h, 'instance.recycled', 'leaky');
    expect(recycled[0]?.data).toMatchObject({ instance: before.id, cause: 'memory' });
    expect(String(recycled[0]?.data.reason)).toMatch(/limit/);
  }, 30_000);

  it('probe history (changes and per-minute rollups) is in SQLite after shutdown', async () => {
    await box.stop(h);
    const db = new Database(join(box.dataDir, 'conductor.db'), { readonly: true });
    try {
      const changes = db.prepare("SELECT subject, probe, to_state FROM probe_history WHERE type = 'change' AND subject LIKE 'moody#%'").all() as { to_state: string }[];
      expect(changes.map((c) => c.to_state)).toEqual(expect.arrayContaining(['unready', 'ready']));
      const liveness = db.prepare("SELECT to_state FROM probe_history WHERE type = 'change' AND probe = 'liveness' AND subject LIKE 'wedge#%'").pluck().all();
      expect(liveness).toContain('recycle');
      const rollups = db.prepare("SELECT SUM(ok) FROM probe_history WHERE type = 'rollup'").pluck().get() as number;
      expect(rollups).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });
});
