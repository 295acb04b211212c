/**
 * The shell's wiring, with a real conductor (real SQLite in a temp data dir) and Electron replaced
 * by `fake-electron.test-helper.ts` (the binary cannot run here): what the shell asks of Electron when the user
 * or the OS acts. The decisions themselves are tested beside their pure modules.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_INVOKE_CHANNEL } from '../../shared/contract';
import type { Result } from '../../shared/result';
import type { CliOptions } from '../conductor/cli';
import { appPaths, type AppPaths } from './app-paths';
import * as fake from './fake-electron.test-helper';
import { runElectronShell } from './shell';
import { trayIconPng } from './tray-icon';
import { windowWebPreferences } from './window-options';
import { TRAY_NOTICE } from './window-visibility';

vi.mock('electron', () => import('./fake-electron.test-helper'));

let root: string;
let paths: AppPaths;
const savedXdg = process.env.XDG_CONFIG_HOME;

beforeEach(() => {
  fake.resetFakeElectron();
  root = mkdtempSync(join(tmpdir(), 'conductor-shell-'));
  mkdirSync(join(root, 'plugins'));
  paths = appPaths(root);
  process.env.XDG_CONFIG_HOME = join(root, 'xdg');
});

afterEach(async () => {
  if (fake.app.exitCodes.length === 0) {
    const exited = fake.app.nextExit();
    fake.app.quit();
    await exited;
  }
  if (savedXdg === undefined) delete process.env.XDG_CONFIG_HOME;
  else process.env.XDG_CONFIG_HOME = savedXdg;
  rmSync(root, { recursive: true, force: true });
});

async function start(cli: Partial<CliOptions> = {}) {
  await runElectronShell({
    cli: { dryRun: false, hidden: false, dataDir: join(root, 'data'), logLevel: 'error', ...cli },
    version: '0.0.0-test',
    paths,
  });
  const window = fake.BrowserWindow.all[0];
  const tray = fake.Tray.all[0];
  if (!window || !tray) throw new Error('the shell opened no window or no tray');
  return { window, tray };
}

/** A command through the IPC handler, as the window's renderer sends it. */
async function invoke(command: string, args: unknown): Promise<Result<unknown>> {
  const handler = fake.ipcMain.handlers.get(IPC_INVOKE_CHANNEL);
  if (!handler) throw new Error('no IPC handler');
  return (await handler({ senderFrame: { url: pathToFileURL(paths.rendererFile).href } }, command, args)) as Result<unknown>;
}

function labels(tray: fake.Tray): string[] {
  return (tray.menu?.items ?? []).filter((i) => i.type !== 'separator').map((i) => i.label ?? '');
}

function menuItem(tray: fake.Tray, label: string): fake.FakeMenuItem {
  const item = tray.menu?.items.find((i) => i.label === label);
  if (!item) throw new Error(`no tray menu item "${label}" in ${JSON.stringify(labels(tray))}`);
  return item;
}

