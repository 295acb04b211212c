import { describe, expect, it } from 'vitest';
import { isNavigationAllowed, RENDERER_CSP, rendererSource, windowWebPreferences, withCspHeader } from './window-options';

describe('windowWebPreferences', () => {
  it('is sandboxed and isolated, with no Node and only the preload', () => {
    expect(windowWebPreferences('/app/out/preload/index.cjs')).toEqual({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
      preload: '/app/out/preload/index.cjs',
    });
  });
});

describe('RENDERER_CSP', () => {
  it('is the renderer meta tag’s policy', () => {
    expect(RENDERER_CSP).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
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
