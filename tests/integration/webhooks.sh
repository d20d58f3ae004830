#!/bin/sh
# webhooks.sh — CRM webhooks of `plateau serve --http` against a real
# receiver on 127.0.0.1 (webhook_receiver.py, which checks each HMAC
# signature itself): a sipp call answered by a sipp agent makes
# call.offered, call.answered and call.ended carrying the CDR's call id,
# the same id the event stream carries; another tenant's hook gets none of
# it; a 500 is retried and delivered; a receiver that is down, never
# answers or answers an endless first line does not hold up the API or
# the calls; CRUD under
# /api/v1/webhooks keeps secrets and tenants apart.
. "$(dirname "$0")/serve_lib.sh"

DID_Q1=+212500000001   # tenant t1, queue q1 (agent a1 at p1)
DID_B=+212500000009    # tenant t2, queue qb (no agent: abandon)
S1=t1-secret-0123456789
S2=t2-secret-0123456789
S3=t1-flaky-secret-0123
S4=t1-down-secret-01234
S5=t1-hang-secret-01234

python3 "$ROOT/tests/integration/webhook_receiver.py" "$WORK/rport" \
	"$WORK/recv.jsonl" "/t1=$S1" "/t2=$S2" "/flaky-1=$S3" \
	"/hang-1=$S5" "/made-1=made-secret-0123456" "/long-1=$S5" &
PIDS="$PIDS $!"
for _ in $(seq 1 200); do [ -s "$WORK/rport" ] && break; sleep 0.1; done
RP=$(cat "$WORK/rport" 2>/dev/null)
DOWN=$(free_port)       # nothing listens there
[ -n "$RP" ] || give_up "receiver listening (no port in 20 s)"

hash() { printf '%s\n' "$1" | "$PLATEAU" passwd --rounds 1000; }
CENTER=$WORK/center.json
python3 - "$ROOT/tests/integration/serve_center.json" "$CENTER" \
	"$(hash op-secret-1)" "$(hash adm-secret-1)" "$(hash adm-secret-2)" \
	"$RP" "$DOWN" "$S1" "$S2" "$S3" "$S4" "$S5" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
rp, down = sys.argv[6], sys.argv[7]
c["tenants"].append({"id": "t2", "name": "Tenant two"})
q = dict(c["queues"][0], id="qb", tenant="t2", name="B")
c["queues"].append(q)
c["dids"].append({"number": "+212500000009", "tenant": "t2", "queue": "qb"})
u = lambda n, r, t, h: {"user": n, "role": r, "tenant": t,
                        "password_hash": h}
c["users"] = [u("op", "admin", None, sys.argv[3]),
              u("adm1", "admin", "t1", sys.argv[4]),
              u("adm2", "admin", "t2", sys.argv[5])]
url = lambda p, port=rp: "http://127.0.0.1:%s%s" % (port, p)
c["webhooks"] = [
  {"id": "h1", "tenant": "t1", "url": url("/t1"), "secret": sys.argv[8]},
  {"id": "h2", "tenant": "t2", "url": url("/t2"), "secret": sys.argv[9]},
  {"id": "h3", "tenant": "t1", "url": url("/flaky-1"),
   "secret": sys.argv[10], "events": ["call.answered"]},
  {"id": "h4", "tenant": "t1", "url": url("/down", down),
   "secret": sys.argv[11], "events": ["call.offered", "call.ended"]},
  {"id": "h5", "tenant": "t1", "url": url("/hang-1"),
   "secret": sys.argv[12], "events": ["call.offered"]},
  {"id": "h8", "tenant": "t1", "url": url("/long-1"),
   "secret": sys.argv[12], "events": ["call.answered"]},
  {"id": "h6", "tenant": "t1", "url": url("/off"), "secret": sys.argv[12],
   "enabled": False}]
json.dump(c, open(sys.argv[2], "w"), indent=1)
PY

