import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, readSchemaVersion, runMigrations, SchemaTooNewError, type Migration } from './migrations';

describe('runMigrations', () => {
  let dir: string;
  let db: Database.Database;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-migrations-'));
    db = new Database(path.join(dir, 'test.db'));
  });

  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs each migration once and keeps the version in user_version', () => {
    const runs: number[] = [];
    const migrations: Migration[] = [
      { version: 1, name: 'one', up: (d) => (runs.push(1), d.exec('CREATE TABLE a (x)')) },
      { version: 2, name: 'two', up: (d) => (runs.push(2), d.exec('CREATE TABLE b (x)')) },
    ];
    expect(runMigrations(db, migrations)).toEqual({
      from: 0,
      to: 2,
      applied: [
        { version: 1, name: 'one' },
        { version: 2, name: 'two' },
      ],
    });
    expect(runMigrations(db, migrations)).toEqual({ from: 2, to: 2, applied: [] });
    expect(runs).toEqual([1, 2]);

    db.close();
    db = new Database(path.join(dir, 'test.db'));
    expect(readSchemaVersion(db)).toBe(2);
    expect(runMigrations(db, migrations).applied).toEqual([]);
    expect(runs).toEqual([1, 2]);
  });

  it('applies only the migrations added since the last run', () => {
    const first: Migration = { version: 1, name: 'one', up: (d) => d.exec('CREATE TABLE a (x)') };
    runMigrations(db, [first]);
    const report = runMigrations(db, [first, { version: 2, name: 'two', up: (d) => d.exec('CREATE TABLE b (x)') }]);
    expect(report).toEqual({ from: 1, to: 2, applied: [{ version: 2, name: 'two' }] });
  });

  it('rolls back a failing migration and leaves the previous version', () => {
    const migrations: Migration[] = [
      { version: 1, name: 'one', up: (d) => d.exec('CREATE TABLE a (x)') },
      {
        version: 2,
        name: 'broken',
        up: (d) => {
          d.exec('CREATE TABLE b (x)');
          throw new Error('boom');
        },
      },
    ];
    expect(() => runMigrations(db, migrations)).toThrow('migration 2 (broken) failed: boom');
    expect(readSchemaVersion(db)).toBe(1);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(['a']);
  });

  it('refuses a database newer than the migrations it knows', () => {
    db.pragma('user_version = 7');
    expect(() => runMigrations(db, MIGRATIONS)).toThrow(SchemaTooNewError);
    expect(() => runMigrations(db, MIGRATIONS)).toThrow(`schema version 7 is newer than this Conductor supports (${LATEST_SCHEMA_VERSION})`);
    expect(readSchemaVersion(db)).toBe(7);
  });

  it('rejects a list with a gap in its versions', () => {
    const gap: Migration[] = [
      { version: 1, name: 'one', up: () => {} },
      { version: 3, name: 'three', up: () => {} },
    ];
    expect(() => runMigrations(db, gap)).toThrow('migration "three" has version 3, expected 2');
  });

  it('migration 1 creates the events and settings tables with their indexes', () => {
    runMigrations(db, MIGRATIONS.slice(0, 1));
    const names = db.prepare("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all();
    expect(names).toEqual(['events', 'events_kind_id', 'events_ts', 'settings']);
    expect(readSchemaVersion(db)).toBe(1);
  });

  it('migration 2 adds plugin state, plugin settings and per-minute metrics, keeping what v1 holds', () => {
    runMigrations(db, MIGRATIONS.slice(0, 1));
    db.prepare("INSERT INTO events (ts, kind, source, data) VALUES (1, 'conductor:started', 'test', '{}')").run();
    db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('theme', '\"dark\"', 1)").run();
    expect(runMigrations(db, MIGRATIONS.slice(0, 2)).applied).toEqual([{ version: 2, name: 'plugin state, plugin settings and metrics' }]);
    const names = db.prepare("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all();
    expect(names).toEqual(['events', 'events_kind_id', 'events_ts', 'metrics_minute', 'metrics_minute_minute', 'plugin_settings', 'plugin_state', 'settings']);
    expect(db.prepare('SELECT kind FROM events').pluck().all()).toEqual(['conductor:started']);
    expect(db.prepare('SELECT value FROM settings').pluck().all()).toEqual(['"dark"']);
    expect(readSchemaVersion(db)).toBe(2);
  });

  it('migration 3 adds the probe_history table and keeps earlier data', () => {
    runMigrations(db, MIGRATIONS.slice(0, 2));
    db.prepare("INSERT INTO events (ts, kind, source, data) VALUES (1, 'conductor:started', 'test', '{}')").run();
    expect(runMigrations(db, MIGRATIONS.slice(0, 3)).applied).toEqual([{ version: 3, name: 'probe history' }]);
    const names = db.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'probe_history%' ORDER BY name").pluck().all();
    expect(names).toEqual(['probe_history', 'probe_history_at', 'probe_history_subject_at']);
    expect(db.prepare('SELECT kind FROM events').pluck().all()).toEqual(['conductor:started']);
    expect(readSchemaVersion(db)).toBe(3);
  });
});
