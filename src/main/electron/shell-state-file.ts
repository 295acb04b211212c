/**
 * What the desktop shell remembers that is not a setting: whether the "still running in the tray"
 * notice was shown. A small JSON file in the data dir (`electron-shell.json`), written atomically
 * (temp file, then rename). No electron import; a missing or unreadable file reads as defaults.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface ShellState {
  /** The one-time notice that closing the window keeps Conductor running in the tray was shown. */
  trayNoticeShown: boolean;
}

export const DEFAULT_SHELL_STATE: ShellState = { trayNoticeShown: false };

export const SHELL_STATE_FILE_NAME = 'electron-shell.json';

export class ShellStateFile {
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, SHELL_STATE_FILE_NAME);
  }

  read(): ShellState {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch {
      return { ...DEFAULT_SHELL_STATE };
    }
    const record = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    return { trayNoticeShown: record.trayNoticeShown === true };
  }

  /** Merges `patch` into what is stored; throws when the file cannot be written. */
  update(patch: Partial<ShellState>): ShellState {
    const next = { ...this.read(), ...patch };
    mkdirSync(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(next, null, 2)}\n`, 'utf8');
    renameSync(temp, this.path);
    return next;
  }
}
