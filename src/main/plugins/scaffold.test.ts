import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasPython, scaffoldPlugin } from './scaffold';

const parent = mkdtempSync(join(tmpdir(), 'conductor-scaffold-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

describe('scaffoldPlugin', () => {
  it('writes a node plugin whose own test passes with node --test', () => {
    const { dir, files } = scaffoldPlugin({ name: 'hello-world', runtime: 'node', parentDir: parent, python: false });
    expect(readdirSync(dir).sort()).toEqual([...files].sort());
    expect(files).toEqual(expect.arrayContaining(['plugin.json', 'index.mjs', 'plugin.test.mjs', 'README.md']));
    const out = execFileSync(process.execPath, ['--test'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(out).toMatch(/# pass 2/);
    expect(out).toMatch(/# fail 0/);
  });

  it.for([true, false])('writes a command plugin (python: %s) whose own test passes', (python, ctx) => {
    if (python && !hasPython()) ctx.skip('python3 is not installed here');
    const { dir } = scaffoldPlugin({ name: python ? 'py-bot' : 'node-bot', runtime: 'command', parentDir: parent, python });
    const out = execFileSync(process.execPath, ['--test'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(out).toMatch(/# pass 1/);
  });

  it('refuses a bad name and an existing folder, naming them', () => {
    expect(() => scaffoldPlugin({ name: 'Bad Name', runtime: 'node', parentDir: parent, python: false })).toThrow(/kebab-case/);
    expect(() => scaffoldPlugin({ name: 'hello-world', runtime: 'node', parentDir: parent, python: false })).toThrow(/already exists/);
  });
});
