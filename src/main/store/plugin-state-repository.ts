import type Database from 'better-sqlite3';
import { ConductorError } from '../../shared/result';
import type { Clock } from '../common/clock';

/** Largest JSON text one state value may take, bytes (UTF-8). */
export const MAX_STATE_VALUE_BYTES = 1024 * 1024;
/** Longest state key, characters. */
export const MAX_STATE_KEY_LENGTH = 256;

export interface PluginStateOptions {
  /** Largest JSON text one value may take, bytes. Default `MAX_STATE_VALUE_BYTES` (1 MiB). */
  maxValueBytes?: number;
}

/**
 * The `plugin_state` table: each plugin's persistent key-value state, shared by its instances and
 * executed here in main, so `increment` and `compareAndSet` are atomic across instances and across
 * connections to the same file. Values are JSON.
 */
export class PluginStateRepository {
  private readonly maxValueBytes: number;
  private readonly getStmt: Database.Statement<[string, string], { value: string }>;
  private readonly setStmt: Database.Statement<[string, string, string, number]>;
  private readonly deleteStmt: Database.Statement<[string, string]>;
  private readonly incrementStmt: Database.Statement<{ plugin: string; key: string; by: string; now: number }, { value: string }>;
  private readonly keysStmt: Database.Statement<[string], { key: string }>;
  private readonly keysPrefixStmt: Database.Statement<{ plugin: string; prefix: string }, { key: string }>;
  private readonly clearStmt: Database.Statement<[string]>;
  private readonly casTx: (plugin: string, key: string, expected: string | null, value: string | null) => boolean;

