import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ELECTRON_SQLITE_BINDING as SHELL_BINDING } from '../src/main/electron/app-paths';
import {
  displayStatus,
  ELECTRON_SQLITE_BINDING,
  ELECTRON_SQLITE_STAMP,
  electronBinaryStatus,
  electronSqliteStatus,
} from './electron-binary.mjs';
import { prepareElectronSqlite } from './electron-sqlite.mjs';
import { chooseMode } from './start.mjs';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'conductor-electron-binary-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function write(relativePath: string, text: string): string {
  const file = join(root, relativePath);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
  return file;
}

const installElectronPackage = (version = '45.5.0') =>
  write('node_modules/electron/package.json', JSON.stringify({ name: 'electron', version }));

describe('electronBinaryStatus', () => {
  it('is unavailable when the electron package is not installed', () => {
    const status = electronBinaryStatus(root, {});
    expect(status.available).toBe(false);
    expect(status.reason).toMatch(/electron package is not installed/);
  });

  it('is unavailable when path.txt is missing (the binary was never downloaded)', () => {
    installElectronPackage();
    const status = electronBinaryStatus(root, {});
    expect(status).toEqual({ available: false, reason: expect.stringMatching(/never downloaded.*path\.txt/) });
  });

  it('is unavailable when path.txt names a file that is not there', () => {
    installElectronPackage();
    write('node_modules/electron/path.txt', 'electron');
    const status = electronBinaryStatus(root, {});
    expect(status.available).toBe(false);
    expect(status.path).toBe(join(root, 'node_modules/electron/dist/electron'));
    expect(status.reason).toMatch(/node_modules\/electron\/dist\/electron is missing/);
  });

  it('is unavailable when the named file is not executable', () => {
    installElectronPackage();
    write('node_modules/electron/path.txt', 'electron');
    const bin = write('node_modules/electron/dist/electron', '#!/bin/sh\n');
    chmodSync(bin, 0o644);
    // No x bit at all: access(X_OK) fails even for root.
    const status = electronBinaryStatus(root, {});
    expect(status.available).toBe(false);
    expect(status.reason).toMatch(/not executable/);
  });

  it('is available when path.txt names an executable in dist/', () => {
    installElectronPackage();
    write('node_modules/electron/path.txt', 'electron\n');
    const bin = write('node_modules/electron/dist/electron', '#!/bin/sh\n');
    chmodSync(bin, 0o755);
    expect(electronBinaryStatus(root, {})).toEqual({ available: true, path: bin });
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH as electron’s own resolver does', () => {
    installElectronPackage();
    const bin = write('custom-dist/electron', '#!/bin/sh\n');
    chmodSync(bin, 0o755);
    expect(electronBinaryStatus(root, { ELECTRON_OVERRIDE_DIST_PATH: join(root, 'custom-dist') })).toEqual({
      available: true,
      path: bin,
    });
  });
});

describe('electronSqliteStatus', () => {
  it('is unavailable when the Electron-ABI build is missing', () => {
    const status = electronSqliteStatus(root);
    expect(status.available).toBe(false);
    expect(status.reason).toMatch(/not built for Electron/);
  });

  it('is available when the build exists (no stamp: built by hand)', () => {
    const binding = write(ELECTRON_SQLITE_BINDING, 'binary');
    expect(electronSqliteStatus(root)).toEqual({ available: true, path: binding });
  });

  it('checks the stamp against the installed Electron and better-sqlite3', () => {
    installElectronPackage('45.5.0');
    write('node_modules/better-sqlite3/package.json', JSON.stringify({ version: '12.11.1' }));
    write(ELECTRON_SQLITE_BINDING, 'binary');
    write(ELECTRON_SQLITE_STAMP, JSON.stringify({ electronVersion: '45.5.0', betterSqlite3Version: '12.11.1' }));
    expect(electronSqliteStatus(root).available).toBe(true);

    write(ELECTRON_SQLITE_STAMP, JSON.stringify({ electronVersion: '44.0.0', betterSqlite3Version: '12.11.1' }));
    expect(electronSqliteStatus(root)).toMatchObject({ available: false, reason: expect.stringMatching(/Electron 44\.0\.0.*45\.5\.0/) });

    write(ELECTRON_SQLITE_STAMP, JSON.stringify({ electronVersion: '45.5.0', betterSqlite3Version: '11.0.0' }));
    expect(electronSqliteStatus(root)).toMatchObject({ available: false, reason: expect.stringMatching(/11\.0\.0.*12\.11\.1/) });
  });

  it('names the same file the Electron entry loads', () => {
    expect(ELECTRON_SQLITE_BINDING).toBe(SHELL_BINDING);
  });
});

describe('displayStatus', () => {
  it.each([
    [{ DISPLAY: ':0' }, 'linux', true],
    [{ WAYLAND_DISPLAY: 'wayland-0' }, 'linux', true],
    [{}, 'linux', false],
    [{ DISPLAY: '' }, 'linux', false],
    [{}, 'darwin', true],
    [{}, 'win32', true],
  ] as const)('%j on %s → %s', (env, platform, available) => {
    expect(displayStatus(env, platform).available).toBe(available);
  });
});

describe('chooseMode (npm start)', () => {
  const yes = { available: true, path: '/x/electron' };
  const no = (reason: string) => ({ available: false, reason });
  it('launches Electron only when the binary, a display and the Electron sqlite build are all there', () => {
    expect(chooseMode({ binary: yes, display: { available: true }, sqlite: { available: true } })).toEqual({
      mode: 'electron',
      binary: '/x/electron',
    });
    expect(chooseMode({ binary: no('no binary'), display: { available: true } })).toEqual({ mode: 'headless', reason: 'no binary' });
    expect(chooseMode({ binary: yes, display: no('no display') })).toEqual({ mode: 'headless', reason: 'no display' });
    expect(chooseMode({ binary: yes, display: { available: true }, sqlite: no('not built') })).toEqual({
      mode: 'headless',
      reason: 'not built',
    });
  });
});

describe('prepareElectronSqlite', () => {
  it('fails with one message, touching nothing, when Electron is not installed', async () => {
    const result = await prepareElectronSqlite(root);
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/electron package is not installed/) });
  });
});
