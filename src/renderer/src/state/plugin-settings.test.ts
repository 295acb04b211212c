import { describe, expect, it } from 'vitest';
import type { PluginEnvVar } from '../../../shared/domain';
import {
  buildConfigModel,
  changeSummary,
  checkConfigDrafts,
  checkEnvDrafts,
  draftOf,
  envSourceLabel,
  missingRequired,
  parseDraft,
  saveHint,
  savedMessage,
  stoppedForEnv,
  type ConfigFieldModel,
} from './plugin-settings';

const schema = {
  failRate: { type: 'number', min: 0, max: 1, default: 0.3, description: 'Probability that a request throws (0..1).' },
  retries: { type: 'integer', min: 0, max: 10, default: 2 },
  verbose: { type: 'boolean', default: false },
  mode: { type: 'string', enum: ['fast', 'safe'], default: 'safe' },
  greeting: { type: 'string' },
} as const;

function model(config: Record<string, unknown>) {
  return buildConfigModel({ config, configSchema: schema as never });
}

function field(key: string, config: Record<string, unknown> = {}): ConfigFieldModel {
  const f = model(config).find((m) => m.key === key);
  if (!f) throw new Error(`no field ${key}`);
  return f;
}

describe('buildConfigModel', () => {
  it('makes one field per schema key, in order, with the control for its type', () => {
    const fields = model({ failRate: 0.3, retries: 2, verbose: false, mode: 'safe' });
    expect(fields.map((f) => [f.key, f.control])).toEqual([
      ['failRate', 'number'],
      ['retries', 'number'],
      ['verbose', 'checkbox'],
      ['mode', 'select'],
      ['greeting', 'text'],
    ]);
  });

  it('carries default, bounds, description and the rule in words', () => {
    const f = field('failRate', { failRate: 0.3 });
    expect(f).toMatchObject({ default: 0.3, hasDefault: true, min: 0, max: 1, description: 'Probability that a request throws (0..1).', rule: 'a number from 0 to 1' });
    expect(field('retries').rule).toBe('a whole number from 0 to 10');
    expect(field('mode').rule).toBe('one of "fast", "safe"');
  });

  it('knows when the effective value differs from the default', () => {
    expect(field('failRate', { failRate: 0.3 }).differsFromDefault).toBe(false);
    expect(field('failRate', { failRate: 0.5 }).differsFromDefault).toBe(true);
    // A key without a default differs when it has a value at all.
    expect(field('greeting', {}).differsFromDefault).toBe(false);
    expect(field('greeting', { greeting: 'hi' }).differsFromDefault).toBe(true);
  });

  it('uses the default when the effective config lacks the key', () => {
    expect(field('failRate', {}).value).toBe(0.3);
    expect(field('greeting', {}).value).toBeUndefined();
  });

  it('types keys from their values when there is no schema (older conductor), and adds unknown keys', () => {
    const fields = buildConfigModel({ config: { a: 1, b: 1.5, c: true, d: 'x' } });
    expect(fields.map((f) => [f.key, f.type, f.control])).toEqual([
      ['a', 'integer', 'number'],
      ['b', 'number', 'number'],
      ['c', 'boolean', 'checkbox'],
      ['d', 'string', 'text'],
    ]);
  });
});

describe('drafts', () => {
  it('shows values in their control', () => {
    expect(draftOf(field('failRate'), 0.5)).toBe('0.5');
    expect(draftOf(field('verbose'), true)).toBe(true);
    expect(draftOf(field('mode'), 'fast')).toBe('0');
    expect(draftOf(field('mode'), 'nope')).toBe('');
    expect(draftOf(field('greeting'), undefined)).toBe('');
  });

  it('parses numbers within range and points out the rest', () => {
    expect(parseDraft(field('failRate'), ' 0.5 ')).toEqual({ ok: true, value: 0.5 });
    expect(parseDraft(field('failRate'), '1')).toEqual({ ok: true, value: 1 });
    expect(parseDraft(field('failRate'), '1.5')).toEqual({ ok: false, error: '1.5 is out of range: enter a number from 0 to 1.' });
    expect(parseDraft(field('failRate'), '-0.1')).toMatchObject({ ok: false });
    expect(parseDraft(field('failRate'), '')).toEqual({ ok: false, error: 'Enter a number from 0 to 1.' });
    expect(parseDraft(field('failRate'), 'abc')).toMatchObject({ ok: false, error: expect.stringContaining('not a number') });
    expect(parseDraft(field('failRate'), 'Infinity')).toMatchObject({ ok: false });
  });

  it('wants whole numbers for integers', () => {
    expect(parseDraft(field('retries'), '3')).toEqual({ ok: true, value: 3 });
    expect(parseDraft(field('retries'), '2.5')).toEqual({ ok: false, error: 'Enter a whole number from 0 to 10.' });
    expect(parseDraft(field('retries'), '11')).toMatchObject({ ok: false, error: expect.stringContaining('out of range') });
  });

  it('maps a select index back to the enum value, and accepts any text for strings', () => {
    expect(parseDraft(field('mode'), '0')).toEqual({ ok: true, value: 'fast' });
    expect(parseDraft(field('mode'), '')).toMatchObject({ ok: false });
    expect(parseDraft(field('mode'), '7')).toMatchObject({ ok: false });
    expect(parseDraft(field('greeting'), '')).toEqual({ ok: true, value: '' });
    expect(parseDraft(field('verbose'), false)).toEqual({ ok: true, value: false });
  });
});

