/**
 * Quick sanity of the bundled example plugins: manifests valid, entries load as ES modules under
 * plain Node, and `handle` does what each description says with a tiny fake context. No plugin
 * processes are started here (the runtime's tests do that).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { discoverPlugins, readPlugin } from '../src/main/plugins/discovery';

const PLUGINS_DIR = fileURLToPath(new URL('.', import.meta.url));
const EXAMPLES = ['counter', 'echo', 'fanout', 'flaky', 'primes', 'slow', 'tokens'];
/** Command plugins (any executable): checked by their own integration test. */
const COMMAND_EXAMPLES = ['py-greeter'];

interface ExamplePlugin {
  activate(ctx: unknown): unknown;
  handle(payload: unknown, reqCtx?: unknown): unknown;
  health(): unknown;
  deactivate(): unknown;
}

async function load(name: string): Promise<ExamplePlugin> {
  const entry = readPlugin(join(PLUGINS_DIR, name)).entryPath;
  if (!entry) throw new Error(`${name}: no entry`);
  const module = (await import(pathToFileURL(entry).href)) as { default: ExamplePlugin };
  return module.default;
}

function fakeLog(): { lines: string[]; info(m: string): void; warn(m: string): void; error(m: string): void; debug(m: string): void } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m), debug: (m) => lines.push(m) };
}

