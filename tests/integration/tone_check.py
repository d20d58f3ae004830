#!/usr/bin/env python3
"""tone_check.py — what a softphone heard: checks for sine tones in a
16-bit mono WAV (baresip's sndfile dump of the audio it decoded).

usage:
  tone_check.py FILE [+HZ | -HZ | =HZ+HZ] ...
      +HZ   some 200 ms window holds the tone HZ with at least 20% of the
            window's energy (and the window is not silence)
      -HZ   no window holds more than 1% of its energy at HZ (silent
            windows count as holding nothing)
      =A+B  some window holds both A and B, each with >= 10% of its energy
Energy at HZ is measured with the Goertzel algorithm over the window, as a
share of the window's total energy. Prints one line per check with the
figures, exits 1 if any fails."""
import math
import struct
import sys
import wave

WIN = 1600        # samples per window: 200 ms at 8 kHz
SILENCE = 1e5     # mean square below this: a silent window


def read(path):
    with wave.open(path, "rb") as w:
        if w.getsampwidth() != 2 or w.getnchannels() != 1:
            sys.exit("FAIL %s: want 16-bit mono" % path)
        rate = w.getframerate()
        raw = w.readframes(w.getnframes())
    return rate, struct.unpack("<%dh" % (len(raw) // 2), raw)


def share(x, hz, rate):
    """Share of the window's energy at hz (0..1), and its mean square."""
    k = 2.0 * math.cos(2.0 * math.pi * hz / rate)
    s1 = s2 = 0.0
    total = 0.0
    for v in x:
        s0 = v + k * s1 - s2
        s2 = s1
        s1 = s0
        total += v * v
    power = s1 * s1 + s2 * s2 - k * s1 * s2
    n = len(x)
    ms = total / n
    if total <= 0:
        return 0.0, 0.0
    # a pure sine of amplitude A gives power ~ (A n / 2)^2, energy A^2 n/2
    return min(1.0, 2.0 * power / (n * total)), ms


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    path = sys.argv[1]
    rate, pcm = read(path)
    wins = [pcm[i:i + WIN] for i in range(0, len(pcm) - WIN + 1, WIN)]
    bad = 0
    for spec in sys.argv[2:]:
        op = spec[0]
        hzs = [float(h) for h in spec[1:].split("+")]
        best = 0.0
        for w in wins:
            shares = []
            for hz in hzs:
                sh, ms = share(w, hz, rate)
                shares.append(sh if ms >= SILENCE else 0.0)
            best = max(best, min(shares))
        if op == "+":
            good = best >= 0.20
        elif op == "-":
            good = best <= 0.01
        elif op == "=":
            good = best >= 0.10
        else:
            sys.exit("FAIL bad check %s" % spec)
        print("%s %s %s: best window share %.3f (%d windows)" %
              ("ok  " if good else "FAIL", path.split("/")[-1][-40:],
               spec, best, len(wins)))
        bad += 0 if good else 1
    sys.exit(1 if bad else 0)


main()
