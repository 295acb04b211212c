import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RotatingFile } from './rotating-file';

describe('RotatingFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'conductor-rot-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends lines, creating folders, and rotates to .old past the size', () => {
    const file = new RotatingFile(join(dir, 'plugins', 'echo.log'), { maxBytes: 21 });
    file.write('0123456789');
    file.write('abcdefghi');
    expect(readFileSync(file.path, 'utf8')).toBe('0123456789\nabcdefghi\n');
    file.write('next');
    expect(readFileSync(file.oldPath, 'utf8')).toBe('0123456789\nabcdefghi\n');
    expect(readFileSync(file.path, 'utf8')).toBe('next\n');
    expect(file.oldPath).toBe(join(dir, 'plugins', 'echo.old.log'));
  });

  it('never throws when the file cannot be written', () => {
    writeFileSync(join(dir, 'plain-file'), 'x');
    // A folder path that runs through a plain file cannot be created (ENOTDIR).
    const file = new RotatingFile(join(dir, 'plain-file', 'sub', 'x.log'));
    expect(() => file.write('line')).not.toThrow();
    expect(existsSync(file.path)).toBe(false);
  });
});
