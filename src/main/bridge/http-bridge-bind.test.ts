/** The headless server listens on 127.0.0.1 only: not on other interfaces of the machine. */
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { startFixture, type Fixture } from './bridge-fixture.test-helper';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.cleanup();
  fx = undefined;
});

function tryConnect(host: string, port: number): Promise<'connected' | string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(3_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('bind address', () => {
  it('listens on 127.0.0.1 and refuses connections to the machine’s other addresses', async () => {
    fx = await startFixture();
    expect(fx.bridge.address).toMatchObject({ address: '127.0.0.1' });
    expect(await tryConnect('127.0.0.1', fx.port)).toBe('connected');
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal)
      .map((a) => a!.address);
    for (const address of others) expect(await tryConnect(address, fx.port), address).not.toBe('connected');
    // IPv6 loopback is another address: not listened on either.
    expect(await tryConnect('::1', fx.port)).not.toBe('connected');
  });
});
