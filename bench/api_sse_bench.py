#!/usr/bin/env python3
"""api_sse_bench.py — event-stream fan-out of `plateau serve --http`:
N clients on GET /api/v1/events while one connection forces every agent
to pause, then to log out (two agent-state events per agent). Prints the
events made, the deliveries to all clients, and deliveries per second
from the first action to the last delivery.
Usage: api_sse_bench.py BASE_URL TOKEN CLIENTS SECONDS_MAX"""
import selectors
import socket
import sys
import threading
import time
import urllib.parse

base, token, n, tmax = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]) * 3
u = urllib.parse.urlsplit(base)
addr = (u.hostname, u.port)
sel = selectors.DefaultSelector()
counts = {}
for i in range(n):
    s = socket.create_connection(addr)
    s.sendall(("GET /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: "
               "Bearer %s\r\n\r\n" % token).encode())
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ, i)
    counts[i] = 0
time.sleep(0.5)
tail = {i: b"" for i in range(n)}


state = {"base": None, "made": 0}


def done():
    b = state["base"]
    return b is not None and state["made"] and \
        all(counts[i] - b[i] >= state["made"] for i in counts)


def drain(until):
    while time.time() < until:
        for key, _ in sel.select(timeout=0.2):
            try:
                d = key.fileobj.recv(1 << 20)
            except BlockingIOError:
                continue
            if not d:
                sel.unregister(key.fileobj)
                continue
            buf = tail[key.data] + d
            counts[key.data] += buf.count(b"\nid: ") + buf.startswith(b"id: ")
            tail[key.data] = buf[-8:]
        if done():
            return time.time()
    return None


drain(time.time() + 0.5)           # headers, retry line, old events
state["base"] = dict(counts)
agents = ["a%04d" % i for i in range(1000)]
sent = {"n": 0, "t1": 0.0}


def driver():
    c = socket.create_connection(addr)
    f = c.makefile("rb")
    for action in ("pause", "logout"):
        for a in agents:
            body = b'{"reason":"break"}' if action == "pause" else b"{}"
            c.sendall(("POST /api/v1/agents/%s/%s HTTP/1.1\r\nHost: x\r\n"
                       "Authorization: Bearer %s\r\nContent-Length: %d\r\n\r\n"
                       % (a, action, token, len(body))).encode() + body)
            length = 0
            while True:
                line = f.readline()
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
                if line in (b"\r\n", b""):
                    break
            f.read(length)
            sent["n"] += 1
    sent["t1"] = time.time()
    c.close()


made = 2 * len(agents)
t0 = time.time()
th = threading.Thread(target=driver)
th.start()
while th.is_alive():
    drain(time.time() + 0.1)
state["made"] = made
end = drain(time.time() + tmax) or time.time()
for i in counts:
    counts[i] -= state["base"][i]
total = sum(counts.values())
el = end - t0
print("actions: %d in %.2f s (%.0f/s, the reference: what one API connection "
      "feeds)" % (sent["n"], sent["t1"] - t0, sent["n"] / max(sent["t1"] - t0, 1e-9)))
print("events made: %d; delivered: %d to %d clients (min per client %d, "
      "expected %d each)" % (made, total, n, min(counts.values()), made))
print("fan-out: %.0f events/s delivered in all over %.2f s (%.0f events/s "
      "per client)" % (total / el, el, total / el / n))
