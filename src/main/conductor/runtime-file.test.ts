import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readRuntimeFile, removeRuntimeFile, writeRuntimeFile, type RuntimeInfo } from './runtime-file';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const info: RuntimeInfo = { pid: process.pid, port: 1234, token: 'a'.repeat(64), url: 'http://127.0.0.1:1234/', startedAt: 1, version: '1.0.0' };

describe('runtime.json', () => {
  it('is written with mode 0600 even over a stale world-readable file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conductor-runtime-'));
    dirs.push(dir);
    const path = join(dir, 'runtime.json');
    writeFileSync(path, '{"pid":1,"url":"stale"}');
    chmodSync(path, 0o644);
    writeRuntimeFile(path, info);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(info);
    expect(readRuntimeFile(path)).toEqual(info);
  });

  it('is removed only while it is still ours', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conductor-runtime-'));
    dirs.push(dir);
    const path = join(dir, 'runtime.json');
    writeRuntimeFile(path, { ...info, pid: 999_999 });
    removeRuntimeFile(path);
    expect(readRuntimeFile(path)?.pid).toBe(999_999);
    writeRuntimeFile(path, info);
    removeRuntimeFile(path);
    expect(readRuntimeFile(path)).toBeNull();
    writeFileSync(path, 'not json');
    expect(readRuntimeFile(path)).toBeNull();
  });
});
