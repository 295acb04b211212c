/**
 * Bad input at the manifest boundary, as properties: any JSON (with __proto__/constructor keys
 * and near-valid manifests) parses to a manifest or to an error that names a field; nothing
 * throws and no prototype is polluted. `FC_RUNS` raises the count for the long run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseManifest } from './manifest';

const RUNS = Number(process.env.FC_RUNS ?? 300);

const key = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'name', 'version', 'entry', 'instances', 'min', 'max', 'config', 'env', 'dependsOn', 'runtime', 'isolation', 'probes'), fc.string({ maxLength: 10 }));
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -5, max: 100 }),
    fc.double(),
    fc.string({ maxLength: 16 }),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Valid manifests with one field replaced by anything. */
const nearValid = fc
  .record({ field: fc.constantFrom('name', 'version', 'entry', 'instances', 'capabilities', 'requestTimeoutMs', 'memoryLimitMb', 'dependsOn', 'config', 'env', 'isolation'), value: json })
  .map(({ field, value }) => ({ name: 'good-plugin', version: '1.0.0', entry: 'index.mjs', capabilities: ['x.y'], [field]: value }));

describe('manifest boundary (properties)', () => {
  it('any JSON: a manifest, or an error naming what was wrong; no throw, no pollution', () => {
    fc.assert(
      fc.property(fc.oneof(json, nearValid), (raw) => {
        const input: unknown = JSON.parse(JSON.stringify(raw) ?? 'null');
        const result = parseManifest(input);
        if (!result.ok) {
          expect(typeof result.error).toBe('string');
          expect(result.error.length).toBeGreaterThan(0);
        } else {
          expect(result.value.name).toMatch(/^[a-z]/);
        }
        expect(Object.keys(Object.prototype)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('a near-valid manifest that fails names the field it changed', () => {
    fc.assert(
      fc.property(nearValid, (raw) => {
        const input = JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
        const result = parseManifest(input);
        if (!result.ok) {
          const changed = Object.keys(raw).find((k) => !['name', 'version', 'entry', 'capabilities'].includes(k)) ?? '';
          const named = ['name', 'version', 'entry', 'capabilities', changed].some((f) => f && result.error.includes(f));
          expect(named, result.error).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
