/** The few HTML pages the bridge writes itself (no scripts: the CSP forbids inline ones anyway). */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — Conductor</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}code{background:#eee;padding:0 .25rem;border-radius:3px}</style>
</head>
<body><h1>${escapeHtml(title)}</h1>${body}</body>
</html>
`;
}

/** 401 for a page request without a valid session (or with a wrong `?token=`). */
export function unauthorizedPage(wrongToken: boolean): string {
  const lead = wrongToken
    ? '<p>The token in this link is not the one this Conductor expects (it changes every time Conductor starts).</p>'
    : '<p>This Conductor control panel needs its access link.</p>';
  return page(
    'Sign-in needed',
    `${lead}
<p>Open the URL printed after <code>Conductor ready:</code> in the terminal that started Conductor,
or read <code>url</code> and <code>token</code> from <code>runtime.json</code> in Conductor's data directory.</p>`,
  );
}

/** Shown instead of the control panel when the renderer has not been built. */
export function rendererNotBuiltPage(): string {
  return page(
    'Control panel not built',
    `<p>Conductor is running, but the control panel's files were not found.</p>
<p>Run <code>npm run build</code> and reload this page. The HTTP API under <code>/api/v1/</code> works meanwhile.</p>`,
  );
}
