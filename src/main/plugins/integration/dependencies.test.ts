/**
 * `dependsOn` and strict discovery with a real conductor, real child processes and real SQLite:
 * a chain top → middle → base starts in dependency order, each plugin only once its dependency is
 * ready (base's activate is held until the test creates a flag file, so the order is not a race);
 * a dependency that never becomes ready keeps its dependent from starting, and the dependent's
 * status names the plugin it waits for; with `plugins.strict` one broken manifest stops startup
 * with an error naming the plugin folder and the field, without it the others load and the broken
 * one is listed as `invalid` with its reason. A request to a waiting plugin does not start it: it
 * queues while the dependency may still come up, and is refused at once (E_CONFLICT, saying what
 * to do) when the dependency needs a person; a dependency that recovers on its own starts the
 * plugins waiting for it.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PluginSummary, StoredEvent } from '../../../shared/domain';
import { Harness, isAlive, Sandbox, waitFor } from './integration.test-helper';

/** A plugin whose activate waits until `flag` exists, logging each wait so the test can see it is held. */
function heldUntil(flag: string, who: string): string {
  return `
import { existsSync } from 'node:fs';
export default {
  async activate(ctx) {
    for (let n = 1; !existsSync(${JSON.stringify(flag)}); n++) {
      ctx.log.info('${who}: held ' + n);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    ctx.log.info('${who}: released');
  },
  handle(payload) { return { from: '${who}', pid: process.pid, payload }; },
};
`;
}

/** A plugin whose activate throws until `flag` exists. */
function failsUntil(flag: string, who: string): string {
  return `
import { existsSync } from 'node:fs';
export default {
  activate() {
    if (!existsSync(${JSON.stringify(flag)})) throw new Error('${who}: the database is unreachable');
  },
  handle(payload) { return { from: '${who}', pid: process.pid, payload }; },
};
`;
}

function answers(who: string): string {
  return `export default { handle(payload) { return { from: '${who}', pid: process.pid, payload }; } };\n`;
}

/** Every stored event, oldest first. */
async function allEvents(h: Harness): Promise<StoredEvent[]> {
  const { events } = await h.must('events:query', { limit: 1000 });
  return [...events].reverse();
}

/** The id of the first event matching, or a large number (so an ordering check against it fails). */
function firstId(events: readonly StoredEvent[], match: (e: StoredEvent) => boolean): number {
  return events.find(match)?.id ?? Number.MAX_SAFE_INTEGER;
}

const stateTo = (plugin: string, to: string) => (e: StoredEvent) => e.kind === 'plugin.state' && e.source === `plugin:${plugin}` && e.data.to === to;
const instanceStarted = (plugin: string) => (e: StoredEvent) => e.kind === 'instance.started' && e.source === `plugin:${plugin}`;

