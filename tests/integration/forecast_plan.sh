#!/bin/sh
# Drives `plateau forecast` and `plateau plan` on generated files: output
# formats, round trips, charts, and exit 2 with one line on bad input.
# Last line: "N passed, N failed".
. "$(dirname "$0")/check_lib.sh"
cd "$(dirname "$0")/../.."
P=./build/plateau
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# check_out NAME COMMAND...: the command must succeed; its output is kept
# in $tmp/out and $tmp/err, the first lines of stderr shown on failure.
check_out() {
	name=$1
	shift
	if "$@" >"$tmp/out" 2>"$tmp/err"; then
		ok "$name"
	else
		ko "$name (exit $?): $(head -3 "$tmp/err")"
	fi
}

# usage_error NAME PATTERN ARGS...: plateau ARGS is refused (exit 2, one
# line on stderr matching PATTERN, nothing on stdout).
usage_error() {
	name=$1
	pat=$2
	shift 2
	check_refused "$name" "$pat" "$P" "$@"
}

# ---- forecast ----------------------------------------------------------

python3 bench/forecast_compare.py generate --start 2026-09-28 --weeks 10 \
	--seed 7 >"$tmp/h.csv" || give_up "forecast_compare.py generate"

check_out "forecast --help" "$P" forecast --help
grep -q -e '--history' "$tmp/out" || ko "forecast --help names --history"

check_out "forecast csv" "$P" forecast --history "$tmp/h.csv" --weeks 3 \
	--format csv
cp "$tmp/out" "$tmp/fc.csv"
if [ "$(head -1 "$tmp/fc.csv")" = "interval_start,queue,calls,aht_s" ]; then
	ok "forecast csv header is plateau staff's input"
else
	ko "forecast csv header: $(head -1 "$tmp/fc.csv")"
fi
# 10 weeks from 2026-09-28 end on 2026-12-06: the forecast starts Monday
# 2026-12-07 08:00 and covers three weeks, Monday to Saturday.
first=$(sed -n 2p "$tmp/fc.csv" | cut -d, -f1)
last=$(grep fr-telecom "$tmp/fc.csv" | tail -1 | cut -d, -f1)
if [ "$first" = "2026-12-07T08:00" ] && [ "$last" = "2026-12-26T19:30" ]; then
	ok "forecast covers 2026-12-07 to 2026-12-26"
else
	ko "forecast span: $first .. $last"
fi
# fr-telecom: 5 days x 24 + 24 Saturday intervals = 144 a week.
n=$(grep -c ',fr-telecom,' "$tmp/fc.csv")
if [ "$n" -eq 432 ]; then ok "fr-telecom rows"
else ko "fr-telecom rows: $n"; fi
# --closed: Tuesday 8 and Friday 25 December forecast at 0 calls (their
# rows left out), the days around them untouched, a date outside the
# forecast weeks ignored.
check_out "forecast --closed" "$P" forecast --history "$tmp/h.csv" --weeks 3 \
	--format csv --closed 2026-12-25,2026-12-08 --closed 2027-05-01
n=$(grep -c ',fr-telecom,' "$tmp/out")
if [ "$n" -eq 384 ] && ! grep -q -e '^2026-12-25T' -e '^2026-12-08T' \
	"$tmp/out" && grep -q '^2026-12-24T08:00' "$tmp/out" &&
	grep -q '^2026-12-09T08:00' "$tmp/out"; then
	ok "closed days have no calls, the others are kept"
else
	ko "closed days: $n fr-telecom rows"
fi
"$P" forecast --history "$tmp/h.csv" --weeks 3 --closed 2026-12-25 \
	--closed 2026-12-25 >"$tmp/out" 2>&1
grep -q '1 closed day)' "$tmp/out" && ok "table counts a closed day once" ||
	ko "closed day in the table: $(grep '^forecast:' "$tmp/out")"
if awk -F, 'NR > 1 && !($3 > 0 && $4 >= 30 && $4 <= 3600) { exit 1 }' \
	"$tmp/fc.csv"; then
	ok "calls > 0 and plausible aht_s on every row"
else
	ko "calls or aht_s out of range"
fi
if grep -q 'method .*backtest on last 4 weeks: MAPE' "$tmp/err"; then
	ok "csv mode reports the backtest on stderr"
else
	ko "backtest summary missing: $(cat "$tmp/err")"
