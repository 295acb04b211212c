/**
 * The Electron host: starts the conductor, binds IPC, opens the window, keeps the tray, the login
 * item and the notifications in step with the status and the settings, and routes every way of
 * quitting through the `QuitSequencer` so that exactly one graceful shutdown runs, with the window
 * (when open) showing it, before the app exits. Every decision here is made by a pure module
 * (quit-sequencer, window-visibility, tray-menu, tray-icon, plugin-notifications, login-item-plan);
 * this file only wires them to Electron.
 */
import { existsSync } from 'node:fs';
import { app, dialog, powerMonitor, safeStorage, type BrowserWindow, type Event as ElectronEvent } from 'electron';
import type { StatusSnapshot } from '../../shared/domain';
import { systemClock } from '../common/clock';
import { DisposableStore, toDisposable } from '../common/disposable';
import type { CliOptions } from '../conductor/cli';
import { Conductor } from '../conductor/conductor';
import { messageOf } from '../conductor/step-runner';
import type { Logger } from '../logging/logger';
import { installAppMenu } from './app-menu';
import type { AppPaths } from './app-paths';
import { DesktopNotifier, showNotification } from './desktop-notifier';
import { bindIpc } from './ipc-binding';
import { isTrustedRendererUrl } from './ipc-handler';
import { applyLaunchAtLogin } from './login-item';
import { QuitSequencer, type ExitDecision, type QuitDecision, type QuitRequest } from './quit-sequencer';
import { ShellStateFile } from './shell-state-file';
import { TrayController } from './tray';
import type { TrayAction } from './tray-menu';
import { createMainWindow, revealWindow, showPluginDetail } from './window';
import { decideWindowClose, secondInstanceAction, startVisibility, TRAY_NOTICE } from './window-visibility';

export interface ElectronShellOptions {
  cli: CliOptions;
  version: string;
  paths: AppPaths;
  /** `ELECTRON_RENDERER_URL` under `electron-vite dev`. */
  devServerUrl?: string | undefined;
}

/** Signals the shell owns (the conductor is created with `signals: null`). */
const SHELL_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The better-sqlite3 binding for Electron's ABI, when it has been built. */
export function electronNativeBinding(paths: AppPaths): string | undefined {
  return existsSync(paths.electronSqliteBinding) ? paths.electronSqliteBinding : undefined;
}

