#!/usr/bin/env python3
"""media_probe.py — a caller with its own RTP for the serve tests: it hears
what the server sends and checks the audio itself.

usage:
  media_probe.py call PORT DID CODEC SECONDS TONE_HZ [--prompt WAV]
                 [--tone HZ]
      INVITE DID on 127.0.0.1:PORT offering only CODEC (PCMU or PCMA),
      send a TONE_HZ sine for SECONDS from the 200 on, BYE. Checks:
      every packet received has CODEC's payload type; with --prompt, the
      prompt's samples (G.711-encoded, as the server sends them) appear in
      what was received; with --tone, the received audio of the last half
      of the call is dominated by HZ.
  media_probe.py wav FILE LEFT_HZ RIGHT_HZ
      FILE is an 8 kHz 16-bit stereo WAV whose left channel is dominated by
      LEFT_HZ and right channel by RIGHT_HZ (each with real sound).
Prints one line per check, exits non-zero on the first failure."""
import warnings
warnings.simplefilter("ignore", DeprecationWarning)
import audioop  # noqa: E402 (deprecated in 3.11, present until 3.13)
import math
import random
import socket
import struct
import sys
import time
import wave

PT = {"PCMU": 0, "PCMA": 8}


def fail(msg):
    print("FAIL " + msg)
    sys.exit(1)


def ok(msg):
    print("ok   " + msg)


def encode(pcm, codec):
    return audioop.lin2ulaw(pcm, 2) if codec == "PCMU" else \
        audioop.lin2alaw(pcm, 2)


def decode(data, codec):
    return audioop.ulaw2lin(data, 2) if codec == "PCMU" else \
        audioop.alaw2lin(data, 2)


def tone_share(pcm, hz):
    """Share of the signal's power at hz (Goertzel over the whole
    buffer, normalised by the total power): ~1 for a pure tone."""
    n = len(pcm) // 2
    if n < 160:
        return 0.0, 0.0
    xs = struct.unpack("<%dh" % n, pcm[:2 * n])
    k = 2 * math.cos(2 * math.pi * hz / 8000.0)
    s1 = s2 = 0.0
    total = 0.0
    for x in xs:
        s0 = x + k * s1 - s2
        s2, s1 = s1, s0
        total += x * x
    power = s1 * s1 + s2 * s2 - k * s1 * s2
    rms = math.sqrt(total / n)
    if total == 0:
        return 0.0, 0.0
    return 2 * power / (n * total), rms


def sip_call(port, did, codec, seconds, hz):
    dst = ("127.0.0.1", port)
    sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sip.bind(("127.0.0.1", 0))
    sip.settimeout(10)
    rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rtp.bind(("127.0.0.1", 0))
    lp, mp = sip.getsockname()[1], rtp.getsockname()[1]
    callid = "%x@probe" % random.getrandbits(64)
    tag = "%x" % random.getrandbits(32)
    sdp = ("v=0\r\no=probe 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
           "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
           "m=audio %d RTP/AVP %d\r\na=rtpmap:%d %s/8000\r\n"
           % (mp, PT[codec], PT[codec], codec))

    def req(method, cseq, to, body="", branch=None):
        msg = ("%s sip:%s@127.0.0.1:%d SIP/2.0\r\n"
               "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=%s\r\n"
               "Max-Forwards: 70\r\n"
               "From: <sip:0600probe@127.0.0.1>;tag=%s\r\n"
               "To: %s\r\nCall-ID: %s\r\nCSeq: %d %s\r\n"
               "Contact: <sip:probe@127.0.0.1:%d>\r\n%s"
               "Content-Length: %d\r\n\r\n%s"
               % (method, did, port, lp,
                  branch or "z9hG4bK%x" % random.getrandbits(48), tag, to,
                  callid, cseq, method, lp,
                  "Content-Type: application/sdp\r\n" if body else "",
                  len(body), body))
        sip.sendto(msg.encode(), dst)

    to = "<sip:%s@127.0.0.1>" % did
    req("INVITE", 1, to, sdp)
    deadline = time.time() + 10
    answer = None
    while time.time() < deadline:
        data = sip.recv(65535).decode(errors="replace")
        status = int(data.split(" ", 2)[1])
        if status >= 200:
            answer = data
            break
    if not answer or not answer.startswith("SIP/2.0 200"):
        fail("INVITE answered: %s" % (answer or "nothing").split("\r\n")[0])
    head, _, body = answer.partition("\r\n\r\n")
    to = [h for h in head.split("\r\n") if h.lower().startswith("to:")][0]
    to = to.split(":", 1)[1].strip()
    rport = int([ln for ln in body.split("\r\n")
                 if ln.startswith("m=audio")][0].split()[1])
    req("ACK", 1, to)

    # send a tone, 20 ms packets on an absolute schedule; read all along
    rtp.setblocking(False)
    ssrc = random.getrandbits(32)
    seq = random.getrandbits(16)
    ts = random.getrandbits(32)
    got = []   # (seconds since 200, pt, payload)
    t0 = time.time()
    n = 0
    while True:
        now = time.time()
        if now - t0 >= seconds:
            break
        if now >= t0 + n * 0.02:
            pcm = b"".join(struct.pack(
                "<h", int(8000 * math.sin(2 * math.pi * hz *
                                          (n * 160 + i) / 8000.0)))
                for i in range(160))
            pkt = struct.pack("!BBHII", 0x80, PT[codec], seq & 0xffff,
                              ts & 0xffffffff, ssrc) + encode(pcm, codec)
            rtp.sendto(pkt, ("127.0.0.1", rport))
            seq += 1
            ts += 160
            n += 1
        try:
            while True:
                data = rtp.recv(2048)
                if len(data) >= 12:
                    got.append((time.time() - t0, data[1] & 0x7f,
                                data[12:]))
        except BlockingIOError:
            pass
        time.sleep(0.002)
    req("BYE", 2, to)
    try:
        sip.recv(65535)
    except socket.timeout:
        pass
    return got, n