fi
# The output is valid history: it loads back through the strict reader.
check_out "forecast output reads back as history" "$P" forecast \
	--history "$tmp/fc.csv" --weeks 1 --holdout 1 --format csv

check_out "forecast json + svg" "$P" forecast --history "$tmp/h.csv" \
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
	ko "json or svg content"
fi

# Auto picks, per queue, the method with the lowest backtest WAPE.
check_out "forecast table" "$P" forecast --history "$tmp/h.csv" --weeks 1
if awk '$3 == "*" { n++ } END { exit n == 2 ? 0 : 1 }' "$tmp/out"; then
	ok "auto marks one method per queue"
else
	ko "auto marks"
fi

# History without aht_s: needs --aht.
cut -d, -f1-3 "$tmp/h.csv" >"$tmp/noaht.csv"
usage_error "no aht_s without --aht" "has no aht_s column; give --aht" \
	forecast --history "$tmp/noaht.csv" --weeks 1
check_out "no aht_s with --aht" "$P" forecast --history "$tmp/noaht.csv" \
	--weeks 1 --aht 300 --format csv
if awk -F, 'NR > 1 && $4 != 300 { exit 1 }' "$tmp/out"; then
	ok "--aht used on every row"
else
	ko "--aht not used"
fi

usage_error "forecast --weeks 0" "--weeks must be a whole number from 1" \
	forecast --history "$tmp/h.csv" --weeks 0
usage_error "forecast --weeks abc" "got 'abc'" \
	forecast --history "$tmp/h.csv" --weeks abc
usage_error "forecast --method" "--method must be" \
	forecast --history "$tmp/h.csv" --weeks 1 --method arima
usage_error "forecast --interval" "--interval must divide" \
	forecast --history "$tmp/h.csv" --weeks 1 --interval 7000
usage_error "forecast --closed" "--closed" \
	forecast --history "$tmp/h.csv" --weeks 1 --closed 2026-12-25,2026-13-01
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
if [ -e "$tmp/bad.svg" ]; then ko "chart written on bad input"; else
	ok "nothing written on bad input"; fi
head -50 "$tmp/h.csv" >"$tmp/dup.csv"
sed -n 10p "$tmp/h.csv" >>"$tmp/dup.csv"
usage_error "forecast duplicate interval" \
	"dup.csv:51: .*already given on line 10" \
	forecast --history "$tmp/dup.csv" --weeks 1

# The forecast CSV feeds plateau staff as is.
if "$P" staff --help >/dev/null 2>&1; then
	check_out "staff --forecast reads forecast's csv" "$P" staff \
		--forecast "$tmp/fc.csv" --sl 0.8 --format csv
	n=$(grep -c 'fr-telecom' "$tmp/out")
	if [ "$n" -eq 432 ]; then ok "staff sizes every forecast interval"
	else ko "staff rows for fr-telecom: $n"; fi
fi

# ---- plan --------------------------------------------------------------

check_out "plan --help" "$P" plan --help
grep -q -e '--pass-rate' "$tmp/out" || ko "plan --help names --pass-rate"

check_out "plan table" "$P" plan --positions 400 --growth 0.20 \
	--attrition 0.04 --training-weeks 6 --pass-rate 0.7 --class-min 10 \
	--class-max 25 --horizon-weeks 52 --start 2026-12-07
if grep -q '^balance: pass x (hires + in_training_start) = attrition' \
	"$tmp/out" &&
   grep -q 'residual' "$tmp/out" && grep -q '^  52  2027-11-29' "$tmp/out"
then
	ok "plan table shows 52 weeks and the balance"
else
	ko "plan table: $(tail -3 "$tmp/out")"
fi

check_out "plan csv" "$P" plan --positions 400 --start 2026-12-07 \
	--format csv
if [ "$(head -1 "$tmp/out")" = \
     "week,week_start,need,trained,gap,attrition,hires,classes,graduates,in_training" ] &&
   [ "$(wc -l <"$tmp/out")" -eq 53 ] &&
   [ "$(sed -n 2p "$tmp/out" | cut -d, -f1-3)" = "1,2026-12-07,400.000" ]
then
	ok "plan csv rows"
else
	ko "plan csv: $(head -2 "$tmp/out")"
fi

