/**
 * The desktop app itself, under Electron (`_electron.launch` on the built `out/main/index.js`):
 * the window is locked down, closing it goes to the tray, quitting runs the graceful shutdown and
 * exits 0, and a second launch hands over to the first. Where Electron cannot run (no binary, no
 * display, no Electron build of better-sqlite3) every test is skipped with the reason printed.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { disposeDesktopApp, electronAvailability, launchDesktopApp, launchSecondInstance, type DesktopApp } from './electron-app';
import { OverviewPage } from './pages/overview-page';

const availability = electronAvailability();
if (!availability.ok) console.log(`[electron e2e] skipped: ${availability.reason}`);

/** What the tests touch of the renderer's globals (e2e compiles without the DOM library). */
interface PageGlobals {
  eval(code: string): unknown;
  XMLHttpRequest: new () => { open(method: string, url: string, async: boolean): void; send(): void; status: number; responseText: string };
  open(url: string): unknown;
  Notification: { requestPermission(): Promise<string> };
  location: { href: string };
  require?: unknown;
  process?: unknown;
  ipcRenderer?: unknown;
  api?: { invoke?: unknown };
}

/** The app's window as the main process sees it. */
function windowState(desktop: DesktopApp) {
  return desktop.app.evaluate(({ BrowserWindow }) => {
    const window = BrowserWindow.getAllWindows()[0];
    if (!window) return null;
    return { destroyed: window.isDestroyed(), visible: window.isVisible(), minimized: window.isMinimized() };
  });
}

function closeWindow(desktop: DesktopApp) {
  return desktop.app.evaluate(({ BrowserWindow }) => {
    BrowserWindow.getAllWindows()[0]?.close();
  });
}

