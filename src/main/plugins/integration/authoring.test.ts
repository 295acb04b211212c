/**
 * Authoring: a scaffolded plugin runs in a real conductor as written, and `--watch-plugins`
 * picks up an edit of its entry (a rolling restart, no conductor restart).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scaffoldPlugin } from '../scaffold';
import { Sandbox, waitFor, type Harness } from './integration.test-helper';

describe('a scaffolded plugin, with --watch-plugins', () => {
  let box: Sandbox;
  let h: Harness;
  let dir: string;

  beforeAll(async () => {
    box = new Sandbox('authoring', { health: { intervalMs: 100 } });
    dir = scaffoldPlugin({ name: 'my-bot', runtime: 'node', parentDir: box.pluginsDir, python: false }).dir;
    h = await box.start({ cli: { dataDir: box.dataDir, config: box.configPath, dryRun: false, hidden: false, logLevel: 'warn', watchPlugins: true } });
    await h.waitReady('my-bot');
  });

  afterAll(async () => {
    await box?.dispose();
  });

  it('serves requests as scaffolded', async () => {
    expect(await h.send({ capability: 'my.bot.run', payload: { name: 'Ada' } })).toEqual({ ok: true, value: { hello: 'Ada', greeting: 'Hello, Ada!', count: 1 } });
  });

  it('restarts its instances when the entry changes, and serves the new code', async () => {
    const before = (await h.plugin('my-bot')).instances.map((i) => i.pid);
    const entry = join(dir, 'index.mjs');
    writeFileSync(entry, readFileSync(entry, 'utf8').replace('greeting: `${ctx.config.greeting}, ${who}!`', 'greeting: `Edited, ${who}!`'));
    const answer = await waitFor(async () => {
      const r = await h.send({ capability: 'my.bot.run', payload: { name: 'Ada' } });
      return r.ok && (r.value as { greeting: string }).greeting === 'Edited, Ada!' ? r : null;
    }, 'the edited code to answer', 20_000);
    expect(answer.ok).toBe(true);
    const after = await h.waitReady('my-bot');
    expect(after.instances.map((i) => i.pid)).not.toEqual(before);
    const { events } = await h.must('events:query', { source: 'plugin:my-bot', kind: 'plugin.restart' });
    expect(events.length).toBeGreaterThanOrEqual(1);
  });
});
