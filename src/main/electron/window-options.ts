/**
 * The window's security settings as plain data (no electron import), so a test can pin them.
 * `window.ts` applies them.
 */

/**
 * The renderer's web preferences: sandboxed, isolated, no Node (nor in workers or subframes), only
 * the preload's `window.api`. Also: no experimental web platform features, middle-click does not
 * open links (`Auxclick`), a dropped file does not navigate the window, a page cannot flood
 * dialogs, and no spell-checker (it would fetch dictionaries from Google; the inputs are names,
 * paths and JSON).
 */
export function windowWebPreferences(preloadPath: string) {
  return {
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
    preload: preloadPath,
  } as const;
}

/**
 * The window's CSP, sent as a response header (`withCspHeader`) on top of the renderer's
 * `<meta http-equiv="Content-Security-Policy">`; a browser enforces both, so the stricter of each
 * wins. It is the meta tag's policy without WebSockets (the window talks over IPC; the meta tag
 * allows loopback `ws:` for the headless panel) and with `frame-ancestors 'none'`, which only a
 * header can carry. Note: responses for `file://` carry no headers, so the built window loaded from
 * a file relies on the meta tag; the header covers the dev server.
 */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Response headers with our CSP in place of any the response carried (header names are
 * case-insensitive, so every spelling of `Content-Security-Policy` is replaced).
 */
export function withCspHeader(headers: Record<string, string[]> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  }
  out['Content-Security-Policy'] = [RENDERER_CSP];
  return out;
}

/**
 * Whether the window may follow a navigation from `currentUrl` to `targetUrl`: only to the same
 * document (a change of hash, or a reload). Everything else (links, `location =`, form posts) is
 * denied; the app is one page.
 */
export function isNavigationAllowed(currentUrl: string, targetUrl: string): boolean {
  try {
    const current = new URL(currentUrl);
    const target = new URL(targetUrl);
    current.hash = '';
    target.hash = '';
    return current.href === target.href;
  } catch {
    return false;
  }
}

/** What the window loads: the dev server when electron-vite set one, else the built index.html. */
export type RendererSource = { kind: 'url'; url: string } | { kind: 'file'; file: string };

export function rendererSource(devServerUrl: string | undefined, rendererFile: string): RendererSource {
  return devServerUrl ? { kind: 'url', url: devServerUrl } : { kind: 'file', file: rendererFile };
}

/** Size and look of the main window. */
export const MAIN_WINDOW_BOUNDS = { width: 1280, height: 820, minWidth: 900, minHeight: 560 } as const;
