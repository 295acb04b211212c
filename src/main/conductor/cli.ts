import { LOG_LEVELS, type LogLevel } from '../../shared/domain';

/** Process exit codes (README: Exit codes). */
export const EXIT = { OK: 0, STARTUP_FAILED: 1, USAGE: 2 } as const;

export interface CliOptions {
  config?: string;
  logLevel?: LogLevel;
  dataDir?: string;
  port?: number;
  dryRun: boolean;
  /** Electron only: start in the tray. */
  hidden: boolean;
  /** Restart a plugin's instances (rolling) when files in its folder change. */
  watchPlugins?: boolean;
}

export interface NewPluginOptions {
  name: string;
  runtime: 'node' | 'command';
  /** The folder to create `<name>/` in. Default: the current directory. */
  dir?: string;
}

export type CliParse =
  | { kind: 'run'; options: CliOptions }
  | { kind: 'new-plugin'; options: NewPluginOptions }
  | { kind: 'help'; text: string }
  | { kind: 'version'; text: string }
  | { kind: 'usage-error'; message: string; usage: string };

export type HostKind = 'electron' | 'headless';

export function usageText(host: HostKind): string {
  const cmd = host === 'electron' ? 'conductor' : 'node out/main/headless.js';
  const lines = [`Usage: ${cmd} [options]`];
  if (host === 'headless') lines.push(`       ${cmd} new-plugin <name> [--runtime node|command] [--dir <folder>]`);
  lines.push(
    '',
    'Options:',
    '  --config <file>         JSON config file (see README, Configuration)',
    '  --log-level <level>     error | warn | info | debug',
    '  --data-dir <dir>        where the database, logs and plugins live',
    '  --watch-plugins         restart a plugin (rolling) when its files change',
  );
  if (host === 'headless') lines.push('  --port <n>              HTTP port on 127.0.0.1 (0 picks a free port)');
  lines.push('  --dry-run               validate config, database and plugins, print the plan, start nothing');
  if (host === 'electron') lines.push('  --hidden                start in the tray');
  lines.push('  --version               print the version', '  --help                  print this help', '');
  lines.push('Exit codes: 0 clean shutdown, 1 startup failure, 2 bad usage.');
  return lines.join('\n');
}

/**
 * Switches Chromium and Electron (and Playwright's `_electron.launch`) may add to the app's
 * argv; the Electron entry ignores them instead of calling them unknown.
 */
const CHROMIUM_SWITCH = /^--(inspect(-brk|-port)?|remote-debugging-(port|pipe|address)|no-sandbox|enable-logging|v|vmodule|user-data-dir|js-flags|lang|headless|ozone-platform(-hint)?|force-device-scale-factor|allow-file-access-from-files|disable-[a-z0-9-]+|enable-[a-z0-9-]+|no-[a-z0-9-]+|use-gl|use-angle|in-process-gpu|trace-[a-z0-9-]+|log-[a-z0-9-]+|gtk-version|class|name|app-path|allow-[a-z0-9-]+|password-store|proxy-[a-z0-9-]+|host-rules|ignore-[a-z0-9-]+|autoplay-policy|force-[a-z0-9-]+)(=.*)?$/;

const VALUE_FLAGS = new Set(['--config', '--log-level', '--data-dir', '--port']);
const BOOL_FLAGS = new Set(['--dry-run', '--hidden', '--version', '--help', '--watch-plugins']);

/** `new-plugin <name> [--runtime node|command] [--dir <folder>]` (headless). */
function parseNewPlugin(argv: readonly string[], fail: (message: string) => CliParse): CliParse {
  let name: string | undefined;
  let runtime: 'node' | 'command' = 'node';
  let dir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--runtime' || flag === '--dir') {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '' || value.startsWith('--')) return fail(`new-plugin: ${flag} needs a value`);
      if (flag === '--dir') dir = value;
      else if (value === 'node' || value === 'command') runtime = value;
      else return fail(`new-plugin: --runtime: expected node or command, got "${value}"`);
    } else if (arg.startsWith('--')) return fail(`new-plugin: unknown option: ${flag}`);
    else if (name === undefined) name = arg;
    else return fail(`new-plugin: unexpected argument: ${arg}`);
  }
  if (name === undefined) return fail('new-plugin: give the plugin a name, e.g. new-plugin my-bot');
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name) || name.length > 64) return fail(`new-plugin: expected a kebab-case name like "my-bot", got "${name}"`);
  return { kind: 'new-plugin', options: { name, runtime, ...(dir !== undefined ? { dir } : {}) } };
}

/** The desktop app has no subcommands. */
export type DesktopCliParse = Exclude<CliParse, { kind: 'new-plugin' }>;

export function parseCli(argv: readonly string[], host: 'electron', version?: string): DesktopCliParse;
export function parseCli(argv: readonly string[], host: HostKind, version?: string): CliParse;
export function parseCli(argv: readonly string[], host: HostKind, version = '0.0.0'): CliParse {
  const usage = usageText(host);
  const fail = (message: string): CliParse => ({ kind: 'usage-error', message, usage });
  if (host === 'headless' && argv[0] === 'new-plugin') return parseNewPlugin(argv.slice(1), fail);
  const options: CliOptions = { dryRun: false, hidden: false };
  let wantHelp = false;
  let wantVersion = false;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (host === 'electron' && (CHROMIUM_SWITCH.test(arg) || arg === '.' || arg === '--')) continue;
    if (host === 'headless' && arg === '--') continue;
    if (!arg.startsWith('--')) return fail(`unexpected argument: ${arg}`);
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    if (BOOL_FLAGS.has(name)) {
      if (eq >= 0) return fail(`${name} takes no value`);
      if (name === '--hidden' && host !== 'electron') return fail('--hidden is for the desktop app only');
      if (name === '--dry-run') options.dryRun = true;
      else if (name === '--watch-plugins') options.watchPlugins = true;
      else if (name === '--hidden') options.hidden = true;
      else if (name === '--help') wantHelp = true;
      else wantVersion = true;
      continue;
    }
    if (!VALUE_FLAGS.has(name)) return fail(`unknown option: ${name}`);
    if (name === '--port' && host !== 'headless') return fail('--port is for headless mode only');
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) return fail(`${name} needs a value`);
      i++;
    }
    if (value.length === 0) return fail(`${name} needs a value`);
    switch (name) {
      case '--config':
        options.config = value;
        break;
      case '--data-dir':
        options.dataDir = value;
        break;
      case '--log-level':
        if (!(LOG_LEVELS as readonly string[]).includes(value)) {
          return fail(`--log-level: expected one of ${LOG_LEVELS.join(', ')}, got "${value}"`);
        }
        options.logLevel = value as LogLevel;
        break;
      case '--port': {
        const port = /^\d+$/.test(value) ? Number(value) : NaN;
        if (!Number.isInteger(port) || port < 0 || port > 65535) {
          return fail(`--port: expected a port number 0-65535, got "${value}"`);
        }
        options.port = port;
        break;
      }
    }
  }
  if (wantHelp) return { kind: 'help', text: usage };
  if (wantVersion) return { kind: 'version', text: version };
  return { kind: 'run', options };
}

/** CLI flags shaped as a config layer (flags > file > saved > defaults). */
export function flagsAsConfigLayer(options: CliOptions): Record<string, unknown> {
  const layer: Record<string, unknown> = {};
  if (options.logLevel !== undefined) layer.logLevel = options.logLevel;
  if (options.dataDir !== undefined) layer.dataDir = options.dataDir;
  if (options.port !== undefined) layer.server = { port: options.port };
  return layer;
}