  constructor(
    db: Database.Database,
    private readonly clock: Clock,
    options: PluginStateOptions = {},
  ) {
    const maxValueBytes = options.maxValueBytes ?? MAX_STATE_VALUE_BYTES;
    if (!Number.isInteger(maxValueBytes) || maxValueBytes < 1) {
      throw new Error(`PluginStateOptions.maxValueBytes must be a positive integer, got ${maxValueBytes}`);
    }
    this.maxValueBytes = maxValueBytes;
    this.getStmt = db.prepare('SELECT value FROM plugin_state WHERE plugin = ? AND key = ?');
    this.setStmt = db.prepare(
      'INSERT INTO plugin_state (plugin, key, value, updated_at) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (plugin, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    );
    this.deleteStmt = db.prepare('DELETE FROM plugin_state WHERE plugin = ? AND key = ?');
    // One statement, so atomic across connections. The stored JSON text of a number converts to a
    // number in `+`; the WHERE refuses (no row returned) a stored non-number, and a result past
    // the safe-integer range that JavaScript could not represent exactly.
    this.incrementStmt = db.prepare(
      'INSERT INTO plugin_state (plugin, key, value, updated_at) VALUES (@plugin, @key, @by, @now) ' +
        'ON CONFLICT (plugin, key) DO UPDATE SET value = plugin_state.value + excluded.value, updated_at = excluded.updated_at ' +
        "WHERE json_valid(plugin_state.value) AND json_type(plugin_state.value) IN ('integer', 'real') " +
        'AND abs(plugin_state.value + excluded.value) <= 9007199254740991 ' +
        'RETURNING value',
    );
    this.keysStmt = db.prepare('SELECT key FROM plugin_state WHERE plugin = ? ORDER BY key');
    this.keysPrefixStmt = db.prepare('SELECT key FROM plugin_state WHERE plugin = @plugin AND substr(key, 1, length(@prefix)) = @prefix ORDER BY key');
    this.clearStmt = db.prepare('DELETE FROM plugin_state WHERE plugin = ?');
    const cas = db.transaction((plugin: string, key: string, expected: string | null, value: string | null): boolean => {
      const row = this.getStmt.get(plugin, key);
      const current = row === undefined ? null : canonicalJson(JSON.parse(row.value));
      // JSON null stored under a key counts as absent, like `expected` null/undefined.
      const currentOrAbsent = current === 'null' ? null : current;
      if (currentOrAbsent !== expected) return false;
      if (value === null) this.deleteStmt.run(plugin, key);
      else this.setStmt.run(plugin, key, value, this.clock.now());
      return true;
    });
    // IMMEDIATE: take the write lock before reading, so no other connection writes in between.
    this.casTx = (plugin, key, expected, value) => cas.immediate(plugin, key, expected, value);
  }

  /** The value under `key`, or undefined when it has none. */
  get(plugin: string, key: string): unknown {
    checkKey(plugin, key);
    const row = this.getStmt.get(plugin, key);
    return row === undefined ? undefined : parseValue(plugin, key, row.value);
  }

  /** Saves a JSON-serialisable value (E_BAD_REQUEST for `undefined` or a non-JSON value, E_PAYLOAD_TOO_LARGE past the limit). */
  set(plugin: string, key: string, value: unknown): void {
    checkKey(plugin, key);
    this.setStmt.run(plugin, key, this.toJson(plugin, key, value), this.clock.now());
  }

  /** Removes the key; returns whether it had a value. */
  delete(plugin: string, key: string): boolean {
    checkKey(plugin, key);
    return this.deleteStmt.run(plugin, key).changes > 0;
  }

  /**
   * Adds `by` to the number under `key` (an absent key counts as 0) and returns the new value, in
   * one statement: concurrent increments from any instance or connection never lose an update.
   * E_CONFLICT when the key holds something other than a number or the result would pass 2^53.
   */
  increment(plugin: string, key: string, by = 1): number {
    checkKey(plugin, key);
    if (typeof by !== 'number' || !Number.isFinite(by) || Math.abs(by) > Number.MAX_SAFE_INTEGER) {
      throw new ConductorError('E_BAD_REQUEST', `state ${plugin}/${key}: increment by expects a finite number within ±2^53, got ${String(by)}`, { field: 'by' });
    }
    const row = this.incrementStmt.get({ plugin, key, by: JSON.stringify(by), now: this.clock.now() });
    if (row === undefined) {
      const current = this.get(plugin, key);
      const why = typeof current === 'number' ? `${current} + ${by} is past the safe integer range` : `it holds ${describe(current)}, not a number`;
      throw new ConductorError('E_CONFLICT', `state ${plugin}/${key}: cannot increment: ${why}`, { field: 'key' });
    }
    return Number(row.value);
  }

  /**
   * Sets `key` to `value` only if it currently holds `expected` (compared as canonical JSON, so
   * object key order does not matter); returns whether it did. `expected` undefined or null means
   * "absent" (a stored JSON null counts as absent); `value` undefined deletes the key. Atomic.
   */
  compareAndSet(plugin: string, key: string, expected: unknown, value: unknown): boolean {
    checkKey(plugin, key);
    const expectedJson = expected === undefined || expected === null ? null : canonicalJson(expected, plugin, key);
    const valueJson = value === undefined ? null : this.toJson(plugin, key, value);
    return this.casTx(plugin, key, expectedJson, valueJson);
  }

  /** The plugin's keys, sorted; only those starting with `prefix` when given. */
  keys(plugin: string, prefix?: string): string[] {
    if (prefix === undefined || prefix === '') return this.keysStmt.all(plugin).map((r) => r.key);
    return this.keysPrefixStmt.all({ plugin, prefix }).map((r) => r.key);
  }

  /** Removes all of the plugin's state; returns how many keys it had. */
  clear(plugin: string): number {
    return this.clearStmt.run(plugin).changes;
  }

  private toJson(plugin: string, key: string, value: unknown): string {
    let json: string | undefined;
    try {
      json = JSON.stringify(value);
    } catch (error) {
      throw new ConductorError('E_BAD_REQUEST', `state ${plugin}/${key}: value is not JSON-serialisable: ${(error as Error).message}`, { field: 'value' });
    }
    if (typeof json !== 'string') {
      throw new ConductorError('E_BAD_REQUEST', `state ${plugin}/${key}: value must be JSON-serialisable (use delete to remove a key), got ${typeof value}`, { field: 'value' });
    }
    const bytes = Buffer.byteLength(json, 'utf8');
    if (bytes > this.maxValueBytes) {
      throw new ConductorError('E_PAYLOAD_TOO_LARGE', `state ${plugin}/${key}: value is ${bytes} bytes as JSON, over the ${this.maxValueBytes}-byte limit`, {
        field: 'value',
        limit: this.maxValueBytes,
      });
    }
    return json;
  }
}

function checkKey(plugin: string, key: string): void {
  if (typeof plugin !== 'string' || plugin === '') throw new ConductorError('E_BAD_REQUEST', 'state: plugin must be a non-empty name', { field: 'plugin' });
  if (typeof key !== 'string' || key === '' || key.length > MAX_STATE_KEY_LENGTH) {
    throw new ConductorError('E_BAD_REQUEST', `state ${plugin}: key must be a text of 1 to ${MAX_STATE_KEY_LENGTH} characters, got ${describe(key)}`, { field: 'key' });
  }
}

/** JSON with object keys sorted at every level, so equal values compare equal as text. */
export function canonicalJson(value: unknown, plugin = '?', key = '?'): string {
  const sortKeys = (_: string, v: unknown): unknown => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    // No prototype: a `__proto__` key in the value stays a plain key.
    const sorted = Object.create(null) as Record<string, unknown>;
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  };
  let json: string | undefined;
  try {
    json = JSON.stringify(value, sortKeys);
  } catch (error) {
    throw new ConductorError('E_BAD_REQUEST', `state ${plugin}/${key}: value is not JSON-serialisable: ${(error as Error).message}`, { field: 'expected' });
  }
  if (typeof json !== 'string') throw new ConductorError('E_BAD_REQUEST', `state ${plugin}/${key}: expected must be JSON-serialisable`, { field: 'expected' });
  return json;
}

function parseValue(plugin: string, key: string, json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    throw new ConductorError('E_INTERNAL', `state ${plugin}/${key}: the stored value is not valid JSON`);
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
