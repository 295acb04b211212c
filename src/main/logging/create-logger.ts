import electronLog from 'electron-log/node';
import * as path from 'node:path';
import { LOG_LEVELS, type LogLevel } from '../../shared/domain';
import { systemClock, type Clock } from '../common/clock';
import type { LogBus } from './log-bus';
import { isAtLeast } from './log-bus';
import type { Logger } from './logger';
import { renderMessage } from './render-args';

export interface CreateLoggerOptions {
  /** The product name; electron-log uses it for its default paths. Required. */
  appName: string;
  /** Entries less severe than this are dropped everywhere (console, file, bus). Required. */
  level: LogLevel;
  /** Absolute path of the log file. Default: none (no file output until `setLogFile`). */
  logFile?: string;
  /** The file is rotated (to `<name>.old<ext>`, one generation) past this size; 0 = never. Default: 5 MiB. */
  maxFileBytes?: number;
  /** Write log lines to stderr (stdout stays for the ready line and plans). Default: true. */
  console?: boolean;
  /** Every entry that passes the level is appended here. Required. */
  bus: LogBus;
  /** Time stamps of entries. Default: the system clock. */
  clock?: Clock;
}

export const DEFAULT_CREATE_LOGGER_OPTIONS = {
  maxFileBytes: 5 * 1024 * 1024,
  console: true,
  clock: systemClock,
} as const;

/** The source of the root logger; `child(source)` loggers replace it. */
export const ROOT_LOG_SOURCE = 'conductor';

export interface LoggerHandle {
  logger: Logger;
  /** Points the file transport at `file` (absolute); before the first call there is no file output. */
  setLogFile(file: string): void;
  /** The current log file, if any. */
  readonly logFile: string | undefined;
  /** File writes are synchronous, so this only delivers the bus's pending batch. */
  flush(): void;
  /** Stops file output; console and bus keep working so late messages are not lost. Idempotent. */
  close(): void;
}

type ElectronLogger = ReturnType<typeof electronLog.create>;

interface LoggerCore {
  write(level: LogLevel, source: string, plugin: string | undefined, message: unknown, rest: unknown[]): void;
  setLevel(level: LogLevel): void;
}

let nextLogId = 1;

