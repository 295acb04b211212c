import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, extname, join, basename } from 'node:path';

export interface RotatingFileOptions {
  /** Rotate past this many bytes (one old generation, `<name>.old<ext>`). Default 5 MiB. */
  maxBytes: number;
}

export const DEFAULT_ROTATING_FILE_OPTIONS: RotatingFileOptions = { maxBytes: 5 * 1024 * 1024 };

/**
 * An append-only log file rotated by size, for per-plugin logs (`<dataDir>/logs/plugins/<name>.log`).
 * Uses the same naming as electron-log's rotation of the conductor log.
 */
export class RotatingFile {
  private size: number | null = null;
  private readonly options: RotatingFileOptions;
  private broken = false;

  constructor(
    readonly path: string,
    options: Partial<RotatingFileOptions> = {},
  ) {
    this.options = { ...DEFAULT_ROTATING_FILE_OPTIONS, ...options };
    if (!Number.isInteger(this.options.maxBytes) || this.options.maxBytes <= 0) {
      throw new Error(`RotatingFile: maxBytes must be a positive integer, got ${String(this.options.maxBytes)}`);
    }
  }

  get oldPath(): string {
    const ext = extname(this.path);
    return join(dirname(this.path), `${basename(this.path, ext)}.old${ext}`);
  }

  /** Appends one line. Never throws: a file that cannot be written is given up on, once. */
  write(line: string): void {
    if (this.broken) return;
    try {
      if (this.size === null) {
        mkdirSync(dirname(this.path), { recursive: true });
        try {
          this.size = statSync(this.path).size;
        } catch {
          this.size = 0;
        }
      }
      const text = line.endsWith('\n') ? line : `${line}\n`;
      const bytes = Buffer.byteLength(text);
      if (this.size > 0 && this.size + bytes > this.options.maxBytes) {
        rmSync(this.oldPath, { force: true });
        renameSync(this.path, this.oldPath);
        this.size = 0;
      }
      appendFileSync(this.path, text);
      this.size += bytes;
    } catch {
      this.broken = true;
    }
  }
}
