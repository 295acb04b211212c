import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LineRing, MAX_LINE_CHARS, readLines } from './output-lines';

describe('readLines', () => {
  it('splits chunks into lines, joins partial ones, flushes the last at the end', async () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    const done = readLines(stream, (line) => lines.push(line));
    stream.write('one\ntw');
    stream.write('o\r\nthree\n\nfour');
    stream.end();
    await done;
    expect(lines).toEqual(['one', 'two', 'three', '', 'four']);
  });

  it('cuts a line that never ends', async () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    const done = readLines(stream, (line) => lines.push(line));
    stream.end('y'.repeat(MAX_LINE_CHARS * 2 + 5));
    await done;
    expect(lines.map((line) => line.length)).toEqual([MAX_LINE_CHARS, MAX_LINE_CHARS, 5]);
  });
});

describe('LineRing', () => {
  it('keeps the last lines, newest last', () => {
    const ring = new LineRing(3);
    ring.push('a');
    ring.push('b');
    expect(ring.toArray()).toEqual(['a', 'b']);
    for (const line of ['c', 'd', 'e']) ring.push(line);
    expect(ring.toArray()).toEqual(['c', 'd', 'e']);
  });
});
