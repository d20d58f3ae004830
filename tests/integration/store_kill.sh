#!/bin/sh
# Kills a process writing CDRs through the store's writer thread with
# SIGKILL, three times, and checks with the sqlite3 CLI that every CDR it
# reported committed is in the database, which stays intact and reopens.
. "$(dirname "$0")/check_lib.sh"
cd "$(dirname "$0")/../.."

prog=build/bin/store_kill
if [ ! -x "$prog" ] || ! command -v sqlite3 >/dev/null; then
	give_up "missing $prog or sqlite3 (make all; make deps)"
fi
mkdir -p build
dir=$(mktemp -d build/store-kill.XXXXXX)
pid=
cleanup() {
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

for round in 1 2 3; do
	out=$dir/out.$round
	"$prog" "sqlite:$dir" "r$round" >"$out" 2>"$dir/err.$round" &
	pid=$!
	# Let it run a while (bounded), at a different moment each round.
	i=0
	while [ "$i" -lt 100 ]; do
		n=$(grep -c '^committed' "$out" 2>/dev/null)
		[ "${n:-0}" -ge $((round * 3000)) ] && break
		sleep 0.05
		i=$((i + 1))
	done
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	pid=

	grep '^committed' "$out" | cut -d' ' -f2 | sort >"$dir/reported"
	reported=$(wc -l <"$dir/reported")
	if [ "$reported" -lt 1000 ]; then
		ko "round $round: only $reported CDRs reported committed"
		cat "$dir/err.$round"
		continue
	fi
	sqlite3 "$dir/plateau.db" \
		"SELECT call_id FROM cdrs WHERE call_id LIKE 'r$round-%'" |
		sort >"$dir/stored"
	missing=$(comm -23 "$dir/reported" "$dir/stored" | wc -l)
	stored=$(wc -l <"$dir/stored")
	if [ "$missing" -eq 0 ]; then
		ok "round $round: all $reported reported CDRs stored ($stored rows)"
	else
		ko "round $round: $missing of $reported reported CDRs missing"
		comm -23 "$dir/reported" "$dir/stored" | head -5
	fi
	check=$(sqlite3 "$dir/plateau.db" "PRAGMA integrity_check")
	if [ "$check" = ok ]; then
		ok "round $round: integrity_check ok"
	else
		ko "round $round: integrity_check: $check"
	fi
done

# A row is a whole CDR, never half of one.
bad=$(sqlite3 "$dir/plateau.db" "SELECT count(*) FROM cdrs WHERE tenant IS NOT
	'acme' OR outcome IS NOT 'answered' OR talk_ms IS NOT 60000")
if [ "$bad" = 0 ]; then
	ok "no partial CDR rows"
else
	ko "$bad partial CDR rows"
fi

summary
