/**
 * `new-plugin <name>`: writes a working plugin folder a person can run and change at once — the
 * manifest, the entry (or a tiny HTTP server for a command plugin), a README, and a test the
 * author runs with `node --test` (no install needed).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConductorError } from '../../shared/result';
import { parseManifest } from './manifest';

export type ScaffoldRuntime = 'node' | 'command';

export interface ScaffoldOptions {
  name: string;
  runtime: ScaffoldRuntime;
  /** The folder that will contain the new `<name>/` folder. */
  parentDir: string;
  /** For a command plugin: `python3` when present, otherwise Node runs the server script. */
  python: boolean;
}

export interface ScaffoldResult {
  dir: string;
  files: string[];
}

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** True when `python3` runs here (the command scaffold then uses it). */
export function hasPython(): boolean {
  const result = spawnSync('python3', ['--version'], { stdio: 'ignore', timeout: 5_000 });
  return result.status === 0;
}

export function scaffoldPlugin(options: ScaffoldOptions): ScaffoldResult {
  const { name, runtime } = options;
  if (!KEBAB.test(name) || name.length > 64) {
    throw new ConductorError('E_BAD_REQUEST', `name: expected a kebab-case name like "my-plugin", got "${name}"`, { field: 'name' });
  }
  const dir = resolve(options.parentDir, name);
  if (existsSync(dir)) throw new ConductorError('E_CONFLICT', `${dir} already exists; pick another name or folder`, { field: 'name' });
  const capability = `${name.replace(/-/g, '.')}.run`;
  const files = runtime === 'node' ? nodeFiles(name, capability) : commandFiles(name, capability, options.python);
  // The manifest is checked by the same code that loads it, so a scaffold never starts out invalid.
  const check = parseManifest(JSON.parse(files['plugin.json']!));
  if (!check.ok) throw new Error(`scaffold produced an invalid manifest: ${check.error}`);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text, file.endsWith('.py') || file === 'server.mjs' ? { mode: 0o755 } : {});
  return { dir, files: Object.keys(files) };
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function nodeFiles(name: string, capability: string): Record<string, string> {
  return {
    'plugin.json': json({
      name,
      version: '0.1.0',
      description: `${name}: answers { hello: <name> } (capability ${capability}). Change index.mjs to make it yours.`,
      entry: 'index.mjs',
      capabilities: [capability],
      instances: { min: 1, max: 2 },
      config: { greeting: { type: 'string', default: 'Hello' } },
    }),
    'index.mjs': `/**
 * ${name} — a Conductor plugin. The default export is a plain object; nothing to install.
 * Docs: the README's "Write your first plugin".
 */
export default {
  /** Runs once per instance, before the first request. */
  activate(ctx) {
    ctx.log.info(\`${name} ready (instance \${ctx.plugin.instance})\`);
  },

  /** One request: return a value (or throw). \`ctx.signal\` aborts at the deadline. */
  async handle(payload, ctx) {
    const who = typeof payload?.name === 'string' ? payload.name : 'world';
    // ctx.state is shared by every instance and survives restarts.
    const count = ctx.state ? await ctx.state.increment('greeted') : null;
    return { hello: who, greeting: \`\${ctx.config.greeting}, \${who}!\`, count };
  },

  /** Readiness: 'ok', 'degraded' (less traffic) or 'down' (none). */
  health() {
    return { status: 'ok' };
  },

  deactivate(ctx) {
    ctx?.log?.info('${name} stopping');
  },
};
`,
    'plugin.test.mjs': `// Run with: node --test   (from this folder; needs Node 20+, nothing to install)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import plugin from './index.mjs';

/** A stand-in for the context Conductor passes; enough to test the plugin on its own. */
function fakeContext() {
  const state = new Map();
  return {
    plugin: { name: '${name}', instance: '${name}#test' },
    config: { greeting: 'Hello' },
    env: {},
    log: { debug() {}, info() {}, warn() {}, error() {} },
    state: { async increment(key, by = 1) { const n = (state.get(key) ?? 0) + by; state.set(key, n); return n; } },
    signal: new AbortController().signal,
    capability: '${capability}',
  };
}

test('greets by name and counts', async () => {
  const ctx = fakeContext();
  await plugin.activate?.(ctx);
  assert.deepEqual(await plugin.handle({ name: 'Ada' }, ctx), { hello: 'Ada', greeting: 'Hello, Ada!', count: 1 });
  assert.equal((await plugin.handle({}, ctx)).count, 2);
});

test('is healthy', async () => {
  assert.equal((await plugin.health()).status, 'ok');
});
`,
    'README.md': `# ${name}

A [Conductor](../) plugin (runtime \`node\`). It answers requests for the capability \`${capability}\`.

## Try it

1. Test it on its own: \`node --test\` in this folder.
2. Run it in Conductor: start Conductor with this folder's parent in \`plugins.dirs\` of your config
   (or install it: \`POST /api/v1/commands/plugins:install {"path": "<this folder>"}\`, or the Plugins page).
3. Send a request:

   \`\`\`sh
   curl -s -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
     -d '{"capability":"${capability}","payload":{"name":"Ada"}}' "http://127.0.0.1:$PORT/api/v1/requests"
   \`\`\`

   (\`$PORT\` and \`$TOKEN\` are in \`runtime.json\` in Conductor's data dir:
   \`PORT=$(jq -r .port runtime.json)\`, \`TOKEN=$(jq -r .token runtime.json)\`.)

Edit \`index.mjs\`; with \`--watch-plugins\` Conductor restarts the plugin's instances when you save.
`,
  };
}

