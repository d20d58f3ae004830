#!/bin/sh
# simulate.sh — runs the built `plateau simulate` in quick and full mode,
# checks its JSON against `plateau staff`, its determinism, and its
# refusal (exit 2, one line naming the argument) of bad input.
. "$(dirname "$0")/check_lib.sh"
cd "$(dirname "$0")/../.."
bin=./build/plateau
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# check_json NAME PYTHON-EXPR FILE: the expression over the parsed JSON `j`
check_json() {
	if json_holds "$3" "$2" 2>"$tmp/pyerr"; then
		ok "$1"
	else
		ko "$1" "$(head -c 400 "$3") $(cat "$tmp/pyerr")"
	fi
}

quick="--agents 14 --calls 100 --interval 1800 --aht 180 --target-time 20"

# quick mode, Erlang C: keys present, close to `plateau staff`
if "$bin" simulate $quick --hours 1000 --seed 1 --json >"$tmp/c.json" &&
   "$bin" staff $quick --json >"$tmp/staff_c.json"; then
	ok "quick erlang-c runs"
else
	ko "quick erlang-c runs"
fi
python3 -c '
import json, sys
s = json.load(open(sys.argv[1])); t = json.load(open(sys.argv[2]))
s["staff"] = t
json.dump(s, open(sys.argv[1], "w"))' "$tmp/c.json" "$tmp/staff_c.json"
check_json "quick keys" 'all(k in j for k in ("offered", "answered", "abandoned",
	"service_level", "asa_s", "p_wait", "p_abandon", "occupancy"))' \
	"$tmp/c.json"
check_json "quick erlang-c near theory (SL ±0.02, p_wait ±0.02, occ ±0.01)" \
	'abs(j["service_level"] - j["staff"]["service_level"]) < 0.02 and
	 abs(j["p_wait"] - j["staff"]["p_wait"]) < 0.02 and
	 abs(j["occupancy"] - j["staff"]["occupancy"]) < 0.01 and
	 j["abandoned"] == 0 and j["answered"] == j["offered"] and
	 190000 < j["offered"] < 210000' "$tmp/c.json"

# quick mode, Erlang A
"$bin" simulate $quick --patience 120 --hours 1000 --seed 1 --json \
	>"$tmp/a.json" 2>"$tmp/err" || ko "quick erlang-a exit $?"
"$bin" staff $quick --patience 120 --model erlang-a --json \
	>"$tmp/staff_a.json" || ko "staff erlang-a"
python3 -c '
import json, sys
s = json.load(open(sys.argv[1])); t = json.load(open(sys.argv[2]))
s["staff"] = t
json.dump(s, open(sys.argv[1], "w"))' "$tmp/a.json" "$tmp/staff_a.json"
check_json "quick erlang-a near theory (p_abandon ±0.005)" \
	'abs(j["service_level"] - j["staff"]["service_level"]) < 0.02 and
	 abs(j["p_abandon"] - j["staff"]["p_abandon"]) < 0.005 and
	 j["abandoned"] > 0' "$tmp/a.json"

# same seed, same output; another seed, another
"$bin" simulate $quick --hours 50 --seed 9 --json >"$tmp/s1"
"$bin" simulate $quick --hours 50 --seed 9 --json >"$tmp/s2"
"$bin" simulate $quick --hours 50 --seed 10 --json >"$tmp/s3"
if cmp -s "$tmp/s1" "$tmp/s2" && ! cmp -s "$tmp/s1" "$tmp/s3"; then
	ok "same seed, same result"
else
	ko "determinism"
fi

# full mode on the demo center
full="--config examples/demo.json --traffic examples/demo-traffic.csv"
if "$bin" simulate $full --days 2 --seed 3 --json >"$tmp/full.json" \
	2>"$tmp/err"; then
	ok "full mode runs"
else
	ko "full mode: $(cat "$tmp/err")"
fi
check_json "full mode: queues, sites, tenants" \
	'j["total"]["offered"] > 1000 and len(j["queues"]) == 8 and
	 set(j["sites"]) == {"casa", "fes", "agadir"} and
	 set(j["tenants"]) == {"hexatel", "nordkauf"} and
	 sum(q["offered"] for q in j["queues"].values()) ==
	 j["total"]["offered"] and 0 < j["total"]["occupancy"] < 1' \
	"$tmp/full.json"