describe('plugin dependencies (real conductor)', () => {
  let box: Sandbox | null = null;
  /** Run first at cleanup (e.g. release a held activate, so a failed test does not wait for the start deadline). */
  const releases: (() => void)[] = [];

  afterEach(async () => {
    for (const release of releases.splice(0)) release();
    await box?.dispose();
    box = null;
  });

  /**
   * A conductor on the sandbox whose `start()` is not awaited, so the test can watch it while the
   * plugins step is still running; the sandbox shuts it down.
   */
  function startInBackground(sandbox: Sandbox): { h: Harness; started: Promise<void>; settled: () => boolean } {
    const conductor = sandbox.create();
    let done = false;
    const started = conductor.start().finally(() => {
      done = true;
    });
    started.catch(() => undefined); // observed by the test
    return { h: new Harness(conductor), started, settled: () => done };
  }

  it('a chain top → middle → base starts in dependency order, each plugin only once its dependency is ready', async () => {
    box = new Sandbox('deps-order');
    const flag = join(box.root, 'base-may-start');
    releases.push(() => writeFileSync(flag, '1'));
    // Names sort opposite to the dependency order, so the order seen is the dependencies', not the names'.
    box.writePlugin('c-base', { capabilities: ['dep.base'] }, heldUntil(flag, 'c-base'));
    box.writePlugin('b-middle', { capabilities: ['dep.middle'], dependsOn: ['c-base'] }, answers('b-middle'));
    box.writePlugin('a-top', { capabilities: ['dep.top'], dependsOn: ['b-middle'] }, answers('a-top'));
    // Depends on nothing: starts with c-base, not after it.
    box.copyPlugin('echo');
    const { h, started, settled } = startInBackground(box);
    const byName = (name: string): PluginSummary | undefined => h.conductor.plugins?.summaries().find((p) => p.name === name);

    // Every status published while base is not ready: its dependents must have no instance and not be starting.
    const violations: string[] = [];
    h.conductor.events.on('status:changed', (status) => {
      const base = status.plugins.find((p) => p.name === 'c-base');
      if (!base || base.state === 'ready') return;
      for (const p of status.plugins) {
        if (p.name === 'c-base' || p.name === 'echo') continue;
        if (p.instances.length > 0 || p.state === 'starting' || p.state === 'ready') violations.push(`${p.name} ${p.state} with ${p.instances.length} instance(s) while c-base is ${base.state}`);
      }
    });

    // Base's process is up and its activate is being held (it has logged three waits).
    const basePid = await waitFor(() => byName('c-base')?.instances[0]?.pid, "c-base's process", 15_000);
    expect(isAlive(basePid)).toBe(true);
    await waitFor(async () => (await h.must('logs:query', { plugin: 'c-base', text: 'c-base: held 3' })).entries.length > 0, "c-base's activate to be held a while", 15_000);

    // While base is starting: base has one starting instance; middle and top have no process and are not starting.
    expect(settled()).toBe(false);
    expect(h.conductor.state).toBe('starting');
    const base = byName('c-base')!;
    expect(base.state).toBe('starting');
    expect(base.instances.map((i) => i.state)).toEqual(['starting']);
    for (const name of ['b-middle', 'a-top']) {
      const p = byName(name)!;
      expect(p.instances).toEqual([]);
      expect(['starting', 'ready', 'degraded', 'idle']).not.toContain(p.state);
    }
    // …and say what they wait for while they wait.
    expect(byName('b-middle')).toMatchObject({ state: 'stopped', reason: 'waiting for "c-base" to be ready' });
    expect(byName('a-top')).toMatchObject({ state: 'stopped', reason: 'waiting for "b-middle" to be ready' });
    // A request meanwhile queues (its dependency is only starting, not blocked); the wake-up it
    // asks for (the scale-from-zero hook) goes through the same dependency gate: nothing starts.
    const early = h.send({ capability: 'dep.top', payload: 'early', timeoutMs: 30_000 });
    await waitFor(async () => ((await h.must('system:status')).plugins.find((p) => p.name === 'a-top')?.queueDepth === 1 ? true : null), 'the request to be queued');
    expect(byName('a-top')).toMatchObject({ state: 'stopped', reason: 'waiting for "b-middle" to be ready', instances: [] });
    // The independent plugin did not wait for c-base: it serves already.
    await waitFor(() => (byName('echo')?.state === 'ready' ? true : null), 'echo to be ready while c-base is held', 15_000);
    expect(await h.send({ capability: 'text.echo', payload: 'early' })).toEqual({ ok: true, value: { echo: 'early' } });
    expect(byName('c-base')!.state).toBe('starting');
    expect((await h.must('events:query', { kind: 'instance.started', limit: 100 })).events.map((e) => e.source)).toEqual(['plugin:echo']);

    // Release base: the startup completes and the whole chain serves.
    writeFileSync(flag, '1');
    await waitFor(() => settled(), 'the conductor to finish starting', 20_000);
    await started;
    for (const name of ['c-base', 'b-middle', 'a-top']) await h.waitReady(name);
    expect(await early).toMatchObject({ ok: true, value: { from: 'a-top', payload: 'early' } });
    expect(await h.send({ capability: 'dep.top', payload: 1 })).toMatchObject({ ok: true, value: { from: 'a-top' } });
    expect(await h.send({ capability: 'dep.middle', payload: 2 })).toMatchObject({ ok: true, value: { from: 'b-middle' } });
    expect(await h.send({ capability: 'dep.base', payload: 3 })).toMatchObject({ ok: true, value: { from: 'c-base', pid: basePid } });
    expect(violations).toEqual([]);

    // The stored events show the order: a dependency ready before its dependent starts an instance.
    const events = await allEvents(h);
    const baseReady = firstId(events, stateTo('c-base', 'ready'));
    const middleStarting = firstId(events, stateTo('b-middle', 'starting'));
    const middleStarted = firstId(events, instanceStarted('b-middle'));
    const middleReady = firstId(events, stateTo('b-middle', 'ready'));
    const topStarting = firstId(events, stateTo('a-top', 'starting'));
    const topStarted = firstId(events, instanceStarted('a-top'));
    const topReady = firstId(events, stateTo('a-top', 'ready'));
    expect(firstId(events, instanceStarted('c-base'))).toBeLessThan(baseReady);
    expect(baseReady).toBeLessThan(middleStarting);
    expect(middleStarting).toBeLessThan(middleStarted);
    expect(middleStarted).toBeLessThan(middleReady);
    expect(middleReady).toBeLessThan(topStarting);
    expect(topStarting).toBeLessThan(topStarted);
    expect(topStarted).toBeLessThan(topReady);
    expect(topReady).toBeLessThan(Number.MAX_SAFE_INTEGER);
    // …and the timestamps agree.
    const tsOf = (id: number) => events.find((e) => e.id === id)!.ts;
    expect(tsOf(baseReady)).toBeLessThanOrEqual(tsOf(middleStarting));
    expect(tsOf(middleReady)).toBeLessThanOrEqual(tsOf(topStarting));
  }, 60_000);

  it('a dependency that never becomes ready keeps its dependents stopped, each naming the plugin it waits for; retry brings the chain up', async () => {
    box = new Sandbox('deps-failing');
    const flag = join(box.root, 'base-may-start');
    box.copyPlugin('echo');
    box.writePlugin('c-base', { capabilities: ['dep.base'], restart: { maxCrashes: 3, windowMs: 60_000 } }, failsUntil(flag, 'c-base'));
    box.writePlugin('b-middle', { capabilities: ['dep.middle'], dependsOn: ['c-base'] }, answers('b-middle'));
    box.writePlugin('a-top', { capabilities: ['dep.top'], dependsOn: ['b-middle'] }, answers('a-top'));
    const h = await box.start();
    await h.waitReady('echo');

    // Base fails every start and ends quarantined, its activate error in the reason.
    const base = await waitFor(async () => {
      const p = await h.plugin('c-base');
      return p.state === 'quarantined' ? p : null;
    }, 'c-base to be quarantined', 20_000);
    expect(base.reason).toContain('the database is unreachable');
    expect(base.instances).toEqual([]);

    // Its dependents never started: stopped, no instance, the reason naming what each waits for.
    const middle = await h.plugin('b-middle');
    expect(middle).toMatchObject({ state: 'stopped', enabled: true, instances: [], reason: 'waiting for "c-base" to be ready' });
    const top = await h.plugin('a-top');
    expect(top).toMatchObject({ state: 'stopped', enabled: true, instances: [], reason: 'waiting for "b-middle" to be ready' });
    const echoPid = (await h.plugin('echo')).instances[0]!.pid;
    expect(await h.pids()).toEqual([echoPid]);
    const started = (await h.must('events:query', { kind: 'instance.started', limit: 100 })).events.map((e) => e.source);
    expect(started).toEqual(['plugin:echo']);
    // The plugins component counts them as problems; the independent plugin serves.
    expect((await h.must('system:status')).components.find((c) => c.name === 'plugins')?.message).toMatch(/with problems/);
    expect(await h.send({ capability: 'text.echo', payload: 'fine' })).toEqual({ ok: true, value: { echo: 'fine' } });

    // Fixed and retried: base is ready, then its dependents start, in order.
    writeFileSync(flag, '1');
    expect(await h.must('plugins:retry', { name: 'c-base' })).toMatchObject({ state: 'ready' });
    await h.waitReady('b-middle');
    await h.waitReady('a-top');
    expect(await h.send({ capability: 'dep.top', payload: 1 })).toMatchObject({ ok: true, value: { from: 'a-top' } });
    const events = await allEvents(h);
    expect(firstId(events, stateTo('c-base', 'ready'))).toBeLessThan(firstId(events, stateTo('b-middle', 'starting')));
    expect(firstId(events, stateTo('b-middle', 'ready'))).toBeLessThan(firstId(events, stateTo('a-top', 'starting')));
    expect(firstId(events, stateTo('a-top', 'ready'))).toBeLessThan(Number.MAX_SAFE_INTEGER);
  }, 60_000);

  // A dependency that needs a person (quarantined) blocks its dependents: their requests are
  // refused at once, saying what to do, instead of waiting out their deadline in the queue.
  it('requests to a plugin blocked by a quarantined dependency are refused at once, naming it; nothing starts', async () => {
    box = new Sandbox('deps-blocked');
    const flag = join(box.root, 'never');
    box.writePlugin('c-base', { capabilities: ['dep.base'], restart: { maxCrashes: 2, windowMs: 60_000 } }, failsUntil(flag, 'c-base'));
    box.writePlugin('b-middle', { capabilities: ['dep.middle'], dependsOn: ['c-base'] }, answers('b-middle'));
    box.writePlugin('a-top', { capabilities: ['dep.top'], dependsOn: ['b-middle'] }, answers('a-top'));
    const h = await box.start();
    await waitFor(async () => (await h.plugin('c-base')).state === 'quarantined', 'c-base to be quarantined', 20_000);
    expect(await h.plugin('b-middle')).toMatchObject({ state: 'stopped', reason: 'waiting for "c-base" to be ready', instances: [] });

    const t0 = Date.now();
    const direct = await h.send({ plugin: 'b-middle', payload: 1, timeoutMs: 20_000 });
    const byCapability = await h.send({ capability: 'dep.middle', payload: 2, timeoutMs: 20_000 });
    const chained = await h.send({ plugin: 'a-top', payload: 3, timeoutMs: 20_000 });
    expect(Date.now() - t0).toBeLessThan(10_000); // not the 20 s deadline
    for (const outcome of [direct, byCapability]) {
      expect(outcome).toMatchObject({ ok: false, code: 'E_CONFLICT' });
      expect(outcome.ok ? '' : outcome.message).toMatch(/^plugin "b-middle" cannot start until "c-base" is ready: "c-base" is quarantined \(.*the database is unreachable.*\); fix it, then retry it$/);
    }
    expect(chained).toMatchObject({ ok: false, code: 'E_CONFLICT' });
    expect(chained.ok ? '' : chained.message).toMatch(/^plugin "a-top" cannot start until "b-middle" is ready, and plugin "b-middle" cannot start until "c-base" is ready: "c-base" is quarantined/);
    for (const name of ['b-middle', 'a-top']) expect(await h.plugin(name)).toMatchObject({ state: 'stopped', instances: [] });
    expect((await h.must('events:query', { kind: 'instance.started', limit: 100 })).events).toEqual([]);
  }, 60_000);

  // It goes idle when its dependency is ready; the scaler, which looks at idle plugins' queues on
  // every health tick, then starts it for the waiting request.
  it('a dependent scaled to zero starts for the requests that queued while it waited, once its dependency is ready', async () => {
    box = new Sandbox('deps-min0');
    const flag = join(box.root, 'base-may-start');
    releases.push(() => writeFileSync(flag, '1'));
    box.writePlugin('c-base', { capabilities: ['dep.base'] }, heldUntil(flag, 'c-base'));
    box.writePlugin('b-lazy', { capabilities: ['dep.lazy'], dependsOn: ['c-base'], instances: { min: 0, max: 1 } }, answers('b-lazy'));
    const { h, started } = startInBackground(box);
    await waitFor(async () => (await h.must('logs:query', { plugin: 'c-base', text: 'c-base: held 2' })).entries.length > 0, "c-base's activate to be held", 15_000);
    const queued = h.send({ plugin: 'b-lazy', payload: 'waited', timeoutMs: 30_000 });
    await waitFor(async () => ((await h.must('system:status')).plugins.find((p) => p.name === 'b-lazy')?.queueDepth === 1 ? true : null), 'the request to be queued');
    writeFileSync(flag, '1');
    await started;
    expect(await queued).toMatchObject({ ok: true, value: { from: 'b-lazy', payload: 'waited' } });
  }, 60_000);

  // Whatever makes a dependency ready (here its automatic restart after a failed start) starts
  // the dependents waiting for it.
  it('a dependency that recovers by itself (restart after a failed start) starts its waiting dependents', async () => {
    box = new Sandbox('deps-recover');
    const flag = join(box.root, 'base-may-start');
    box.writePlugin('c-base', { capabilities: ['dep.base'], restart: { maxCrashes: 100, windowMs: 60_000 } }, failsUntil(flag, 'c-base'));
    box.writePlugin('b-middle', { capabilities: ['dep.middle'], dependsOn: ['c-base'] }, answers('b-middle'));
    const h = await box.start();
    expect(await h.plugin('b-middle')).toMatchObject({ state: 'stopped', reason: 'waiting for "c-base" to be ready', instances: [] });
    writeFileSync(flag, '1');
    await h.waitReady('c-base', 1, 20_000);
    await h.waitReady('b-middle', 1, 5_000);
  }, 60_000);

  it('plugins.strict: one broken manifest stops startup naming its folder and field; without strict the others load and it is invalid', async () => {
    box = new Sandbox('deps-strict', { plugins: { strict: true } });
    box.copyPlugin('echo');
    const badDir = box.writeRaw('bad-manifest', JSON.stringify({ name: 'bad-manifest', version: '1.0.0', entry: 'index.mjs', instances: { min: 'two' } }));

    // Strict: start() rejects naming the step, the plugin folder and the field; nothing was started.
    const strict = startInBackground(box);
    const error = await strict.started.then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain('startup step "discovery" failed');
    expect(message).toContain('plugins.strict');
    expect(message).toContain(badDir);
    expect(message).toContain('instances.min');
    expect(message).not.toContain(join(box.pluginsDir, 'echo'));
    expect(strict.h.conductor.state).toBe('failed');
    expect(strict.h.conductor.plugins).toBeNull(); // step 7 never ran: no plugin process
    expect(await strict.h.cmd('plugins:get', { name: 'echo' })).toMatchObject({ ok: false, error: { code: 'E_CONFLICT' } });

    // Not strict (same data dir: the failed run released it): the good plugin serves, the broken one is invalid.
    const config = JSON.parse(readFileSync(box.configPath, 'utf8')) as { plugins: Record<string, unknown> };
    writeFileSync(box.configPath, JSON.stringify({ ...config, plugins: { ...config.plugins, strict: false } }));
    const h = await box.start();
    await h.waitReady('echo');
    expect(await h.send({ capability: 'text.echo', payload: 'ok' })).toEqual({ ok: true, value: { echo: 'ok' } });
    const bad = (await h.list()).find((p) => p.dir === badDir);
    expect(bad).toMatchObject({ name: 'bad-manifest', state: 'invalid', instances: [] });
    expect(bad!.reason).toContain('instances.min');

    // The strict run's failure is on record, naming the plugin and the field, and it started no instance.
    const events = await allEvents(h);
    const failed = events.find((e) => e.kind === 'lifecycle.failed');
    expect(failed).toBeDefined();
    expect(String(failed!.data.error)).toContain(badDir);
    expect(String(failed!.data.error)).toContain('instances.min');
    expect(events.find((e) => e.kind === 'lifecycle.step' && e.data.step === 'discovery' && e.data.outcome === 'failed')).toBeDefined();
    const firstStart = firstId(events, (e) => e.kind === 'instance.started');
    expect(firstStart).toBeGreaterThan(failed!.id);
    expect(firstStart).toBeLessThan(Number.MAX_SAFE_INTEGER);

    // Strict with every manifest valid starts normally: it was the broken manifest that stopped it.
    await box.stop(h, 'test: strict again');
    rmSync(badDir, { recursive: true, force: true });
    writeFileSync(box.configPath, JSON.stringify({ ...config, plugins: { ...config.plugins, strict: true } }));
    const h2 = await box.start();
    await h2.waitReady('echo');
    expect((await h2.list()).map((p) => `${p.name}:${p.state}`)).toEqual(['echo:ready']);
  }, 60_000);
});
