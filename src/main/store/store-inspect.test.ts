import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION } from './migrations';
import { Store } from './store';

describe('Store.inspect (for --dry-run)', () => {
  let root: string;
  let file: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-inspect-test-'));
    file = path.join(root, 'conductor.db');
  });

  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  const makeDatabase = (): void => {
    const store = new Store({ dataDir: root });
    store.open();
    store.events.appendMany(Array.from({ length: 500 }, (_, i) => ({ kind: 'k', source: 's', data: { i, pad: 'x'.repeat(200) } })));
    store.close();
  };

  it('reports a missing database without creating the data dir', () => {
    const dataDir = path.join(root, 'not-yet');
    expect(Store.inspect(dataDir)).toEqual({ exists: false, path: path.join(dataDir, 'conductor.db'), schemaVersion: null, integrity: null });
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('reports an ok database without creating, migrating or changing anything', () => {
    makeDatabase();
    const before = fs.readdirSync(root).sort();
    const bytes = fs.readFileSync(file);
    expect(Store.inspect(root)).toEqual({ exists: true, path: file, schemaVersion: LATEST_SCHEMA_VERSION, integrity: 'ok' });
    expect(fs.readdirSync(root).sort()).toEqual(before);
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
  });

  it('reads a database another connection has open (its -wal present) in place', () => {
    const store = new Store({ dataDir: root });
    store.open();
    try {
      store.events.append('k', 's', {});
      expect(fs.existsSync(`${file}-wal`)).toBe(true);
      expect(Store.inspect(root)).toMatchObject({ exists: true, schemaVersion: LATEST_SCHEMA_VERSION, integrity: 'ok' });
    } finally {
      store.close();
    }
  });

  it('reports an old database without migrating it', () => {
    const db = new Database(file);
    db.exec('CREATE TABLE legacy (x)');
    db.close();
    expect(Store.inspect(root)).toEqual({ exists: true, path: file, schemaVersion: 0, integrity: 'ok' });
    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(0);
    check.close();
  });

  it('reports a file that is not a database as an error, without throwing', () => {
    fs.writeFileSync(file, 'garbage '.repeat(512));
    const result = Store.inspect(root);
    expect(result).toEqual({ exists: true, path: file, schemaVersion: null, integrity: null, error: `cannot open database ${file}: file is not a database` });
  });

  it('reports damaged pages as integrity problems or an error', () => {
    makeDatabase();
    const bytes = fs.readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    // Keep the header page, smash the ones after it.
    bytes.fill(0xa5, pageSize, Math.min(bytes.length, pageSize * 6));
    fs.writeFileSync(file, bytes);
    const result = Store.inspect(root);
    expect(result.exists).toBe(true);
    const problem = result.error ?? result.integrity;
    expect(problem).toBeTruthy();
    expect(problem).not.toBe('ok');
  });

  it('reports a directory in place of the file', () => {
    fs.mkdirSync(file);
    expect(Store.inspect(root).error).toBe(`cannot open database ${file}: is a directory, not a database file`);
  });

  it('flags a newer schema as an error while still reporting its version', () => {
    const db = new Database(file);
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    db.close();
    const result = Store.inspect(root);
    expect(result.schemaVersion).toBe(LATEST_SCHEMA_VERSION + 1);
    expect(result.integrity).toBe('ok');
    expect(result.error).toContain('is newer than this Conductor supports');
  });
});
