#!/bin/sh
# Runs every benchmark and prints its figures; BENCHMARKS.md keeps the
# latest with the commands that made them. `make bench` builds first.
# The telephony benchmarks (bench/sip_load.sh, sipp against plateau serve,
# about 20 minutes) run last; SIP_LOAD=0 skips them.
cd "$(dirname "$0")/.."
status=0
for b in build/bin/*_bench; do
	[ -x "$b" ] || continue
	echo "== $b"
	"$b" || status=1
done
if [ "${SIP_LOAD:-1}" != 0 ]; then
	echo "== bench/sip_load.sh all"
	bench/sip_load.sh all || status=1
fi
exit $status
