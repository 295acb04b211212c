/**
 * The Electron host: starts the conductor, binds IPC, opens the window, and routes every way of
 * quitting through the `QuitSequencer` so that exactly one graceful shutdown runs, with the window
 * open to show it, before the app exits.
 */
import { existsSync } from 'node:fs';
import { app, dialog, type BrowserWindow, type Event as ElectronEvent } from 'electron';
import { systemClock } from '../common/clock';
import { DisposableStore, toDisposable } from '../common/disposable';
import type { CliOptions } from '../conductor/cli';
import { Conductor } from '../conductor/conductor';
import { messageOf } from '../conductor/step-runner';
import type { AppPaths } from './app-paths';
import { bindIpc } from './ipc-binding';
import { isTrustedRendererUrl } from './ipc-handler';
import { QuitSequencer, type ExitDecision, type QuitRequest } from './quit-sequencer';
import { createMainWindow, revealWindow } from './window';

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

  const onQuitRequest = (request: QuitRequest, event?: ElectronEvent): void => {
    const decision = sequencer.request(request);
    switch (decision.kind) {
      case 'start-shutdown':
        if (decision.preventDefault) event?.preventDefault();
        log.info(`quit requested (${request.source}): ${decision.reason}`);
        void runShutdown(decision.reason);
        return;
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

  // Every quit path, wired before the conductor starts so a quit during startup is sequenced too.
  app.on('before-quit', (event) => onQuitRequest({ source: 'before-quit', reason: 'quit requested' }, event));
  app.on('window-all-closed', () => onQuitRequest({ source: 'window-all-closed', reason: 'window closed' }));
  for (const signal of SHELL_SIGNALS) {
    const listener = () => onQuitRequest({ source: 'signal', reason: signal });
    process.on(signal, listener);
    bindings.add(toDisposable(() => process.off(signal, listener)));
  }
  bindings.add(conductor.onShutdownRequested((reason) => onQuitRequest({ source: 'command', reason })));
  app.on('second-instance', () => revealWindow(window));

  await app.whenReady();
  try {
    await conductor.start();
  } catch (error) {
    failStartup(sequencer.startupFailed(), messageOf(error));
    return;
  }
  // A quit request during startup: the shutdown is under way; no window to open.
  if (sequencer.state !== 'idle') return;

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
  window = createMainWindow({
    preloadPath: paths.preload,
    rendererFile: paths.rendererFile,
    devServerUrl: options.devServerUrl,
    // --hidden or `ui.startHidden`: created, not shown (a second launch brings it forward).
    show: !(cli.hidden || conductor.config.ui.startHidden),
    logger: log,
  });
  window.on('close', (event) => onQuitRequest({ source: 'window-close', reason: 'window closed' }, event));
  window.on('closed', () => {
    window = null;
  });
}

/** Startup failed: say why (stderr and a dialog) and exit 1; `start()` has unwound already. */
function failStartup(decision: ExitDecision, message: string): void {
  if (decision.kind !== 'exit') return;
  process.stderr.write(`Conductor could not start: ${message}\n`);
  dialog.showErrorBox('Conductor could not start', message);
  app.exit(decision.exitCode);
}
