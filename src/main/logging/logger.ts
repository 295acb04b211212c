import type { LogLevel } from '../../shared/domain';

/** What every part of main logs through. `child` tags entries with a source. */
export interface Logger {
  error(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  info(message: string, ...rest: unknown[]): void;
  debug(message: string, ...rest: unknown[]): void;
  child(source: string): Logger;
  setLevel(level: LogLevel): void;
}
