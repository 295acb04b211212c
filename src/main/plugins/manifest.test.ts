import { describe, expect, it } from 'vitest';
import { parseManifest, resolvePluginConfig, type PluginManifest } from './manifest';

const base = { name: 'demo', version: '1.0.0' };

function parsed(extra: Record<string, unknown>): PluginManifest {
  const result = parseManifest({ ...base, ...extra });
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

function error(extra: Record<string, unknown>): string {
  const result = parseManifest({ ...base, ...extra });
  if (result.ok) throw new Error('expected the manifest to be refused');
  return result.error;
}

describe('manifest', () => {
  it('fills every documented default', () => {
    expect(parsed({})).toEqual({
      ...base,
      description: '',
      runtime: 'node',
      entry: 'index.js',
      capabilities: [],
      isolation: 'process',
      dependsOn: [],
      required: false,
      enabled: true,
      instances: { min: 1, max: 1, targetPerInstance: 4 },
      concurrency: 64,
      queueLimit: 256,
      requestTimeoutMs: 30_000,
      memoryLimitMb: 256,
      probes: {
        liveness: { intervalMs: 5000, timeoutMs: 1000, failureThreshold: 3 },
        readiness: { intervalMs: 5000, timeoutMs: 2000, failureThreshold: 3, successThreshold: 1 },
        startup: { graceMs: 10_000, maxMs: 60_000 },
      },
      restart: { maxCrashes: 5, windowMs: 60_000 },
      config: {},
      env: [],
    });
  });

  it('fills defaults inside partly given nested objects', () => {
    const m = parsed({ instances: { max: 4 }, probes: { readiness: { successThreshold: 2 } } });
    expect(m.instances).toEqual({ min: 1, max: 4, targetPerInstance: 4 });
    expect(m.probes.readiness).toEqual({ intervalMs: 5000, timeoutMs: 2000, failureThreshold: 3, successThreshold: 2 });
    expect(m.probes.liveness.intervalMs).toBe(5000);
  });

  it.each([
    [{ instances: { min: 3, max: 2 } }, 'instances.min: expected at most instances.max (2), got 3'],
    [{ instances: { min: 2 } }, 'instances.min: expected at most instances.max (1), got 2'],
    [{ instances: { min: -1 } }, 'instances.min:'],
    [{ instances: { max: 0 } }, 'instances.max:'],
    [{ instances: { max: 1.5 } }, 'instances.max:'],
    [{ instances: { targetPerInstance: 0 } }, 'instances.targetPerInstance: expected a positive number, got 0'],
    [{ instances: { spare: 1 } }, 'instances.spare: unknown key'],
    [{ concurrency: 0 }, 'concurrency: expected a positive integer, got 0'],
    [{ queueLimit: -1 }, 'queueLimit:'],
    [{ requestTimeoutMs: 'slow' }, 'requestTimeoutMs: expected a positive integer, got "slow"'],
    [{ memoryLimitMb: 8 }, 'memoryLimitMb: expected an integer from 16 to 65536, got 8'],
    [{ probes: { liveness: { intervalMs: 0 } } }, 'probes.liveness.intervalMs:'],
    [{ probes: { liveness: { timeoutMs: 6000 } } }, 'probes.liveness.timeoutMs: expected at most intervalMs (5000), got 6000'],
    [{ probes: { readiness: { successThreshold: 0 } } }, 'probes.readiness.successThreshold:'],
    [{ probes: { startup: { graceMs: 70_000 } } }, 'probes.startup.graceMs: expected at most maxMs (60000), got 70000'],
    [{ probes: { other: {} } }, 'probes.other: unknown key'],
    [{ restart: { maxCrashes: 0 } }, 'restart.maxCrashes:'],
    [{ restart: { windowMs: -5 } }, 'restart.windowMs:'],
    [{ env: [{ name: 'api-token' }] }, 'env.0.name: expected an environment variable name like "API_TOKEN", got "api-token"'],
    [{ env: [{ name: 'A' }, { name: 'A' }] }, 'env.1.name: expected a name not declared twice'],
    [{ env: [{ name: 'A', secret: 'yes' }] }, 'env.0.secret: expected true or false'],
    [{ runtime: 'command' }, 'command: required when runtime is "command"'],
    [{ command: { exec: 'python3' } }, 'command: only allowed when runtime is "command"'],
    [{ runtime: 'command', command: { exec: '' } }, 'command.exec:'],
    [{ runtime: 'command', command: { exec: 'bot', url: 'http://example.com/' } }, 'command.url: expected a loopback http URL'],
    [{ dependsOn: ['demo'] }, 'dependsOn: expected other plugins, not itself'],
    [{ config: { x: { type: 'date' } } }, 'config.x.type:'],
    [{ config: { x: { type: 'number', default: 'a' } } }, 'config.x.default: expected a number, got "a"'],
    [{ config: { x: { type: 'integer', default: 1.5 } } }, 'config.x.default: expected an integer, got 1.5'],
    [{ config: { x: { type: 'number', min: 0, max: 1, default: 2 } } }, 'config.x.default: expected at most 1, got 2'],
    [{ config: { x: { type: 'number', min: 2, max: 1 } } }, 'config.x.min: expected at most max (1), got 2'],
    [{ config: { x: { type: 'string', min: 1 } } }, 'config.x.min: only allowed for type number or integer'],
    [{ config: { x: { type: 'string', enum: ['a', 2] } } }, 'config.x.enum.1: expected a string, got 2'],
    [{ config: { x: { type: 'string', enum: ['a'], default: 'b' } } }, 'config.x.default: expected one of "a", got "b"'],
    [{ config: { 'bad key': { type: 'string' } } }, 'config.bad key:'],
    [{ config: { x: { type: 'string', secret: true } } }, 'config.x.secret: unknown key'],
  ])('%j is refused naming the field', (extra, message) => {
    expect(error(extra)).toContain(message);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses the config key %s (no prototype pollution)', (key) => {
    const raw = JSON.parse(`{"name":"demo","version":"1.0.0","config":{"${key}":{"type":"string","default":"x"}}}`) as unknown;
    const result = parseManifest(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(`config.${key}: reserved key name`);
    expect(({} as Record<string, unknown>).type).toBeUndefined();
  });

  it('accepts a command plugin with its command', () => {
    const m = parsed({ runtime: 'command', command: { exec: 'python3', args: ['bot.py'], cwd: 'app', url: 'http://127.0.0.1:8080/' } });
    expect(m.command).toEqual({ exec: 'python3', args: ['bot.py'], cwd: 'app', url: 'http://127.0.0.1:8080/', portEnv: 'PORT', tcpProbe: false });
  });

  it('a command plugin: "{port}" needs a port, a fixed port allows one instance, URLs stay on loopback', () => {
    const auto = parsed({ runtime: 'command', instances: { max: 3 }, command: { exec: 'python3', args: ['s.py', '--port', '{port}'], url: 'http://127.0.0.1:{port}/', port: 'auto', healthUrl: 'http://127.0.0.1:{port}/health' } });
    expect(auto.command).toMatchObject({ port: 'auto', portEnv: 'PORT' });
    const problems = (raw: Record<string, unknown>) => {
      const r = parseManifest({ name: 'demo', version: '1.0.0', runtime: 'command', ...raw });
      return r.ok ? '' : r.error;
    };
    expect(problems({ command: { exec: 'x', url: 'http://127.0.0.1:{port}/' } })).toContain('command.port: required when "{port}" is used');
    expect(problems({ instances: { max: 2 }, command: { exec: 'x', port: 8080 } })).toContain('instances.max');
    expect(problems({ command: { exec: 'x', healthUrl: 'http://example.com/health' } })).toContain('command.healthUrl');
    expect(problems({ command: { exec: 'x', port: 70000 } })).toContain('command.port');
    expect(problems({ command: { exec: 'x', tcpProbe: true } })).toContain('command.tcpProbe: needs a port');
  });

  it('fills env defaults', () => {
    expect(parsed({ env: [{ name: 'API_TOKEN', secret: true }] }).env).toEqual([{ name: 'API_TOKEN', secret: true, required: false }]);
  });
});

describe('resolvePluginConfig', () => {
  const manifest = parsed({
    config: {
      failRate: { type: 'number', min: 0, max: 1, default: 0.3 },
      retries: { type: 'integer', min: 0, default: 2 },
      mode: { type: 'string', enum: ['fast', 'safe'], default: 'safe' },
      verbose: { type: 'boolean', default: false },
      greeting: { type: 'string' },
    },
  });

  it('applies defaults; a field without a default and without an override is absent', () => {
    expect(resolvePluginConfig(manifest, {})).toEqual({ ok: true, value: { failRate: 0.3, retries: 2, mode: 'safe', verbose: false } });
  });

  it('applies valid overrides; null means "use the default"', () => {
    expect(resolvePluginConfig(manifest, { failRate: 1, mode: 'fast', greeting: 'hi', verbose: null })).toEqual({
      ok: true,
      value: { failRate: 1, retries: 2, mode: 'fast', verbose: false, greeting: 'hi' },
    });
  });

  it.each([
    [{ failRate: 2 }, 'failRate: expected at most 1, got 2'],
    [{ failRate: '0.5' }, 'failRate: expected a number, got "0.5"'],
    [{ retries: 1.5 }, 'retries: expected an integer, got 1.5'],
    [{ mode: 'turbo' }, 'mode: expected one of "fast", "safe", got "turbo"'],
    [{ verbose: 1 }, 'verbose: expected true or false, got 1'],
    [{ colour: 'red' }, 'colour: unknown config key'],
  ])('refuses %j naming the key', (overrides, message) => {
    const result = resolvePluginConfig(manifest, overrides);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(message);
  });

  it('refuses a __proto__ override without touching any prototype', () => {
    const overrides = JSON.parse('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    const result = resolvePluginConfig(manifest, overrides);
    expect(result).toEqual({ ok: false, error: '__proto__: unknown config key' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
