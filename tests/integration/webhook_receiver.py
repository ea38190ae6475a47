#!/usr/bin/env python3
"""A webhook receiver for cli_alerts_test: answers 500 to the first --fail POSTs, then 200.
Each POST is appended to --log as one JSON line (headers, body, and whether
X-Decnet-Signature is the HMAC-SHA256 of "<X-Decnet-Timestamp>.<body>" under --secret,
recomputed here independently of decnet)."""
import argparse
import hashlib
import hmac
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("--host", required=True)
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--secret", default="")
parser.add_argument("--fail", type=int, default=0)
parser.add_argument("--log", required=True)
args = parser.parse_args()
seen = 0


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        global seen
        length = min(int(self.headers.get("Content-Length", "0")), 1 << 20)
        body = self.rfile.read(length)
        seen += 1
        timestamp = self.headers.get("X-Decnet-Timestamp", "")
        expected = "sha256=" + hmac.new(args.secret.encode(), timestamp.encode() + b"." + body,
                                        hashlib.sha256).hexdigest()
        record = {
            "n": seen,
            "path": self.path,
            "headers": {k: v for k, v in self.headers.items()},
            "body": body.decode("utf-8", "replace"),
            "signature_ok": hmac.compare_digest(expected,
                                                self.headers.get("X-Decnet-Signature", "")),
        }
        with open(args.log, "a") as log:
            log.write(json.dumps(record) + "\n")
        status = 500 if seen <= args.fail else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_):
        pass


server = HTTPServer((args.host, args.port), Handler)
print("listening", flush=True)
sys.stdout.flush()
server.serve_forever()
