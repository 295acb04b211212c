/**
 * When the window shows, hides to the tray or quits (pure: no electron import): at start
 * (`--hidden`, `ui.startHidden`), when the user closes it (`ui.closeToTray`, with a one-time notice
 * that Conductor is still running), and when a second launch asks for it.
 */
import type { QuitState } from './quit-sequencer';

export interface StartVisibilityInput {
  /** `--hidden` on the command line. */
  hiddenFlag: boolean;
  /** `ui.startHidden`. */
  startHidden: boolean;
  /** Whether the tray icon exists (else hiding would leave no way back to the window). */
  trayAvailable: boolean;
}

/** `tray`: create the window but do not show it; `show`: show it once it is ready. */
export function startVisibility(input: StartVisibilityInput): 'show' | 'tray' {
  return (input.hiddenFlag || input.startHidden) && input.trayAvailable ? 'tray' : 'show';
}

export interface WindowCloseInput {
  /** `ui.closeToTray` (default true). */
  closeToTray: boolean;
  trayAvailable: boolean;
  /** The quit sequencer's state: once quitting, a close is the sequencer's to decide. */
  quitState: QuitState;
  /** Whether the "still running in the tray" notice was shown before (ever, in this data dir). */
  noticeShown: boolean;
}

/**
 * - `hide-to-tray`: prevent the close, hide the window; show the notice when `showNotice`.
 * - `quit`: hand the close to the quit sequencer as a `window-close` request (it starts the
 *   shutdown, or lets the window close while a shutdown runs).
 */
export type WindowCloseDecision = { kind: 'hide-to-tray'; showNotice: boolean } | { kind: 'quit' };

export function decideWindowClose(input: WindowCloseInput): WindowCloseDecision {
  if (input.quitState !== 'idle') return { kind: 'quit' };
  if (input.closeToTray && input.trayAvailable) return { kind: 'hide-to-tray', showNotice: !input.noticeShown };
  return { kind: 'quit' };
}

/** The notice shown the first time the window goes to the tray. */
export const TRAY_NOTICE = {
  title: 'Conductor is still running',
  body: 'Your plugins keep running; Conductor is in the tray. Quit from the tray menu, or turn off “Close to tray” in Settings.',
} as const;

/** What a launch that found Conductor running passes to it (`requestSingleInstanceLock`'s data). */
export interface SecondInstanceData {
  hidden: boolean;
}

/**
 * What the running instance does when another launch hands over to it: bring the window to the
 * front, unless that launch asked for `--hidden` (login items and scripts only make sure it runs).
 * Anything unexpected (an older build sends nothing) reveals.
 */
export function secondInstanceAction(data: unknown): 'reveal' | 'none' {
  const hidden = typeof data === 'object' && data !== null && (data as Partial<SecondInstanceData>).hidden === true;
  return hidden ? 'none' : 'reveal';
}
