import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, runMigrations } from './migrations';
import { Store } from './store';

describe('Store on a database written by schema v1', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-store-v1-'));
    const db = new Database(path.join(dataDir, 'conductor.db'));
    db.pragma('journal_mode = WAL');
    runMigrations(db, MIGRATIONS.slice(0, 1));
    db.prepare("INSERT INTO events (ts, kind, source, data) VALUES (1000, 'conductor:started', 'conductor', '{\"pid\":1}')").run();
    db.prepare("INSERT INTO events (ts, kind, source, data) VALUES (2000, 'plugin:started', 'plugins', '{\"name\":\"echo\"}')").run();
    db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('theme', '\"dark\"', 1000)").run();
    db.close();
  });

  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('migrates to v2 keeping its events and settings, and the new repositories work', () => {
    const store = new Store({ dataDir });
    try {
      expect(store.open()).toEqual({
        from: 1,
        to: 5,
        applied: [
          { version: 2, name: 'plugin state, plugin settings and metrics' },
          { version: 3, name: 'probe history' },
          { version: 4, name: 'logs, resource rollups, saved quarantine' },
          { version: 5, name: 'plugin secrets' },
        ],
      });
      expect(store.events.query({ limit: 10 }).map((e) => [e.id, e.kind, e.data])).toEqual([
        [2, 'plugin:started', { name: 'echo' }],
        [1, 'conductor:started', { pid: 1 }],
      ]);
      expect(store.settings.get('theme')).toBe('dark');
      expect(store.events.append('x', 'test', {}).id).toBe(3);
      expect(store.pluginState.increment('echo', 'n')).toBe(1);
      store.pluginSettings.setEnabled('echo', false);
      store.metrics.writeRollups([{ plugin: 'echo', minute: 1, count: 1, errors: 0, p50Ms: 1, p99Ms: 1 }]);
      expect(store.integrityCheck()).toBe('ok');
    } finally {
      store.close();
    }
  });
});
