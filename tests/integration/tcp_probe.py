#!/usr/bin/env python3
"""tcp_probe.py — SIP over TCP against `plateau serve` (loopback): bad
streams that the guard must cut off, good ones it must pass whole.

    tcp_probe.py PORT CASE      prints "ok ..." and exits 0, or fails

Cases: noline (32 KB of first line), big (Content-Length 100000),
slow (a message trickled one byte per read), split (one OPTIONS in three
pieces), pipelined (two OPTIONS in one send), options (one OPTIONS, the
answer within 2 s), flood-then-options (noline on 4 connections at once,
then an OPTIONS answered within 2 s)."""
import random
import socket
import sys
import time

PORT = int(sys.argv[1])
DST = ("127.0.0.1", PORT)


def fail(msg):
    print("FAIL " + msg)
    sys.exit(1)


def conn():
    s = socket.create_connection(DST, timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def options(s):
    lp = s.getsockname()[1]
    return ("OPTIONS sip:probe@127.0.0.1:%d SIP/2.0\r\n"
            "Via: SIP/2.0/TCP 127.0.0.1:%d;branch=z9hG4bK%x\r\n"
            "Max-Forwards: 70\r\n"
            "From: <sip:probe@127.0.0.1>;tag=%x\r\n"
            "To: <sip:probe@127.0.0.1>\r\n"
            "Call-ID: %x@tcp\r\nCSeq: 1 OPTIONS\r\n"
            "Content-Length: 0\r\n\r\n" %
            (PORT, lp, random.getrandbits(48), random.getrandbits(32),
             random.getrandbits(64))).encode()


def answers(s, n, timeout):
    """Reads until n final answers arrived; returns their first lines."""
    s.settimeout(0.2)
    buf = b""
    end = time.time() + timeout
    while time.time() < end and buf.count(b"SIP/2.0 200") < n:
        try:
            d = s.recv(65536)
        except socket.timeout:
            continue
        if not d:
            break
        buf += d
    return [l for l in buf.decode("latin-1").split("\r\n")
            if l.startswith("SIP/2.0 ")]


def closed_within(s, timeout):
    """True when the server closes the connection within timeout s."""
    s.settimeout(0.2)
    end = time.time() + timeout
    while time.time() < end:
        try:
            d = s.recv(65536)
        except socket.timeout:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return True
        if not d:
            return True
    return False


def send_all(s, data):
    try:
        s.sendall(data)
    except (ConnectionResetError, BrokenPipeError):
        pass


def noline(s):
    # 32 KB of first line, then the end of the headers: libre 1.1.0 would
    # parse that line in quadratic time (seconds); the guard cuts at 512
    send_all(s, b"OPTIONS " + b"a " * 16000 + b"\r\n\r\n")


def case_options():
    s = conn()
    t0 = time.time()
    s.sendall(options(s))
    a = answers(s, 1, 2.0)
    dt = time.time() - t0
    if not a or not a[0].startswith("SIP/2.0 200"):
        fail("OPTIONS over TCP: no 200 within 2 s (%r)" % a)
    print("ok   OPTIONS over TCP answered in %.0f ms" % (dt * 1000))


case = sys.argv[2]
if case == "noline":
    s = conn()
    noline(s)
    if not closed_within(s, 3.0):
        fail("32 KB first line: connection not closed")
    print("ok   32 KB first line: closed")
elif case == "big":
    s = conn()
    m = options(s).replace(b"Content-Length: 0", b"Content-Length: 100000")
    send_all(s, m + b"x" * 20000)
    if not closed_within(s, 3.0):
        fail("Content-Length 100000: connection not closed")
    print("ok   oversized message: closed")
elif case == "slow":
    s = conn()
    m = options(s)
    closed = False
    for i in range(len(m)):
        try:
            s.send(m[i:i + 1])
        except (ConnectionResetError, BrokenPipeError):
            closed = True
            break
        time.sleep(0.004)
    if not closed and not closed_within(s, 3.0):
        fail("trickled message: connection not closed")
    print("ok   trickled message (one byte per read): closed")
elif case == "split":
    s = conn()
    m = options(s)
    for part in (m[:5], m[5:100], m[100:]):
        s.sendall(part)
        time.sleep(0.05)
    a = answers(s, 1, 2.0)
    if len(a) != 1 or not a[0].startswith("SIP/2.0 200"):
        fail("OPTIONS in three pieces: %r" % a)
    print("ok   OPTIONS in three pieces: one 200")
elif case == "pipelined":
    s = conn()
    s.sendall(b"\r\n\r\n" + options(s) + options(s))
    a = answers(s, 2, 2.0)
    if len(a) != 2 or not all(x.startswith("SIP/2.0 200") for x in a):
        fail("two OPTIONS in one send: %r" % a)
    print("ok   two OPTIONS in one send (after a keep-alive): two 200s")
elif case == "options":
    case_options()
elif case == "flood-then-options":
    ss = [conn() for _ in range(4)]
    for s in ss:
        noline(s)
    case_options()
else:
    fail("unknown case " + case)
