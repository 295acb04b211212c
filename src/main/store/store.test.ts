import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock';
import { LATEST_SCHEMA_VERSION } from './migrations';
import { Store } from './store';

const require = createRequire(import.meta.url);

describe('Store', () => {
  let root: string;
  let dataDir: string;
  const stores: Store[] = [];

  const makeStore = (opts: { clock?: ManualClock; dir?: string; nativeBinding?: string } = {}): Store => {
    const store = new Store({
      dataDir: opts.dir ?? dataDir,
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
    });
    stores.push(store);
    return store;
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-store-'));
    dataDir = path.join(root, 'data', 'nested');
  });

  afterEach(() => {
    for (const store of stores.splice(0)) store.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('creates the data dir and the database, in WAL mode, at the latest schema version', () => {
    const store = makeStore();
    const report = store.open();
    expect(store.path).toBe(path.join(dataDir, 'conductor.db'));
    expect(fs.existsSync(store.path)).toBe(true);
    expect(report.from).toBe(0);
    expect(report.to).toBe(LATEST_SCHEMA_VERSION);
    expect(store.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(store.journalMode).toBe('wal');

    store.events.append('probe', 'test', {});
    expect(fs.existsSync(`${store.path}-wal`)).toBe(true);
    // journal_mode=WAL is persistent: another connection sees it in the file.
    const other = new Database(store.path, { readonly: true });
    try {
      expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(other.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    } finally {
      other.close();
    }
  });

  it('keeps events and settings across a close and a reopen, migrating only once', () => {
    const clock = new ManualClock(1000);
    const first = makeStore({ clock });
    expect(first.open().applied).toHaveLength(LATEST_SCHEMA_VERSION);
    first.events.append('plugin:started', 'plugins', { name: 'echo' });
    first.settings.set('theme', 'dark');
    first.close();
    expect(fs.existsSync(`${first.path}-wal`)).toBe(false);

    const second = makeStore({ clock });
    expect(second.open()).toEqual({ from: LATEST_SCHEMA_VERSION, to: LATEST_SCHEMA_VERSION, applied: [] });
    expect(second.events.query({ limit: 10 })).toEqual([{ id: 1, ts: 1000, kind: 'plugin:started', source: 'plugins', data: { name: 'echo' } }]);
    expect(second.settings.get('theme')).toBe('dark');
    expect(second.integrityCheck()).toBe('ok');
  });

  it('close is idempotent and the repositories refuse use while closed', () => {
    const store = makeStore();
    expect(() => store.events).toThrow('the store is not open');
    store.open();
    expect(store.isOpen).toBe(true);
    store.close();
    store.close();
    expect(store.isOpen).toBe(false);
    expect(() => store.settings).toThrow('the store is not open');
    expect(() => store.integrityCheck()).toThrow('the store is not open');
  });

  it('refuses a database written by a newer Conductor, naming the file and both versions', () => {
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, 'conductor.db');
    const db = new Database(file);
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    db.close();

    const store = makeStore();
    expect(() => store.open()).toThrow(
      `cannot open database ${file}: schema version ${LATEST_SCHEMA_VERSION + 5} is newer than this Conductor supports (${LATEST_SCHEMA_VERSION})`,
    );
    expect(store.isOpen).toBe(false);
  });

  it('names the path and the cause in one line when a directory stands in place of the file', () => {
    const file = path.join(dataDir, 'conductor.db');
    fs.mkdirSync(file, { recursive: true });
    const store = makeStore();
    let message = '';
    try {
      store.open();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(`cannot open database ${file}: is a directory, not a database file`);
    expect(message).not.toContain('\n');
  });

  it('names the path and the cause in one line for a file that is not a database', () => {
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, 'conductor.db');
    fs.writeFileSync(file, 'this is not sqlite\n'.repeat(100));
    const store = makeStore();
    expect(() => store.open()).toThrow(`cannot open database ${file}: file is not a database`);
    expect(store.isOpen).toBe(false);
    expect(fs.readFileSync(file, 'utf8')).toBe('this is not sqlite\n'.repeat(100));
  });

  it('validates its options, naming the bad one', () => {
    expect(() => new Store({ dataDir: '' })).toThrow('StoreOptions.dataDir');
    expect(() => new Store({ dataDir, fileName: '../x.db' })).toThrow('StoreOptions.fileName');
    expect(() => new Store({ dataDir, busyTimeoutMs: -1 })).toThrow('StoreOptions.busyTimeoutMs');
    expect(() => new Store({ dataDir, nativeBinding: '' })).toThrow('StoreOptions.nativeBinding');
    expect(new Store({ dataDir, fileName: 'other.db' }).path).toBe(path.join(dataDir, 'other.db'));
  });

  it('loads the addon named by nativeBinding', () => {
    const addon = path.join(path.dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
    const store = makeStore({ nativeBinding: addon });
    expect(store.open().to).toBe(LATEST_SCHEMA_VERSION);
    expect(Store.inspect(dataDir, { nativeBinding: addon }).integrity).toBe('ok');
    const broken = makeStore({ nativeBinding: path.join(root, 'missing.node'), dir: path.join(root, 'other') });
    expect(() => broken.open()).toThrow(`cannot open database ${broken.path}:`);
  });
});
