import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { childEnvironment, SAFE_ENV_KEYS } from './instance-options';
import { FIXTURES, ISOLATIONS, InstanceKit, inMs } from './instance.test-helper';

const kit = new InstanceKit();
afterEach(() => kit.dispose());

interface Report {
  keys: string[];
  token: string | null;
  declared: Record<string, string>;
  config: Record<string, unknown>;
  plugin: { name: string; instance: string };
  heapLimit: number;
  cwd: string;
}

const MB = 1024 * 1024;

describe.each(ISOLATIONS)('the child environment (%s)', (isolation) => {
  beforeAll(() => {
    process.env.CONDUCTOR_TOKEN = 'do-not-leak';
    process.env.SOME_OTHER_SECRET = 'nor-this';
  });
  afterAll(() => {
    delete process.env.CONDUCTOR_TOKEN;
    delete process.env.SOME_OTHER_SECRET;
  });

  it('holds only the safe set plus the declared env; ctx has config, env and identity', async () => {
    const instance = await kit.started('env-report', isolation, { env: { API_KEY: 'k-123', REGION: 'eu' }, config: { greeting: 'hi' } });
    const report = (await instance.call(null, { deadline: inMs(5_000) })) as Report;
    const allowed = new Set<string>([...SAFE_ENV_KEYS, 'API_KEY', 'REGION']);
    expect(report.keys.filter((key) => !allowed.has(key))).toEqual([]);
    expect(report.keys).toEqual(expect.arrayContaining(['API_KEY', 'REGION', 'PATH']));
    expect(report.token).toBeNull();
    expect(report.declared).toEqual({ API_KEY: 'k-123', REGION: 'eu' });
    expect(report.config).toEqual({ greeting: 'hi' });
    expect(report.plugin).toEqual({ name: 'env-report', instance: instance.id });
    if (isolation === 'process') expect(`${report.cwd}/`).toBe(FIXTURES);
  });

  it('applies the memory limit to the V8 heap', async () => {
    const limited = await kit.started('env-report', isolation, { memoryLimitMb: 96 });
    const { heapLimit } = (await limited.call(null, { deadline: inMs(5_000) })) as Report;
    expect(heapLimit).toBeGreaterThanOrEqual(96 * MB);
    expect(heapLimit).toBeLessThan(160 * MB);
    const unlimited = await kit.started('env-report', isolation);
    const other = (await unlimited.call(null, { deadline: inMs(5_000) })) as Report;
    expect(other.heapLimit).toBeGreaterThan(heapLimit);
  });
});

describe('childEnvironment', () => {
  it('copies only the safe keys, then the declared ones', () => {
    const env = childEnvironment({ HOME: '/plugin-home', X: '1' }, { PATH: '/bin', HOME: '/root', CONDUCTOR_TOKEN: 't', TZ: 'UTC' });
    expect(env).toEqual({ PATH: '/bin', HOME: '/plugin-home', TZ: 'UTC', X: '1' });
  });
});