describe('checkConfigDrafts', () => {
  const fields = model({ failRate: 0.3, retries: 2, verbose: false, mode: 'safe' });

  it('sends only the keys whose value changed', () => {
    const r = checkConfigDrafts(fields, { failRate: '0.5', retries: '2', verbose: false, mode: '0' });
    expect(r).toEqual({ changes: { failRate: 0.5, mode: 'fast' }, errors: {} });
  });

  it('treats a differently typed equal number as no change', () => {
    expect(checkConfigDrafts(fields, { failRate: '0.30' }).changes).toEqual({});
  });

  it('reports every invalid key and leaves it out of the changes', () => {
    const r = checkConfigDrafts(fields, { failRate: '2', retries: '1' });
    expect(r.changes).toEqual({ retries: 1 });
    expect(Object.keys(r.errors)).toEqual(['failRate']);
  });

  it('ignores untouched keys', () => {
    expect(checkConfigDrafts(fields, {})).toEqual({ changes: {}, errors: {} });
  });
});

describe('env', () => {
  const env: PluginEnvVar[] = [
    { name: 'API_TOKEN', secret: true, required: true, set: false, source: null },
    { name: 'OLD_SECRET', secret: true, required: false, set: true, source: 'conductor' },
    { name: 'REGION', secret: false, required: false, set: true, source: 'conductor', value: 'eu' },
    { name: 'HOME_URL', secret: false, required: false, set: true, source: 'environment' },
    { name: 'LEVEL', secret: false, required: false, set: false, source: null },
  ];

  it('labels where a value comes from', () => {
    expect(env.map(envSourceLabel)).toEqual(['not set', 'set in Conductor', 'set in Conductor', "from Conductor's environment", 'not set']);
  });

  it('lists required variables that are not set', () => {
    expect(missingRequired(env)).toEqual(['API_TOKEN']);
    expect(stoppedForEnv("required env API_TOKEN not set (set it on the plugin's page, or in the conductor's environment)")).toBe(true);
    expect(stoppedForEnv('crashed')).toBe(false);
    expect(stoppedForEnv(undefined)).toBe(false);
  });

  it('sets typed secrets; an empty secret field keeps the secret', () => {
    expect(checkEnvDrafts(env, { API_TOKEN: 's3cret', OLD_SECRET: '' })).toEqual({ values: { API_TOKEN: 's3cret' }, errors: {} });
  });

  it('sets a changed plain value, clears an emptied one set in Conductor, skips unchanged ones', () => {
    expect(checkEnvDrafts(env, { REGION: 'us' }).values).toEqual({ REGION: 'us' });
    expect(checkEnvDrafts(env, { REGION: 'eu' }).values).toEqual({});
    expect(checkEnvDrafts(env, { REGION: '' }).values).toEqual({ REGION: null });
    // Emptying a field that was not set in Conductor changes nothing.
    expect(checkEnvDrafts(env, { HOME_URL: '', LEVEL: '' }).values).toEqual({});
    expect(checkEnvDrafts(env, { HOME_URL: 'http://x' }).values).toEqual({ HOME_URL: 'http://x' });
  });

  it('refuses values over the size limit', () => {
    const r = checkEnvDrafts(env, { LEVEL: 'x'.repeat(65_537) });
    expect(r.values).toEqual({});
    expect(r.errors['LEVEL']).toMatch(/Too long/);
  });
});

describe('results', () => {
  it('says how a save is applied', () => {
    const running = { instances: [{}] as never[], state: 'ready' as const };
    const none = { instances: [] as never[], state: 'stopped' as const };
    expect(savedMessage('flaky', 'Saved failRate.', running, running)).toBe("Saved failRate. flaky's running instances restart one at a time (rolling) to apply it.");
    expect(savedMessage('x', 'Saved API_TOKEN.', none, running)).toBe('Saved API_TOKEN. x started with it.');
    expect(savedMessage('x', 'Saved A.', none, { instances: [], state: 'disabled' })).toBe('Saved A. It applies when x is enabled.');
    expect(savedMessage('x', 'Saved A.', none, none)).toBe("Saved A. It applies when x's instances next start.");
  });

  it('summarises changes', () => {
    expect(changeSummary(['a', 'b'], [], 'Reset')).toBe('Saved a, b.');
    expect(changeSummary([], ['a'], 'Reset')).toBe('Reset a to its default.');
    expect(changeSummary([], ['A', 'B'], 'Cleared')).toBe('Cleared A, B.');
  });

  it('gives a next step for each failure', () => {
    expect(saveHint({ code: 'E_BAD_REQUEST', message: 'x' }, 'config')).toMatch(/schema/);
    expect(saveHint({ code: 'E_CONFLICT', message: 'x' }, 'env')).toMatch(/environment/);
    expect(saveHint({ code: 'E_INTERNAL', message: 'x' }, 'config')).toMatch(/running/);
  });
});
