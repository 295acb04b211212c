#!/bin/sh
# Runs the Python server when python3 is here, else the same server in Node.
cd "$(dirname "$0")"
if command -v python3 >/dev/null 2>&1; then exec python3 -u server.py; fi
exec node server.mjs