def cmd_call(args):
    port, did, codec = int(args[0]), args[1], args[2]
    seconds, hz = float(args[3]), float(args[4])
    prompt = tone = None
    rest = args[5:]
    while rest:
        if rest[0] == "--prompt":
            prompt = rest[1]
        elif rest[0] == "--tone":
            tone = float(rest[1])
        rest = rest[2:]
    got, sent = sip_call(port, did, codec, seconds, hz)
    print("  sent %d packets, received %d" % (sent, len(got)))
    if len(got) < seconds * 50 * 0.8:
        fail("received %d packets in %.1f s" % (len(got), seconds))
    pts = sorted(set(p for _, p, _ in got))
    if pts != [PT[codec]]:
        fail("payload types received %s, want only %d (%s)"
             % (pts, PT[codec], codec))
    ok("%d packets received, all %s" % (len(got), codec))
    stream = b"".join(p for _, _, p in got)
    if prompt:
        with wave.open(prompt) as w:
            pcm = w.readframes(w.getnframes())
        # The player sends the file in 20 ms frames from its first sample:
        # five consecutive frames from the middle of the prompt must each
        # match one received packet, in a row (G.711 coders differ in
        # rounding, so compare decoded samples, not bytes).
        frames = [pcm[i:i + 320] for i in range(0, len(pcm) - 319, 320)]
        mid = len(frames) // 2
        want = frames[mid:mid + 5]
        heard = [decode(p, codec) for _, _, p in got]

        def close(a, b):
            if len(a) != len(b):
                return False
            xa = struct.unpack("<160h", a)
            xb = struct.unpack("<160h", b)
            num = sum(x * y for x, y in zip(xa, xb))
            den = math.sqrt(sum(x * x for x in xa) *
                            sum(y * y for y in xb))
            return den > 0 and num / den > 0.99
        found = any(all(close(heard[i + j], want[j]) for j in range(5))
                    for i in range(len(heard) - 5))
        if len(want) < 5 or not found:
            fail("the prompt %s is not in what the caller heard" % prompt)
        ok("the caller heard the prompt %s (100 ms from its middle)"
           % "/".join(prompt.split("/")[-2:]))
    if tone:
        late = b"".join(p for t, _, p in got if t >= seconds / 2)
        share, rms = tone_share(decode(late, codec), tone)
        print("  %g Hz share %.2f, rms %.0f" % (tone, share, rms))
        if share < 0.6 or rms < 300:
            fail("the last half is not dominated by %g Hz" % tone)
        ok("the caller heard the other side's %g Hz tone" % tone)


def cmd_wav(args):
    path, lhz, rhz = args[0], float(args[1]), float(args[2])
    with wave.open(path) as w:
        if w.getnchannels() != 2 or w.getframerate() != 8000 or \
           w.getsampwidth() != 2:
            fail("%s: %d channels %d Hz %d bytes, want stereo 8000 16-bit"
                 % (path, w.getnchannels(), w.getframerate(),
                    w.getsampwidth()))
        frames = w.readframes(w.getnframes())
    left = audioop.tomono(frames, 2, 1, 0)
    right = audioop.tomono(frames, 2, 0, 1)
    for name, pcm, hz, other in (("left (caller)", left, lhz, rhz),
                                 ("right (agent)", right, rhz, lhz)):
        share, rms = tone_share(pcm, hz)
        oshare, _ = tone_share(pcm, other)
        print("  %s: %g Hz share %.2f, %g Hz share %.2f, rms %.0f"
              % (name, hz, share, other, oshare, rms))
        if share < 0.5 or oshare > 0.1 or rms < 300:
            fail("%s channel is not the %g Hz side" % (name, hz))
        ok("recording %s channel carries %g Hz, not %g Hz"
           % (name, hz, other))


if __name__ == "__main__":
    if len(sys.argv) >= 7 and sys.argv[1] == "call":
        cmd_call(sys.argv[2:])
    elif len(sys.argv) == 5 and sys.argv[1] == "wav":
        cmd_wav(sys.argv[2:])
    else:
        print(__doc__)
        sys.exit(2)