/** Sets up electron-log (its Node flavour: no 'electron' import) and the Logger every part uses. */
export function createLogger(options: CreateLoggerOptions): LoggerHandle {
  const { appName, bus } = options;
  if (typeof appName !== 'string' || appName.trim() === '') throw new Error('CreateLoggerOptions.appName must be a non-empty string');
  if (!LOG_LEVELS.includes(options.level)) throw new Error(`CreateLoggerOptions.level must be one of ${LOG_LEVELS.join(', ')}, got ${String(options.level)}`);
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_CREATE_LOGGER_OPTIONS.maxFileBytes;
  if (!Number.isInteger(maxFileBytes) || maxFileBytes < 0) {
    throw new Error(`CreateLoggerOptions.maxFileBytes must be a non-negative integer, got ${maxFileBytes}`);
  }
  if (!bus || typeof bus.append !== 'function') throw new Error('CreateLoggerOptions.bus is required');
  if (options.logFile !== undefined) checkLogFile(options.logFile, 'CreateLoggerOptions.logFile');
  const useConsole = options.console ?? DEFAULT_CREATE_LOGGER_OPTIONS.console;
  const clock = options.clock ?? DEFAULT_CREATE_LOGGER_OPTIONS.clock;

  const logId = `conductor-${nextLogId++}`;
  const elog: ElectronLogger = electronLog.create({ logId });
  elog.transports.file.setAppName(appName);
  elog.variables.appName = appName;
  for (const [name, transport] of Object.entries(elog.transports)) {
    if (name !== 'console' && name !== 'file' && transport) transport.level = false;
  }

  const consoleTransport = elog.transports.console;
  consoleTransport.transforms = [({ message }) => [`${clockTime(message.date)} ${message.level.padEnd(5)} [${message.scope ?? ROOT_LOG_SOURCE}] ${message.data.join(' ')}`]];
  // Log lines go to stderr, all levels: stdout is kept for what scripts read (the
  // `Conductor ready:` line, the dry-run plan, --version).
  consoleTransport.writeFn = ({ message }) => {
    process.stderr.write(`${message.data.join(' ')}\n`);
  };

  const fileTransport = elog.transports.file;
  fileTransport.maxSize = maxFileBytes;
  fileTransport.sync = true;
  fileTransport.transforms = [
    ({ message }) => `${calendarDate(message.date)} ${clockTime(message.date)} ${message.level.padEnd(5)} [${message.scope ?? ROOT_LOG_SOURCE}] ${message.data.join(' ')}`,
  ];

  let level = options.level;
  let logFile: string | undefined;
  let closed = false;

  const applyLevels = (): void => {
    consoleTransport.level = useConsole ? level : false;
    fileTransport.level = logFile !== undefined && !closed ? level : false;
  };

  const setLogFile = (file: string): void => {
    checkLogFile(file, 'log file');
    if (closed) return;
    logFile = file;
    fileTransport.resolvePathFn = () => file;
    applyLevels();
  };

  const core: LoggerCore = {
    write(entryLevel, source, plugin, message, rest) {
      if (!isAtLeast(entryLevel, level)) return;
      try {
        const ts = clock.now();
        const { full, short } = renderMessage(message, rest);
        bus.append(plugin === undefined ? { ts, level: entryLevel, source, message: short } : { ts, level: entryLevel, source, message: short, plugin });
        if (consoleTransport.level !== false || fileTransport.level !== false) {
          elog.processMessage({ data: [full], date: new Date(ts), level: entryLevel, scope: source });
        }
      } catch {
        // Logging never throws into the caller; electron-log reports its own transport failures.
      }
    },
    setLevel(next) {
      if (!LOG_LEVELS.includes(next)) throw new Error(`unknown log level ${String(next)}`);
      level = next;
      applyLevels();
    },
  };

  applyLevels();
  if (options.logFile !== undefined) setLogFile(options.logFile);

  return {
    logger: new BusLogger(core, ROOT_LOG_SOURCE),
    setLogFile,
    get logFile() {
      return logFile;
    },
    flush() {
      bus.flush();
    },
    close() {
      if (closed) return;
      bus.flush();
      closed = true;
      applyLevels();
      forgetInstance(logId);
    },
  };
}

class BusLogger implements Logger {
  private readonly plugin: string | undefined;

  constructor(
    private readonly core: LoggerCore,
    private readonly source: string,
  ) {
    // By convention (LogEntry.source) a plugin's logs have the source `plugin:<name>`.
    this.plugin = source.startsWith('plugin:') && source.length > 'plugin:'.length ? source.slice('plugin:'.length) : undefined;
  }

  error(message: string, ...rest: unknown[]): void {
    this.core.write('error', this.source, this.plugin, message, rest);
  }

  warn(message: string, ...rest: unknown[]): void {
    this.core.write('warn', this.source, this.plugin, message, rest);
  }

  info(message: string, ...rest: unknown[]): void {
    this.core.write('info', this.source, this.plugin, message, rest);
  }

  debug(message: string, ...rest: unknown[]): void {
    this.core.write('debug', this.source, this.plugin, message, rest);
  }

  child(source: string): Logger {
    return new BusLogger(this.core, source);
  }

  setLevel(level: LogLevel): void {
    this.core.setLevel(level);
  }
}

function checkLogFile(file: string, what: string): void {
  if (typeof file !== 'string' || !path.isAbsolute(file)) throw new Error(`${what} must be an absolute path, got ${JSON.stringify(file)}`);
}

/** electron-log keeps every logger in a static map by id; drop ours when done. */
function forgetInstance(logId: string): void {
  const instances = (electronLog as unknown as { Logger?: { instances?: Record<string, unknown> } }).Logger?.instances;
  if (instances) delete instances[logId];
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** HH:MM:SS.mmm, local time. */
function clockTime(date: Date): string {
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** YYYY-MM-DD, local time. */
function calendarDate(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
