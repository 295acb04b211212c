/**
 * The main window: the settings from `window-options.ts` applied to Electron. Sandboxed renderer,
 * CSP header on every response, no navigation away from the app, no new windows, no permissions.
 */
import { BrowserWindow } from 'electron';
import type { Logger } from '../logging/logger';
import { pluginDetailHash } from './tray-menu';
import {
  isNavigationAllowed,
  MAIN_WINDOW_BOUNDS,
  rendererSource,
  windowWebPreferences,
  withCspHeader,
} from './window-options';

export interface MainWindowOptions {
  /** Built preload (`out/preload/index.cjs`), absolute. */
  preloadPath: string;
  /** Built renderer (`out/renderer/index.html`), absolute. */
  rendererFile: string;
  /** `ELECTRON_RENDERER_URL` in `electron-vite dev`. */
  devServerUrl?: string | undefined;
  /** False with `--hidden`: the window is created but not shown. */
  show: boolean;
  logger: Logger;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const { logger } = options;
  const window = new BrowserWindow({
    ...MAIN_WINDOW_BOUNDS,
    title: 'Conductor',
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      ...windowWebPreferences(options.preloadPath),
      // Restated as literals (window-options.test.ts pins the whole set) so static checkers such
      // as Electronegativity can see them at the BrowserWindow call.
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  const contents = window.webContents;
  const session = contents.session;

  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCspHeader(details.responseHeaders) });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));

  contents.on('will-navigate', (event) => {
    if (!isNavigationAllowed(contents.getURL(), event.url)) {
      event.preventDefault();
      logger.warn(`blocked navigation to ${event.url}`);
    }
  });
  contents.on('will-redirect', (event) => {
    if (!isNavigationAllowed(contents.getURL(), event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('render-process-gone', (_event, details) => {
    logger.error(`renderer process gone: ${details.reason} (exit code ${details.exitCode})`);
  });

  if (options.show) window.once('ready-to-show', () => window.show());

  const source = rendererSource(options.devServerUrl, options.rendererFile);
  const loading = source.kind === 'url' ? window.loadURL(source.url) : window.loadFile(source.file);
  loading.catch((error: unknown) => logger.error('could not load the renderer', error));
  return window;
}

/**
 * Shows a plugin's detail page (`#/plugin/<name>`) in the window and brings it forward: a change of
 * hash, which the renderer routes on without reloading (and which is not a navigation away, so
 * `will-navigate` does not apply).
 */
export function showPluginDetail(window: BrowserWindow | null | undefined, plugin: string, logger: Logger): void {
  if (!window || window.isDestroyed()) return;
  const contents = window.webContents;
  const go = (): void => {
    contents.executeJavaScript(`window.location.hash = ${JSON.stringify(pluginDetailHash(plugin))};`).catch((error: unknown) => {
      logger.warn(`could not open the page of ${plugin}`, error);
    });
  };
  if (contents.isLoading()) contents.once('did-finish-load', go);
  else go();
  revealWindow(window);
}

/** Brings the window to the front (a second instance was launched, or the user asked). */
export function revealWindow(window: BrowserWindow | null | undefined): void {
  if (!window || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
