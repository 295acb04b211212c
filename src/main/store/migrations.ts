import type Database from 'better-sqlite3';

/**
 * Numbered schema migrations. The schema version lives in `PRAGMA user_version`; each migration
 * runs in its own transaction together with the version bump, so a failed migration leaves the
 * database at the previous version. Append new migrations at the end; never edit a shipped one.
 */
export interface Migration {
  /** 1, 2, 3, … with no gaps; the schema version after this migration has run. */
  version: number;
  /** Short description, for logs and errors. */
  name: string;
  up(db: Database.Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'events and settings',
    up(db) {
      db.exec(`
        CREATE TABLE events (
          id     INTEGER PRIMARY KEY AUTOINCREMENT,
          ts     INTEGER NOT NULL,
          kind   TEXT    NOT NULL,
          source TEXT    NOT NULL,
          data   TEXT    NOT NULL
        );
        CREATE INDEX events_ts ON events (ts);
        CREATE INDEX events_kind_id ON events (kind, id);

        CREATE TABLE settings (
          key        TEXT    PRIMARY KEY,
          value      TEXT    NOT NULL, -- JSON
          updated_at INTEGER NOT NULL
        );
      `);
    },
  },
  {
    version: 2,
    name: 'plugin state, plugin settings and metrics',
    up(db) {
      db.exec(`
        CREATE TABLE plugin_state (
          plugin     TEXT    NOT NULL,
          key        TEXT    NOT NULL,
          value      TEXT    NOT NULL, -- JSON
          updated_at INTEGER NOT NULL,
          PRIMARY KEY (plugin, key)
        );

        CREATE TABLE plugin_settings (
          plugin        TEXT    PRIMARY KEY,
          enabled       INTEGER NULL,     -- 0/1; NULL: the manifest decides
          min_instances INTEGER NULL,
          max_instances INTEGER NULL,
          config        TEXT    NULL,     -- JSON object of config overrides
          updated_at    INTEGER NOT NULL
        );

        CREATE TABLE metrics_minute (
          plugin TEXT    NOT NULL,
          minute INTEGER NOT NULL, -- epoch minute (ms / 60 000)
          count  INTEGER NOT NULL,
          errors INTEGER NOT NULL,
          p50_ms REAL    NULL,
          p99_ms REAL    NULL,
          PRIMARY KEY (plugin, minute)
        );
        CREATE INDEX metrics_minute_minute ON metrics_minute (minute);
      `);
    },
  },
  {
    version: 3,
    name: 'probe history',
    up(db) {
      // One row per probe state change ('change': from/to/reason) or per subject, probe and
      // minute ('rollup': ok/fail counts; at = start of the minute). Never a row per probe.
      db.exec(`
        CREATE TABLE probe_history (
          id         INTEGER PRIMARY KEY AUTOINCREMENT,
          at         INTEGER NOT NULL, -- epoch ms
          subject    TEXT    NOT NULL, -- instance id, e.g. "echo#1"
          probe      TEXT    NOT NULL, -- liveness | readiness
          type       TEXT    NOT NULL, -- change | rollup
          from_state TEXT    NULL,
          to_state   TEXT    NULL,
          reason     TEXT    NULL,
          ok         INTEGER NULL,
          fail       INTEGER NULL
        );
        CREATE INDEX probe_history_at ON probe_history (at);
        CREATE INDEX probe_history_subject_at ON probe_history (subject, at);
      `);
    },
  },
  {
    version: 4,
    name: 'logs, resource rollups, saved quarantine',
    up(db) {
      // logs: the Logs page's history (the ring buffer only holds the live tail). seq is the log
      // bus's sequence number, continued across runs; level is a rank (0 error … 3 debug).
      // resource_minute: per-minute CPU/memory of the system ('system') and of each plugin.
      // plugin_settings.quarantine: the cause (JSON) while a plugin is quarantined, so a restart
      // of the conductor does not quietly start a crash-looping plugin again.
      db.exec(`
        CREATE TABLE logs (
          seq      INTEGER PRIMARY KEY,
          ts       INTEGER NOT NULL,
          level    INTEGER NOT NULL,
          source   TEXT    NOT NULL,
          plugin   TEXT    NULL,
          instance TEXT    NULL,
          message  TEXT    NOT NULL
        );
        CREATE INDEX logs_plugin_seq ON logs (plugin, seq);

        CREATE TABLE resource_minute (
          subject   TEXT    NOT NULL, -- 'system' or a plugin name
          minute    INTEGER NOT NULL, -- epoch minute
          samples   INTEGER NOT NULL,
          cpu_avg   REAL    NOT NULL,
          cpu_max   REAL    NOT NULL,
          mem_avg   REAL    NOT NULL, -- bytes
          mem_max   REAL    NOT NULL,
          PRIMARY KEY (subject, minute)
        );
        CREATE INDEX resource_minute_minute ON resource_minute (minute);

        ALTER TABLE plugin_settings ADD COLUMN quarantine TEXT NULL;

        CREATE INDEX events_source_id ON events (source, id);
      `);
    },
  },
  {
    version: 5,
    name: 'plugin secrets',
    up(db) {
      // Values encrypted by the OS keychain (Electron's safeStorage); headless keeps a 0600 file instead.
      db.exec(`
        CREATE TABLE plugin_secrets (
          plugin     TEXT    NOT NULL,
          name       TEXT    NOT NULL,
          value      BLOB    NOT NULL,
          updated_at INTEGER NOT NULL,
          PRIMARY KEY (plugin, name)
        );
      `);
    },
  },
];

/** The schema version this code creates and understands. */
export const LATEST_SCHEMA_VERSION: number = MIGRATIONS.length;

export interface MigrationReport {
  from: number;
  to: number;
  applied: { version: number; name: string }[];
}

export function readSchemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Thrown when the database was written by a newer Conductor than this one. */
export class SchemaTooNewError extends Error {
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(`schema version ${found} is newer than this Conductor supports (${supported}); use a newer Conductor or another data dir`);
    this.name = 'SchemaTooNewError';
  }
}

/** Checks that versions run 1, 2, 3, … in order; a mistake here is a bug, so it throws. */
export function validateMigrations(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migration "${migration.name}" has version ${migration.version}, expected ${index + 1}`);
    }
  });
}

/**
 * Brings the database up to the last migration's version. Refuses (SchemaTooNewError) a database
 * whose version is past the last migration. Each pending migration runs in its own transaction.
 */
export function runMigrations(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): MigrationReport {
  validateMigrations(migrations);
  const latest = migrations.length;
  const from = readSchemaVersion(db);
  if (from > latest) throw new SchemaTooNewError(from, latest);

  const applied: MigrationReport['applied'] = [];
  for (const migration of migrations.slice(from)) {
    const apply = db.transaction((): boolean => {
      // Re-read under the write lock: another connection may have migrated since we looked.
      if (readSchemaVersion(db) >= migration.version) return false;
      migration.up(db);
      // user_version is part of the database header and is transactional, like the schema change.
      db.pragma(`user_version = ${migration.version}`);
      return true;
    });
    let ran: boolean;
    try {
      ran = apply.immediate();
    } catch (error) {
      throw new Error(`migration ${migration.version} (${migration.name}) failed: ${describeError(error)}`, { cause: error });
    }
    if (ran) applied.push({ version: migration.version, name: migration.name });
  }
  return { from, to: readSchemaVersion(db), applied };
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