check_json "full mode: Erlang's staffing next to the simulation" \
	'all(q["erlang"]["agents_needed"] > 0 and
	     q["erlang"]["peak_agents_needed"] >= 1 and q["busy_agents"] > 0
	     for q in j["queues"].values()) and
	 j["total"]["peak_agents_needed"] > 0 and j["total"]["agents"] > 0 and
	 abs(j["total"]["open_hours"] - 24) < 1e-9' "$tmp/full.json"
check_json "full mode: sites answer every answered call" \
	'sum(s["answered"] for s in j["sites"].values()) ==
	 j["total"]["answered"] and
	 all(0 < s["service_level_answered"] <= 1 and s["agents"] > 0 and
	     0 < s["occupancy"] < 1 for s in j["sites"].values())' \
	"$tmp/full.json"
# the engine's events into a store's event log, as the server writes them
if "$bin" simulate $full --days 1 --seed 3 --store "$tmp/data" --json \
	>"$tmp/store.json" 2>"$tmp/err"; then
	ok "full mode with --store runs"
else
	ko "full mode with --store: $(cat "$tmp/err")"
fi
python3 -c '
import json, sqlite3, sys
j = json.load(open(sys.argv[1]))
db = sqlite3.connect(sys.argv[2])
j["rows"], j["enters"] = db.execute(
    "select count(*), sum(type = \"call-enter\") from events").fetchone()
json.dump(j, open(sys.argv[1], "w"))' "$tmp/store.json" \
	"$tmp/data/plateau.db" 2>"$tmp/pyerr" || ko "read the store: $(cat "$tmp/pyerr")"
check_json "every engine event is in the store's log" \
	'j["events"] > 1000 and j["events_stored"] == j["events"] ==
	 j["rows"] and j["enters"] == j["total"]["offered"]' "$tmp/store.json"
"$bin" simulate $full --days 1 --store "$tmp/data" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] && grep -q "already has events" "$tmp/err" &&
	[ ! -s "$tmp/out" ] && ok "refuses a store with events" ||
	ko "store with events: $rc $(cat "$tmp/err")"
"$bin" simulate $full --days 1 --seed 3 >"$tmp/table" 2>&1 &&
	grep -q "^hx-fibre-fr" "$tmp/table" && ok "full mode table" ||
	ko "full mode table: $(head -3 "$tmp/table")"

# bad arguments: exit 2, one line naming the argument
refuse() {
	name=$1 word=$2
	shift 2
	check_refused "refuses $name" "$word" "$bin" simulate "$@"
}
refuse "agents 0" "--agents" $quick --agents 0
refuse "agents text" "--agents" --agents x --calls 1 --aht 1
refuse "no agents" "--agents" --calls 1 --aht 1
refuse "no aht" "--aht" --agents 3 --calls 1
refuse "negative calls" "--calls" --agents 3 --calls -1 --aht 1
refuse "unknown option" "--colour" $quick --colour red
refuse "handle" "--handle" $quick --handle normal
refuse "seed" "--seed" $quick --seed -4
refuse "config without traffic" "--traffic" --config examples/demo.json
refuse "modes mixed" "exclude" $full --agents 3
refuse "days" "--days" $full --days 0
refuse "missing value" "--hours" $quick --hours
refuse "store in quick mode" "--store" $quick --store "$tmp/x"

# bad files: exit 1 with the file named
"$bin" simulate --config /nonexistent.json --traffic x.csv 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] && grep -q "/nonexistent.json" "$tmp/err" &&
	ok "missing config file" || ko "missing config: $rc $(cat "$tmp/err")"
printf 'day,time,queue,calls,aht_s\nmon,08:00,nope,3,100\n' >"$tmp/t.csv"
"$bin" simulate --config examples/demo.json --traffic "$tmp/t.csv" \
	2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] && grep -q "t.csv:2.*no queue 'nope'" "$tmp/err" &&
	ok "traffic with an unknown queue" ||
	ko "unknown queue: $rc $(cat "$tmp/err")"

"$bin" simulate --help | grep -q "^usage: plateau simulate" &&
	ok "--help" || ko "--help"

summary
