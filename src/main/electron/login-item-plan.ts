/**
 * How to honour `ui.launchAtLogin` on this OS (pure: no electron import, no files). macOS and
 * Windows: Electron's `app.setLoginItemSettings`. Linux, where Electron has no login items: an XDG
 * autostart entry (`~/.config/autostart/conductor.desktop`), which GNOME, KDE, Xfce and others
 * read. Either way the app starts with `--hidden`, in the tray. Only a packaged app registers: a
 * development run's executable is Electron itself, which would start without the app.
 */
import { join } from 'node:path';

export interface LoginItemInput {
  enabled: boolean;
  platform: NodeJS.Platform;
  packaged: boolean;
  /** `process.execPath`. */
  execPath: string;
  /** `process.env.APPIMAGE` (an AppImage runs from a temporary mount; this is its real file). */
  appImage?: string | undefined;
  /** `$XDG_CONFIG_HOME`, else `~/.config`. */
  configHome: string;
}

export type LoginItemPlan =
  | { kind: 'electron'; settings: { openAtLogin: boolean; args: string[] } }
  | { kind: 'xdg-autostart'; enabled: boolean; file: string; contents: string }
  | { kind: 'unsupported'; reason: string };

/** The flags a login launch passes: start in the tray. */
export const LOGIN_ARGS = ['--hidden'] as const;

export const AUTOSTART_FILE_NAME = 'conductor.desktop';

export function planLoginItem(input: LoginItemInput): LoginItemPlan {
  if (!input.packaged) {
    return { kind: 'unsupported', reason: 'only the packaged app can launch at login (this is a development run)' };
  }
  if (input.platform === 'darwin' || input.platform === 'win32') {
    return { kind: 'electron', settings: { openAtLogin: input.enabled, args: [...LOGIN_ARGS] } };
  }
  if (input.platform === 'linux' || input.platform === 'freebsd' || input.platform === 'openbsd') {
    const exec = input.appImage || input.execPath;
    return {
      kind: 'xdg-autostart',
      enabled: input.enabled,
      file: join(input.configHome, 'autostart', AUTOSTART_FILE_NAME),
      contents: autostartEntry([exec, ...LOGIN_ARGS]),
    };
  }
  return { kind: 'unsupported', reason: `launch at login is not supported on ${input.platform}` };
}

/** An XDG desktop entry that runs `argv` (Desktop Entry Specification 1.5, `Exec` quoting). */
export function autostartEntry(argv: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Conductor',
    'Comment=Runs your local plugins (started at login, in the tray)',
    `Exec=${argv.map(quoteExecArg).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/**
 * One `Exec` argument: quoted when it has a reserved character, with `"`, `` ` ``, `$` and `\`
 * escaped inside the quotes; `%` doubled (field codes); then, as for every string value, each
 * backslash escaped once more.
 */
export function quoteExecArg(arg: string): string {
  let out = arg.replace(/%/g, '%%');
  if (/[\s"'\\><~|&;$*?#()`]/.test(out) || out === '') out = `"${out.replace(/(["`$\\])/g, '\\$1')}"`;
  return out.replace(/\\/g, '\\\\');
}
