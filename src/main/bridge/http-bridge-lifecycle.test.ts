import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { EventHub } from '../conductor/command-dispatcher';
import { bearer, makeDispatcher, send, startFixture, testLogger, waitUntil, type Fixture } from './bridge-fixture.test-helper';
import { DEFAULT_HTTP_BRIDGE_OPTIONS, HttpBridge, type HttpBridgeOptions } from './http-bridge';

const fixtures: Fixture[] = [];
afterEach(async () => {
  for (const f of fixtures.splice(0)) await f.cleanup();
});

async function open(overrides: Partial<HttpBridgeOptions> = {}): Promise<Fixture> {
  const f = await startFixture(overrides);
  fixtures.push(f);
  return f;
}

function baseOptions(): HttpBridgeOptions {
  const log = testLogger();
  return { port: 0, token: HttpBridge.generateToken(), rendererDir: null, dispatcher: makeDispatcher(log), events: new EventHub(), log };
}

describe('listening', () => {
  it('listens on 127.0.0.1 only and reports its URLs', async () => {
    const f = await open();
    expect(f.bridge.address).toMatchObject({ address: '127.0.0.1', family: 'IPv4', port: f.port });
    expect(f.port).toBeGreaterThan(0);
    expect(f.bridge.url).toBe(`http://127.0.0.1:${f.port}/`);
    expect(f.bridge.loginUrl).toBe(`http://127.0.0.1:${f.port}/?token=${f.token}`);
  });

  it('rejects start() naming the port when it is in use', async () => {
    const f = await open();
    const second = new HttpBridge({ ...baseOptions(), port: f.port });
    await expect(second.start()).rejects.toThrow(`port ${f.port} is already in use`);
    await second.stop();
  });

  it('start() twice is an error; stop() before start() and twice is fine', async () => {
    const idle = new HttpBridge(baseOptions());
    await idle.stop();
    const f = await open();
    await expect(f.bridge.start()).rejects.toThrow(/start\(\) called/);
    await Promise.all([f.bridge.stop(), f.bridge.stop()]);
    expect(() => new HttpBridge(baseOptions()).port).toThrow(/not started/);
  });

  it('stop() during start() waits for the listen, then closes', async () => {
    const bridge = new HttpBridge(baseOptions());
    const started = bridge.start();
    const stopped = bridge.stop();
    await started;
    await stopped;
    expect(bridge.address).toBeNull();
    await expect(send(bridge.port, { path: '/' })).rejects.toThrow();
  });
});

describe('options', () => {
  it('documents defaults', () => {
    expect(DEFAULT_HTTP_BRIDGE_OPTIONS.maxBodyBytes).toBe(1024 * 1024);
    expect(DEFAULT_HTTP_BRIDGE_OPTIONS.wsBackpressureBytes).toBe(4 * 1024 * 1024);
  });

  it.each<[string, Partial<HttpBridgeOptions>, RegExp]>([
    ['short token', { token: 'ab'.repeat(15) }, /option token: expected at least 32 hex characters/],
    ['non-hex token', { token: 'z'.repeat(64) }, /option token/],
    ['negative port', { port: -1 }, /option port/],
    ['huge port', { port: 70000 }, /option port/],
    ['fractional port', { port: 1.5 }, /option port/],
    ['empty rendererDir', { rendererDir: '' }, /option rendererDir/],
    ['tiny maxBodyBytes', { maxBodyBytes: 10 }, /option maxBodyBytes/],
    ['max buffer below backpressure', { wsBackpressureBytes: 8192, wsMaxBufferedBytes: 4096 }, /option wsMaxBufferedBytes/],
    ['missing dispatcher', { dispatcher: undefined as never }, /option dispatcher/],
  ])('refuses %s, naming the option', (_name, overrides, message) => {
    expect(() => new HttpBridge({ ...baseOptions(), ...overrides })).toThrow(message);
  });

  it('never echoes the token in an option error', () => {
    const token = 'q'.repeat(64);
    expect(() => new HttpBridge({ ...baseOptions(), token })).toThrow(/a string of 64 characters/);
    try {
      new HttpBridge({ ...baseOptions(), token });
    } catch (error) {
      expect(String(error)).not.toContain(token);
    }
  });
});

describe('stop', () => {
  it('does not wait forever on a request that never ends', async () => {
    let started = false;
    const f = await open({
      stopGraceMs: 200,
      routes: [
        {
          method: 'GET',
          path: '/api/v1/test/hang',
          handler: (req, res) => {
            started = true;
            res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
            res.write('{"n":1}\n'); // never ends
          },
        },
      ],
    });
    const clientDone = new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port: f.port, path: '/api/v1/test/hang', headers: bearer(f.token), agent: false }, (res) => {
        res.resume();
        res.on('close', () => resolve());
      });
      req.on('error', () => resolve());
      req.end();
    });
    await waitUntil(() => started, 5000, 'the hanging route');
    const t0 = Date.now();
    await f.bridge.stop();
    expect(Date.now() - t0).toBeLessThan(3000);
    await clientDone;
    await expect(send(f.port, { path: '/api/v1/status', headers: bearer(f.token) })).rejects.toThrow();
  });

  it('aborts the route signal when the client goes away', async () => {
    let aborted = false;
    let started = false;
    const f = await open({
      routes: [
        {
          method: 'GET',
          path: '/api/v1/test/stream',
          handler: (req, res, ctx) => {
            started = true;
            ctx.signal.addEventListener('abort', () => {
              aborted = true;
            });
            res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
            res.write('{"n":1}\n');
          },
        },
      ],
    });
    const req = request({ host: '127.0.0.1', port: f.port, path: '/api/v1/test/stream', headers: bearer(f.token), agent: false }, (res) => {
      res.once('data', () => req.destroy());
    });
    req.on('error', () => {});
    req.end();
    await waitUntil(() => started && aborted, 5000, 'abort on client going away');
  });
});
