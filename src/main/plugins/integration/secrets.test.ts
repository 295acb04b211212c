/**
 * Secrets and env set in Conductor: a required secret that is missing keeps the plugin stopped,
 * saying what to do; once set, the plugin starts and sees it; the value never appears in logs
 * (even when the plugin prints it), the API, status or stored events. Config overrides are
 * validated against the manifest and applied by a restart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox, waitFor, type Harness } from './integration.test-helper';

const SECRET = 'tok-3f9a-very-secret-value';

const BOT = `
export default {
  activate(ctx) { ctx.log.warn('starting with token ' + ctx.env.API_TOKEN); console.error('stdout token ' + ctx.env.API_TOKEN); },
  handle(payload, ctx) {
    return { hasToken: ctx.env.API_TOKEN === payload.expect, region: ctx.env.REGION ?? null, greeting: ctx.config.greeting };
  },
  health() { return { status: 'ok' }; },
};
`;

describe('secrets, env and config set in Conductor (headless)', () => {
  let box: Sandbox;
  let h: Harness;

  beforeAll(async () => {
    box = new Sandbox('secrets', { health: { intervalMs: 100 } });
    box.writePlugin(
      'bot',
      {
        capabilities: ['test.bot'],
        env: [
          { name: 'API_TOKEN', secret: true, required: true },
          { name: 'REGION', description: 'where the bot runs' },
        ],
        config: { greeting: { type: 'string', default: 'hello' } },
      },
      BOT,
    );
    h = await box.start();
  });

  afterAll(async () => {
    await box?.dispose();
  });

  it('a missing required secret keeps it stopped and says how to fix it', async () => {
    const p = await waitFor(async () => {
      const d = await h.plugin('bot');
      return d.state === 'stopped' && d.reason ? d : null;
    }, 'bot to be stopped for want of its secret');
    expect(p.reason).toMatch(/API_TOKEN/);
    expect(p.reason).toMatch(/set it/);
    expect(p.env.find((e) => e.name === 'API_TOKEN')).toMatchObject({ secret: true, required: true, set: false, source: null });
    expect(p.secretStorage.protection).toBe('plain-file');
  });

  it('once set, the plugin starts and sees it; the value is never shown or logged', async () => {
    const detail = await h.must('plugins:setEnv', { name: 'bot', values: { API_TOKEN: SECRET, REGION: 'eu-west' } });
    expect(detail.env.find((e) => e.name === 'API_TOKEN')).toEqual({ name: 'API_TOKEN', secret: true, required: true, set: true, source: 'conductor' });
    expect(detail.env.find((e) => e.name === 'REGION')).toMatchObject({ value: 'eu-west', source: 'conductor' });
    await h.waitReady('bot');
    expect(await h.send({ plugin: 'bot', payload: { expect: SECRET } })).toEqual({ ok: true, value: { hasToken: true, region: 'eu-west', greeting: 'hello' } });

    await waitFor(async () => ((await h.must('logs:query', { plugin: 'bot', text: 'stdout token', limit: 10 })).entries.length > 0 ? true : null), 'the stdout line in the log');
    const logs = await h.must('logs:query', { plugin: 'bot', limit: 5000 });
    const text = JSON.stringify(logs);
    expect(text).toContain('starting with token ***');
    expect(text).not.toContain(SECRET);
    const everything = JSON.stringify([await h.must('system:status'), await h.plugin('bot'), await h.must('events:query', { limit: 1000 }), await h.must('plugins:list')]);
    expect(everything).not.toContain(SECRET);
    const pluginLog = readFileSync(join(box.dataDir, 'logs', 'plugins', 'bot.log'), 'utf8');
    expect(pluginLog).not.toContain(SECRET);
    // Headless keeps it in the 0600 plain-text file, where the API says it is.
    expect(readFileSync(join(box.dataDir, 'secrets.json'), 'utf8')).toContain(SECRET);
  });

  it('config overrides are checked against the manifest and applied by a restart', async () => {
    const bad = await h.cmd('plugins:setConfig', { name: 'bot', config: { greeting: 42 } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'E_BAD_REQUEST', message: expect.stringContaining('greeting') } });
    const unknown = await h.cmd('plugins:setConfig', { name: 'bot', config: { nope: 'x' } });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'E_BAD_REQUEST', message: expect.stringContaining('nope') } });
    const ok = await h.must('plugins:setConfig', { name: 'bot', config: { greeting: 'hi there' } });
    expect(ok.config).toEqual({ greeting: 'hi there' });
    await h.waitReady('bot');
    expect(await h.send({ plugin: 'bot', payload: { expect: SECRET } })).toMatchObject({ ok: true, value: { greeting: 'hi there' } });
    // null resets to the default.
    expect((await h.must('plugins:setConfig', { name: 'bot', config: { greeting: null } })).config).toEqual({ greeting: 'hello' });
  });

  it('clearing the secret is refused for undeclared names and takes effect on the next start', async () => {
    const undeclared = await h.cmd('plugins:setEnv', { name: 'bot', values: { OTHER: 'x' } });
    expect(undeclared).toMatchObject({ ok: false, error: { code: 'E_BAD_REQUEST', message: expect.stringContaining('does not declare') } });
    const cleared = await h.must('plugins:setEnv', { name: 'bot', values: { REGION: null } });
    expect(cleared.env.find((e) => e.name === 'REGION')).toMatchObject({ set: false, source: null });
  });
});
