#!/bin/sh
# api_openapi.sh — docs/openapi.json against the real server: every route
# it lists answers as documented, and every route tried as each role of
# the other tenant gives 403/404 and no data (api_openapi.py). Runs
# `plateau serve --http` on the demo center.
SERVE_CENTER=$(cd "$(dirname "$0")/../.." && pwd)/examples/demo.json
. "$(dirname "$0")/serve_lib.sh"

start_serve openapi --http 127.0.0.1:0 || exit 1
http_port || { cat "$SLOG"; give_up "serve logs the HTTP address"; }
timeout 120 python3 "$ROOT/tests/integration/api_openapi.py" \
	"http://127.0.0.1:$HPORT" "$ROOT/docs/openapi.json" >"$WORK/walk.out" 2>&1
cat "$WORK/walk.out" | grep -v '^[0-9]* passed, [0-9]* failed$'
add_counts "$WORK/walk.out"
check "server alive after the walk" kill -0 "$SPID"
check "SIGTERM: exits 0" stop_serve
summary
