import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConductorError } from '../../shared/result';
import { systemClock, type Clock } from '../common/clock';
import { EventsRepository } from './events-repository';
import { LogsRepository } from './logs-repository';
import { ResourceRepository } from './resource-repository';
import { MetricsRepository } from './metrics-repository';
import { describeError, LATEST_SCHEMA_VERSION, readSchemaVersion, runMigrations, SchemaTooNewError, type MigrationReport } from './migrations';
import { PluginSettingsRepository } from './plugin-settings-repository';
import { ProbeHistoryRepository } from './probe-history-repository';
import { PluginStateRepository } from './plugin-state-repository';
import { SettingsRepository } from './settings-repository';
import { EncryptedSecretStore } from './secrets-repository';
import type { SecretCipher } from '../secrets/secret-store';

/** The typed repositories of an open store, each with its statements prepared once. */
interface Repositories {
  events: EventsRepository;
  settings: SettingsRepository;
  pluginState: PluginStateRepository;
  pluginSettings: PluginSettingsRepository;
  logs: LogsRepository;
  resources: ResourceRepository;
  metrics: MetricsRepository;
  probeHistory: ProbeHistoryRepository;
}

export interface StoreOptions {
  /** Directory holding the database; created on open if missing. Required, no default. */
  dataDir: string;
  /** Time source for event timestamps and settings' `updated_at`. Default: the system clock. */
  clock?: Clock;
  /** Database file name inside `dataDir`. Default: `conductor.db`. */
  fileName?: string;
  /** How long a statement waits for another connection's lock before failing. Default: 5000 ms. */
  busyTimeoutMs?: number;
  /**
   * Path of the better-sqlite3 addon to load instead of the one in node_modules (the Electron-ABI
   * build in the Electron host). Default: none (the Node build).
   */
  nativeBinding?: string;
}

export const DEFAULT_STORE_OPTIONS = {
  clock: systemClock,
  fileName: 'conductor.db',
  busyTimeoutMs: 5000,
} as const satisfies Omit<Required<StoreOptions>, 'dataDir' | 'nativeBinding'>;

/** Pages in the WAL before SQLite checkpoints it into the database (SQLite's own default). */
const WAL_AUTOCHECKPOINT_PAGES = 1000;
/** After a checkpoint the WAL file is truncated to at most this size, so it cannot grow forever. */
const JOURNAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

export interface StoreInspection {
  exists: boolean;
  path: string;
  schemaVersion: number | null;
  /** `ok`, or the problems `PRAGMA quick_check` found. */
  integrity: string | null;
  /** Why the file could not be inspected, or why this Conductor would refuse it. */
  error?: string;
}

/**
 * The one owner of SQLite: opens the database (WAL), runs migrations and holds the repositories.
 * Synchronous by design (better-sqlite3); every statement is short.
 */
export class Store {
  /** Absolute path of the database file. */
  readonly path: string;
  private readonly clock: Clock;
  private readonly busyTimeoutMs: number;
  private readonly nativeBinding: string | undefined;
  private db: Database.Database | undefined;
  private repos: Repositories | undefined;
  private version = 0;
  private mode = '';