describe('Electron shell wiring', () => {
  it('opens the locked-down window and keeps the tray in step with the status; the tray’s Quit shuts down and exits 0', async () => {
    const { window, tray } = await start();
    expect(window.options.webPreferences).toEqual(windowWebPreferences(paths.preload));
    expect(window.options.show).toBe(false); // shown on ready-to-show
    await vi.waitFor(() => expect(window.visible).toBe(true));
    expect(window.webContents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(fake.Menu.applicationMenu).not.toBeNull();

    await vi.waitFor(() => expect(labels(tray)).toEqual(['Conductor: Ready · 0 plugins', 'Open Conductor', 'Quit Conductor']));
    expect(tray.tooltip).toBe('Conductor: Ready · 0 plugins');
    expect(tray.image.representations.map((r) => r.scaleFactor)).toEqual([1, 2]);
    expect(tray.image.representations[0]!.buffer).toEqual(trayIconPng('ready', 16));

    const exited = fake.app.nextExit();
    menuItem(tray, 'Quit Conductor').click!();
    // At once: the tray says it is going, and Quit cannot be pressed again.
    expect(menuItem(tray, 'Quitting…').enabled).toBe(false);
    expect(tray.image.representations[0]!.buffer).toEqual(trayIconPng('stopping', 16));
    expect(await exited).toBe(0);
    expect(fake.app.exitCodes).toEqual([0]);
    expect(tray.destroyed).toBe(true);
    // The window stayed open through the shutdown.
    expect(window.destroyed).toBe(false);
  });

  it('hides the window to the tray on close, with the one-time notice remembered in the data dir', async () => {
    const { window } = await start();
    await vi.waitFor(() => expect(window.visible).toBe(true));

    expect(window.close().defaultPrevented).toBe(true);
    expect(window.visible).toBe(false);
    expect(window.destroyed).toBe(false);
    expect(fake.Notification.shown.map((n) => n.options.title)).toEqual([TRAY_NOTICE.title]);
    expect(JSON.parse(readFileSync(join(root, 'data', 'electron-shell.json'), 'utf8'))).toEqual({ trayNoticeShown: true });

    // Brought back (the tray's Open), closed again: no second notice.
    menuItem(fake.Tray.all[0]!, 'Open Conductor').click!();
    expect(window.visible).toBe(true);
    window.close();
    expect(window.visible).toBe(false);
    expect(fake.Notification.shown).toHaveLength(1);
    expect(fake.app.exitCodes).toEqual([]);

    // The OS's quit (and the app menu's): before-quit is held until the shutdown is done.
    const exited = fake.app.nextExit();
    expect(fake.app.quit().defaultPrevented).toBe(true);
    expect(await exited).toBe(0);
  });

  it('does not show the notice when the OS has no notifications, and tries again next time', async () => {
    fake.Notification.supported = false;
    const { window } = await start();
    window.close();
    expect(window.visible).toBe(false);
    expect(existsSync(join(root, 'data', 'electron-shell.json'))).toBe(false);
  });

  it('quits when the window closes with close-to-tray off, keeping it open to show the shutdown', async () => {
    const { window } = await start();
    expect(await invoke('settings:set', { key: 'ui.closeToTray', value: false })).toMatchObject({ ok: true });
    const exited = fake.app.nextExit();
    expect(window.close().defaultPrevented).toBe(true);
    expect(window.destroyed).toBe(false);
    expect(await exited).toBe(0);
  });

  it('starts in the tray with --hidden; a second launch reveals the window unless it asks for --hidden too', async () => {
    const { window } = await start({ hidden: true });
    await new Promise((resolve) => setImmediate(resolve)); // past ready-to-show
    expect(window.visible).toBe(false);

    fake.app.emit('second-instance', new fake.FakeEvent(), [], root, { hidden: true });
    expect(window.visible).toBe(false);
    fake.app.emit('second-instance', new fake.FakeEvent(), [], root, { hidden: false });
    expect(window.visible).toBe(true);
    expect(window.focused).toBe(true);
  });

  it('lists a plugin that needs attention in the tray and opens its detail page from there', async () => {
    mkdirSync(join(root, 'plugins', 'broken'));
    writeFileSync(join(root, 'plugins', 'broken', 'plugin.json'), '{"name": 42}');
    const { window, tray } = await start({ hidden: true });
    await vi.waitFor(() => expect(labels(tray)).toContain('broken: invalid'));
    expect(labels(tray)[0]).toMatch(/^Conductor: \w+ · 1 of 1 plugin needs attention$/);
    menuItem(tray, 'broken: invalid').click!();
    expect(window.webContents.executed).toEqual(['window.location.hash = "#/plugin/broken";']);
    expect(window.visible).toBe(true);
  });

  it.runIf(process.platform === 'linux')('follows ui.launchAtLogin with an XDG autostart entry (packaged app)', async () => {
    fake.app.isPackaged = true;
    await start();
    const entry = join(root, 'xdg', 'autostart', 'conductor.desktop');
    expect(existsSync(entry)).toBe(false);
    expect(await invoke('settings:set', { key: 'ui.launchAtLogin', value: true })).toMatchObject({ ok: true });
    expect(readFileSync(entry, 'utf8')).toContain(`Exec=${process.execPath.includes(' ') ? `"${process.execPath}"` : process.execPath} --hidden`);
    // Another setting changing leaves it alone; turning it off removes it.
    await invoke('settings:set', { key: 'logLevel', value: 'error' });
    expect(existsSync(entry)).toBe(true);
    await invoke('settings:set', { key: 'ui.launchAtLogin', value: false });
    expect(existsSync(entry)).toBe(false);
  });

  it('asks the OS to wait when the system shuts down, and exits 0 after the shutdown', async () => {
    await start();
    const exited = fake.app.nextExit();
    const event = new fake.FakeEvent();
    fake.powerMonitor.emit('shutdown', event);
    expect(event.defaultPrevented).toBe(true);
    expect(await exited).toBe(0);
  });

  it('answers a quit during startup with one shutdown and no window', async () => {
    const exited = fake.app.nextExit();
    const starting = runElectronShell({
      cli: { dryRun: false, hidden: false, dataDir: join(root, 'data'), logLevel: 'error' },
      version: '0.0.0-test',
      paths,
    });
    expect(fake.app.quit().defaultPrevented).toBe(true);
    await starting;
    expect(await exited).toBe(0);
    expect(fake.BrowserWindow.all).toEqual([]);
    expect(fake.Tray.all).toEqual([]);
    // The conductor never started: nothing was written to the data dir.
    expect(existsSync(join(root, 'data'))).toBe(false);
  });

  it('starts nothing when the quit comes after Electron is ready but before the conductor starts', async () => {
    const exited = fake.app.nextExit();
    let held = false;
    fake.Tray.onCreate = () => {
      held = fake.app.quit().defaultPrevented;
    };
    await start().catch(() => {});
    expect(held).toBe(true);
    expect(await exited).toBe(0);
    expect(fake.BrowserWindow.all).toEqual([]);
    expect(existsSync(join(root, 'data'))).toBe(false);
  });
});
