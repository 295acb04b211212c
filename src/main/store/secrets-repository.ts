import type Database from 'better-sqlite3';
import type { SecretCipher, SecretStore } from '../secrets/secret-store';

/** Electron: values encrypted with the OS keychain, kept in the `plugin_secrets` table. */
export class EncryptedSecretStore implements SecretStore {
  readonly protection = 'encrypted' as const;
  readonly location = 'the database (encrypted with the OS keychain)';
  private readonly selectStmt: Database.Statement<[string], { name: string; value: Buffer }>;
  private readonly upsertStmt: Database.Statement<[string, string, Buffer, number]>;
  private readonly deleteStmt: Database.Statement<[string, string]>;
  private readonly deletePluginStmt: Database.Statement<[string]>;

  constructor(
    db: Database.Database,
    private readonly cipher: SecretCipher,
    private readonly now: () => number,
  ) {
    this.selectStmt = db.prepare('SELECT name, value FROM plugin_secrets WHERE plugin = ?');
    this.upsertStmt = db.prepare(
      'INSERT INTO plugin_secrets (plugin, name, value, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (plugin, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    );
    this.deleteStmt = db.prepare('DELETE FROM plugin_secrets WHERE plugin = ? AND name = ?');
    this.deletePluginStmt = db.prepare('DELETE FROM plugin_secrets WHERE plugin = ?');
  }

  read(plugin: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const row of this.selectStmt.all(plugin)) out[row.name] = this.cipher.decrypt(row.value);
    return out;
  }

  write(plugin: string, name: string, value: string | null): void {
    if (value === null) this.deleteStmt.run(plugin, name);
    else this.upsertStmt.run(plugin, name, this.cipher.encrypt(value), this.now());
  }

  removePlugin(plugin: string): void {
    this.deletePluginStmt.run(plugin);
  }
}
