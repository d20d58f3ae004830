#!/bin/sh
# Checks `plateau forecast --store`: ten weeks of call records in a real
# SQLite store must forecast exactly as the same history given as CSV,
# counted in the center's time zone; bad options exit 2 and write nothing.
# Last line: "N passed, N failed".
. "$(dirname "$0")/check_lib.sh"
cd "$(dirname "$0")/../.."
P=./build/plateau
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# refused NAME ARGS...: exit status 2, one line on stderr, no stdout.
refused() {
	name=$1
	shift
	check_refused "$name" "" $P forecast "$@"
}

data=$tmp/data
$P import examples/demo.json --data "$data" >/dev/null 2>"$tmp/err" ||
	give_up "import: $(cat "$tmp/err")"
db=$data/plateau.db

# Ten weeks from Monday 2026-08-31 00:00 in Casablanca (UTC+1 then), one
# call every 5 minutes alternating between two queues, 1 in 14 abandoned
# (at most one per queue and interval, so each has answered calls). Also
# rows that must not count: a failed call, an unfinished one, a call of
# the week after --until, and one of the other tenant's queues.
start_ms=$(( $(date -u -d '2026-08-30T23:00:00Z' +%s) * 1000 ))
sqlite3 "$db" <<EOF || ko "sqlite3 insert"
WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k
                        WHERE n + 1 < 20160)
INSERT INTO cdrs (call_id, tenant, arrive_ms, enter_ms, end_ms, queue,
                  talk_ms, outcome)
SELECT 'c' || n, 'hexatel', $start_ms + n * 300000, $start_ms + n * 300000,
       $start_ms + n * 300000 + 400000,
       CASE n % 2 WHEN 0 THEN 'hx-fibre-fr' ELSE 'hx-billing-fr' END,
       CASE WHEN n % 14 = 5 THEN 0 ELSE 60000 + (n * 7919 % 300) * 1000 END,
       CASE WHEN n % 14 = 5 THEN 'abandoned' ELSE 'answered' END
FROM k;
INSERT INTO cdrs (call_id, tenant, arrive_ms, enter_ms, queue, outcome,
                  talk_ms)
VALUES ('failed', 'hexatel', $start_ms + 600000, 0, NULL, 'failed', 0),
       ('running', 'hexatel', $start_ms + 900000, $start_ms + 900000,
        'hx-fibre-fr', NULL, 0),
       ('later', 'hexatel', $start_ms + 70 * 86400000 + 60000,
        $start_ms + 70 * 86400000 + 60000, 'hx-fibre-fr', 'abandoned', 0),
       ('other', 'nordkauf', $start_ms + 60000, $start_ms + 60000,
        'nk-orders-de', 'answered', 90000);
EOF

# The same history as CSV, bucketed by sqlite in the zone's local time;
# handle time = talk + the queue's stored wrap-up.
TZ=Africa/Casablanca sqlite3 -csv "$db" >"$tmp/history.csv" <<EOF
SELECT 'interval_start', 'queue', 'calls', 'aht_s';
SELECT strftime('%Y-%m-%dT%H:', t, 'unixepoch', 'localtime') ||
         printf('%02d', (CAST(strftime('%M', t, 'unixepoch', 'localtime')
                              AS INTEGER) / 30) * 30),
       c.queue, count(*),
       printf('%.17g', avg(CASE WHEN outcome = 'answered'
                      THEN talk_ms / 1000.0 + q.wrapup_ms / 1000.0 END))
FROM (SELECT *, enter_ms / 1000 AS t FROM cdrs) c
JOIN queues q ON q.id = c.queue
WHERE c.tenant = 'hexatel' AND c.call_id GLOB 'c*'
GROUP BY 1, 2 ORDER BY 1, 2 DESC;  -- queues as first met: fibre first
EOF
rows=$(($(wc -l <"$tmp/history.csv") - 1))
if [ "$rows" -eq 6720 ] && ! grep -q ',$' "$tmp/history.csv"; then
	ok "reference history: $rows queue intervals, each with answered calls"
else
	ko "reference history has $rows rows (want 6720) or empty aht"
fi

run() {
	$P forecast "$@" --weeks 2 --holdout 3 --format csv >"$tmp/out" \
		2>"$tmp/err"
}

if run --history "$tmp/history.csv"; then
	cp "$tmp/out" "$tmp/from-csv"
else
	ko "forecast from CSV: $(cat "$tmp/err")"
fi
if run --store "$data" --until 2026-11-09 --tenant hexatel; then
	if cmp -s "$tmp/out" "$tmp/from-csv"; then
		ok "store and CSV give the same forecast ($(wc -l <"$tmp/out") lines)"
	else
		ko "store forecast differs from CSV: $(diff "$tmp/from-csv" "$tmp/out" | head -4)"
	fi
	$P forecast --store "$data" --until 2026-11-09 --tenant hexatel \
		--weeks 2 --holdout 3 >"$tmp/table" 2>&1
	if grep -q "^history: $data, 20160 calls, 2 queues" "$tmp/table"; then
		ok "summary counts the 20160 finished queue calls"
	else
		ko "summary: $(head -1 "$tmp/table")"
	fi
else
	ko "forecast --store: $(cat "$tmp/err")"
fi
if run --store "$data" --until 2026-11-09 --tenant hexatel \
	--since 2026-08-31 && cmp -s "$tmp/out" "$tmp/from-csv"; then
	ok "--since on the first Monday changes nothing"
else
	ko "--since 2026-08-31: $(head -2 "$tmp/err")"
fi
# Without --tenant the other tenant's queue counts: a third queue.
if $P forecast --store "$data" --until 2026-11-09 --weeks 1 \
	--holdout 3 >"$tmp/table" 2>&1 &&
   grep -q "^history: $data, 20161 calls, 3 queues" "$tmp/table"; then
	ok "all tenants without --tenant"
else
	ko "all tenants: $(head -2 "$tmp/table")"
fi
# The zone matters: counted in UTC every call moves an hour earlier.
if run --store "$data" --until 2026-11-09 --tenant hexatel \
	--timezone UTC && ! cmp -s "$tmp/out" "$tmp/from-csv"; then
	ok "--timezone UTC counts in other intervals"
else
	ko "--timezone UTC: same output or failure: $(head -2 "$tmp/err")"
fi

refused "both sources" --history "$tmp/history.csv" --store "$data" --weeks 1
refused "no source" --weeks 1
refused "missing store" --store "$tmp/none" --weeks 1
refused "--since not a Monday" --store "$data" --weeks 1 --since 2026-09-01
refused "--until not a date" --store "$data" --weeks 1 --until 2026-13-01
refused "--since after --until" --store "$data" --weeks 1 \
	--since 2026-11-09 --until 2026-08-31
refused "unknown zone" --store "$data" --weeks 1 --timezone Mars/Olympus
refused "zone path" --store "$data" --weeks 1 --timezone ../../etc/passwd
refused "--tenant without --store" --history "$tmp/history.csv" --weeks 1 \
	--tenant hexatel
refused "no calls in range" --store "$data" --weeks 1 --until 2026-08-31
refused "too short for the backtest" --store "$data" --weeks 1 \
	--since 2026-10-26 --until 2026-11-09
if [ ! -e "$tmp/none" ]; then
	ok "a missing store is not created"
else
	ko "forecast created $tmp/none"
fi

summary
