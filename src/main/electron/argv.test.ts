import { describe, expect, it } from 'vitest';
import { electronUserArgs } from './argv';

describe('electronUserArgs', () => {
  it.each([
    [['/opt/Conductor/conductor', '--hidden', '--port', '7000'], true, ['--hidden', '--port', '7000']],
    [['/opt/Conductor/conductor'], true, []],
    [['electron', '.', '--hidden'], false, ['--hidden']],
    [['electron', '.'], false, []],
    [['electron', '/work/app', '--config', 'c.json'], false, ['--config', 'c.json']],
    [['electron', 'out/main/index.js', '--dry-run'], false, ['--dry-run']],
    // Playwright and electron-vite put switches before the app path.
    [['electron', '--inspect=0', '--remote-debugging-port=0', '.', '--data-dir', '/tmp/d'], false, ['--data-dir', '/tmp/d']],
    [['electron', '--no-sandbox', '/work/app', '--hidden', '--no-sandbox'], false, ['--hidden', '--no-sandbox']],
    // A user flag's value that looks like a path is not the app path.
    [['electron', '.', '--config', '/etc/conductor.json'], false, ['--config', '/etc/conductor.json']],
    [['electron', '--', '--help'], false, ['--help']],
    [['electron'], false, []],
    [['electron', '--inspect=0'], false, []],
  ])('%j (packaged %s) → %j', (argv, packaged, expected) => {
    expect(electronUserArgs(argv, packaged)).toEqual(expected);
  });
});
