"""py-greeter: the smallest Conductor command plugin.

Conductor starts it with PORT set, checks GET /health, and POSTs each request's JSON payload to /.
The JSON answer is the result; an NDJSON answer (one JSON value per line) is streamed.
"""
import json
import os
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.reply(200 if self.path == "/health" else 404, {"status": "ok"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        payload = json.loads(self.rfile.read(length) or b"null")
        if not isinstance(payload, dict):
            payload = {}
        name = str(payload.get("name", "world"))
        if payload.get("fail"):
            self.reply(500, {"error": {"message": "asked to fail"}})
            return
        if payload.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "application/x-ndjson")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for word in ["Hello", name, "from", "Python"]:
                line = (json.dumps({"token": word}) + "\n").encode()
                self.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
                self.wfile.flush()
                time.sleep(float(payload.get("delay", 0.05)))
            self.wfile.write(b"0\r\n\r\n")
            return
        self.reply(200, {"greeting": "Hello, %s!" % name, "pid": os.getpid()})

    def log_message(self, fmt, *args):
        print("%s %s" % (self.command, self.path), flush=True)


if __name__ == "__main__":
    port = int(os.environ["PORT"])
    print("py-greeter listening on 127.0.0.1:%d" % port, flush=True)
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
