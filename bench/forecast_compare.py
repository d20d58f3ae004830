#!/usr/bin/env python3
"""forecast_compare.py — synthetic call history of a Casablanca French-language
center, and a comparison of `plateau forecast` methods on held-out weeks.

  bench/forecast_compare.py generate [--start D] [--weeks N] [--seed S]
      writes the history CSV (interval_start,queue,calls,aht_s) to stdout.
  bench/forecast_compare.py compare [--seed S] [--holdout K]
      generates 52 weeks, runs ./build/plateau forecast --format json on
      them for two scenarios and prints MAPE/WAPE/bias by method.

The model (fixed seed, pure Python, no third-party modules):
  * queues: fr-telecom (French telecom customer care, ~6000 calls on a
    Wednesday at the start) and fr-banque (bank, ~1500 a day, closed
    Saturday afternoon), site time (Africa/Casablanca wall clock);
  * open Monday to Saturday 08:00-20:00 (fr-banque Saturday 09:00-13:00),
    Sunday closed; 30-minute intervals;
  * intraday shape: peaks near 10:00 and 15:00, a lunch dip near 13:00;
  * day of week: Mon 1.18, Tue 1.06, Wed 1.00, Thu 0.97, Fri 0.93,
    Sat 0.52 of a Wednesday;
  * growth 20 % a year, exponential, day by day;
  * French public holidays (the callers are in France): volume x 0.25;
  * a day-level factor, lognormal with sigma 0.04 (weather, incidents);
  * Poisson arrivals in each interval; AHT per interval = mean of the
    calls' handle times (base 330 s / 420 s, +8 % in the evening).
"""
import argparse
import datetime as dt
import json
import math
import os
import random
import subprocess
import sys
import tempfile

HOLIDAYS = {  # French public holidays, 2025-2027
    "2025-11-01", "2025-11-11", "2025-12-25", "2026-01-01", "2026-04-06",
    "2026-05-01", "2026-05-08", "2026-05-14", "2026-05-25", "2026-07-14",
    "2026-08-15", "2026-11-01", "2026-11-11", "2026-12-25", "2027-01-01",
    "2027-03-29", "2027-05-01", "2027-05-06", "2027-05-08", "2027-05-17",
    "2027-07-14", "2027-08-15", "2027-11-01", "2027-11-11", "2027-12-25",
}
DOW = [1.18, 1.06, 1.00, 0.97, 0.93, 0.52, 0.0]
QUEUES = [
    # name, calls on a Wednesday at start, base AHT s, Saturday hours
    ("fr-telecom", 6000.0, 330.0, (8.0, 20.0)),
    ("fr-banque", 1500.0, 420.0, (9.0, 13.0)),
]


def shape(h):
    """Relative arrival rate at hour of day h (slot centre)."""
    return (0.30 + 1.00 * math.exp(-0.5 * ((h - 10.25) / 1.25) ** 2)
            + 0.80 * math.exp(-0.5 * ((h - 15.0) / 1.6) ** 2)
            - 0.15 * math.exp(-0.5 * ((h - 13.0) / 0.5) ** 2))


def poisson(rng, lam):
    """Poisson(lam) by Knuth's product of uniforms, in pieces of <= 400
    so that exp(-piece) never underflows."""
    n = 0
    while lam > 0:
        piece = min(lam, 400.0)
        lam -= piece
        limit = math.exp(-piece)
        p = rng.random()
        while p > limit:
            n += 1
            p *= rng.random()
    return n


