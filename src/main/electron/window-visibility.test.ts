import { describe, expect, it } from 'vitest';
import type { QuitState } from './quit-sequencer';
import { decideWindowClose, secondInstanceAction, startVisibility } from './window-visibility';

describe('startVisibility', () => {
  it.each([
    [false, false, true, 'show'],
    [true, false, true, 'tray'],
    [false, true, true, 'tray'],
    [true, true, true, 'tray'],
    // No tray: hiding would leave no way back.
    [true, false, false, 'show'],
    [false, true, false, 'show'],
  ] as const)('--hidden %s, ui.startHidden %s, tray %s → %s', (hiddenFlag, startHidden, trayAvailable, expected) => {
    expect(startVisibility({ hiddenFlag, startHidden, trayAvailable })).toBe(expected);
  });
});

describe('decideWindowClose', () => {
  const idle = { closeToTray: true, trayAvailable: true, quitState: 'idle' as QuitState, noticeShown: false };

  it('hides to the tray by default, with the notice the first time only', () => {
    expect(decideWindowClose(idle)).toEqual({ kind: 'hide-to-tray', showNotice: true });
    expect(decideWindowClose({ ...idle, noticeShown: true })).toEqual({ kind: 'hide-to-tray', showNotice: false });
  });

  it('quits when close-to-tray is off or there is no tray', () => {
    expect(decideWindowClose({ ...idle, closeToTray: false })).toEqual({ kind: 'quit' });
    expect(decideWindowClose({ ...idle, trayAvailable: false })).toEqual({ kind: 'quit' });
  });

  it.each(['shutting-down', 'done'] as const)('leaves the close to the sequencer while %s', (quitState) => {
    expect(decideWindowClose({ ...idle, quitState })).toEqual({ kind: 'quit' });
  });
});

describe('secondInstanceAction', () => {
  it.each([
    [{ hidden: false }, 'reveal'],
    [{ hidden: true }, 'none'],
    [{}, 'reveal'],
    [null, 'reveal'],
    [undefined, 'reveal'],
    ['hidden', 'reveal'],
    [{ hidden: 'yes' }, 'reveal'],
  ] as const)('%j → %s', (data, expected) => {
    expect(secondInstanceAction(data)).toBe(expected);
  });
});