test.describe('Electron desktop app', () => {
  test.skip(!availability.ok, availability.ok ? '' : availability.reason);
  const executable = availability.ok ? availability.executable : '';

  let desktop: DesktopApp | undefined;
  test.afterEach(async () => {
    await disposeDesktopApp(desktop);
    desktop = undefined;
  });

  test('the window opens sandboxed, isolated, under the CSP, and denies navigation, popups and permissions', async () => {
    desktop = await launchDesktopApp(executable);
    const page = desktop.window;
    const overview = new OverviewPage(page);
    await expect(overview.overallState).toHaveText('Ready');
    await expect(page).toHaveURL(/^file:\/\/.*\/out\/renderer\/index\.html/);

    // Where Electron still reports them, the preferences themselves (not in electron.d.ts any more).
    const prefs = await desktop.app.evaluate(({ BrowserWindow }) => {
      const contents = BrowserWindow.getAllWindows()[0]!.webContents as unknown as { getLastWebPreferences?: () => Record<string, unknown> | null };
      const p = contents.getLastWebPreferences?.() ?? null;
      return p && { sandbox: p.sandbox, contextIsolation: p.contextIsolation, nodeIntegration: p.nodeIntegration, webSecurity: p.webSecurity, webviewTag: p.webviewTag };
    });
    if (prefs) expect(prefs).toEqual({ sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true, webviewTag: false });

    // And their effects, seen from the page.
    // The page runs in Chromium; e2e compiles without the DOM library, so its globals are typed here.
    const seen = await page.evaluate(async () => {
      const w = globalThis as unknown as PageGlobals;
      let evalBlocked = false;
      try {
        w.eval('1');
      } catch {
        evalBlocked = true;
      }
      let fileReadBlocked = false;
      try {
        const xhr = new w.XMLHttpRequest();
        xhr.open('GET', 'file:///etc/hostname', false);
        xhr.send();
        fileReadBlocked = xhr.status === 0 && xhr.responseText === '';
      } catch {
        fileReadBlocked = true;
      }
      return {
        require: typeof w.require,
        process: typeof w.process,
        ipcRenderer: typeof w.ipcRenderer,
        api: typeof w.api?.invoke,
        evalBlocked,
        fileReadBlocked,
        popup: w.open('https://example.com/') === null,
        permission: await w.Notification.requestPermission(),
      };
    });
    expect(seen).toEqual({
      require: 'undefined',
      process: 'undefined',
      ipcRenderer: 'undefined',
      api: 'function',
      evalBlocked: true,
      fileReadBlocked: true,
      popup: true,
      permission: 'denied',
    });

    // Navigation away is refused (and logged); the app stays on its page.
    await page.evaluate(() => {
      (globalThis as unknown as PageGlobals).location.href = 'https://example.com/';
    });
    await expect.poll(() => desktop!.output()).toContain('blocked navigation to https://example.com/');
    await expect(page).toHaveURL(/^file:\/\//);
    await expect(overview.overallState).toHaveText('Ready');
  });

  test('closing the window hides it to the tray; the app keeps running and remembers the notice', async () => {
    desktop = await launchDesktopApp(executable);
    await expect(new OverviewPage(desktop.window).overallState).toHaveText('Ready');
    expect(await windowState(desktop)).toMatchObject({ visible: true });

    await closeWindow(desktop);
    await expect.poll(() => windowState(desktop!)).toEqual({ destroyed: false, visible: false, minimized: false });
    expect(desktop.app.process().exitCode).toBeNull();

    const notificationsSupported = await desktop.app.evaluate(({ Notification }) => Notification.isSupported());
    if (notificationsSupported) {
      const remembered = async () => {
        try {
          return JSON.parse(await readFile(join(desktop!.dataDir, 'electron-shell.json'), 'utf8')) as unknown;
        } catch {
          return null;
        }
      };
      await expect.poll(remembered).toEqual({ trayNoticeShown: true });
    }
  });

  test('quit (app menu, OS) runs the graceful shutdown with the window open, and exits 0', async () => {
    desktop = await launchDesktopApp(executable);
    const overview = new OverviewPage(desktop.window);
    await expect(overview.overallState).toHaveText('Ready');

    // app.quit() is what the app menu's Quit and the OS's quit do (before-quit).
    await desktop.app.evaluate(({ app }) => {
      app.quit();
    });
    const exit = await desktop.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    const log = desktop.output();
    expect(log).toContain('quit requested (before-quit)');
    expect(log).toContain('shutting down: quit requested');
    expect(log).toMatch(/shutdown complete in \d+ ms/);
    // (The shell's last line, "exiting with code 0", may not reach the pipe before the process ends.)
  });

  test('SIGTERM runs the same graceful shutdown and exits 0', async () => {
    desktop = await launchDesktopApp(executable);
    await expect(new OverviewPage(desktop.window).overallState).toHaveText('Ready');
    desktop.app.process().kill('SIGTERM');
    expect(await desktop.exited).toEqual({ code: 0, signal: null });
    expect(desktop.output()).toContain('quit requested (signal): SIGTERM');
    expect(desktop.output()).toMatch(/shutdown complete in \d+ ms/);
  });

  test('a second launch exits at once and brings the first one’s window forward (not with --hidden)', async () => {
    desktop = await launchDesktopApp(executable, { args: ['--hidden'] });
    // --hidden: the window exists but stays in the tray.
    await expect.poll(() => desktop!.output()).toContain('started in the tray');
    expect(await windowState(desktop)).toMatchObject({ destroyed: false, visible: false });

    const quiet = launchSecondInstance(executable, desktop.dataDir, ['--hidden']);
    const quietExit = await quiet.done;
    expect(quietExit.code).toBe(0);
    expect(quietExit.stdout).toContain('Conductor is already running.');
    expect(await windowState(desktop)).toMatchObject({ visible: false });

    const second = launchSecondInstance(executable, desktop.dataDir);
    const secondExit = await second.done;
    expect(secondExit.code).toBe(0);
    expect(secondExit.stdout).toContain('Conductor is already running; its window was brought to the front.');
    // Shown and restored; focus itself needs a window manager, which a bare Xvfb lacks.
    await expect.poll(() => windowState(desktop!)).toEqual({ destroyed: false, visible: true, minimized: false });
    await expect(new OverviewPage(desktop.window).overallState).toHaveText('Ready');
  });
});
