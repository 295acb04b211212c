import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ShellStateFile } from './shell-state-file';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'conductor-shell-state-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('ShellStateFile', () => {
  it('reads defaults when there is no file, and remembers what was written', () => {
    const file = new ShellStateFile(dir);
    expect(file.read()).toEqual({ trayNoticeShown: false });
    expect(file.update({ trayNoticeShown: true })).toEqual({ trayNoticeShown: true });
    expect(new ShellStateFile(dir).read()).toEqual({ trayNoticeShown: true });
    expect(JSON.parse(readFileSync(join(dir, 'electron-shell.json'), 'utf8'))).toEqual({ trayNoticeShown: true });
    expect(readdirSync(dir)).toEqual(['electron-shell.json']); // no temp file left behind
  });

  it('reads a damaged or foreign file as defaults, and writes over it', () => {
    const file = new ShellStateFile(dir);
    writeFileSync(file.path, '{not json');
    expect(file.read()).toEqual({ trayNoticeShown: false });
    writeFileSync(file.path, '{"trayNoticeShown":"yes"}');
    expect(file.read()).toEqual({ trayNoticeShown: false });
    file.update({ trayNoticeShown: true });
    expect(file.read()).toEqual({ trayNoticeShown: true });
  });

  it('creates the data dir when it is missing', () => {
    const file = new ShellStateFile(join(dir, 'nested', 'data'));
    file.update({ trayNoticeShown: true });
    expect(file.read().trayNoticeShown).toBe(true);
  });
});