function commandFiles(name: string, capability: string, python: boolean): Record<string, string> {
  const server = python ? 'server.py' : 'server.mjs';
  const files: Record<string, string> = {
    'plugin.json': json({
      name,
      version: '0.1.0',
      description: `${name}: a command plugin (an HTTP server on a port Conductor assigns) answering ${capability}.`,
      runtime: 'command',
      capabilities: [capability],
      instances: { min: 1, max: 2 },
      command: {
        exec: python ? 'python3' : 'node',
        args: [server],
        url: 'http://127.0.0.1:{port}/',
        port: 'auto',
        healthUrl: 'http://127.0.0.1:{port}/health',
      },
    }),
    'README.md': `# ${name}

A [Conductor](../) command plugin: any program that serves HTTP on \`127.0.0.1:$PORT\`. Conductor
starts \`${python ? 'python3' : 'node'} ${server}\` with \`PORT\` set, checks \`GET /health\`, and forwards each request for
\`${capability}\` as \`POST /\` with the JSON payload as the body; the JSON answer is the result.

- Test it on its own: \`node --test\` in this folder (starts the server on a free port).
- Run it in Conductor: put this folder's parent in \`plugins.dirs\` of your config, or install it.
`,
    'plugin.test.mjs': `// Run with: node --test   (starts the server on a free port, sends one request)
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { test } from 'node:test';

const freePort = () => new Promise((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); }); });

test('answers a request on its port', async () => {
  const port = await freePort();
  const child = spawn(${JSON.stringify(python ? 'python3' : process.execPath)}, [${JSON.stringify(server)}], { cwd: new URL('.', import.meta.url), env: { ...process.env, PORT: String(port) }, stdio: 'inherit' });
  try {
    let health;
    for (let i = 0; i < 100 && !health?.ok; i++) {
      health = await fetch(\`http://127.0.0.1:\${port}/health\`).catch(() => undefined);
      if (!health?.ok) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(health?.ok, 'the server answers /health');
    const res = await fetch(\`http://127.0.0.1:\${port}/\`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Ada' }) });
    assert.deepEqual(await res.json(), { hello: 'Ada' });
  } finally {
    child.kill();
  }
});
`,
  };
  if (python) {
    files['server.py'] = `#!/usr/bin/env python3
"""${name}: a Conductor command plugin. Serves POST / (the request) and GET /health on 127.0.0.1:$PORT."""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self._send(200 if self.path == "/health" else 404, {"status": "ok"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        payload = json.loads(self.rfile.read(length) or b"null")
        name = payload.get("name", "world") if isinstance(payload, dict) else "world"
        self._send(200, {"hello": name})

    def log_message(self, fmt, *args):
        # Conductor captures stdout/stderr into the plugin's log.
        print("%s %s" % (self.command, self.path), flush=True)


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8080"))
    print("${name} listening on 127.0.0.1:%d" % port, flush=True)
    sys.stdout.flush()
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
`;
  } else {
    files['server.mjs'] = `// ${name}: a Conductor command plugin. Serves POST / (the request) and GET /health on 127.0.0.1:$PORT.
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 8080);
createServer((req, res) => {
  const send = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.method === 'GET') return send(req.url === '/health' ? 200 : 404, { status: 'ok' });
  let text = '';
  req.on('data', (chunk) => (text += chunk));
  req.on('end', () => {
    const payload = text ? JSON.parse(text) : null;
    send(200, { hello: typeof payload?.name === 'string' ? payload.name : 'world' });
  });
}).listen(port, '127.0.0.1', () => console.log(\`${name} listening on 127.0.0.1:\${port}\`));
`;
  }
  return files;
}
