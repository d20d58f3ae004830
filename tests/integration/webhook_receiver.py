#!/usr/bin/env python3
"""webhook_receiver.py — a CRM stand-in for tests/integration/webhooks.sh:
records every POST it receives as one JSON line and checks its signature
on its own (python's hmac module), independently of plateau's code.

Usage: webhook_receiver.py PORTFILE LOGFILE PATH=SECRET...
Listens on 127.0.0.1, port chosen by the kernel, written to PORTFILE.
Paths behave by name: /flaky-* answers 500 the first time, then 200;
/hang-* never answers within plateau's timeout (sleeps 20 s); /gone-*
answers 404; /long-* sends an 8 KB status line with no line end (what
makes a quadratic HTTP parser stall) and holds the connection 3 s;
anything else 200. Stops after 120 s at most.
"""
import hashlib
import hmac
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORTFILE, LOGFILE = sys.argv[1], sys.argv[2]
SECRETS = dict(a.split("=", 1) for a in sys.argv[3:])
SEEN = {}
LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):
        pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n) if n else b""
        ts = self.headers.get("X-Plateau-Timestamp", "")
        sig = self.headers.get("X-Plateau-Signature", "")
        secret = SECRETS.get(self.path, "")
        want = "sha256=" + hmac.new(secret.encode(), ts.encode() + b"." +
                                    body, hashlib.sha256).hexdigest()
        fresh = ts.isdigit() and abs(time.time() - int(ts)) < 300
        try:
            doc = json.loads(body)
        except ValueError:
            doc = None
        with LOCK:
            SEEN[self.path] = SEEN.get(self.path, 0) + 1
            nth = SEEN[self.path]
            rec = {"path": self.path, "nth": nth,
                   "event": self.headers.get("X-Plateau-Event"),
                   "delivery": self.headers.get("X-Plateau-Delivery"),
                   "ctype": self.headers.get("Content-Type"),
                   "sig_ok": bool(secret) and
                   hmac.compare_digest(want, sig) and fresh,
                   "at": time.time(), "body": doc}
            with open(LOGFILE, "a") as f:
                f.write(json.dumps(rec) + "\n")
        if self.path.startswith("/long"):
            self.wfile.write(b"HTTP/1.1 200 " + b"a " * 4096)
            self.wfile.flush()
            time.sleep(3)
            self.close_connection = True
            return
        code = 200
        if self.path.startswith("/flaky") and nth == 1:
            code = 500
        elif self.path.startswith("/gone"):
            code = 404
        elif self.path.startswith("/hang"):
            time.sleep(20)
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()


srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
srv.daemon_threads = True
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
import os  # noqa: E402
os.rename(PORTFILE + ".tmp", PORTFILE)
threading.Timer(120, srv.shutdown).start()
srv.serve_forever()
