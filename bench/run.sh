#!/bin/sh
# Runs every benchmark and prints its figures; BENCHMARKS.md keeps the
# latest with the commands that made them. `make bench` builds first.
cd "$(dirname "$0")/.."
status=0
for b in build/bin/*_bench; do
	[ -x "$b" ] || continue
	echo "== $b"
	"$b" || status=1
done
exit $status
