#!/usr/bin/env python3
"""prompt_check.py — which prompt a softphone heard: compares the loudness
envelope (RMS of each 20 ms) of what it decoded (a 16-bit mono WAV, e.g.
baresip's sndfile dump) with the envelopes of prompt files.

usage:
  prompt_check.py HEARD PROMPT [OTHER ...]
      PROMPT's envelope is found in HEARD's (best Pearson correlation over
      every offset >= 0.9), and fits better than each OTHER (a prompt of
      another language or reason) by at least 0.1. Only the first 80% of
      each prompt is compared: the call may end (BYE) as its last packets
      are still on their way to the phone.
Prints the figures; exits 1 on failure."""
import math
import struct
import sys
import wave

FRAME = 160   # 20 ms at 8 kHz


def envelope(path):
    with wave.open(path, "rb") as w:
        if w.getsampwidth() != 2 or w.getnchannels() != 1 or \
                w.getframerate() != 8000:
            sys.exit("FAIL %s: want 8 kHz 16-bit mono" % path)
        raw = w.readframes(w.getnframes())
    pcm = struct.unpack("<%dh" % (len(raw) // 2), raw)
    env = []
    for i in range(0, len(pcm) - FRAME + 1, FRAME):
        f = pcm[i:i + FRAME]
        env.append(math.log10(1.0 + math.sqrt(sum(v * v for v in f) / FRAME)))
    return env


def best_fit(heard, prompt):
    prompt = prompt[:len(prompt) * 4 // 5]
    n = len(prompt)
    if n < 10 or len(heard) < n:
        return -1.0
    mp = sum(prompt) / n
    dp = [v - mp for v in prompt]
    sp = math.sqrt(sum(v * v for v in dp))
    best = -1.0
    for off in range(0, len(heard) - n + 1):
        seg = heard[off:off + n]
        ms = sum(seg) / n
        num = 0.0
        ss = 0.0
        for a, b in zip(seg, dp):
            num += (a - ms) * b
            ss += (a - ms) * (a - ms)
        if ss > 0 and sp > 0:
            best = max(best, num / math.sqrt(ss * sp * sp))
    return best


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    heard = envelope(sys.argv[1])
    want = best_fit(heard, envelope(sys.argv[2]))
    good = want >= 0.9
    print("%s %s heard: fit %.3f" % ("ok  " if good else "FAIL",
                                     sys.argv[2].split("/prompts/")[-1],
                                     want))
    for other in sys.argv[3:]:
        f = best_fit(heard, envelope(other))
        ok = f <= want - 0.1
        print("%s %s not heard instead: fit %.3f" %
              ("ok  " if ok else "FAIL", other.split("/prompts/")[-1], f))
        good = good and ok
    sys.exit(0 if good else 1)


main()
