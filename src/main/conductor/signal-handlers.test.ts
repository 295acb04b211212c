import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { LogBus } from '../logging/log-bus';
import { createLogger } from '../logging/create-logger';
import { SIGNAL_REPEAT_WINDOW_MS, SignalHandlers, type SignalSource } from './signal-handlers';

function setup() {
  const clock = new ManualClock();
  const source = new EventEmitter();
  const calls: string[] = [];
  const { logger } = createLogger({ appName: 'test', level: 'error', console: false, bus: new LogBus() });
  const handlers = new SignalHandlers(
    source as unknown as SignalSource,
    (s) => calls.push(`graceful ${s}`),
    (s) => calls.push(`force ${s}`),
    logger,
    () => clock.now(),
  );
  return { clock, source, calls, handlers };
}

describe('SignalHandlers', () => {
  it('the first signal asks for a graceful shutdown, a second one forces it', async () => {
    const { clock, source, calls, handlers } = setup();
    await handlers.start();
    source.emit('SIGTERM');
    clock.advance(1000);
    source.emit('SIGINT');
    expect(calls).toEqual(['graceful SIGTERM', 'force SIGINT']);
  });

  it('a repeat of the same signal within the window counts once (Ctrl-C under npm arrives twice)', async () => {
    const { clock, source, calls, handlers } = setup();
    await handlers.start();
    source.emit('SIGINT');
    clock.advance(SIGNAL_REPEAT_WINDOW_MS - 1);
    source.emit('SIGINT');
    expect(calls).toEqual(['graceful SIGINT']);
    clock.advance(SIGNAL_REPEAT_WINDOW_MS);
    source.emit('SIGINT');
    expect(calls).toEqual(['graceful SIGINT', 'force SIGINT']);
  });

  it('after its step stops, any signal forces; dispose removes the handlers', async () => {
    const { source, calls, handlers } = setup();
    await handlers.start();
    await handlers.stop();
    source.emit('SIGHUP');
    expect(calls).toEqual(['force SIGHUP']);
    handlers.dispose();
    expect(source.listenerCount('SIGINT')).toBe(0);
  });
});
