import { describe, expect, it } from 'vitest';
import { autostartEntry, planLoginItem, quoteExecArg } from './login-item-plan';

const base = { enabled: true, packaged: true, execPath: '/opt/Conductor/conductor', configHome: '/home/ada/.config' };

describe('planLoginItem', () => {
  it.each(['darwin', 'win32'] as const)('uses Electron’s login items on %s, starting hidden', (platform) => {
    expect(planLoginItem({ ...base, platform })).toEqual({ kind: 'electron', settings: { openAtLogin: true, args: ['--hidden'] } });
    expect(planLoginItem({ ...base, platform, enabled: false })).toEqual({
      kind: 'electron',
      settings: { openAtLogin: false, args: ['--hidden'] },
    });
  });

  it('writes or removes an XDG autostart entry on Linux', () => {
    expect(planLoginItem({ ...base, platform: 'linux' })).toEqual({
      kind: 'xdg-autostart',
      enabled: true,
      file: '/home/ada/.config/autostart/conductor.desktop',
      contents: autostartEntry(['/opt/Conductor/conductor', '--hidden']),
    });
    expect(planLoginItem({ ...base, platform: 'linux', enabled: false })).toMatchObject({ kind: 'xdg-autostart', enabled: false });
  });

  it('starts an AppImage from its real file, not the temporary mount', () => {
    const plan = planLoginItem({ ...base, platform: 'linux', execPath: '/tmp/.mount_Cond1/conductor', appImage: '/home/ada/Apps/Conductor.AppImage' });
    expect(plan.kind === 'xdg-autostart' && plan.contents).toContain('Exec=/home/ada/Apps/Conductor.AppImage --hidden');
  });

  it('does nothing in a development run or on an OS it does not know', () => {
    expect(planLoginItem({ ...base, platform: 'linux', packaged: false })).toMatchObject({ kind: 'unsupported', reason: expect.stringMatching(/packaged/) });
    expect(planLoginItem({ ...base, platform: 'aix' })).toMatchObject({ kind: 'unsupported', reason: expect.stringMatching(/aix/) });
  });
});

describe('autostartEntry', () => {
  it('is a desktop entry that runs the app hidden', () => {
    expect(autostartEntry(['/opt/Conductor/conductor', '--hidden'])).toBe(
      '[Desktop Entry]\nType=Application\nName=Conductor\nComment=Runs your local plugins (started at login, in the tray)\n' +
        'Exec=/opt/Conductor/conductor --hidden\nTerminal=false\nX-GNOME-Autostart-enabled=true\n',
    );
  });
});

describe('quoteExecArg', () => {
  it.each([
    ['/opt/Conductor/conductor', '/opt/Conductor/conductor'],
    ['/home/ada/My Apps/Conductor', '"/home/ada/My Apps/Conductor"'],
    ['/a/"b"', '"/a/\\\\"b\\\\""'],
    ['/a/$HOME', '"/a/\\\\$HOME"'],
    ['/a/50%', '/a/50%%'],
    ['C:\\x', '"C:\\\\\\\\x"'],
    ['', '""'],
  ])('%s → %s', (arg, expected) => {
    expect(quoteExecArg(arg)).toBe(expected);
  });
});
