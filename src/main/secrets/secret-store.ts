import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Where a plugin's declared env values and secrets set from the UI live. Values are never
 * logged and never returned by the API (it shows only whether each is set).
 */
export interface SecretStore {
  /** How the values are protected, for the Settings page and the API. */
  readonly protection: 'encrypted' | 'plain-file';
  /** Where they are kept (a file path or "the database"). */
  readonly location: string;
  /** The plugin's values by env name. */
  read(plugin: string): Record<string, string>;
  /** Sets (a string) or clears (null) one value. */
  write(plugin: string, name: string, value: string | null): void;
  /** Forgets every value of a plugin (uninstalled). */
  removePlugin(plugin: string): void;
}

/** Encrypts with the OS keychain (Electron's safeStorage); the shell passes one in. */
export interface SecretCipher {
  encrypt(plain: string): Buffer;
  decrypt(cipher: Buffer): string;
  /** False when the OS offers no real encryption (then secrets go to the 0600 file). Default true. */
  available?(): boolean;
}

type FileShape = Record<string, Record<string, string>>;

/**
 * Headless: a JSON file with mode 0600 in the data dir. The values are in PLAIN TEXT there (no
 * OS keychain without Electron), readable by this user only. Written to a temp file and renamed,
 * so a crash never leaves half a file.
 */
export class FileSecretStore implements SecretStore {
  readonly protection = 'plain-file' as const;

  constructor(readonly location: string) {}

  read(plugin: string): Record<string, string> {
    const all = this.load();
    return Object.prototype.hasOwnProperty.call(all, plugin) ? { ...all[plugin] } : {};
  }

  write(plugin: string, name: string, value: string | null): void {
    const all = this.load();
    const current = Object.prototype.hasOwnProperty.call(all, plugin) ? { ...all[plugin] } : {};
    if (value === null) delete current[name];
    else current[name] = value;
    if (Object.keys(current).length === 0) delete all[plugin];
    else all[plugin] = current;
    this.save(all);
  }

  removePlugin(plugin: string): void {
    const all = this.load();
    if (!Object.prototype.hasOwnProperty.call(all, plugin)) return;
    delete all[plugin];
    this.save(all);
  }

  private load(): FileShape {
    let text: string;
    try {
      text = readFileSync(this.location, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Object.create(null) as FileShape;
      throw new Error(`cannot read the secrets file ${this.location}: ${(error as Error).message}`);
    }
    const out = Object.create(null) as FileShape;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`the secrets file ${this.location} is not valid JSON; fix or delete it (the values in it are lost if deleted)`);
    }
    const plugins = (parsed as { plugins?: unknown } | null)?.plugins;
    if (plugins && typeof plugins === 'object') {
      for (const [plugin, values] of Object.entries(plugins as Record<string, unknown>)) {
        if (!values || typeof values !== 'object') continue;
        const clean = Object.create(null) as Record<string, string>;
        for (const [name, value] of Object.entries(values as Record<string, unknown>)) if (typeof value === 'string') clean[name] = value;
        out[plugin] = clean;
      }
    }
    return out;
  }

  private save(all: FileShape): void {
    const tmp = `${this.location}.${process.pid}.tmp`;
    const body = {
      note: 'Plugin secrets and env values set from Conductor, in PLAIN TEXT (headless mode has no OS keychain). This file is readable by your user only (mode 0600); keep it that way.',
      plugins: all,
    };
    rmSync(tmp, { force: true });
    writeFileSync(tmp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.location);
  }
}
