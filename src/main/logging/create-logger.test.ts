import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../common/clock';
import { createLogger, type CreateLoggerOptions, type LoggerHandle } from './create-logger';
import { LogBus } from './log-bus';

describe('createLogger', () => {
  let dir: string;
  let bus: LogBus;
  let clock: ManualClock;
  const handles: LoggerHandle[] = [];

  const make = (opts: Partial<CreateLoggerOptions> = {}): LoggerHandle => {
    const handle = createLogger({ appName: 'Conductor', level: 'info', console: false, bus, clock, ...opts });
    handles.push(handle);
    return handle;
  };
  const read = (file: string): string => fs.readFileSync(file, 'utf8');
  const messages = (): string[] => bus.query({ limit: 1000 }).entries.map((e) => e.message);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-logger-'));
    clock = new ManualClock(new Date(2024, 0, 2, 3, 4, 5, 67).getTime());
    bus = new LogBus({ clock });
  });

  afterEach(() => {
    for (const handle of handles.splice(0)) handle.close();
    bus.dispose();
    vi.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes formatted lines to the log file, creating its directory, and appends to the bus', () => {
    const file = path.join(dir, 'logs', 'conductor.log');
    const { logger } = make({ logFile: file });
    logger.info('conductor starting', { pid: 42 });
    logger.child('router').warn('queue is long');

    expect(read(file).split('\n')).toEqual([
      '2024-01-02 03:04:05.067 info  [conductor] conductor starting {"pid":42}',
      '2024-01-02 03:04:05.067 warn  [router] queue is long',
      '',
    ]);
    expect(bus.query({ limit: 10 }).entries).toEqual([
      { seq: 1, ts: clock.now(), level: 'info', source: 'conductor', message: 'conductor starting {"pid":42}' },
      { seq: 2, ts: clock.now(), level: 'warn', source: 'router', message: 'queue is long' },
    ]);
  });

  it('renders an Error with its stack in the file and as name: message on the bus', () => {
    const file = path.join(dir, 'conductor.log');
    const { logger } = make({ logFile: file });
    logger.error('step failed:', new RangeError('out of range'));
    expect(read(file)).toMatch(/\[conductor\] step failed: RangeError: out of range\n\s+at /);
    expect(messages()).toEqual(['step failed: RangeError: out of range']);
  });

  it('writes no file until setLogFile, then writes there', () => {
    const handle = make();
    handle.logger.info('before the data dir is known');
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(handle.logFile).toBeUndefined();

    const file = path.join(dir, 'data', 'logs', 'conductor.log');
    handle.setLogFile(file);
    handle.logger.info('after');
    expect(handle.logFile).toBe(file);
    expect(read(file)).toContain('[conductor] after');
    expect(read(file)).not.toContain('before the data dir');
    expect(messages()).toEqual(['before the data dir is known', 'after']);
    expect(() => handle.setLogFile('relative/conductor.log')).toThrow('must be an absolute path');
  });

  it('rotates the file to conductor.old.log past maxFileBytes', () => {
    const file = path.join(dir, 'conductor.log');
    const { logger } = make({ logFile: file, maxFileBytes: 300 });
    for (let i = 0; i < 20; i++) logger.info(`line ${i} ${'x'.repeat(40)}`);

    const old = path.join(dir, 'conductor.old.log');
    expect(fs.existsSync(old)).toBe(true);
    expect(fs.readdirSync(dir).sort()).toEqual(['conductor.log', 'conductor.old.log']);
    const lineBytes = Buffer.byteLength(read(file).split('\n')[0]!) + 1;
    expect(fs.statSync(file).size).toBeLessThanOrEqual(300 + lineBytes);
    expect(read(file)).toContain('line 19 ');
    expect(read(old)).not.toContain('line 19 ');
  });

  it('drops entries below the level everywhere, and setLevel changes it for all at runtime', () => {
    const file = path.join(dir, 'conductor.log');
    const { logger } = make({ logFile: file, level: 'info' });
    const health = logger.child('health');
    health.debug('hidden debug');
    health.info('shown info');

    health.setLevel('debug');
    logger.debug('now shown debug');

    logger.setLevel('error');
    health.warn('hidden warn');
    logger.error('shown error');

    expect(messages()).toEqual(['shown info', 'now shown debug', 'shown error']);
    const text = read(file);
    expect(text).toContain('shown info');
    expect(text).toContain('now shown debug');
    expect(text).toContain('shown error');
    expect(text).not.toContain('hidden');
  });

  it('tags children with their source, and plugin sources with the plugin name', () => {
    const { logger } = make();
    logger.info('root');
    logger.child('scaler').info('scaled');
    logger.child('router').child('plugin:echo').info('from echo');
    expect(bus.query({ limit: 10 }).entries.map(({ source, plugin }) => ({ source, plugin }))).toEqual([
      { source: 'conductor', plugin: undefined },
      { source: 'scaler', plugin: undefined },
      { source: 'plugin:echo', plugin: 'echo' },
    ]);
    expect(bus.query({ plugin: 'echo', limit: 10 }).entries[0]).toHaveProperty('plugin', 'echo');
  });

  it('keeps loggers independent: each writes its own file at its own level', () => {
    const fileA = path.join(dir, 'a.log');
    const fileB = path.join(dir, 'b.log');
    const busB = new LogBus({ clock });
    const a = make({ logFile: fileA, level: 'info' });
    const b = make({ logFile: fileB, level: 'debug', bus: busB });
    a.logger.debug('a debug');
    a.logger.info('a info');
    b.logger.debug('b debug');
    expect(read(fileA)).toContain('a info');
    expect(read(fileA)).not.toContain('debug');
    expect(read(fileB)).toContain('b debug');
    expect(read(fileB)).not.toContain('a info');
    expect(busB.query({ limit: 10 }).entries.map((e) => e.message)).toEqual(['b debug']);
    busB.dispose();
  });

  it('prints HH:MM:SS.mmm level [source] message, every level to stderr (stdout is for scripts)', () => {
    const out: string[] = [];
    const err: string[] = [];
    const { logger } = make({ console: true, level: 'debug' });
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
    try {
      logger.child('router').info('routed', 3);
      logger.debug('details');
      logger.warn('careful');
      logger.error('broken');
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    expect(out).toEqual([]);
    expect(err).toEqual([
      '03:04:05.067 info  [router] routed 3\n',
      '03:04:05.067 debug [conductor] details\n',
      '03:04:05.067 warn  [conductor] careful\n',
      '03:04:05.067 error [conductor] broken\n',
    ]);
  });

  it('flush delivers the bus batch; close stops file output and is idempotent', () => {
    const file = path.join(dir, 'conductor.log');
    const handle = make({ logFile: file });
    const batches: number[] = [];
    bus.onAppended((batch) => batches.push(batch.length));
    handle.logger.info('one');
    handle.logger.info('two');
    handle.flush();
    expect(batches).toEqual([2]);

    handle.close();
    handle.close();
    handle.logger.info('after close');
    expect(read(file)).not.toContain('after close');
    expect(messages()).toContain('after close');
  });

  it('validates its options, naming the bad one', () => {
    expect(() => createLogger({ appName: '', level: 'info', bus })).toThrow('CreateLoggerOptions.appName');
    expect(() => createLogger({ appName: 'C', level: 'loud' as never, bus })).toThrow('CreateLoggerOptions.level');
    expect(() => createLogger({ appName: 'C', level: 'info', bus, maxFileBytes: -1 })).toThrow('CreateLoggerOptions.maxFileBytes');
    expect(() => createLogger({ appName: 'C', level: 'info', bus, logFile: 'x.log' })).toThrow('CreateLoggerOptions.logFile');
    expect(() => make().logger.setLevel('loud' as never)).toThrow('unknown log level loud');
  });
});
