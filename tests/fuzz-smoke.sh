#!/bin/sh
# Runs each libFuzzer harness briefly over its corpus (fuzz/corpus/NAME/)
# plus fresh inputs; a crash, leak or timeout fails. Bounded: FUZZ_SECONDS
# per harness (default 10).
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-10}
pass=0
fail=0
for f in build/fuzz/fuzz_*; do
	[ -x "$f" ] || continue
	name=$(basename "$f")
	corpus=fuzz/corpus/$name
	work=build/fuzz-work/$name
	mkdir -p "$work"
	set -- "$work"
	[ -d "$corpus" ] && set -- "$work" "$corpus"
	if "$f" -max_total_time="$secs" -timeout=5 -rss_limit_mb=2048 \
		-artifact_prefix="$work/" "$@" >"$work.log" 2>&1; then
		echo "ok   $name ($(grep -o 'Done [0-9]* runs' "$work.log"))"
		pass=$((pass + 1))
	else
		echo "FAIL $name: see $work.log"
		tail -30 "$work.log"
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
