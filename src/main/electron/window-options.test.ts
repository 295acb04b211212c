import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WebPreferences } from 'electron';
import { describe, expect, it } from 'vitest';
import { isNavigationAllowed, RENDERER_CSP, rendererSource, windowWebPreferences, withCspHeader } from './window-options';

describe('windowWebPreferences', () => {
  it('is sandboxed and isolated, with no Node and only the preload', () => {
    expect(windowWebPreferences('/app/out/preload/index.cjs')).toEqual({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      disableBlinkFeatures: 'Auxclick',
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      preload: '/app/out/preload/index.cjs',
    });
  });

  it('fits Electron’s WebPreferences type and sets nothing that would loosen the window', () => {
    // Type-only import: checked by `npm run typecheck` against electron.d.ts, erased at run time.
    const prefs: WebPreferences = windowWebPreferences('/p.cjs');
    for (const key of ['enableBlinkFeatures', 'allowPopups', 'plugins', 'experimentalCanvasFeatures'] as const) {
      expect(prefs).not.toHaveProperty(key);
    }
  });
});

describe('RENDERER_CSP', () => {
  it('is the renderer meta tag’s policy', () => {
    expect(RENDERER_CSP).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
  });

  it('is at least as strict as the renderer’s meta tag, directive by directive', () => {
    const html = readFileSync(fileURLToPath(new URL('../../renderer/index.html', import.meta.url)), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html)?.[1];
    expect(meta, 'src/renderer/index.html has a CSP meta tag').toBeDefined();
    const header = parseCsp(RENDERER_CSP);
    for (const [directive, sources] of parseCsp(meta!)) {
      const ours = header.get(directive);
      expect(ours, `the header sets ${directive}`).toBeDefined();
      for (const source of ours!) expect(sources, `${directive} ${source} is allowed by the meta tag too`).toContain(source);
    }
    // What the header adds: no WebSockets from the window (IPC only), no framing.
    expect(header.get('connect-src')).toEqual(["'self'"]);
    expect(header.get('frame-ancestors')).toEqual(["'none'"]);
    expect(header.get('object-src')).toEqual(["'none'"]);
    expect(header.get('script-src')).toEqual(["'self'"]);
  });

  it('replaces any CSP the response carried, whatever its case, and keeps the other headers', () => {
    const headers = withCspHeader({
      'content-security-policy': ["default-src *"],
      'CONTENT-SECURITY-POLICY': ["script-src 'unsafe-eval'"],
      'Content-Type': ['text/html'],
    });
    expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [RENDERER_CSP] });
    expect(withCspHeader(undefined)).toEqual({ 'Content-Security-Policy': [RENDERER_CSP] });
  });
});

describe('isNavigationAllowed', () => {
  const index = 'file:///app/out/renderer/index.html';
  it.each([
    [index, index, true],
    [index, `${index}#/plugins`, true],
    [`${index}#/logs`, index, true],
    [index, 'file:///app/out/renderer/other.html', false],
    [index, 'https://example.com/', false],
    [index, `${index}?x=1`, false],
    ['http://localhost:5173/', 'http://localhost:5173/#/x', true],
    ['http://localhost:5173/', 'http://localhost:5173/other', false],
    [index, 'javascript:alert(1)', false],
    ['', index, false],
  ])('%s → %s: %s', (from, to, expected) => {
    expect(isNavigationAllowed(from, to)).toBe(expected);
  });
});

describe('rendererSource', () => {
  it('loads the dev server when set, else the built file', () => {
    expect(rendererSource('http://localhost:5173', '/app/out/renderer/index.html')).toEqual({
      kind: 'url',
      url: 'http://localhost:5173',
    });
    expect(rendererSource(undefined, '/app/out/renderer/index.html')).toEqual({
      kind: 'file',
      file: '/app/out/renderer/index.html',
    });
    expect(rendererSource('', '/f')).toEqual({ kind: 'file', file: '/f' });
  });
});

function parseCsp(policy: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [directive, ...sources] = part.trim().split(/\s+/);
    if (directive) out.set(directive, sources);
  }
  return out;
}