export async function runElectronShell(options: ElectronShellOptions): Promise<void> {
  const { cli, paths } = options;
  const sequencer = new QuitSequencer(systemClock);
  const bindings = new DisposableStore();
  let window: BrowserWindow | null = null;
  let tray: TrayController | null = null;
  let latestStatus: StatusSnapshot | null = null;
  /** A second launch or the tray asked for the window before it existed: show it when created. */
  let revealWhenCreated = false;

  const nativeBinding = electronNativeBinding(paths);
  let conductor: Conductor;
  try {
    conductor = new Conductor({
      cli,
      host: 'electron',
      version: options.version,
      defaultDataDir: app.getPath('userData'),
      bundledPluginsDir: paths.bundledPlugins,
      // The shell owns SIGINT/SIGTERM/SIGHUP so that they go through the same sequencer as
      // Electron's quit paths.
      signals: null,
      ...(nativeBinding ? { nativeBinding } : {}),
      // Plugin secrets encrypted with the OS keychain; where there is none (Linux without a
      // keyring: "basic_text"), they go to the 0600 file like headless mode.
      secretCipher: {
        encrypt: (plain) => safeStorage.encryptString(plain),
        decrypt: (cipher) => safeStorage.decryptString(cipher),
        available: () => safeStorage.isEncryptionAvailable() && (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text'),
      },
      pickFolder: async (title) => {
        const options = { title: title ?? 'Choose a folder', properties: ['openDirectory' as const] };
        const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
        return result.canceled ? null : (result.filePaths[0] ?? null);
      },
    });
  } catch (error) {
    failStartup(sequencer.startupFailed(), messageOf(error));
    return;
  }
  const log = conductor.logger.child('electron');
  if (!nativeBinding) {
    log.warn(
      `no better-sqlite3 build for Electron's ABI at ${paths.electronSqliteBinding}; ` +
        'run `npm run prepare:electron-sqlite` (the database will fail to open otherwise)',
    );
  }

  const exit = (decision: ExitDecision): void => {
    if (decision.kind !== 'exit') return;
    try {
      bindings.dispose();
    } catch (error) {
      log.error('cleanup before exit failed', error);
    }
    log.info(`exiting with code ${decision.exitCode}`);
    app.exit(decision.exitCode);
  };

  const runShutdown = async (reason: string): Promise<void> => {
    try {
      const report = await conductor.shutdown(reason);
      if (!report.clean) log.warn(`shutdown finished with problems${report.forced ? ' (forced)' : ''}`);
    } catch (error) {
      log.error(`shutdown failed: ${messageOf(error)}`);
    }
    exit(sequencer.shutdownFinished());
  };

  const act = (decision: QuitDecision, event?: { preventDefault(): void }): void => {
    switch (decision.kind) {
      case 'start-shutdown': {
        if (decision.preventDefault) event?.preventDefault();
        tray?.update(latestStatus, true);
        if (decision.forceAfterMs !== undefined) {
          const deadline = setTimeout(() => act(sequencer.forceDeadlinePassed('the session is ending')), decision.forceAfterMs);
          deadline.unref();
        }
        void runShutdown(decision.reason);
        return;
      }
      case 'ignore':
        if (decision.preventDefault) event?.preventDefault();
        return;
      case 'force-shutdown': {
        log.warn(`forcing the shutdown: ${decision.reason} (exiting in ${decision.exitAfterMs} ms at the latest)`);
        conductor.force(decision.reason);
        const backstop = setTimeout(() => exit(sequencer.forceTimedOut()), decision.exitAfterMs);
        backstop.unref();
        return;
      }
      case 'exit-now':
        log.warn(`exiting now: ${decision.reason}`);
        exit({ kind: 'exit', exitCode: decision.exitCode });
        return;
      case 'proceed':
        return;
    }
  };

  const onQuitRequest = (request: QuitRequest, event?: { preventDefault(): void }): void => {
    const decision = sequencer.request(request);
    if (decision.kind === 'start-shutdown') log.info(`quit requested (${request.source}): ${decision.reason}`);
    act(decision, event);
  };

  const showWindow = (): void => {
    if (window) revealWindow(window);
    else revealWhenCreated = true;
  };

  const onTrayAction = (action: TrayAction): void => {
    switch (action.type) {
      case 'open':
        showWindow();
        return;
      case 'open-plugin':
        if (window) showPluginDetail(window, action.plugin, log);
        else revealWhenCreated = true;
        return;
      case 'quit':
        onQuitRequest({ source: 'tray', reason: 'quit from the tray' });
        return;
    }
  };

  // Every quit path, wired before the conductor starts so a quit during startup is sequenced too.
  app.on('before-quit', (event: ElectronEvent) => onQuitRequest({ source: 'before-quit', reason: 'quit requested' }, event));
  app.on('window-all-closed', () => onQuitRequest({ source: 'window-all-closed', reason: 'window closed' }));
  for (const signal of SHELL_SIGNALS) {
    const listener = () => onQuitRequest({ source: 'signal', reason: signal });
    process.on(signal, listener);
    bindings.add(toDisposable(() => process.off(signal, listener)));
  }
  bindings.add(conductor.onShutdownRequested((reason) => onQuitRequest({ source: 'command', reason })));
  app.on('second-instance', (_event, _argv, _cwd, additionalData) => {
    if (secondInstanceAction(additionalData) === 'reveal') showWindow();
  });
  // macOS: the dock icon was clicked.
  app.on('activate', () => showWindow());

  await app.whenReady();
  // Quit before Electron was even ready: the shutdown (of a conductor that never started) is done
  // or under way; start nothing more.
  if (sequencer.state !== 'idle') return;
  installAppMenu({ isPackaged: app.isPackaged });
  // Linux and macOS: the system is about to reboot or shut down. preventDefault asks it to wait
  // (on Linux, a logind delay lock) while the shutdown runs, bounded by the sequencer.
  const onSystemShutdown = (...args: unknown[]): void => {
    const event = args[0] as { preventDefault?: () => void } | undefined;
    onQuitRequest(
      { source: 'session-end', reason: 'the system is shutting down' },
      typeof event?.preventDefault === 'function' ? { preventDefault: () => event.preventDefault!() } : undefined,
    );
  };
  powerMonitor.on('shutdown', onSystemShutdown);
  bindings.add(toDisposable(() => powerMonitor.off('shutdown', onSystemShutdown)));

  tray = createTray(onTrayAction, log);
  if (tray) bindings.add(tray);
  bindings.add(
    conductor.events.on('status:changed', (status) => {
      latestStatus = status;
      tray?.update(status, sequencer.state !== 'idle');
    }),
  );

  // A quit while the tray was being set up: nothing has started, nothing more will.
  if (sequencer.state !== 'idle') return;
  try {
    await conductor.start();
  } catch (error) {
    failStartup(sequencer.startupFailed(), messageOf(error));
    return;
  }
  // A quit request during startup: the shutdown is under way; no window to open.
  if (sequencer.state !== 'idle') return;

  const shellState = new ShellStateFile(conductor.dataDir);

  // Launch at login: applied now, and again whenever the setting changes.
  let launchAtLogin = conductor.config.ui.launchAtLogin;
  applyLaunchAtLogin(launchAtLogin, log);
  bindings.add(
    conductor.events.on('settings:changed', () => {
      const wanted = conductor.config.ui.launchAtLogin;
      if (wanted === launchAtLogin) return;
      launchAtLogin = wanted;
      applyLaunchAtLogin(wanted, log);
    }),
  );

  const notifier = new DesktopNotifier({
    settings: () => ({ notifications: conductor.config.ui.notifications, mutedPlugins: conductor.config.ui.mutedPlugins }),
    onOpenPlugin: (plugin) => onTrayAction({ type: 'open-plugin', plugin }),
    logger: log,
  });
  notifier.prime(conductor.status());
  bindings.add(
    conductor.events.on('status:changed', (status) => {
      if (sequencer.state === 'idle') notifier.onStatus(status);
    }),
  );

  const trusted = { rendererFile: paths.rendererFile, devServerUrl: options.devServerUrl };
  bindings.add(
    bindIpc({
      dispatcher: conductor.dispatcher,
      events: conductor.events,
      target: () => (window && !window.isDestroyed() ? window.webContents : null),
      isTrustedUrl: (url) => isTrustedRendererUrl(url, trusted),
      logger: log,
    }),
  );
  const visibility = startVisibility({ hiddenFlag: cli.hidden, startHidden: conductor.config.ui.startHidden, trayAvailable: tray !== null });
  const mainWindow = createMainWindow({
    preloadPath: paths.preload,
    rendererFile: paths.rendererFile,
    devServerUrl: options.devServerUrl,
    // --hidden or `ui.startHidden`, with a tray to come back from: created, not shown.
    show: visibility === 'show' || revealWhenCreated,
    logger: log,
  });
  window = mainWindow;
  if (visibility === 'tray' && !revealWhenCreated) log.info('started in the tray');
  mainWindow.on('close', (event) => {
    const decision = decideWindowClose({
      closeToTray: conductor.config.ui.closeToTray,
      trayAvailable: tray !== null,
      quitState: sequencer.state,
      noticeShown: shellState.read().trayNoticeShown,
    });
    if (decision.kind === 'quit') {
      onQuitRequest({ source: 'window-close', reason: 'window closed' }, event);
      return;
    }
    event.preventDefault();
    mainWindow.hide();
    if (decision.showNotice) showTrayNotice(shellState, log);
  });
  // Windows: the session is ending (log-off, restart, shut down); it cannot be delayed.
  mainWindow.on('session-end', () => onQuitRequest({ source: 'session-end', reason: 'the session is ending' }));
  mainWindow.on('closed', () => {
    window = null;
  });
}

/** The tray icon, or null where the desktop has none (the window then never hides to it). */
function createTray(onAction: (action: TrayAction) => void, log: Logger): TrayController | null {
  try {
    return new TrayController({ onAction });
  } catch (error) {
    log.warn(`no tray icon: ${messageOf(error)}; closing the window will quit`);
    return null;
  }
}

/** The one-time "still running in the tray" notice; remembered once it was actually shown. */
function showTrayNotice(shellState: ShellStateFile, log: Logger): void {
  if (!showNotification(TRAY_NOTICE.title, TRAY_NOTICE.body)) return;
  try {
    shellState.update({ trayNoticeShown: true });
  } catch (error) {
    log.warn(`could not remember that the tray notice was shown: ${messageOf(error)}`);
  }
}

/** Startup failed: say why (stderr and a dialog) and exit 1; `start()` has unwound already. */
function failStartup(decision: ExitDecision, message: string): void {
  if (decision.kind !== 'exit') return;
  process.stderr.write(`Conductor could not start: ${message}\n`);
  dialog.showErrorBox('Conductor could not start', message);
  app.exit(decision.exitCode);
}
