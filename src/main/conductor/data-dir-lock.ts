import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dataDirLayout } from './data-dir';
import { readRuntimeFile } from './runtime-file';

/** Thrown when another live conductor owns the data dir. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
    readonly url: string | null,
  ) {
    super(
      `data dir ${dataDir} is already in use by conductor pid ${pid}` +
        (url ? ` at ${url}` : ' (its URL is not published yet)'),
    );
    this.name = 'DataDirInUseError';
  }
}

export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One data dir has one running conductor. The lock is a file holding the owner's pid, created
 * exclusively; a lock whose pid is gone (a crash, kill -9) is stale and taken over.
 */
export class DataDirLock {
  private held = false;
  private readonly path: string;

  constructor(
    private readonly dataDir: string,
    private readonly pid: number = process.pid,
  ) {
    this.path = dataDirLayout(dataDir).lockFile;
  }

  acquire(): void {
    if (this.held) return;
    mkdirSync(this.dataDir, { recursive: true });
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(this.path, 'wx', 0o600);
        try {
          writeSync(fd, String(this.pid));
        } finally {
          closeSync(fd);
        }
        this.held = true;
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new Error(`cannot lock data dir ${this.dataDir}: ${(error as Error).message}`);
        }
      }
      const owner = this.readOwner();
      if (owner !== null && owner !== this.pid && isProcessAlive(owner)) {
        const runtime = readRuntimeFile(dataDirLayout(this.dataDir).runtimeFile);
        throw new DataDirInUseError(this.dataDir, owner, runtime && runtime.pid === owner ? runtime.url : null);
      }
      // Stale (owner gone) or unreadable: take it over.
      rmSync(this.path, { force: true });
    }
    throw new Error(`cannot lock data dir ${this.dataDir}: the lock file keeps changing`);
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    if (this.readOwner() === this.pid) rmSync(this.path, { force: true });
  }

  private readOwner(): number | null {
    try {
      const pid = Number.parseInt(readFileSync(this.path, 'utf8').trim(), 10);
      return Number.isFinite(pid) ? pid : null;
    } catch {
      return null;
    }
  }
}
