#!/bin/bash
# api.sh — the HTTP API against build/bin/api_server on loopback: roles and
# tenants on every route, malformed input, limits, the event stream and
# /metrics. Prints "N passed, N failed" last.
. "$(dirname "$0")/check_lib.sh"
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
API_PID=
sse=
cleanup() {
	[ -n "$sse" ] && kill "$sse" 2>/dev/null
	[ -n "$API_PID" ] && kill "$API_PID" 2>/dev/null &&
		wait "$API_PID" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

api_server_start "$tmp"
B=http://127.0.0.1:$API_PORT

# req METHOD PATH TOKEN [BODY]: status in $st, body in $tmp/body.
req() {
	local auth=()
	[ -n "$3" ] && auth=(-H "Authorization: Bearer $3")
	if [ $# -ge 4 ]; then
		st=$(curl -s -m 5 -o "$tmp/body" -w '%{http_code}' -X "$1" \
			-H 'Expect:' -H 'Content-Type: application/json' \
			"${auth[@]}" --data-binary "$4" "$B$2")
	else
		st=$(curl -s -m 5 -o "$tmp/body" -w '%{http_code}' -X "$1" \
			"${auth[@]}" "$B$2")
	fi
}
body_has() { grep -q -- "$1" "$tmp/body"; }
body_lacks() { ! grep -q -- "$1" "$tmp/body"; }
is_error() { # status code: the JSON error shape with that status
	[ "$st" = "$1" ] && grep -q '^{"error":{"code":"[a-z_]*","message":"' \
		"$tmp/body"
}


OP=$(api_login op-admin op-pass-1)
HXA=$(api_login hx-admin hx-pass-1)
HXS=$(api_login hx-sup hx-pass-2)
HXG=$(api_login hx-agent hx-pass-3)
NKA=$(api_login nk-admin nk-pass-1)
NKS=$(api_login nk-sup nk-pass-2)
NKG=$(api_login nk-agent nk-pass-3)
check "login gives 64-hex tokens to all seven users" test \
	"${#OP}${#HXA}${#HXS}${#HXG}${#NKA}${#NKS}${#NKG}" = \
	64646464646464

# ---- authentication ----
req GET /api/v1/queues ""
check "no token -> 401" is_error 401
req GET /api/v1/queues "0000000000000000000000000000000000000000000000000000000000000000"
check "unknown token -> 401" is_error 401
req POST /api/v1/login "" '{"user":"hx-sup","password":"wrong-pass"}'
check "wrong password -> 401" is_error 401
req GET /api/v1/me "$HXS"
check "me: hx-sup is supervisor of hexatel" body_has '"role":"supervisor","tenant":"hexatel"'
req GET /api/v1/queues hxkey-0123456789abcdef
check "API key reads its tenant's queues" \
	bash -c "[ $st = 200 ] && grep -q hx-vip-fr $tmp/body && ! grep -q nk- $tmp/body"

# ---- another tenant's data: 403/404 and nothing of it ----
for who in NKA NKS NKG; do
	t=${!who}
	for path in /api/v1/queues/hx-vip-fr /api/v1/agents/a.benali \
		/api/v1/queues/hx-nope; do
		req GET "$path" "$t"
		check "$who GET $path -> 403/404" bash -c \
			"[ $st = 404 ] || [ $st = 403 ]"
		check "$who GET $path: no hexatel data" body_lacks hexatel
	done
	for act in login ready pause logout disposition; do
		req POST /api/v1/agents/a.benali/$act "$t" \
			'{"position":"casa-002","reason":"lunch","disposition":"resolved"}'
		check "$who POST agents/a.benali/$act -> 403/404" bash -c \
			"[ $st = 404 ] || [ $st = 403 ]"
	done
	for path in /api/v1/queues /api/v1/agents /api/v1/calls /api/v1/log \
		/api/v1/tenants; do
		req GET "$path" "$t"
		check "$who GET $path: no hexatel rows" bash -c \
			"! grep -q -e hexatel -e '\"hx-' $tmp/body"
	done
	req GET /metrics "$t"
	check "$who GET /metrics -> 403" is_error 403
done
req GET /api/v1/agents/a.benali "$HXS"
check "a.benali still ready after the other tenant's tries" \
	body_has '"state":"ready"'
req GET /api/v1/queues "$NKS"
check "nk-sup sees its own queues" body_has nk-orders-de
req GET /api/v1/queues/nk-returns-de "$NKS"
check "nk-returns-de live: 2 waiting" body_has '"waiting":2'
req GET /api/v1/queues/nk-returns-de "$OP"
check "operator sees every tenant" body_has '"tenant":"nordkauf"'

# ---- roles within a tenant ----
req GET /api/v1/agents "$HXG"
check "agent lists agents -> 403" is_error 403
req GET /api/v1/agents/f.alaoui "$HXG"
check "agent reads a colleague -> 404" is_error 404
req GET /api/v1/agents/a.benali "$HXG"
check "agent reads themself" body_has '"id":"a.benali"'
req GET /api/v1/calls "$HXG"
check "agent lists calls -> 403" is_error 403
req POST /api/v1/agents/a.benali/ready "$HXS" '{}'
check "supervisor cannot make an agent ready -> 403" is_error 403
req GET /api/v1/calls "$HXS"
check "supervisor lists today's calls" body_has '"call_id":"call-1"'
req GET "/api/v1/calls?outcome=answered&queue=hx-vip-fr" "$HXS"
check "calls filter by outcome and queue" body_has '"queue":"hx-vip-fr"'
req GET "/api/v1/calls?outcome=bogus" "$HXS"
check "calls bad outcome -> 400" is_error 400
req GET "/api/v1/calls?limit=99999999999999999999999" "$HXS"
check "calls huge limit -> 400" is_error 400

# ---- malformed input: the right error and nothing changed ----
req POST /api/v1/agents/a.benali/pause "$HXG" '{"reason":'
check "truncated JSON -> 400" is_error 400
req POST /api/v1/agents/a.benali/pause "$HXG" '{"reason":"lunch","n":99999999999999999999}'
check "huge number -> 400" is_error 400
req POST /api/v1/agents/a.benali/pause "$HXG" '{"reason":"lunch","n":1e999}'
check "huge exponent -> 400" is_error 400
req POST /api/v1/agents/a.benali/pause "$HXG" '{"reason":5}'
check "reason not a string -> 400 naming it" bash -c \
	"[ $st = 400 ] && grep -q 'reason: must be a string' $tmp/body"
req POST /api/v1/agents/a.benali/pause "$HXG" '{"reason":"siesta"}'
check "unknown pause reason -> 400" is_error 400
req POST /api/v1/agents/a.benali/pause "$HXG" '[1,2]'
check "array body -> 400" is_error 400
req POST /api/v1/agents/a.benali/login "$HXG" '{}'
check "missing position -> 400 naming it" bash -c \
	"[ $st = 400 ] && grep -q 'position: required' $tmp/body"
head -c 70000 /dev/zero | tr '\0' 'a' >"$tmp/big"
st=$(curl -s -m 5 -o "$tmp/body" -w '%{http_code}' -H 'Expect:' \
	-H "Authorization: Bearer $HXG" --data-binary @"$tmp/big" \
	"$B/api/v1/agents/a.benali/pause")
check "70 KB body -> 413 (or closed)" bash -c "[ $st = 413 ] || [ $st = 000 ]"
req DELETE /api/v1/queues "$HXS"
check "DELETE /queues -> 405" is_error 405
req GET /api/v1/login ""
check "GET /login -> 405" is_error 405
req GET /api/v1/nothing "$HXS"
check "unknown route -> 404" is_error 404
req GET "/api/v1/queues/..%2f..%2fetc" "$HXS"
check "odd path -> 404" is_error 404
req GET /api/v1/agents/a.benali "$HXS"
check "nothing changed: a.benali still ready" body_has '"state":"ready"'

# Raw socket cases: long first line, Connection: close, HTTP/1.0.
raw() { # bytes (printf format) -> reply on stdout; exits when closed
	python3 - "$API_PORT" "$1" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3)
s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin-1"))
out = b""
try:
    while True:
        d = s.recv(65536)
        if not d:
            print("<closed>")
            break
        out += d
except socket.timeout:
    print("<open>")
sys.stdout.write(out.decode("latin-1"))
PY
}
r=$(raw "GET /$(head -c 4000 /dev/zero | tr '\0' 'a')")
check "4000-byte first line without end -> 400, closed" bash -c \
	"grep -q '400 Bad Request' <<<'$r' && grep -q '<closed>' <<<'$r'"
r=$(raw "GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer $HXS\r\nConnection: close\r\n\r\n")
check "Connection: close -> reply, then closed" bash -c \
	"grep -q '200 OK' <<<'$r' && grep -q '<closed>' <<<'$r'"
r=$(raw "GET /api/v1/me HTTP/1.0\r\nAuthorization: Bearer $HXS\r\n\r\n")
check "HTTP/1.0 -> reply, then closed" bash -c \
	"grep -q '200 OK' <<<'$r' && grep -q '<closed>' <<<'$r'"
r=$(raw "GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer $HXS\r\n\r\n")
check "HTTP/1.1 keep-alive stays open" bash -c \
	"grep -q '200 OK' <<<'$r' && grep -q '<open>' <<<'$r'"
r=$(raw "POST /api/v1/login HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
check "chunked body -> 411" bash -c "grep -q '411 Length' <<<'$r'"

# ---- agent actions and disposition ----
req POST /api/v1/agents/a.benali/disposition "$HXG" \
	'{"disposition":"order-placed"}'
check "another tenant's disposition -> 400" is_error 400
req POST /api/v1/agents/a.benali/disposition "$HXG" \
	'{"disposition":"resolved","notes":"rappel demain"}'
check "disposition of the last call" body_has '"call_id":"call-1"'
sleep 0.3
req GET "/api/v1/calls?agent=a.benali" "$HXS"
check "call shows the disposition and notes" body_has \
	'"disposition":"resolved","notes":"rappel demain"'

# ---- event stream ----
curl -s -N -m 4 -H "Authorization: Bearer $NKS" "$B/api/v1/events" \
	>"$tmp/sse-nk" &
sse=$!
curl -s -N -m 4 -H "Authorization: Bearer $HXS" "$B/api/v1/events" \
	>"$tmp/sse-hx" &
sleep 0.5
req POST /api/v1/agents/a.benali/pause "$HXS" '{"reason":"coaching"}'
check "supervisor forces a pause" body_has '"state":"paused"'
req POST /api/v1/agents/a.benali/ready "$HXG" '{}'
check "agent goes ready again" body_has '"state":"ready"'
sleep 0.5
check "live stream carries the forced pause" grep -q '"reason":"coaching"' \
	"$tmp/sse-hx"
check "stream events have ids" grep -q '^id: [0-9]' "$tmp/sse-hx"
check "other tenant's stream: nothing of hexatel" bash -c \
	"! grep -q hexatel $tmp/sse-nk"
wait "$sse" 2>/dev/null
sse=
last=$(grep '^id: ' "$tmp/sse-hx" | head -1 | cut -d' ' -f2)
curl -s -N -m 1 -H "Authorization: Bearer $HXS" \
	-H "Last-Event-ID: $last" "$B/api/v1/events" >"$tmp/sse-resume"
first=$(grep '^id: ' "$tmp/sse-resume" | head -1 | cut -d' ' -f2)
check "resume with Last-Event-ID gives the next id" \
	test "$first" = "$((last + 1))"
check "resume replays the ready that followed" grep -q '"state":"ready"' \
	"$tmp/sse-resume"
curl -s -N -m 1 -H "Authorization: Bearer $HXS" \
	-H "Last-Event-ID: 12x" -o "$tmp/body" "$B/api/v1/events"
check "bad Last-Event-ID -> 400" grep -q '"code":"bad_header"' "$tmp/body"

# ---- metrics ----
req GET /metrics "$OP"
check "/metrics 200 for the operator" test "$st" = 200
check "/metrics lines are exposition format" python3 - "$tmp/body" <<'PY'
import re, sys
ok = 0
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if line.startswith("# HELP ") or line.startswith("# TYPE "):
        continue
    if not re.fullmatch(r'[a-zA-Z_:][a-zA-Z0-9_:]*'
                        r'(\{([a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*",?)*\})?'
                        r' -?[0-9]+(\.[0-9]+)?', line):
        print("bad line:", line)
        sys.exit(1)
    ok += 1
sys.exit(0 if ok > 10 else 1)
PY
check "/metrics counts waiting calls" grep -q \
	'plateau_queue_calls{queue="nk-returns-de",tenant="nordkauf",state="waiting"} 2' \
	"$tmp/body"

# ---- logout, then throttling (last: it blocks this address) ----
req POST /api/v1/logout "$HXA" '{}'
req GET /api/v1/me "$HXA"
check "token refused after logout -> 401" is_error 401
for _ in 1 2 3 4 5; do
	req POST /api/v1/login "" '{"user":"hx-sup","password":"nope-nope"}'
done
req POST /api/v1/login "" '{"user":"hx-sup","password":"hx-pass-2"}'
check "6th login after 5 failures -> 429" is_error 429
kill -0 "$API_PID" 2>/dev/null
check "server still running" test $? = 0

summary
