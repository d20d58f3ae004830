#!/bin/sh
# Drives `plateau forecast` and `plateau plan` on generated files: output
# formats, round trips, charts, and exit 2 with one line on bad input.
# Last line: "N passed, N failed".
cd "$(dirname "$0")/../.."
P=./build/plateau
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

ok() {
	echo "ok   $1"
	pass=$((pass + 1))
}

bad() {
	echo "FAIL $1"
	fail=$((fail + 1))
}

# check NAME COMMAND...: the command must succeed.
check() {
	name=$1
	shift
	if "$@" >"$tmp/out" 2>"$tmp/err"; then
		ok "$name"
	else
		bad "$name (exit $?): $(head -3 "$tmp/err")"
	fi
}

# usage_error NAME PATTERN ARGS...: exit 2, one line on stderr matching
# PATTERN, nothing on stdout.
usage_error() {
	name=$1
	pat=$2
	shift 2
	"$P" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
	   grep -q -e "$pat" "$tmp/err" && [ ! -s "$tmp/out" ]; then
		ok "$name"
	else
		bad "$name: exit $rc, stderr: $(head -2 "$tmp/err")"
	fi
}

# ---- forecast ----------------------------------------------------------

python3 bench/forecast_compare.py generate --start 2026-09-28 --weeks 10 \
	--seed 7 >"$tmp/h.csv" || { echo "0 passed, 1 failed"; exit 1; }

check "forecast --help" "$P" forecast --help
grep -q -e '--history' "$tmp/out" || bad "forecast --help names --history"

check "forecast csv" "$P" forecast --history "$tmp/h.csv" --weeks 3 \
	--format csv
cp "$tmp/out" "$tmp/fc.csv"
if [ "$(head -1 "$tmp/fc.csv")" = "interval_start,queue,calls,aht_s" ]; then
	ok "forecast csv header is plateau staff's input"
else
	bad "forecast csv header: $(head -1 "$tmp/fc.csv")"
fi
# 10 weeks from 2026-09-28 end on 2026-12-06: the forecast starts Monday
# 2026-12-07 08:00 and covers three weeks, Monday to Saturday.
first=$(sed -n 2p "$tmp/fc.csv" | cut -d, -f1)
last=$(grep fr-telecom "$tmp/fc.csv" | tail -1 | cut -d, -f1)
if [ "$first" = "2026-12-07T08:00" ] && [ "$last" = "2026-12-26T19:30" ]; then
	ok "forecast covers 2026-12-07 to 2026-12-26"
else
	bad "forecast span: $first .. $last"
fi
# fr-telecom: 5 days x 24 + 24 Saturday intervals = 144 a week.
n=$(grep -c ',fr-telecom,' "$tmp/fc.csv")
if [ "$n" -eq 432 ]; then ok "fr-telecom rows"
else bad "fr-telecom rows: $n"; fi
if awk -F, 'NR > 1 && !($3 > 0 && $4 >= 30 && $4 <= 3600) { exit 1 }' \
	"$tmp/fc.csv"; then
	ok "calls > 0 and plausible aht_s on every row"
else
	bad "calls or aht_s out of range"
fi
if grep -q 'method .*backtest on last 4 weeks: MAPE' "$tmp/err"; then
	ok "csv mode reports the backtest on stderr"
else
	bad "backtest summary missing: $(cat "$tmp/err")"
fi
# The output is valid history: it loads back through the strict reader.
check "forecast output reads back as history" "$P" forecast \
	--history "$tmp/fc.csv" --weeks 1 --holdout 1 --format csv

check "forecast json + svg" "$P" forecast --history "$tmp/h.csv" \
	--weeks 2 --format json --svg "$tmp/f.svg" --method hwm
if python3 - "$tmp/out" "$tmp/f.svg" <<'PY'
import json, sys, xml.etree.ElementTree as ET
d = json.load(open(sys.argv[1]))
assert d["weeks"] == 2 and d["holdout_weeks"] == 4, d
assert [q["queue"] for q in d["queues"]] == ["fr-telecom", "fr-banque"]
for q in d["queues"]:
    assert q["method"] == "hwm"
    assert set(q["backtest"]) == {"snaive", "savg", "trend", "holt", "hw",
                                  "hwm"}
    for e in q["backtest"].values():
        assert 0 <= e["wape"] < 50, e
