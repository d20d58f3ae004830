#!/bin/sh
# Runs every test suite and ends with one line: "N passed, N failed".
# A suite is a command that prints its own "N passed, N failed" last line;
# a suite that exits non-zero without one counts as one failure.
cd "$(dirname "$0")/.."
total_pass=0
total_fail=0
out=build/test-logs
mkdir -p "$out"

run_suite() {
	name=$1
	shift
	log="$out/$(echo "$name" | tr '/ ' '__').log"
	start=$(date +%s)
	"$@" >"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
	if [ -n "$line" ]; then
		p=${line%% passed*}
		f=${line#*passed, }
		f=${f%% failed}
	else
		p=0
		f=0
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	status=ok
	[ "$f" -eq 0 ] || status=FAIL
	printf '%-4s %-40s %4s passed %3s failed  %4ss\n' "$status" "$name" \
		"$p" "$f" "$secs"
	if [ "$f" -ne 0 ]; then
		grep -E '^(FAIL|not ok)|error|Error' "$log" | head -20 | sed 's/^/     /'
		echo "     (full log: $log)"
	fi
}

run_suite unit ./build/unit
run_suite unit-asan-ubsan env ASAN_OPTIONS=detect_leaks=1 \
	UBSAN_OPTIONS=print_stacktrace=1 ./build/unit-san
run_suite fuzz-smoke ./tests/fuzz-smoke.sh
for t in tests/integration/*.sh tests/web/*.sh; do
	[ -x "$t" ] || continue
	run_suite "$t" "$t"
done

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