def generate(start, weeks, seed, out, expect=None):
    """Writes the history CSV to out; if expect is a dict, also fills
    expect[(interval_start, queue)] with the expected count before the
    unforecastable noise (day factor and Poisson)."""
    rng = random.Random(seed)
    day0 = dt.date.fromisoformat(start)
    if day0.weekday() != 0:
        sys.exit("--start must be a Monday")
    out.write("interval_start,queue,calls,aht_s\n")
    for name, per_day, aht0, sat in QUEUES:
        # Weight of the Wednesday shape, so that a Wednesday sums to per_day.
        wsum = sum(shape(8.25 + 0.5 * k) for k in range(24))
        for d in range(weeks * 7):
            day = day0 + dt.timedelta(days=d)
            dow = day.weekday()
            if DOW[dow] == 0:
                continue
            growth = 1.2 ** (d / 365.25)
            mean = DOW[dow] * growth
            if day.isoformat() in HOLIDAYS:
                mean *= 0.25
            factor = mean * math.exp(rng.gauss(0, 0.04))
            lo, hi = (8.0, 20.0) if dow < 5 else sat
            for k in range(48):
                h = k / 2.0
                if h < lo or h >= hi:
                    continue
                lam = per_day * factor * shape(h + 0.25) / wsum
                n = poisson(rng, lam)
                if expect is not None:
                    key = "%sT%02d:%02d" % (day.isoformat(), int(h),
                                            30 * (k % 2))
                    expect[(key, name)] = (
                        per_day * mean * shape(h + 0.25) / wsum, n)
                if n:
                    evening = 1.08 if h >= 18 else 1.0
                    # Mean of n handle times with a 60 % coefficient of
                    # variation: sd of the mean is 0.6 * mean / sqrt(n).
                    sd = 0.6 / math.sqrt(n)
                    aht = aht0 * evening * (1 + rng.gauss(0, sd))
                    aht = min(max(aht, 30.0), 3600.0)
                    out.write("%sT%02d:%02d,%s,%d,%d\n" % (
                        day.isoformat(), int(h), 30 * (k % 2), name, n,
                        round(aht)))
                else:
                    out.write("%sT%02d:%02d,%s,0,\n" % (
                        day.isoformat(), int(h), 30 * (k % 2), name))


def run_plateau(path, holdout):
    cmd = ["./build/plateau", "forecast", "--history", path, "--weeks", "4",
           "--holdout", str(holdout), "--format", "json"]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return cmd, json.loads(res.stdout)


def compare(seed, holdout):
    scenarios = [
        ("52 weeks 2025-10-27..2026-10-25, holdout has no holiday",
         "2025-10-27", 52),
        ("52 weeks 2025-11-24..2026-11-22, holdout has 11 Nov (Wed)",
         "2025-11-24", 52),
    ]
    for title, start, weeks in scenarios:
        expect = {}
        with tempfile.NamedTemporaryFile("w", suffix=".csv",
                                         delete=False) as f:
            generate(start, weeks, seed, f, expect)
            path = f.name
        try:
            cmd, out = run_plateau(path, holdout)
        finally:
            os.unlink(path)
        # The floor: the model's own expected counts, which know the
        # trend, the season and the holidays but not the day-level factor
        # or the Poisson draw.
        cut = (dt.date.fromisoformat(start)
               + dt.timedelta(weeks=weeks - holdout)).isoformat()
        print("## %s (seed %d, last %d weeks held out)" % (title, seed,
                                                            holdout))
        print()
        print("```sh")
        print("bench/forecast_compare.py generate --start %s --weeks %d "
              "--seed %d > h.csv" % (start, weeks, seed))
        print(" ".join(cmd[:2] + ["--history", "h.csv"] + cmd[4:]))
        print("```")
        print()
        print("| queue | method | MAPE % | WAPE % | bias % |")
        print("|---|---|---:|---:|---:|")
        for q in out["queues"]:
            for m, e in q["backtest"].items():
                star = " (auto)" if m == q["method"] else ""
                print("| %s | %s%s | %.2f | %.2f | %+.2f |" % (
                    q["queue"], m, star, e["mape"], e["wape"], e["bias"]))
            ape = absum = asum = esum = 0.0
            napes = 0
            for (t, name), (lam, n) in expect.items():
                if name != q["queue"] or t < cut:
                    continue
                absum += abs(lam - n)
                esum += lam - n
                asum += n
                if n >= 1:
                    ape += abs(lam - n) / n
                    napes += 1
            print("| %s | *floor: true mean* | %.2f | %.2f | %+.2f |" % (
                q["queue"], 100 * ape / napes, 100 * absum / asum,
                100 * esum / asum))
        print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--start", default="2025-10-27")
    g.add_argument("--weeks", type=int, default=52)
    g.add_argument("--seed", type=int, default=2026)
    c = sub.add_parser("compare")
    c.add_argument("--seed", type=int, default=2026)
    c.add_argument("--holdout", type=int, default=4)
    a = ap.parse_args()
    if a.cmd == "generate":
        if a.weeks < 1 or a.weeks > 520:
            sys.exit("--weeks must be 1..520")
        generate(a.start, a.weeks, a.seed, sys.stdout)
    else:
        compare(a.seed, a.holdout)


if __name__ == "__main__":
    main()
