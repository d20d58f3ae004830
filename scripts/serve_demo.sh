#!/bin/sh
# serve_demo.sh — `plateau serve` on the demo center, on loopback: two
# agents logged in with sipp phones registered by digest auth, two sipp
# callers to the premium number (queue hx-vip-fr), then the call records
# from the SQLite store; the web pages on the HTTP side, with their URLs
# and demo logins. Bounded (~30 s); stops everything it starts.
# --keep: leaves the server up after the calls, until Ctrl-C (to try the
# pages in a browser); HTTP_PORT=8080 picks the HTTP port (default: any).
set -u
KEEP=""
[ "${1:-}" = "--keep" ] && KEEP=1
cd "$(dirname "$0")/.."
ROOT=$(pwd)
W=build/demo/serve
rm -rf "$W"
mkdir -p "$W"
PIDS=""
trap 'for p in $PIDS; do kill $p 2>/dev/null; done' EXIT

port() {
	python3 -c 'import socket; s=socket.socket(socket.AF_INET,
socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

./build/plateau serve --data "$W/data" --config examples/demo.json \
	--sip 127.0.0.1:0 --rtp-ports 24000-24999 --prompts build/prompts \
	--login a.benali@casa-001 --login m.bennani@casa-002 \
	--http "127.0.0.1:${HTTP_PORT:-0}" \
	>"$W/serve.log" 2>&1 &
SPID=$!
PIDS="$PIDS $SPID"
SP=""
for _ in $(seq 1 100); do
	SP=$(grep -o 'event=listening sip=127.0.0.1:[0-9]*' "$W/serve.log" |
	     sed 's/.*://')
	[ -n "$SP" ] && break
	sleep 0.1
done
if [ -z "$SP" ]; then
	echo "serve did not start:"
	cat "$W/serve.log"
	exit 1
fi
echo "plateau serve listening on 127.0.0.1:$SP (log: $W/serve.log)"
HP=$(grep -o 'event=http-listening http=127.0.0.1:[0-9]*' "$W/serve.log" |
     head -1 | sed 's/.*://')
web_urls() {
	[ -n "$HP" ] || return 0
	B=http://127.0.0.1:$HP
	cat <<TXT
web pages (docs/web.md; add ?lang=fr, ?lang=en or ?lang=ar):
  agent desktop  $B/desk.html
                 a.benali / demo-a.benali (logged in at casa-001),
                 y.elamrani / demo-y.elamrani (pick a position)
  wallboard      $B/wallboard.html
                 hx-sup / demo-hx-sup, nk-sup / demo-nk-sup
  admin          $B/admin.html
                 hx-admin / demo-hx-admin, operator / demo-operator
  API            $B/api/v1/ (docs/api.md), live events $B/api/v1/events
TXT
}
web_urls

for n in 1 2; do
	timeout 40 sipp -sf tests/sipp/agent_register.xml \
		-oocsf "$ROOT/tests/sipp/agent_answer.xml" -s "casa-00$n" \
		-au "casa-00$n" -ap "demo-casa-00$n" -rtp_echo -d 20000 -m 1 \
		-i 127.0.0.1 -p "$(port)" -mp "$((25000 + n * 10))" -nostdin \
		"127.0.0.1:$SP" >"$W/agent$n.out" 2>&1 &
	PIDS="$PIDS $!"
done
for _ in $(seq 1 100); do
	[ "$(grep -c 'event=register .*status=200' "$W/serve.log")" -ge 2 ] &&
		break
	sleep 0.1
done
echo "phones registered: casa-001 (a.benali), casa-002 (m.bennani)"

timeout 40 sipp -sf tests/sipp/caller.xml -s +212522001199 -m 2 -r 2 \
	-d 4000 -i 127.0.0.1 -p "$(port)" -mp 25100 -nostdin \
	-timeout 35 "127.0.0.1:$SP" >"$W/callers.out" 2>&1
echo "callers done (status $?)"
sleep 0.5
if [ -n "$KEEP" ] && [ -n "$HP" ]; then
	web_urls
	echo "serving until Ctrl-C"
	trap 'echo' INT
	wait "$SPID" 2>/dev/null
fi
kill -TERM "$SPID"
for _ in $(seq 1 50); do
	kill -0 "$SPID" 2>/dev/null || break
	sleep 0.1
done
grep -E 'event=(invite|connect|call-end)' "$W/serve.log" | sed 's/^ts=[^ ]* //' |
	cut -c1-160
echo
echo "call records (sqlite3 $W/data/plateau.db):"
sqlite3 -header -column "$W/data/plateau.db" \
	"SELECT call_id, did, queue, agent, outcome, ended_by, wait_ms,
	        talk_ms, recording IS NOT NULL AS recorded FROM cdrs;"
cat <<TXT

To try it with a real softphone: plateau serve --data DIR --config
examples/demo.json --sip 0.0.0.0:5060, then register user casa-003,
password demo-casa-003, realm atlas.plateau.ma, and call +212522001199
(premium queue) or +212522001100 (IVR menu). Dial *111001*1000 from it
to log agent a.benali (number 1001, PIN 1000) in at that position, then
calls ring it; *12 logs out. docs/serve.md tells more.
To keep the server up and try the web pages in a browser:
./scripts/serve_demo.sh --keep (HTTP_PORT=8080 for a fixed port).
TXT
