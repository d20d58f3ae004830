#!/bin/sh
# live.sh — the pages against the real `plateau serve --http` on the demo
# center, with a sipp phone at casa-001 and sipp callers on loopback,
# driven in Debian's headless chromium (tests/web/live.mjs): the agent
# logs in and goes ready, a call arrives and the desktop shows it (screen
# pop), the agent sets a disposition; the wallboard shows the waiting call
# and then the answered one without reloading, and colours a queue under
# target; the Arabic desktop is right-to-left. Screenshots:
# build/test-logs/web/. Prints "N passed, N failed" last.
SERVE_CENTER=$(cd "$(dirname "$0")/../.." && pwd)/examples/demo.json
. "$(dirname "$0")/../integration/serve_lib.sh"
cd "$ROOT"

[ -x /usr/bin/chromium ] || give_up "no /usr/bin/chromium (make deps)"
[ -d tests/web/node_modules/playwright-core ] ||
	give_up "no playwright-core (make deps runs npm ci in tests/web)"

start_serve web --http 127.0.0.1:0 || exit 1
check "serve --http listening" http_port

# a.benali's phone at casa-001 registers and answers what it is offered
sipp_bg phone agent_register.xml -s casa-001 -au casa-001 \
	-ap demo-casa-001 -oocsf "$SIPP_DIR/agent_answer.xml" -rtp_echo \
	-d 90000 -m 1
check "phone casa-001 registered" \
	wait_log "event=register user=casa-001 .*status=200" 100

# Callers to the premium number (queue hx-vip-fr), started by the browser
# test when it wants them: DUR is how long the caller stays after 200.
caller() {
	mp_step
	echo "timeout 60 sipp -sf $SIPP_DIR/caller.xml -s +212522001199" \
		"-i 127.0.0.1 -p 0 -mp $MP_NEXT -nostdin" \
		"-timeout 50 -max_recv_loops 1000 -m 1 -d \$DUR" \
		"127.0.0.1:$SPORT >>$WORK/callers.out 2>&1"
}
caller >"$WORK/caller1"
caller >"$WORK/caller2"
CALLER1=$(cat "$WORK/caller1")
CALLER2=$(cat "$WORK/caller2")
export CALLER1 CALLER2

BASE=http://127.0.0.1:$HPORT OUT=$ROOT/build/test-logs/web TMP_DIR=$WORK \
	NODE_PATH=$ROOT/tests/web/node_modules \
	timeout 120 node tests/web/live.mjs >"$WORK/node.out" 2>&1
rc=$?
grep -E '^(ok|FAIL|SKIP) ' "$WORK/node.out"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$WORK/node.out" | tail -1)
if [ -z "$line" ]; then
	tail -20 "$WORK/node.out"
	ko "browser test ran to its end (rc $rc)"
else
	pass=$((pass + ${line%% passed*}))
	f=${line#*passed, }
	fail=$((fail + ${f%% failed}))
	[ "$rc" -eq 0 ] || [ "${f%% failed}" -ne 0 ] ||
		ko "browser test exit status $rc"
fi
stop_bg
check "SIGTERM: serve drains and exits 0" stop_serve
# (the demo center names a hold music file, premium.wav, that the
# prompt build does not make: that media-error is not the pages' affair)
check "no error lines in the server log" sh -c \
	"! grep 'event=[a-z-]*-error' '$SLOG' | grep -qv 'what=hold'"

summary