assert len(d["forecast"]) == 2 * (144 + 128), len(d["forecast"])
svg = ET.parse(sys.argv[2]).getroot()
ns = "{http://www.w3.org/2000/svg}"
assert len(svg.findall(".//" + ns + "polyline")) >= 3
texts = [t.text for t in svg.iter(ns + "text")]
assert "forecast (hwm)" not in texts  # two queues: generic names
assert "forecast" in texts and "actual (held out)" in texts, texts
PY
then
	ok "json fields and svg chart"
else
	bad "json or svg content"
fi

# Auto picks, per queue, the method with the lowest backtest WAPE.
check "forecast table" "$P" forecast --history "$tmp/h.csv" --weeks 1
if awk '$3 == "*" { n++ } END { exit n == 2 ? 0 : 1 }' "$tmp/out"; then
	ok "auto marks one method per queue"
else
	bad "auto marks"
fi

# History without aht_s: needs --aht.
cut -d, -f1-3 "$tmp/h.csv" >"$tmp/noaht.csv"
usage_error "no aht_s without --aht" "has no aht_s column; give --aht" \
	forecast --history "$tmp/noaht.csv" --weeks 1
check "no aht_s with --aht" "$P" forecast --history "$tmp/noaht.csv" \
	--weeks 1 --aht 300 --format csv
if awk -F, 'NR > 1 && $4 != 300 { exit 1 }' "$tmp/out"; then
	ok "--aht used on every row"
else
	bad "--aht not used"
fi

usage_error "forecast --weeks 0" "--weeks must be a whole number from 1" \
	forecast --history "$tmp/h.csv" --weeks 0
usage_error "forecast --weeks abc" "got 'abc'" \
	forecast --history "$tmp/h.csv" --weeks abc
usage_error "forecast --method" "--method must be" \
	forecast --history "$tmp/h.csv" --weeks 1 --method arima
usage_error "forecast --interval" "--interval must divide" \
	forecast --history "$tmp/h.csv" --weeks 1 --interval 7000
usage_error "forecast --format" "--format must be" \
	forecast --history "$tmp/h.csv" --weeks 1 --format xml
usage_error "forecast missing --history" "--history is required" \
	forecast --weeks 1
usage_error "forecast --weeks with no value" "--weeks needs a value" \
	forecast --history "$tmp/h.csv" --weeks
usage_error "forecast unknown option" "unknown option '--frobnicate'" \
	forecast --history "$tmp/h.csv" --weeks 1 --frobnicate 1
usage_error "forecast missing file" "cannot open" \
	forecast --history "$tmp/none.csv" --weeks 1
usage_error "forecast holdout too long" "needs at least 12" \
	forecast --history "$tmp/h.csv" --weeks 1 --holdout 10
usage_error "forecast off-grid history" "not on the 3600 s interval grid" \
	forecast --history "$tmp/h.csv" --weeks 1 --interval 3600

# Bad rows: an error naming file, line and column; no chart written.
head -50 "$tmp/h.csv" >"$tmp/bad.csv"
echo "2026-12-01T09:00,fr-telecom,nan,300" >>"$tmp/bad.csv"
usage_error "forecast nan calls" "bad.csv:51: column 3 (calls): 'nan'" \
	forecast --history "$tmp/bad.csv" --weeks 1 --svg "$tmp/bad.svg"
if [ -e "$tmp/bad.svg" ]; then bad "chart written on bad input"; else
	ok "nothing written on bad input"; fi
head -50 "$tmp/h.csv" >"$tmp/dup.csv"
sed -n 10p "$tmp/h.csv" >>"$tmp/dup.csv"
usage_error "forecast duplicate interval" \
	"dup.csv:51: .*already given on line 10" \
	forecast --history "$tmp/dup.csv" --weeks 1

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
