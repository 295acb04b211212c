/**
 * The user's flags out of an Electron `process.argv` (pure, no electron import).
 *
 * - Packaged app: `[exe, ...flags]`.
 * - Unpackaged (`electron [electron switches] <app path> [...flags]`): Electron's own switches may
 *   come before the app path (`npm start`, `electron-vite dev` and Playwright put `--inspect=0`,
 *   `--remote-debugging-port=0`, `--no-sandbox` there), so the app path is the first argument that
 *   is not a switch, and the user's flags are everything after it.
 *
 * Chromium/Electron switches that land among the user's flags are left in; `parseCli(…, 'electron')`
 * ignores them.
 */
export function electronUserArgs(argv: readonly string[], isPackaged: boolean): string[] {
  if (isPackaged) return argv.slice(1);
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return argv.slice(i + 1);
    if (!arg.startsWith('-')) return argv.slice(i + 1);
  }
  return [];
}
