import type Database from 'better-sqlite3';
import type { Clock } from '../common/clock';

interface SettingRow {
  key: string;
  value: string;
}

/** The `settings` table: values saved from the UI, stored as JSON under a key. */
export class SettingsRepository {
  private readonly getStmt: Database.Statement<[string], { value: string }>;
  private readonly setStmt: Database.Statement<[string, string, number]>;
  private readonly deleteStmt: Database.Statement<[string]>;
  private readonly allStmt: Database.Statement<[], SettingRow>;

  constructor(
    db: Database.Database,
    private readonly clock: Clock,
  ) {
    this.getStmt = db.prepare('SELECT value FROM settings WHERE key = ?');
    this.setStmt = db.prepare(
      'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ' +
        'ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    );
    this.deleteStmt = db.prepare('DELETE FROM settings WHERE key = ?');
    this.allStmt = db.prepare('SELECT key, value FROM settings ORDER BY key');
  }

  /** The saved value, or undefined when the key has none. */
  get(key: string): unknown {
    const row = this.getStmt.get(key);
    return row === undefined ? undefined : parseValue(key, row.value);
  }

  /** Saves a JSON-serialisable value (use `delete` to remove a key; `undefined` is refused). */
  set(key: string, value: unknown): void {
    const json = JSON.stringify(value);
    if (typeof json !== 'string') throw new TypeError(`setting ${key}: value must be JSON-serialisable`);
    this.setStmt.run(key, json, this.clock.now());
  }

  /** Removes the key; returns whether it had a value. */
  delete(key: string): boolean {
    return this.deleteStmt.run(key).changes > 0;
  }

  /** Every saved setting, by key. */
  all(): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    for (const row of this.allStmt.all()) result[row.key] = parseValue(row.key, row.value);
    return result;
  }
}

function parseValue(key: string, json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    throw new Error(`setting ${key}: the stored value is not valid JSON`);
  }
}
