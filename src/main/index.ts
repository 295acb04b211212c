/**
 * The Electron entry: parse the flags, answer --help / --version / --dry-run, take the
 * single-instance lock (a second launch hands its `--hidden` to the first and exits 0), then hand
 * over to the shell (conductor, IPC, window, tray, notifications, quit paths).
 * Only this file and src/main/electron/ import 'electron'.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app } from 'electron';
import pkg from '../../package.json';
import { EXIT, parseCli } from './conductor/cli';
import { runDryRun } from './conductor/dry-run';
import { messageOf } from './conductor/step-runner';
import { appPaths } from './electron/app-paths';
import { electronUserArgs } from './electron/argv';
import { electronNativeBinding, runElectronShell } from './electron/shell';
import type { SecondInstanceData } from './electron/window-visibility';

// Built layout: this file is out/main/index.js; the app root (package.json, out/, plugins/,
// .electron-native/) is two folders up. This equals app.getAppPath() under `electron .` and when
// packaged, and stays right under `electron out/main/index.js`, where getAppPath() is out/main.
const paths = appPaths(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'));
const version = pkg.version;

/** Writes to stdout or stderr, then exits once the text is flushed (pipes are asynchronous). */
function printAndExit(stream: NodeJS.WriteStream, text: string, code: number): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`, () => app.exit(code));
}

async function main(): Promise<void> {
  const parsed = parseCli(electronUserArgs(process.argv, app.isPackaged), 'electron', version);
  switch (parsed.kind) {
    case 'usage-error':
      printAndExit(process.stderr, `conductor: ${parsed.message}\n\n${parsed.usage}`, EXIT.USAGE);
      return;
    case 'help':
      printAndExit(process.stdout, parsed.text, EXIT.OK);
      return;
    case 'version':
      printAndExit(process.stdout, parsed.text, EXIT.OK);
      return;
    case 'run':
      break;
  }
  const cli = parsed.options;

  if (cli.dryRun) {
    const nativeBinding = electronNativeBinding(paths);
    const result = await runDryRun({
      cli,
      host: 'electron',
      version,
      defaultDataDir: app.getPath('userData'),
      bundledPluginsDir: paths.bundledPlugins,
      ...(nativeBinding ? { nativeBinding } : {}),
    });
    printAndExit(result.ok ? process.stdout : process.stderr, result.text, result.ok ? EXIT.OK : EXIT.STARTUP_FAILED);
    return;
  }

  // One app instance per data dir: with --data-dir, Chromium's profile and the single-instance
  // lock live in that folder (as they do in the default data dir, which is userData).
  if (cli.dataDir) app.setPath('userData', resolve(cli.dataDir));
  const handOver: SecondInstanceData = { hidden: cli.hidden };
  if (!app.requestSingleInstanceLock(handOver)) {
    // The first instance got `second-instance` and brings its window forward (not for --hidden).
    const said = cli.hidden ? 'Conductor is already running.' : 'Conductor is already running; its window was brought to the front.';
    process.stdout.write(`${said}\n`, () => app.exit(EXIT.OK));
    return;
  }

  await runElectronShell({ cli, version, paths, devServerUrl: process.env.ELECTRON_RENDERER_URL });
}

main().catch((error: unknown) => {
  process.stderr.write(`Conductor failed: ${messageOf(error)}\n`);
  app.exit(EXIT.STARTUP_FAILED);
});

