#!/bin/sh
# serve_tcp.sh — SIP over TCP through the guard of `plateau serve`: streams
# without a line end, oversized and trickled messages are cut off (the
# connection closed) before libre's parser, and the server answers an
# OPTIONS right after; good messages split or pipelined still pass.
. "$(dirname "$0")/serve_lib.sh"

start_serve tcp || exit 1
probe() { python3 "$ROOT/tests/integration/tcp_probe.py" "$SPORT" "$1"; }

check "OPTIONS over TCP -> 200 within 2 s" probe options
check "OPTIONS in three pieces -> one 200" probe split
check "keep-alive then two pipelined OPTIONS -> two 200s" probe pipelined
check "32 KB first line -> connection closed" probe noline
check "Content-Length 100000 -> connection closed" probe big
check "message trickled over 64 reads -> connection closed" probe slow
check "4 x 32 KB first lines, then OPTIONS -> 200 within 2 s" \
	probe flood-then-options
check "refusals logged as tcp, with their cause" sh -c \
	"grep -q 'event=refused .*tp=tcp .*why=no-line-end' '$SLOG' &&
	 grep -q 'event=refused .*tp=tcp .*why=too-big' '$SLOG' &&
	 grep -q 'event=refused .*tp=tcp .*why=slow' '$SLOG'"
check "UDP OPTIONS still -> 200 (sipp)" sipp_run options options.xml -m 1
check "server alive" kill -0 "$SPID"
check "SIGTERM: exits 0" stop_serve

summary
