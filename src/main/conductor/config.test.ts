import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, readConfigFile, resolveConfig } from './config';
import { configSchema } from './config-schema';

describe('config', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'conductor-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (value: unknown) => {
    const path = join(dir, 'config.json');
    writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
    return path;
  };

  it('documents a default for every key', () => {
    const config = configSchema.parse({});
    expect(config.health.intervalMs).toBe(1000);
    expect(config.server.port).toBe(0);
    expect(config.logLevel).toBe('info');
    expect(config.plugins).toEqual({ dirs: [], strict: false, bundled: true });
  });

  it('names the key path, what was expected and what it got', () => {
    const path = write({ health: { intervalMs: 'fast' } });
    expect(() => readConfigFile(path)).toThrow(ConfigError);
    expect(() => readConfigFile(path)).toThrow('health.intervalMs: expected a positive integer, got "fast"');
  });

  it.each([
    [{ health: { intervalMs: -5 } }, 'health.intervalMs: expected a positive integer, got -5'],
    [{ health: { intervalMs: 1.5 } }, 'health.intervalMs: expected a positive integer, got 1.5'],
    [{ logLevel: 'loud' }, 'logLevel: expected one of error, warn, info, debug, got "loud"'],
    [{ server: { port: 99999 } }, 'server.port: expected a port number 0-65535, got 99999'],
    [{ plugins: { dirs: [''] } }, 'plugins.dirs.0: expected a folder path, got ""'],
    [{ healht: {} }, 'healht: unknown key'],
    [{ health: { interval: 5 } }, 'health.interval: unknown key'],
    [[1, 2], 'expected a JSON object at the top level'],
    ['{ not json', 'not valid JSON'],
  ])('rejects %j', (value, message) => {
    expect(() => readConfigFile(write(value))).toThrow(message);
  });

  it('names a missing file', () => {
    expect(() => readConfigFile(join(dir, 'nope.json'))).toThrow(/nope\.json: cannot read it \(no such file\)/);
  });

  it('applies flags > file > saved > defaults and says where each value came from', () => {
    const { config, sources } = resolveConfig({
      flags: { logLevel: 'debug' },
      file: { logLevel: 'warn', ui: { closeToTray: false }, health: { intervalMs: 500 } },
      saved: { logLevel: 'error', 'ui.closeToTray': true, 'ui.startHidden': true },
    });
    expect(config.logLevel).toBe('debug');
    expect(sources.logLevel).toBe('flag');
    expect(config.ui.closeToTray).toBe(false);
    expect(sources['ui.closeToTray']).toBe('file');
    expect(config.ui.startHidden).toBe(true);
    expect(sources['ui.startHidden']).toBe('saved');
    expect(config.health.intervalMs).toBe(500);
    expect(sources['health.intervalMs']).toBe('file');
    expect(sources['server.port']).toBe('default');
  });

  it('ignores saved settings that are not saveable or no longer valid', () => {
    const { config } = resolveConfig({ flags: {}, file: {}, saved: { 'health.intervalMs': 5, 'ui.startHidden': 'yes' } });
    expect(config.health.intervalMs).toBe(1000);
    expect(config.ui.startHidden).toBe(false);
  });

  it('does not let __proto__ keys pollute anything', () => {
    const file = JSON.parse('{"__proto__": {"polluted": true}, "logLevel": "warn"}') as Record<string, unknown>;
    const { config } = resolveConfig({ flags: {}, file, saved: {} });
    expect(config.logLevel).toBe('warn');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