start_serve hooks --http 127.0.0.1:0 --login a1@p1 ||
	give_up "serve starts with the webhooks"
for _ in $(seq 1 50); do
	HPORT=$(grep -o 'event=http-listening http=127.0.0.1:[0-9]*' \
		"$SLOG" | tail -1 | sed 's/.*://')
	[ -n "$HPORT" ] && break
	sleep 0.1
done
B=http://127.0.0.1:$HPORT

req() { # METHOD PATH TOKEN [BODY]: status in $ST, body in $WORK/body
	if [ $# -ge 4 ]; then
		ST=$(curl -s -m 10 -o "$WORK/body" -w '%{http_code}' -X "$1" \
			-H 'Expect:' -H "Authorization: Bearer $3" \
			--data-binary "$4" "$B$2")
	else
		ST=$(curl -s -m 10 -o "$WORK/body" -w '%{http_code}' -X "$1" \
			-H "Authorization: Bearer $3" "$B$2")
	fi
}
login() {
	curl -s -m 10 -H 'Expect:' -d "{\"user\":\"$1\",\"password\":\"$2\"}" \
		"$B/api/v1/login" | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p'
}
OP=$(login op op-secret-1)
ADM1=$(login adm1 adm-secret-1)
ADM2=$(login adm2 adm-secret-2)
check "three logins" [ "${#OP}${#ADM1}${#ADM2}" = 646464 ]

# hooks PY-EXPR: evaluates an expression over the receiver's records `r`
hooks() {
	python3 - "$WORK/recv.jsonl" "$1" <<'PY'
import json, sys
r = []
try:
    for l in open(sys.argv[1]):
        if l.endswith("\n"):      # a line being written is skipped
            r.append(json.loads(l))
except FileNotFoundError:
    pass
ok = eval(sys.argv[2])
sys.exit(0 if ok else 1)
PY
}
wait_hooks() { # PY-EXPR [TENTHS]
	for _ in $(seq 1 "${2:-100}"); do
		hooks "$1" && return 0
		sleep 0.1
	done
	echo "  receiver never saw: $1"
	return 1
}

# --- CRUD, secrets and tenants ----------------------------------------------
req GET /api/v1/webhooks "$ADM1"
check "tenant admin lists its webhooks without secrets" sh -c \
	"[ '$ST' = 200 ] && grep -q '\"h1\"' '$WORK/body' &&
	 ! grep -q secret '$WORK/body' && ! grep -q '\"h2\"' '$WORK/body'"
req GET /api/v1/webhooks/h1 "$ADM2"
check "other tenant's admin reads h1 -> 404" sh -c "[ '$ST' = 404 ]"
req POST /api/v1/webhooks "$ADM2" "{\"id\":\"hx\",\"tenant\":\"t1\",\
\"url\":\"http://127.0.0.1:$RP/t1\",\"secret\":\"0123456789abcdefgh\"}"
check "other tenant's admin adds a hook for t1 -> 403" sh -c "[ '$ST' = 403 ]"
req POST /api/v1/webhooks "$ADM1" '{"id":"hy","url":"ftp://x/","secret":"0123456789abcdefgh"}'
check "ftp URL -> 400 naming url" sh -c \
	"[ '$ST' = 400 ] && grep -q 'url' '$WORK/body'"
req POST /api/v1/webhooks "$ADM1" "{\"id\":\"hy\",\"url\":\"http://127.0.0.1:$RP/x\",\"secret\":\"short\"}"
check "short secret -> 400 naming secret" sh -c \
	"[ '$ST' = 400 ] && grep -q 'secret' '$WORK/body'"
req POST /api/v1/webhooks "$ADM1" "{\"id\":\"h7\",\"url\":\"http://127.0.0.1:$RP/made-1\",\
\"secret\":\"made-secret-0123456\",\"events\":[\"call.ended\"]}"
check "tenant admin creates h7 -> 201, tenant filled in, no secret" sh -c \
	"[ '$ST' = 201 ] && grep -q '\"tenant\":\"t1\"' '$WORK/body' &&
	 ! grep -q made-secret '$WORK/body'"
req PATCH /api/v1/webhooks/h7 "$ADM1" '{"enabled":true}'
check "patch h7 without its secret keeps it (200)" sh -c "[ '$ST' = 200 ]"
check "h7 saved in the store with its secret" \
	[ "$(sql "SELECT secret FROM webhooks WHERE id='h7';")" = made-secret-0123456 ]

# --- a call answered by a1: the event stream and the hooks ------------------
curl -s -N -m 40 -H "Authorization: Bearer $OP" "$B/api/v1/events" \
	>"$WORK/sse.txt" 2>/dev/null &
SSEPID=$!
PIDS="$PIDS $SSEPID"
sipp_bg ag1 agent_register.xml -s p1 -au p1 -ap pw1 \
	-oocsf "$SIPP_DIR/agent_answer.xml" -rtp_echo -d 150000 -m 1
wait_log "event=register user=p1 .*status=200" 300 || ko "agent p1 registered"
T0=$(date +%s.%N)
check "caller reaches a1 and talks 2 s (sipp)" \
	sipp_run c1 caller.xml -s "$DID_Q1" -d 2000 -m 1
check "call completed" wait_log "event=call-end .*outcome=answered"
CID=$(grep -o 'event=call-end call=[^ ]*' "$SLOG" | tail -1 | sed 's/.*=//')
cdr_there() { # the store's writer commits within a moment
	for _ in $(seq 1 50); do
		[ "$(sql "SELECT count(*) FROM cdrs WHERE call_id='$1';")" = 1 ] &&
			return 0
		sleep 0.1
	done
	return 1
}
check "the CDR knows that call id" cdr_there "$CID"
T="[x for x in r if x['path'] == '/t1']"
check "t1's hook: offered, answered, then ended" wait_hooks \
	"sorted(x['event'] for x in $T) == ['call.answered', 'call.ended', 'call.offered'] and $T[-1]['event'] == 'call.ended'"
check "each carries the CDR's call id, tenant t1, queue q1" hooks \
	"all(x['body']['call_id'] == '$CID' and x['body']['tenant'] == 't1' and x['body']['queue'] == 'q1' for x in $T)"
check "the receiver verified every signature (HMAC-SHA256, fresh)" hooks \
	"len($T) == 3 and all(x['sig_ok'] for x in $T)"
check "body: JSON, type matches the header, agent a1, caller's number" \
	hooks "all(x['ctype'] == 'application/json' and x['body']['type'] == x['event'] and x['body']['agent'] == 'a1' and x['body']['caller'] for x in $T)"
check "ended: outcome answered with talk time, who hung up" hooks \
	"[x['body'] for x in $T][2]['outcome'] == 'answered' and [x['body'] for x in $T][2]['talk_ms'] >= 1500 and [x['body'] for x in $T][2]['ended_by'] == 'caller'"
check "h7 (made through the API, call.ended only) got the end" wait_hooks \
	"[x['event'] for x in r if x['path'] == '/made-1'] == ['call.ended'] and all(x['sig_ok'] for x in r if x['path'] == '/made-1')"
check "disabled hook h6 got nothing" hooks \
	"not [x for x in r if x['path'] == '/off']"
check "the event stream carries the same call_id on the call's events" \
	sh -c "grep -q '\"type\":\"connect\".*\"call_id\":\"$CID\"' '$WORK/sse.txt' &&
	       grep -q '\"type\":\"complete\".*\"call_id\":\"$CID\"' '$WORK/sse.txt'"

# --- retry: 500 first, then 200, same delivery ------------------------------
F="[x for x in r if x['path'] == '/flaky-1']"
check "flaky hook: 500 then delivered again >= 1 s later, same delivery id" \
	wait_hooks "len($F) == 2 and $F[0]['delivery'] == $F[1]['delivery'] and $F[1]['at'] - $F[0]['at'] >= 0.9 and all(x['sig_ok'] for x in $F)" 100
sleep 0.3
req GET /api/v1/webhooks/h3 "$ADM1"
check "h3 status: delivered 1, failures 1, last status 200" sh -c \
	"grep -q '\"last_status\":200,\"last_error\":null' '$WORK/body' &&
	 grep -q '\"delivered\":1,\"failures\":1' '$WORK/body'"

# --- tenant isolation: t2's call goes to t2's hook only ---------------------
check "caller of tenant t2 abandons in qb (sipp)" \
	sipp_run cb caller.xml -s "$DID_B" -d 1000 -m 1
check "abandon logged" wait_log "event=call-end .*outcome=abandoned.*queue=qb"
CB=$(grep -o 'event=call-end call=[^ ]*' "$SLOG" | tail -1 | sed 's/.*=//')
U="[x for x in r if x['path'] == '/t2']"
check "t2's hook: abandoned and ended (outcome abandoned), its call id" \
	wait_hooks "sorted(x['event'] for x in $U) == ['call.abandoned', 'call.ended'] and all(x['body']['call_id'] == '$CB' and x['body']['outcome'] == 'abandoned' and x['sig_ok'] for x in $U)"
check "t2's hook saw nothing of t1's call" hooks \
	"all(x['body']['call_id'] != '$CID' for x in $U)"
check "no t1 hook saw t2's call" hooks \
	"all(x['body']['call_id'] != '$CB' for x in r if x['path'] != '/t2')"

# --- receivers down or hanging: the loop goes on ----------------------------
req GET /api/v1/webhooks/h4 "$ADM1"
check "h4 (nothing listening): failures counted, error named" sh -c \
	"grep -q '\"failures\":[1-9]' '$WORK/body' &&
	 grep -q '\"last_error\":\"' '$WORK/body'"
check "h5 (never answers) was reached" wait_hooks \
	"[x for x in r if x['path'] == '/hang-1']"
MS=$(curl -s -m 5 -o /dev/null -w '%{time_total}' \
	-H "Authorization: Bearer $OP" "$B/api/v1/me")
check "API answers in < 0.5 s while a hook hangs (took $MS s)" \
	python3 -c "import sys; sys.exit(0 if 0 < float('$MS') < 0.5 else 1)"
check "another call flows meanwhile (answered by a1)" \
	sipp_run c2 caller.xml -s "$DID_Q1" -d 500 -m 1
answered2() {
	for _ in $(seq 1 50); do
		[ "$(grep -c 'event=call-end .*outcome=answered' "$SLOG")" -ge 2 ] &&
			return 0
		sleep 0.1
	done
	return 1
}
check "second call completed" answered2
sleep 5.5
req GET /api/v1/webhooks/h5 "$ADM1"
check "h5's attempt timed out after 5 s (status shows it)" sh -c \
	"grep -q '\"last_error\":\"timeout\"' '$WORK/body'"
req GET /api/v1/webhooks/h8 "$ADM1"
check "h8's 8 KB status line without an end: refused (bad message)" sh -c \
	"grep -q '\"last_error\":\"Bad message\"' '$WORK/body' &&
	 grep -q '\"failures\":[1-9]' '$WORK/body'"
req GET /metrics "$OP"
check "/metrics counts deliveries, retries and the queue" sh -c \
	"grep -q 'plateau_webhook_deliveries_total{result=\"delivered\"} [1-9]' '$WORK/body' &&
	 grep -q 'plateau_webhook_deliveries_total{result=\"retried\"} [1-9]' '$WORK/body' &&
	 grep -q '^plateau_webhook_queue [0-9]' '$WORK/body'"
T1=$(date +%s.%N)
echo "  ($(python3 -c "print(round($T1 - $T0, 1))") s of calls and hooks)"
stop_bg
check "SIGTERM with deliveries pending" stop_serve

summary
