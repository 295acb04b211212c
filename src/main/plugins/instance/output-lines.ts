/** Line-by-line capture of a child's stdout/stderr, and the ring of the last lines it printed or logged. */
import type { Readable } from 'node:stream';

/** A longer line is cut into pieces of this size. */
export const MAX_LINE_CHARS = 16_384;

/**
 * Calls `onLine` for each line of `stream` (without the newline; a trailing `\r` is dropped).
 * Resolves when the stream has ended or closed, after the last partial line.
 */
export function readLines(stream: Readable, onLine: (line: string) => void): Promise<void> {
  stream.setEncoding('utf8');
  let partial = '';
  stream.on('data', (chunk: string) => {
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
      let line = partial + chunk.slice(start, nl);
      partial = '';
      if (line.endsWith('\r')) line = line.slice(0, -1);
      onLine(line);
      start = nl + 1;
    }
    partial += chunk.slice(start);
    while (partial.length > MAX_LINE_CHARS) {
      onLine(partial.slice(0, MAX_LINE_CHARS));
      partial = partial.slice(MAX_LINE_CHARS);
    }
  });
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      if (partial.length > 0) onLine(partial);
      partial = '';
      resolve();
    };
    stream.once('end', finish);
    stream.once('close', finish);
    stream.once('error', finish);
  });
}

/** Keeps the last `capacity` lines, oldest first. */
export class LineRing {
  private readonly lines: string[] = [];
  private next = 0;

  constructor(private readonly capacity = 50) {}

  push(line: string): void {
    if (this.lines.length < this.capacity) {
      this.lines.push(line);
    } else {
      this.lines[this.next] = line;
      this.next = (this.next + 1) % this.capacity;
    }
  }

  /** Newest last. */
  toArray(): string[] {
    return this.lines.length < this.capacity ? [...this.lines] : [...this.lines.slice(this.next), ...this.lines.slice(0, this.next)];
  }
}
