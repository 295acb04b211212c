// py-greeter's server in Node, for machines without python3 (same HTTP answers as server.py).
import { createServer } from 'node:http';

const port = Number(process.env.PORT);
createServer((req, res) => {
  const reply = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.method === 'GET') return reply(req.url === '/health' ? 200 : 404, { status: 'ok' });
  let text = '';
  req.on('data', (chunk) => (text += chunk));
  req.on('end', async () => {
    let payload = null;
    try {
      payload = JSON.parse(text || 'null');
    } catch {}
    if (!payload || typeof payload !== 'object') payload = {};
    const name = String(payload.name ?? 'world');
    if (payload.fail) return reply(500, { error: { message: 'asked to fail' } });
    if (payload.stream) {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      for (const word of ['Hello', name, 'from', 'Node']) {
        res.write(`${JSON.stringify({ token: word })}\n`);
        await new Promise((r) => setTimeout(r, Number(payload.delay ?? 0.05) * 1000));
      }
      return res.end();
    }
    reply(200, { greeting: `Hello, ${name}!`, pid: process.pid });
  });
}).listen(port, '127.0.0.1', () => console.log(`py-greeter listening on 127.0.0.1:${port}`));