describe('example plugins', () => {
  it('are all discovered, valid, optional, documented, in dependency order', () => {
    expect(readdirSync(PLUGINS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()).toEqual([...EXAMPLES, ...COMMAND_EXAMPLES].sort());
    const result = discoverPlugins([{ dir: PLUGINS_DIR, origin: 'bundled' }]);
    expect(result.problems).toEqual([]);
    expect(result.plugins.every((p) => p.valid)).toBe(true);
    const order = result.plugins.map((p) => p.manifest!.name);
    expect(order.indexOf('echo')).toBeLessThan(order.indexOf('fanout'));
    for (const { manifest } of result.plugins) {
      expect(manifest!.required).toBe(false);
      expect(manifest!.description.length).toBeGreaterThan(40);
      if (manifest!.runtime === 'node') expect(manifest!.entry).toBe('index.mjs');
      else expect(COMMAND_EXAMPLES).toContain(manifest!.name);
    }
    const byName = new Map(result.plugins.map((p) => [p.manifest!.name, p.manifest!]));
    expect(byName.get('echo')!.instances).toMatchObject({ min: 1, max: 4 });
    expect(byName.get('echo')!.isolation).toBe('process');
    expect(byName.get('counter')!.instances).toMatchObject({ min: 2, max: 4 });
    expect(byName.get('slow')!.instances.max).toBeGreaterThan(1);
    expect(byName.get('fanout')!.dependsOn).toEqual(['echo']);
    expect(byName.get('flaky')!.config).toMatchObject({ failRate: { default: 0.3 }, crashRate: { default: 0 } });
  });

  it('load as ES modules under plain Node import(), each a plugin object', () => {
    const urls = EXAMPLES.map((name) => pathToFileURL(join(PLUGINS_DIR, name, 'index.mjs')).href);
    const script = `
      const urls = ${JSON.stringify(urls)};
      const shapes = [];
      for (const url of urls) {
        const m = await import(url);
        shapes.push(['activate', 'handle', 'health', 'deactivate'].every((k) => typeof m.default[k] === 'function'));
      }
      console.log(JSON.stringify(shapes));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: '/' });
    expect(JSON.parse(out)).toEqual(EXAMPLES.map(() => true));
  });

  it('echo answers { echo: payload }', async () => {
    const echo = await load('echo');
    const log = fakeLog();
    echo.activate({ log });
    expect(echo.handle({ text: 'hi', n: [1, 2] })).toEqual({ echo: { text: 'hi', n: [1, 2] } });
    expect(echo.handle(undefined)).toEqual({ echo: null });
    expect(echo.health()).toEqual({ status: 'ok' });
    echo.deactivate();
    expect(log.lines).toEqual(['echo: ready', 'echo: stopping']);
  });

  it('primes finds the n-th prime and refuses n out of range with a clear error', async () => {
    const primes = await load('primes');
    primes.activate({ log: fakeLog() });
    const nth = (n: number) => (primes.handle({ n }) as { prime: number }).prime;
    expect([1, 2, 3, 4, 5, 6, 7, 10, 100, 1000].map(nth)).toEqual([2, 3, 5, 7, 11, 13, 17, 29, 541, 7919]);
    expect(primes.handle({ n: 1_000_000 })).toEqual({ n: 1_000_000, prime: 15_485_863 });
    for (const n of [0, -1, 1.5, 1_000_001, '7', undefined]) {
      expect(() => primes.handle({ n })).toThrow(`primes: n must be an integer from 1 to 1000000, got ${JSON.stringify(n) ?? 'undefined'}`);
    }
    // Input errors carry E_BAD_REQUEST, which the runtime passes on instead of E_PLUGIN_ERROR.
    expect(() => primes.handle({ n: 0 })).toThrow(expect.objectContaining({ code: 'E_BAD_REQUEST' }) as unknown as Error);
  });

  it('slow waits ms, and stops at once when the request is aborted, logging it', async () => {
    const slow = await load('slow');
    const log = fakeLog();
    slow.activate({ log });
    await expect(slow.handle({ ms: 1 }, { signal: new AbortController().signal, deadline: Date.now() + 1000 })).resolves.toEqual({ slept: 1 });

    const controller = new AbortController();
    const pending = slow.handle({ ms: 60_000 }, { signal: controller.signal, deadline: Date.now() + 60_000 }) as Promise<unknown>;
    controller.abort();
    await expect(pending).rejects.toThrow(/^slow: aborted after \d+ ms of 60000 ms$/);
    expect(log.lines.at(-1)).toMatch(/^slow: aborted after/);

    await expect(slow.handle({ ms: 10 }, { signal: AbortSignal.abort() })).rejects.toThrow('aborted');
    expect(() => slow.handle({ ms: -1 })).toThrow('slow: ms must be a number from 0 to 600000, got -1');
  });

  it('flaky fails or succeeds as the payload says, at the configured rates otherwise', async () => {
    const flaky = await load('flaky');
    flaky.activate({ log: fakeLog(), config: { failRate: 1, crashRate: 0 } });
    expect(() => flaky.handle({ fail: true })).toThrow('flaky: failed on purpose');
    expect(flaky.handle({ fail: false, crash: false })).toEqual({ ok: true });
    expect(() => flaky.handle({})).toThrow('flaky: failed on purpose');
    flaky.activate({ log: fakeLog(), config: { failRate: 0, crashRate: 0 } });
    expect(flaky.handle({})).toEqual({ ok: true });
  });

  it('flaky { crash: true } exits the process with code 1', () => {
    const url = pathToFileURL(join(PLUGINS_DIR, 'flaky', 'index.mjs')).href;
    const script = `const { default: p } = await import(${JSON.stringify(url)}); p.activate({}); p.handle({ crash: true }); console.log('survived');`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).not.toContain('survived');
  });

  it('counter increments the shared count through ctx.state', async () => {
    const counter = await load('counter');
    const store = new Map<string, number>();
    const state = {
      increment: async (key: string, by: number) => {
        store.set(key, (store.get(key) ?? 0) + by);
        return store.get(key)!;
      },
    };
    counter.activate({ log: fakeLog(), state });
    await expect(counter.handle({})).resolves.toEqual({ value: 1 });
    await expect(counter.handle({ by: 5 })).resolves.toEqual({ value: 6 });
    await expect(counter.handle({ by: -2 })).resolves.toEqual({ value: 4 });
    await expect(counter.handle({ by: 0.5 })).rejects.toThrow('counter: by must be an integer, got 0.5');
    expect(store.get('count')).toBe(4);
  });

  it('fanout asks text.echo for every item at once, in order, within the outer deadline', async () => {
    const fanout = await load('fanout');
    const calls: { target: unknown; payload: unknown; timeoutMs: number | undefined }[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const ctx = {
      log: fakeLog(),
      async request(target: unknown, payload: unknown, options: { timeoutMs?: number } = {}) {
        calls.push({ target, payload, timeoutMs: options.timeoutMs });
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await Promise.resolve();
        inFlight -= 1;
        return { echo: payload };
      },
    };
    fanout.activate(ctx);
    const deadline = Date.now() + 5000;
    await expect(fanout.handle({ items: ['a', 2, { c: 3 }] }, { signal: new AbortController().signal, deadline })).resolves.toEqual({
      answers: [{ echo: 'a' }, { echo: 2 }, { echo: { c: 3 } }],
    });
    expect(maxInFlight).toBe(3);
    expect(calls.map((c) => c.target)).toEqual(['text.echo', 'text.echo', 'text.echo']);
    for (const call of calls) {
      expect(call.timeoutMs).toBeGreaterThan(0);
      expect(call.timeoutMs).toBeLessThanOrEqual(5000);
    }
    await expect(fanout.handle({ items: ['x'] }, { deadline: Date.now() - 1 })).rejects.toThrow('fanout: deadline passed');
    await expect(fanout.handle({ items: 'x' }, {})).rejects.toThrow('fanout: items must be an array');
  });
});