# The books balance, checked from the weekly rows in JSON, for the brief's
# case and the edge cases: zero growth, one small class a week (class max
# binding), pass rate 1, a start below need.
for args in "--growth 0.20" "--growth 0 --attrition 0.04" \
	"--growth 1.5 --class-max 10 --class-min 5 --max-classes 1" \
	"--pass-rate 1 --class-min 1" "--trained 300 --growth 0.1" \
	"--trained 340 --in-training 25:2,40:6 --in-training 5:2"; do
	# shellcheck disable=SC2086
	if "$P" plan --positions 400 --start 2026-12-07 --format json \
		$args >"$tmp/plan.json" 2>"$tmp/err" &&
	   python3 - "$tmp/plan.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
p, w, t = d["params"], d["weeks"], d["totals"]
hires = sum(x["hires"] for x in w)
attr = sum(x["attrition"] for x in w)
end = w[-1]["trained"] - w[-1]["attrition"]
lhs = p["pass_rate"] * (hires + sum(p["running"]))
assert sum(p["running"]) == t["in_training_start"], t
rhs = attr + (end - p["trained"]) + p["pass_rate"] * w[-1]["in_training"]
assert abs(lhs - rhs) < 1e-3, (lhs, rhs)
assert hires == t["hires"], (hires, t["hires"])
L = p["training_weeks"]
for i, x in enumerate(w):
    assert x["classes"] * p["class_min"] <= x["hires"] <= \
        x["classes"] * p["class_max"], x
    if p["max_classes"]:
        assert x["classes"] <= p["max_classes"], x
    g = p["pass_rate"] * (w[i - L]["hires"] if i >= L else p["running"][i])
    assert abs(x["graduates"] - g) < 1e-6, (i, x, g)
    if i >= L and not p["max_classes"]:
        assert x["trained"] >= x["need"] - 1e-6, (i, x)
PY
	then
		ok "plan balances: $args"
	else
		ko "plan balance: $args $(head -2 "$tmp/err")"
	fi
done

check_out "plan svg" "$P" plan --positions 120 --start 2026-12-07 \
	--horizon-weeks 26 --svg "$tmp/p.svg"
if python3 - "$tmp/p.svg" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
svg = ET.parse(sys.argv[1]).getroot()
texts = [t.text for t in svg.iter(ns + "text")]
assert "need (left)" in texts and "trained agents (left)" in texts, texts
assert "hires (trainees starting) (right)" in texts, texts
bars = [r for r in svg.iter(ns + "rect") if r.find(ns + "title") is not None]
assert len(bars) == 26, len(bars)
PY
then
	ok "plan svg: need, trained, 26 hire bars"
else
	ko "plan svg content"
fi

usage_error "plan --in-training past the class" "week 9 is past the 6" \
	plan --positions 400 --start 2026-12-07 --in-training 5:9
usage_error "plan --in-training text" "--in-training expects" \
	plan --positions 400 --start 2026-12-07 --in-training 5:2,x
usage_error "plan missing --positions" "--positions is required" \
	plan --start 2026-12-07
usage_error "plan missing --start" "--start is required" \
	plan --positions 400
usage_error "plan --pass-rate 0" "--pass-rate must be a number from" \
	plan --positions 400 --start 2026-12-07 --pass-rate 0
usage_error "plan --pass-rate 1.5" "--pass-rate must be .* got '1.5'" \
	plan --positions 400 --start 2026-12-07 --pass-rate 1.5
usage_error "plan --growth abc" "--growth must be a number" \
	plan --positions 400 --start 2026-12-07 --growth abc
usage_error "plan --attrition nan" "--attrition must be .* got 'nan'" \
	plan --positions 400 --start 2026-12-07 --attrition nan
usage_error "plan class limits" "--class-min 30 is more than --class-max 25" \
	plan --positions 400 --start 2026-12-07 --class-min 30 --class-max 25
usage_error "plan --start" "--start must be a date YYYY-MM-DD" \
	plan --positions 400 --start 2026-02-30
usage_error "plan --horizon-weeks 0" "--horizon-weeks must be a whole" \
	plan --positions 400 --start 2026-12-07 --horizon-weeks 0
usage_error "plan --training-weeks 2.5" "--training-weeks must be" \
	plan --positions 400 --start 2026-12-07 --training-weeks 2.5
usage_error "plan unknown option" "unknown option '--hires'" \
	plan --positions 400 --start 2026-12-07 --hires 3
usage_error "plan bad --svg leaves nothing" "--format must be" \
	plan --positions 400 --start 2026-12-07 --svg "$tmp/no.svg" \
	--format pdf
if [ -e "$tmp/no.svg" ]; then ko "plan wrote a chart on bad input"
else ok "plan writes nothing on bad input"; fi

summary
