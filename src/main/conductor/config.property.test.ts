/**
 * Bad input at the config boundary, as properties: any JSON value (with __proto__ and
 * constructor keys mixed in) either resolves to a valid config or is refused with a ConfigError
 * naming a key; nothing else is thrown and no prototype is polluted. `FC_RUNS` raises the count
 * for the long run (default 300 here).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, readConfigFile, resolveConfig } from './config';
import { configSchema } from './config-schema';

const RUNS = Number(process.env.FC_RUNS ?? 300);
const dir = mkdtempSync(join(tmpdir(), 'conductor-config-prop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const key = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'logLevel', 'server', 'port', 'health', 'intervalMs', 'ui', 'plugins', 'dirs'), fc.string({ maxLength: 12 }));
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    fc.string({ maxLength: 20 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 5 }),
  ),
})).value;

function unpolluted(): void {
  const probe = {} as Record<string, unknown>;
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(probe.polluted).toBeUndefined();
  expect(typeof probe.constructor).toBe('function');
}

describe('config boundary (properties)', () => {
  it('resolveConfig: a valid config or a ConfigError, never anything else', () => {
    fc.assert(
      fc.property(fc.dictionary(key, json, { maxKeys: 6 }), fc.dictionary(key, json, { maxKeys: 3 }), (file, saved) => {
        // A JSON round trip makes __proto__ an own key, as JSON.parse of a file would.
        const fileObj = JSON.parse(JSON.stringify(file)) as Record<string, unknown>;
        try {
          const { config } = resolveConfig({ flags: {}, file: fileObj, saved: saved as Record<string, unknown> });
          expect(configSchema.safeParse(config).success).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          expect((error as Error).message.length).toBeGreaterThan(0);
        }
        unpolluted();
      }),
      { numRuns: RUNS },
    );
  });

  it('readConfigFile: any file text is read or refused with a ConfigError naming the file', () => {
    const path = join(dir, 'config.json');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), json.map((v) => JSON.stringify(v) ?? 'undefined')), (text) => {
        writeFileSync(path, text);
        try {
          readConfigFile(path);
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          expect((error as Error).message).toContain(path);
        }
        unpolluted();
      }),
      { numRuns: RUNS },
    );
  });
});