  constructor(options: StoreOptions) {
    const { dataDir } = options;
    if (typeof dataDir !== 'string' || dataDir.trim() === '') throw new Error('StoreOptions.dataDir must be a non-empty path');
    const fileName = options.fileName ?? DEFAULT_STORE_OPTIONS.fileName;
    if (typeof fileName !== 'string' || fileName === '' || path.basename(fileName) !== fileName || fileName === '.' || fileName === '..') {
      throw new Error(`StoreOptions.fileName must be a plain file name, got ${JSON.stringify(fileName)}`);
    }
    const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_STORE_OPTIONS.busyTimeoutMs;
    if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
      throw new Error(`StoreOptions.busyTimeoutMs must be a non-negative integer, got ${busyTimeoutMs}`);
    }
    this.path = path.join(path.resolve(dataDir), fileName);
    this.clock = options.clock ?? DEFAULT_STORE_OPTIONS.clock;
    this.busyTimeoutMs = busyTimeoutMs;
    if (options.nativeBinding !== undefined && (typeof options.nativeBinding !== 'string' || options.nativeBinding === '')) {
      throw new Error('StoreOptions.nativeBinding must be a non-empty path');
    }
    this.nativeBinding = options.nativeBinding;
  }

  get isOpen(): boolean {
    return this.db !== undefined;
  }

  /** The schema version of the open database (0 before `open`). */
  get schemaVersion(): number {
    return this.version;
  }

  /** The journal mode SQLite accepted (`wal` normally; some file systems refuse WAL). */
  get journalMode(): string {
    return this.mode;
  }

  get events(): EventsRepository {
    return this.repositories().events;
  }

  get settings(): SettingsRepository {
    return this.repositories().settings;
  }

  /** Plugins' persistent key-value state (`ctx.state`). */
  get pluginState(): PluginStateRepository {
    return this.repositories().pluginState;
  }

  /** Per-plugin settings saved from the UI (enabled, instance bounds, config overrides). */
  get pluginSettings(): PluginSettingsRepository {
    return this.repositories().pluginSettings;
  }

  /** Per-plugin, per-minute request rollups. */
  get metrics(): MetricsRepository {
    return this.repositories().metrics;
  }

  /** Probe state changes and per-minute probe rollups (migration 3). */
  get logs(): LogsRepository {
    return this.repositories().logs;
  }

  get resources(): ResourceRepository {
    return this.repositories().resources;
  }

  get probeHistory(): ProbeHistoryRepository {
    return this.repositories().probeHistory;
  }

  /**
   * Creates the data dir if needed, opens the database, configures it and runs migrations.
   * Throws one line naming the file and the cause: `cannot open database <path>: <cause>`.
   * Opening an open store is a no-op.
   */
  open(): MigrationReport {
    if (this.db) return { from: this.version, to: this.version, applied: [] };
    try {
      fs.mkdirSync(path.dirname(this.path), { recursive: true });
    } catch (error) {
      throw new Error(`cannot create data directory ${path.dirname(this.path)}: ${describeError(error)}`, { cause: error });
    }
    const failure = preOpenProblem(this.path);
    if (failure) throw new Error(`cannot open database ${this.path}: ${failure}`);

    let db: Database.Database | undefined;
    try {
      // better-sqlite3's `timeout` is SQLite's busy_timeout.
      db = new Database(this.path, { timeout: this.busyTimeoutMs, ...bindingOption(this.nativeBinding) });
      this.mode = String(db.pragma('journal_mode = WAL', { simple: true }));
      // synchronous is per connection, so it is set on every open. In WAL mode NORMAL fsyncs only
      // at checkpoints: a committed transaction survives a process crash; only a power loss or OS
      // crash can roll back the last few commits, which is the one case that tells NORMAL from FULL.
      db.pragma('synchronous = NORMAL');
      db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
      db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT_BYTES}`);
      db.pragma('foreign_keys = ON');
      const report = runMigrations(db);
      this.repos = {
        events: new EventsRepository(db, this.clock),
        settings: new SettingsRepository(db, this.clock),
        pluginState: new PluginStateRepository(db, this.clock),
        pluginSettings: new PluginSettingsRepository(db, this.clock),
        metrics: new MetricsRepository(db),
        probeHistory: new ProbeHistoryRepository(db),
        logs: new LogsRepository(db),
        resources: new ResourceRepository(db),
      };
      this.version = report.to;
      this.db = db;
      return report;
    } catch (error) {
      try {
        db?.close();
      } catch {
        // Already failing; the original cause is what matters.
      }
      throw new Error(`cannot open database ${this.path}: ${describeOpenError(this.path, error)}`, { cause: error });
    }
  }

  /** Closes the database; `PRAGMA optimize` first, best effort. Closing a closed store is a no-op. */
  close(): void {
    const db = this.db;
    if (!db) return;
    this.db = undefined;
    this.repos = undefined;
    try {
      db.pragma('optimize');
    } catch {
      // Best effort: optimize only refreshes planner statistics.
    }
    db.close();
  }

  /** `ok`, or the problems `PRAGMA integrity_check` reports, one per line. */
  integrityCheck(): string {
    return checkRows(this.openDb().pragma('integrity_check') as Record<string, unknown>[]);
  }

  /**
   * For `--dry-run`: reports on the database without creating, migrating or changing anything.
   * Never throws; a problem is reported in `error`.
   */
  static inspect(dataDir: string, options: Pick<StoreOptions, 'fileName' | 'nativeBinding'> = {}): StoreInspection {
    const fileName = options.fileName ?? DEFAULT_STORE_OPTIONS.fileName;
    const file = path.join(path.resolve(dataDir), fileName);
    if (!fs.existsSync(file)) return { exists: false, path: file, schemaVersion: null, integrity: null };
    const failure = preOpenProblem(file);
    if (failure) return { exists: true, path: file, schemaVersion: null, integrity: null, error: `cannot open database ${file}: ${failure}` };

    let schemaVersion: number | null = null;
    let tempDir: string | undefined;
    let db: Database.Database | undefined;
    try {
      // A read-only connection to a WAL database creates -wal and -shm files next to it and leaves
      // them. With no -wal present nobody has the database open, so read a private copy instead.
      // With a -wal present (a running or crashed conductor) those files already exist.
      let target = file;
      if (!fs.existsSync(`${file}-wal`)) {
        tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-inspect-'));
        target = path.join(tempDir, fileName);
        fs.copyFileSync(file, target);
      }
      db = new Database(target, { readonly: true, fileMustExist: true, ...bindingOption(options.nativeBinding) });
      schemaVersion = readSchemaVersion(db);
      const integrity = checkRows(db.pragma('quick_check') as Record<string, unknown>[]);
      const result: StoreInspection = { exists: true, path: file, schemaVersion, integrity };
      if (schemaVersion > LATEST_SCHEMA_VERSION) {
        result.error = `cannot open database ${file}: ${new SchemaTooNewError(schemaVersion, LATEST_SCHEMA_VERSION).message}`;
      }
      return result;
    } catch (error) {
      return { exists: true, path: file, schemaVersion, integrity: null, error: `cannot open database ${file}: ${describeOpenError(file, error)}` };
    } finally {
      try {
        db?.close();
      } catch {
        // Read-only; nothing to lose.
      }
      if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
    }
  }

  /** The `plugin_secrets` table, its values encrypted and decrypted by `cipher` (Electron's safeStorage). */
  encryptedSecrets(cipher: SecretCipher): EncryptedSecretStore {
    return new EncryptedSecretStore(this.openDb(), cipher, () => this.clock.now());
  }

  private openDb(): Database.Database {
    if (!this.db) throw new ConductorError('E_CONFLICT', 'the store is not open');
    return this.db;
  }

  private repositories(): Repositories {
    if (!this.repos) throw new ConductorError('E_CONFLICT', 'the store is not open');
    return this.repos;
  }
}

function bindingOption(nativeBinding: string | undefined): { nativeBinding?: string } {
  return nativeBinding === undefined ? {} : { nativeBinding };
}

/** A problem SQLite would report vaguely ("unable to open database file"), said plainly. */
function preOpenProblem(file: string): string | undefined {
  try {
    if (fs.statSync(file).isDirectory()) return 'is a directory, not a database file';
  } catch {
    // Missing is fine (open creates it); other stat errors surface when SQLite opens it.
  }
  return undefined;
}

function describeOpenError(file: string, error: unknown): string {
  if (error instanceof SchemaTooNewError) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'SQLITE_PERM') {
    for (const target of [file, path.dirname(file)]) {
      try {
        fs.accessSync(target, fs.constants.R_OK | fs.constants.W_OK);
      } catch (accessError) {
        if ((accessError as NodeJS.ErrnoException).code === 'EACCES') return `permission denied (${target})`;
      }
    }
  }
  return describeError(error).replace(/\s*\n\s*/g, ' ');
}

function checkRows(rows: Record<string, unknown>[]): string {
  return rows.map((row) => String(Object.values(row)[0])).join('\n');
}
