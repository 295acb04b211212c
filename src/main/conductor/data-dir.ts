import { homedir } from 'node:os';
import { join } from 'node:path';

export const PRODUCT_NAME = 'Conductor';

/**
 * The folder Electron's `app.getPath('userData')` gives for the product name Conductor, so the
 * desktop app and headless mode share one data dir by default.
 */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.length > 0 ? env.XDG_CONFIG_HOME : join(home, '.config'), PRODUCT_NAME);
}

/** The data dir's layout, in one place. */
export function dataDirLayout(dataDir: string) {
  return {
    root: dataDir,
    database: join(dataDir, 'conductor.db'),
    logs: join(dataDir, 'logs'),
    conductorLog: join(dataDir, 'logs', 'conductor.log'),
    plugins: join(dataDir, 'plugins'),
    pluginLogs: join(dataDir, 'logs', 'plugins'),
    runtimeFile: join(dataDir, 'runtime.json'),
    lockFile: join(dataDir, 'conductor.lock'),
  };
}
