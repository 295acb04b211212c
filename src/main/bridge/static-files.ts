/**
 * Serves the built renderer from one directory. A path is decoded, resolved against the root and
 * its real path must stay inside the root's real path, so `..`, `%2e%2e`, encoded slashes and
 * symlinks cannot escape. Unknown page paths (no extension) fall back to index.html so client-side
 * routing works; a missing asset is a 404.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/** Content types by extension; anything else is served as `application/octet-stream`. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticLookup =
  | { kind: 'file'; file: string; size: number; contentType: string; isHtml: boolean }
  /** The root is unset or has no index.html: show the "not built" page. */
  | { kind: 'not-built' }
  | { kind: 'not-found' }
  /** The path could not be decoded. */
  | { kind: 'bad-path' };

export class StaticFiles {
  private rootReal: Promise<string | null> | null = null;

  constructor(private readonly rootDir: string | null) {}

  /** Finds what to serve for a raw (still percent-encoded) URL path. */
  async lookup(rawPath: string): Promise<StaticLookup> {
    const root = await this.root();
    if (root === null) return { kind: 'not-built' };
    let decoded: string;
    try {
      decoded = decodeURIComponent(rawPath);
    } catch {
      return { kind: 'bad-path' };
    }
    if (decoded.includes('\0') || decoded.includes('\\')) return { kind: 'not-found' };
    // A path without an extension is a page (client-side route): always index.html.
    if (path.posix.extname(decoded) === '' || decoded === '/index.html') {
      return (await this.fileInRoot(root, 'index.html')) ?? { kind: 'not-built' };
    }
    const relative = path.posix.normalize(decoded).replace(/^\/+/, '');
    // normalize() keeps leading `..` segments; anything that climbs out is simply not found.
    if (relative.startsWith('..')) return { kind: 'not-found' };
    return (await this.fileInRoot(root, relative)) ?? { kind: 'not-found' };
  }

  /** Streams a looked-up file (headers already set by the caller except type and length). */
  static stream(file: string, into: NodeJS.WritableStream & { destroy(error?: Error): void }): void {
    const stream = createReadStream(file);
    stream.on('error', () => into.destroy());
    stream.pipe(into);
  }

  private root(): Promise<string | null> {
    if (this.rootReal === null) {
      const dir = this.rootDir;
      this.rootReal = dir === null ? Promise.resolve(null) : realpath(path.resolve(dir)).catch(() => null);
    }
    return this.rootReal.then((real) => {
      // A missing directory may be built later; look again next time.
      if (real === null) this.rootReal = null;
      return real;
    });
  }

  private async fileInRoot(root: string, relative: string): Promise<Extract<StaticLookup, { kind: 'file' }> | null> {
    const candidate = path.resolve(root, relative);
    if (!isInside(root, candidate)) return null;
    try {
      const real = await realpath(candidate);
      if (!isInside(root, real)) return null;
      const info = await stat(real);
      if (!info.isFile()) return null;
      const contentType = contentTypeOf(real);
      return { kind: 'file', file: real, size: info.size, contentType, isHtml: contentType.startsWith('text/html') };
    } catch {
      return null;
    }
  }
}

export function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}
