#!/bin/sh
# api_openapi.sh — docs/openapi.json against the real server: every route
# it lists answers as documented, and every route tried as each role of
# the other tenant gives 403/404 and no data (api_openapi.py). Runs
# `plateau serve --http` on the demo center.
SERVE_CENTER=$(cd "$(dirname "$0")/../.." && pwd)/examples/demo.json
. "$(dirname "$0")/serve_lib.sh"

start_serve openapi --http 127.0.0.1:0 || exit 1
HPORT=""
for _ in $(seq 1 50); do
	HPORT=$(grep -o 'event=http-listening http=127.0.0.1:[0-9]*' "$SLOG" |
		head -1 | sed 's/.*://')
	[ -n "$HPORT" ] && break
	sleep 0.1
done
if [ -z "$HPORT" ]; then
	cat "$SLOG"
	echo "0 passed, 1 failed"
	exit 1
fi
timeout 120 python3 "$ROOT/tests/integration/api_openapi.py" \
	"http://127.0.0.1:$HPORT" "$ROOT/docs/openapi.json" >"$WORK/walk.out" 2>&1
cat "$WORK/walk.out" | grep -v '^[0-9]* passed, [0-9]* failed$'
line=$(tail -1 "$WORK/walk.out")
p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
f=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
pass=$((pass + ${p:-0}))
fail=$((fail + ${f:-1}))
check "server alive after the walk" kill -0 "$SPID"
check "SIGTERM: exits 0" stop_serve
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
