import { describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { QuitSequencer, type QuitSource } from './quit-sequencer';

const SOURCES: QuitSource[] = ['before-quit', 'window-close', 'window-all-closed', 'signal', 'command', 'tray', 'session-end'];

function sequencer(options?: ConstructorParameters<typeof QuitSequencer>[1]) {
  const clock = new ManualClock();
  return { clock, quit: new QuitSequencer(clock, options) };
}

describe('QuitSequencer: the first request starts one shutdown', () => {
  it.each([
    ['before-quit', true],
    ['window-close', true],
    ['window-all-closed', false],
    ['signal', false],
    ['command', false],
    ['tray', false],
  ] as const)('%s starts the shutdown (preventDefault %s)', (source, preventDefault) => {
    const { quit } = sequencer();
    expect(quit.state).toBe('idle');
    expect(quit.request({ source, reason: `via ${source}` })).toEqual({
      kind: 'start-shutdown',
      reason: `via ${source}`,
      preventDefault,
    });
    expect(quit.state).toBe('shutting-down');
    expect(quit.reason).toBe(`via ${source}`);
  });
});

describe('QuitSequencer: the session ending', () => {
  it('starts a bounded shutdown and asks the OS to wait', () => {
    const { quit } = sequencer({ sessionEndForceAfterMs: 3000, forceExitAfterMs: 2000 });
    expect(quit.request({ source: 'session-end', reason: 'session ending' })).toEqual({
      kind: 'start-shutdown',
      reason: 'session ending',
      preventDefault: true,
      forceAfterMs: 3000,
    });
    expect(quit.forceDeadlinePassed('session end deadline')).toEqual({
      kind: 'force-shutdown',
      reason: 'session end deadline',
      exitAfterMs: 2000,
    });
    expect(quit.isForced).toBe(true);
    expect(quit.forceDeadlinePassed('again')).toEqual({ kind: 'ignore', preventDefault: false });
    expect(quit.forceTimedOut()).toEqual({ kind: 'exit', exitCode: 1 });
  });

  it('has no deadline to pass once the shutdown returned', () => {
    const { quit } = sequencer();
    quit.request({ source: 'session-end', reason: 'session ending' });
    expect(quit.shutdownFinished()).toEqual({ kind: 'exit', exitCode: 0 });
    expect(quit.forceDeadlinePassed('late')).toEqual({ kind: 'ignore', preventDefault: false });
    expect(quit.request({ source: 'session-end', reason: 'again' })).toEqual({ kind: 'proceed' });
  });

  it('forces a shutdown already under way, then exits at once', () => {
    const { quit } = sequencer();
    quit.request({ source: 'tray', reason: 'quit from the tray' });
    expect(quit.request({ source: 'session-end', reason: 'session ending' })).toMatchObject({ kind: 'force-shutdown' });
    expect(quit.request({ source: 'session-end', reason: 'session ending' })).toMatchObject({ kind: 'exit-now', exitCode: 1 });
  });
});

describe('QuitSequencer: while shutting down', () => {
  it('keeps preventing before-quit so the process is not ended under the shutdown', () => {
    const { quit } = sequencer();
    quit.request({ source: 'command', reason: 'system:shutdown' });
    expect(quit.request({ source: 'before-quit', reason: 'menu' })).toEqual({ kind: 'ignore', preventDefault: true });
    expect(quit.request({ source: 'before-quit', reason: 'menu' })).toEqual({ kind: 'ignore', preventDefault: true });
    expect(quit.state).toBe('shutting-down');
    expect(quit.reason).toBe('system:shutdown');
  });

  it('lets the window close, and ignores window-all-closed and repeated commands', () => {
    const { quit } = sequencer();
    quit.request({ source: 'before-quit', reason: 'menu' });
    expect(quit.request({ source: 'window-close', reason: 'x' })).toEqual({ kind: 'ignore', preventDefault: false });
    expect(quit.request({ source: 'window-all-closed', reason: 'x' })).toEqual({ kind: 'ignore', preventDefault: false });
    expect(quit.request({ source: 'command', reason: 'again' })).toEqual({ kind: 'ignore', preventDefault: false });
    expect(quit.request({ source: 'tray', reason: 'again' })).toEqual({ kind: 'ignore', preventDefault: false });
    expect(quit.state).toBe('shutting-down');
    expect(quit.isForced).toBe(false);
  });

  it('forces the shutdown on a second signal and exits at once on a third', () => {
    const { quit, clock } = sequencer({ forceExitAfterMs: 3000 });
    quit.request({ source: 'signal', reason: 'SIGINT' });
    clock.advance(1500);
    expect(quit.request({ source: 'signal', reason: 'SIGINT' })).toEqual({
      kind: 'force-shutdown',
      reason: 'SIGINT during the shutdown',
      exitAfterMs: 3000,
    });
    expect(quit.isForced).toBe(true);
    expect(quit.state).toBe('shutting-down');
    clock.advance(1500);
    expect(quit.request({ source: 'signal', reason: 'SIGTERM' })).toEqual({
      kind: 'exit-now',
      reason: 'SIGTERM during the forced shutdown',
      exitCode: 1,
    });
    expect(quit.state).toBe('done');
  });

  it('treats a signal right after the one counted as the same Ctrl-C delivered twice', () => {
    const { quit, clock } = sequencer({ signalDebounceMs: 500 });
    quit.request({ source: 'signal', reason: 'SIGINT' });
    clock.advance(5);
    expect(quit.request({ source: 'signal', reason: 'SIGINT' })).toEqual({ kind: 'ignore', preventDefault: false });
    clock.advance(300);
    // Ignored duplicates do not restart the window: pressing again and again still forces.
    expect(quit.request({ source: 'signal', reason: 'SIGINT' }).kind).toBe('ignore');
    clock.advance(195);
    expect(quit.request({ source: 'signal', reason: 'SIGINT' }).kind).toBe('force-shutdown');
    clock.advance(1);
    expect(quit.request({ source: 'signal', reason: 'SIGINT' }).kind).toBe('ignore');
  });

  it('forces on the first signal when the shutdown was started some other way', () => {
    const { quit } = sequencer();
    quit.request({ source: 'window-close', reason: 'window closed' });
    expect(quit.request({ source: 'signal', reason: 'SIGTERM' }).kind).toBe('force-shutdown');
  });

  it('exits 0 once the shutdown returns, forced or not', () => {
    const graceful = sequencer().quit;
    graceful.request({ source: 'command', reason: 'r' });
    expect(graceful.shutdownFinished()).toEqual({ kind: 'exit', exitCode: 0 });
    expect(graceful.state).toBe('done');

    const forced = sequencer().quit;
    forced.request({ source: 'command', reason: 'r' });
    forced.request({ source: 'signal', reason: 'SIGINT' });
    expect(forced.shutdownFinished()).toEqual({ kind: 'exit', exitCode: 0 });
  });

  it('ignores the force timeout while the shutdown is not forced', () => {
    const { quit } = sequencer();
    quit.request({ source: 'signal', reason: 'SIGINT' });
    expect(quit.forceTimedOut()).toEqual({ kind: 'ignore' }); // not forced: the graceful one may take its time
    quit.request({ source: 'command', reason: 'r' });
    expect(quit.forceTimedOut()).toEqual({ kind: 'ignore' });
  });

  it('takes the force timeout only while a forced shutdown runs', () => {
    const { quit, clock } = sequencer();
    quit.request({ source: 'signal', reason: 'SIGINT' });
    clock.advance(1000);
    quit.request({ source: 'signal', reason: 'SIGINT' });
    expect(quit.forceTimedOut()).toEqual({ kind: 'exit', exitCode: 1 });
    expect(quit.state).toBe('done');
    expect(quit.shutdownFinished()).toEqual({ kind: 'ignore' });
    expect(quit.forceTimedOut()).toEqual({ kind: 'ignore' });
  });
});

describe('QuitSequencer: done', () => {
  it('lets Electron proceed and ignores everything else', () => {
    const { quit } = sequencer();
    quit.request({ source: 'signal', reason: 'SIGINT' });
    quit.shutdownFinished();
    expect(quit.request({ source: 'before-quit', reason: 'r' })).toEqual({ kind: 'proceed' });
    expect(quit.request({ source: 'window-close', reason: 'r' })).toEqual({ kind: 'proceed' });
    expect(quit.request({ source: 'session-end', reason: 'r' })).toEqual({ kind: 'proceed' });
    for (const source of ['window-all-closed', 'signal', 'command', 'tray'] as const) {
      expect(quit.request({ source, reason: 'r' })).toEqual({ kind: 'ignore', preventDefault: false });
    }
    expect(quit.shutdownFinished()).toEqual({ kind: 'ignore' });
    expect(quit.state).toBe('done');
  });
});

describe('QuitSequencer: startup failure', () => {
  it('exits 1 when nothing else is going on', () => {
    const { quit } = sequencer();
    expect(quit.startupFailed()).toEqual({ kind: 'exit', exitCode: 1 });
    expect(quit.state).toBe('done');
    expect(quit.request({ source: 'window-all-closed', reason: 'r' })).toEqual({ kind: 'ignore', preventDefault: false });
  });

  it.each(SOURCES)('leaves the exit to the shutdown a %s request started', (source) => {
    const { quit } = sequencer();
    quit.request({ source, reason: 'r' });
    expect(quit.startupFailed()).toEqual({ kind: 'ignore' });
    expect(quit.state).toBe('shutting-down');
    expect(quit.shutdownFinished()).toEqual({ kind: 'exit', exitCode: 0 });
  });
});

describe('QuitSequencer options', () => {
  it('names a bad option', () => {
    expect(() => sequencer({ signalDebounceMs: -1 })).toThrow(/signalDebounceMs/);
    expect(() => sequencer({ forceExitAfterMs: 1.5 })).toThrow(/forceExitAfterMs/);
    expect(() => sequencer({ sessionEndForceAfterMs: -5 })).toThrow(/sessionEndForceAfterMs/);
  });
});
