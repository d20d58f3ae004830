#!/usr/bin/env python3
"""rtp_stray.py — a caller behind NAT, and a stranger, for serve_strict.sh.

usage: rtp_stray.py SIP_PORT DID SERVER_LOG RTP_MIN RTP_MAX STRAYS

The caller's SDP names one port (the address inside its NAT) but its RTP
goes out of another (the NAT's mapping). It sends PCMU every 20 ms for
4 s; once the server logs the call's `event=connect`, a stranger sends
STRAYS packets, in sequence, to every even port of RTP_MIN..RTP_MAX (the
call's legs among them). Then BYE. Prints key=value counts:
  sent=      packets the caller sent
  nat_rx=    packets the server sent to the caller's real source
  sdp_rx=    packets the server sent to the SDP port (before learning)
  stray_rx=  packets the server sent to the stranger (a hijack)
  stray_tx=  packets the stranger sent to each port
Exits non-zero if the call cannot be set up or torn down (bounded: every
wait has a timeout)."""
import random
import re
import socket
import struct
import sys
import time

SIP_PORT, DID, LOG = int(sys.argv[1]), sys.argv[2], sys.argv[3]
RTP_MIN, RTP_MAX, STRAYS = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
DST = ("127.0.0.1", SIP_PORT)
CALL_S = 4.0


def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    return s


sip, sdp_sock, nat, stranger = udp(), udp(), udp(), udp()
sip.settimeout(5.0)
for s in (sdp_sock, nat, stranger):
    s.setblocking(False)
lsip = sip.getsockname()[1]
callid = "%x@stray" % random.getrandbits(64)
ftag = "%x" % random.getrandbits(32)


def req(method, cseq, to_tag="", body=b"", ctype=""):
    hdr = ("%s sip:%s@127.0.0.1:%d SIP/2.0\r\n"
           "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK%x\r\n"
           "Max-Forwards: 70\r\n"
           "From: <sip:0661999@127.0.0.1>;tag=%s\r\n"
           "To: <sip:%s@127.0.0.1>%s\r\n"
           "Call-ID: %s\r\n"
           "CSeq: %d %s\r\n"
           "Contact: <sip:caller@127.0.0.1:%d>\r\n"
           "%s"
           "Content-Length: %d\r\n\r\n" %
           (method, DID, SIP_PORT, lsip, random.getrandbits(48), ftag,
            DID, ";tag=" + to_tag if to_tag else "", callid, cseq,
            method, lsip, "Content-Type: %s\r\n" % ctype if ctype else "",
            len(body)))
    sip.sendto(hdr.encode() + body, DST)


def final(method):
    """Reads answers until a final one to METHOD (bounded by timeouts)."""
    while True:
        data = sip.recvfrom(65535)[0].decode(errors="replace")
        if not re.search(r"^CSeq:\s*\d+\s+%s" % method, data, re.M | re.I):
            continue
        code = int(data.split(" ", 2)[1])
        if code >= 200:
            return code, data


sdp = ("v=0\r\no=caller 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
       "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio %d RTP/AVP 0\r\n"
       "a=rtpmap:0 PCMU/8000\r\n" % sdp_sock.getsockname()[1]).encode()
req("INVITE", 1, body=sdp, ctype="application/sdp")
code, ans = final("INVITE")
if code != 200:
    sys.exit("INVITE answered %d" % code)
to_tag = re.search(r"^To:.*;tag=([^;\s]+)", ans, re.M | re.I).group(1)
port = int(re.search(r"^m=audio (\d+)", ans, re.M).group(1))
req("ACK", 1, to_tag)

counts = {"sent": 0, "nat_rx": 0, "sdp_rx": 0, "stray_rx": 0,
          "stray_tx": 0}
socks = {"nat_rx": nat, "sdp_rx": sdp_sock, "stray_rx": stranger}
payload = b"\xff" * 160
seq, ts, ssrc = random.getrandbits(16), random.getrandbits(32), 0x4e415421
start = time.monotonic()
injected = False
while time.monotonic() - start < CALL_S:
    pkt = struct.pack("!BBHII", 0x80, 0, seq, ts, ssrc) + payload
    nat.sendto(pkt, ("127.0.0.1", port))
    counts["sent"] += 1
    seq, ts = (seq + 1) & 0xffff, (ts + 160) & 0xffffffff
    if not injected and time.monotonic() - start > 1.0 and \
            re.search(r"event=connect call=", open(LOG).read()):
        # the stranger: in sequence, as a real stream would be
        for i in range(STRAYS):
            for p in range(RTP_MIN + RTP_MIN % 2, RTP_MAX + 1, 2):
                stranger.sendto(struct.pack("!BBHII", 0x80, 0, i, i * 160,
                                            0x5354) + payload,
                                ("127.0.0.1", p))
        counts["stray_tx"] = STRAYS
        injected = True
    time.sleep(0.02)
    for k, s in socks.items():
        while True:
            try:
                s.recv(2048)
            except BlockingIOError:
                break
            counts[k] += 1
if not injected:
    sys.exit("no event=connect in the server log")
req("BYE", 2, to_tag)
code, _ = final("BYE")
time.sleep(0.2)
for k, s in socks.items():
    while True:
        try:
            s.recv(2048)
        except BlockingIOError:
            break
        counts[k] += 1
print(" ".join("%s=%d" % kv for kv in counts.items()))
sys.exit(0 if code == 200 else 1)
