#!/bin/sh
# staff.sh — runs the built `plateau staff` and checks its JSON, its
# forecast outputs and its refusal (exit 2, one line) of bad input.
. "$(dirname "$0")/check_lib.sh"
cd "$(dirname "$0")/../.."
bin=./build/plateau
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# json_check NAME PYTHON-EXPR ARGS...: runs staff ARGS --json and checks
# that the expression over the parsed object `j` holds.
json_check() {
	name=$1 expr=$2
	shift 2
	if ! "$bin" staff "$@" --json >"$tmp/out" 2>"$tmp/err"; then
		ko "$name: exit $? $(cat "$tmp/err")"
		return
	fi
	if json_holds "$tmp/out" "$expr"; then
		ok "$name"
	else
		ko "$name: $(cat "$tmp/out")"
	fi
}

base="--calls 100 --interval 1800 --aht 180 --target-time 20"
json_check "erlang-c solve: 14 agents, 20 scheduled at 30 %" \
	'j["model"] == "erlang-c" and j["agents"] == 14 and
	 j["scheduled_agents"] == 20 and j["load_erlangs"] == 10 and
	 j["stable"] is True and abs(j["service_level"] - 0.88835) < 1e-5 and
	 0 < j["p_wait"] < 1 and j["asa_s"] > 0 and
	 abs(j["occupancy"] - 10 / 14) < 1e-9' \
	$base --sl 0.8 --shrinkage 0.3
json_check "shrinkage 21 agents at 0.3 gives 30" \
	'j["agents"] == 21 and j["scheduled_agents"] == 30' \
	$base --agents 21 --shrinkage 0.3
json_check "unstable: stable false, p_wait 1, SL 0, asa null" \
	'j["stable"] is False and j["p_wait"] == 1 and
	 j["service_level"] == 0 and j["asa_s"] is None' \
	$base --agents 10
json_check "erlang-a keys and ranges" \
	'j["model"] == "erlang-a" and
	 all(k in j for k in ("p_abandon", "asa_answered_s",
			      "mean_wait_all_s")) and
	 0 < j["p_abandon"] < 0.05 and
	 abs(j["mean_wait_all_s"] - j["p_abandon"] * 120) < 1e-6' \
	$base --sl 0.8 --patience 120 --max-abandon 0.05
json_check "erlang-b: 18 lines for 1 % at 10 Erlangs" \
	'j["model"] == "erlang-b" and j["agents"] == 18 and
	 j["blocking"] <= 0.01' \
	$base --blocking 0.01
json_check "asa and occupancy targets" \
	'j["asa_s"] <= 10 and j["occupancy"] <= 0.7' \
	$base --asa 10 --max-occupancy 0.7

# Bad input: exit status 2 and one line naming the argument.
refuse() {
	name=$1 word=$2
	shift 2
	check_refused "refuses $name" "$word" "$bin" staff "$@"
}
refuse "negative calls" --calls --calls -3 --aht 180 --sl .8
refuse "SL above 1" --sl --calls 100 --aht 180 --sl 1.2
refuse "zero AHT" --aht --calls 100 --aht 0 --sl .8
refuse "1e999" --calls --calls 1e999 --aht 180 --sl .8
refuse "nan" --aht --calls 100 --aht nan --sl .8
refuse "12abc" --interval --calls 100 --aht 180 --interval 12abc --sl .8
refuse "unknown option" --colour --calls 100 --aht 180 --sl .8 --colour
refuse "missing forecast file" --forecast --forecast "$tmp/none.csv" --sl .8

# A forecast: two queues, a day's morning.
cat >"$tmp/f.csv" <<'CSV'
interval_start,queue,calls,aht_s
2026-11-30T08:00,billing,100,180
2026-11-30T08:30,billing,200,180
2026-11-30T08:00,"sales, fr",40,240
2026-11-30T08:30,"sales, fr",0,240
CSV
if "$bin" staff --forecast "$tmp/f.csv" --sl 0.8 --format json \
	--svg "$tmp/c.svg" >"$tmp/out" 2>"$tmp/err" &&
   python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
r = {(x["queue"], x["interval_start"]): x for x in j["rows"]}
assert r[("billing", "2026-11-30T08:00")]["agents"] == 14
assert r[("sales, fr", "2026-11-30T08:30")]["agents"] == 0
hours = sum(x["agents"] for x in j["rows"]) / 2
assert abs(j["agent_hours"] - hours) < 1e-9
' "$tmp/out" && grep -q '<svg' "$tmp/c.svg" &&
   grep -q 'agents needed' "$tmp/c.svg"; then
	ok "forecast json and svg"
else
	ko "forecast json and svg: $(cat "$tmp/err")"
fi
if "$bin" staff --forecast "$tmp/f.csv" --sl 0.8 --format csv \
	>"$tmp/out" 2>"$tmp/err" && [ "$(wc -l <"$tmp/out")" -eq 5 ] &&
   head -1 "$tmp/out" | grep -q '^interval_start,queue,calls,aht_s,' &&
   grep -q '^2026-11-30T08:00,"sales, fr",40,' "$tmp/out"; then
	ok "forecast csv"
else
	ko "forecast csv: $(cat "$tmp/err")"
fi
if "$bin" staff --forecast "$tmp/f.csv" --sl 0.8 >"$tmp/out" &&
   grep -q 'agent-hours' "$tmp/out"; then
	ok "forecast table"
else
	ko "forecast table"
fi
printf 'interval_start,queue,calls,aht_s\n2026-11-30T08:00,a,ten,180\n' \
	>"$tmp/bad.csv"
refuse "bad forecast cell" "bad.csv:2" --forecast "$tmp/bad.csv" --sl .8
printf 'interval_start,queue,calls,aht_s\n2026-11-30T08:10,a,1,180\n' \
	>"$tmp/grid.csv"
refuse "interval off the grid" "grid" --forecast "$tmp/grid.csv" --sl .8
rm -f "$tmp/keep.svg"
echo old >"$tmp/keep.svg"
refuse "bad forecast keeps the old chart" "bad.csv" \
	--forecast "$tmp/bad.csv" --sl .8 --svg "$tmp/keep.svg"
if [ "$(cat "$tmp/keep.svg")" = old ]; then ok "old chart untouched"
else ko "old chart untouched"; fi

summary
