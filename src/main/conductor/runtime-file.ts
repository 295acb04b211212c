import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/** What a running conductor publishes in `<dataDir>/runtime.json` (mode 0600). */
export interface RuntimeInfo {
  pid: number;
  port: number;
  token: string;
  url: string;
  startedAt: number;
  version: string;
}

/**
 * Writes runtime.json with mode 0600. A stale file is deleted first, because the mode applies only
 * when a file is created; `wx` then guarantees we created it.
 */
export function writeRuntimeFile(path: string, info: RuntimeInfo): void {
  rmSync(path, { force: true });
  writeFileSync(path, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
}

export function readRuntimeFile(path: string): RuntimeInfo | null {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<RuntimeInfo>;
    if (typeof value.pid !== 'number' || typeof value.url !== 'string') return null;
    return value as RuntimeInfo;
  } catch {
    return null;
  }
}

/** Removes runtime.json if it is still ours (a newer conductor may have replaced it). */
export function removeRuntimeFile(path: string, pid: number = process.pid): void {
  const current = readRuntimeFile(path);
  if (current === null || current.pid === pid) rmSync(path, { force: true });
}
