import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../store/store';
import { FileSecretStore } from './secret-store';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'conductor-secrets-'));
  dirs.push(d);
  return d;
};

describe('FileSecretStore (headless)', () => {
  it('keeps values per plugin in a 0600 file that says it is plain text', () => {
    const path = join(tempDir(), 'secrets.json');
    const store = new FileSecretStore(path);
    expect(store.read('bot')).toEqual({});
    store.write('bot', 'API_TOKEN', 's3cret-value');
    store.write('bot', 'REGION', 'eu');
    store.write('other', 'X', '1');
    expect(store.read('bot')).toEqual({ API_TOKEN: 's3cret-value', REGION: 'eu' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8')).note).toMatch(/PLAIN TEXT/);
    store.write('bot', 'REGION', null);
    expect(new FileSecretStore(path).read('bot')).toEqual({ API_TOKEN: 's3cret-value' });
    store.removePlugin('bot');
    expect(store.read('bot')).toEqual({});
    expect(store.read('other')).toEqual({ X: '1' });
    expect(store.read('__proto__')).toEqual({});
  });

  it('names the file when it is not JSON', () => {
    const dir = tempDir();
    const path = join(dir, 'secrets.json');
    new FileSecretStore(path).write('a', 'B', 'c');
    rmSync(path);
    writeFileSync(path, '{oops');
    expect(() => new FileSecretStore(path).read('a')).toThrow(path);
  });
});

describe('EncryptedSecretStore (desktop)', () => {
  it('stores only ciphertext in the database and decrypts on read', () => {
    const dir = tempDir();
    const store = new Store({ dataDir: dir });
    store.open();
    const cipher = { encrypt: (s: string) => Buffer.from(s, 'utf8').map((b) => b ^ 0x5a), decrypt: (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a)).toString('utf8') };
    const secrets = store.encryptedSecrets(cipher as never);
    secrets.write('bot', 'API_TOKEN', 'plain-secret');
    expect(secrets.read('bot')).toEqual({ API_TOKEN: 'plain-secret' });
    store.close();
    expect(readFileSync(store.path).includes(Buffer.from('plain-secret'))).toBe(false);
  });
});
