/**
 * Where the Electron shell finds its files, from the app root (pure, no electron import).
 * The app root is the folder holding package.json and `out/`: the project when run with
 * `electron .`, `resources/app(.asar)` when packaged.
 */
import { join } from 'node:path';

/**
 * The better-sqlite3 build for Electron's ABI, relative to the app root. `scripts/electron-sqlite.mjs`
 * builds it and `scripts/electron-binary.mjs` (`ELECTRON_SQLITE_BINDING`) checks for it; a test
 * keeps the two spellings equal.
 */
export const ELECTRON_SQLITE_BINDING = '.electron-native/better-sqlite3/build/Release/better_sqlite3.node';

export interface AppPaths {
  root: string;
  /** The sandboxed preload bundle. */
  preload: string;
  /** The built renderer's index.html. */
  rendererFile: string;
  /** The Electron-ABI better_sqlite3.node (may not exist). */
  electronSqliteBinding: string;
  /** Example plugins shipped with the app. */
  bundledPlugins: string;
}

export function appPaths(root: string): AppPaths {
  return {
    root,
    preload: join(root, 'out', 'preload', 'index.cjs'),
    rendererFile: join(root, 'out', 'renderer', 'index.html'),
    electronSqliteBinding: join(root, ELECTRON_SQLITE_BINDING),
    bundledPlugins: join(root, 'plugins'),
  };
}
