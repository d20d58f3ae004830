#!/bin/sh
# api_serve.sh — the HTTP API inside the real `plateau serve --http`: the
# center's users log in, a sipp caller waits in a queue and shows in the
# live queue state and in the event stream, an agent logs in through the
# API (the engine offers the call to the agent's sipp phone at once), the
# other tenant sees none of it, /metrics and the CDR agree.
. "$(dirname "$0")/serve_lib.sh"

DID_Q1=+212500000001

# The serve tests' center plus a second tenant and users; the passwords
# are hashed by `plateau passwd` (few rounds: a test).
hash() { printf '%s\n' "$1" | "$PLATEAU" passwd --rounds 1000; }
check "plateau passwd refuses a short password" \
	sh -c "! printf 'short\n' | '$PLATEAU' passwd >/dev/null 2>&1"
H_OP=$(hash op-secret-1)
H_SUP=$(hash sup-secret-1)
H_A1=$(hash a1-secret-1)
H_T2=$(hash t2-secret-1)
check "plateau passwd prints a PBKDF2 hash" sh -c \
	"echo '$H_OP' | grep -qE '^pbkdf2-sha256\\\$1000\\\$[0-9a-f]{32}\\\$[0-9a-f]{64}$'"
CENTER=$WORK/center.json
python3 - "$ROOT/tests/integration/serve_center.json" "$CENTER" \
	"$H_OP" "$H_SUP" "$H_A1" "$H_T2" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["tenants"].append({"id": "t2", "name": "Tenant two"})
c["users"] = [
    {"user": "op", "role": "admin", "tenant": None,
     "password_hash": sys.argv[3]},
    {"user": "sup1", "role": "supervisor", "tenant": "t1",
     "password_hash": sys.argv[4]},
    {"user": "a1", "role": "agent", "tenant": "t1", "agent": "a1",
     "password_hash": sys.argv[5]},
    {"user": "sup2", "role": "supervisor", "tenant": "t2",
     "password_hash": sys.argv[6]},
]
json.dump(c, open(sys.argv[2], "w"), indent=1)
PY
python3 - "$CENTER" "$WORK/clear.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["users"][0] = {"user": "op", "role": "admin", "password": "x"}
json.dump(c, open(sys.argv[2], "w"))
PY
"$PLATEAU" serve --data "$WORK/x" --config "$WORK/clear.json" \
	--http 127.0.0.1:0 >"$WORK/clear.out" 2>&1
check "a clear password in the center is refused, naming the field" \
	sh -c "[ $? -eq 1 ] && grep -q 'users\[0\].password' '$WORK/clear.out'"

start_serve api --http 127.0.0.1:0 || exit 1
check "serve logs the HTTP address" http_port

# get PATH TOKEN -> body on stdout; status in $WORK/st
get() {
	curl -s -m 5 -o "$WORK/body" -w '%{http_code}' \
		-H "Authorization: Bearer $2" "$B$1" >"$WORK/st"
	cat "$WORK/body"
}
post() { # PATH TOKEN BODY
	curl -s -m 5 -o "$WORK/body" -w '%{http_code}' -H 'Expect:' \
		-H "Authorization: Bearer $2" --data-binary "$3" "$B$1" \
		>"$WORK/st"
	cat "$WORK/body"
}
OP=$(api_login op op-secret-1)
SUP=$(api_login sup1 sup-secret-1)
A1=$(api_login a1 a1-secret-1)
T2=$(api_login sup2 t2-secret-1)
check "the center's four users log in (64-hex tokens)" \
	[ "${#OP}${#SUP}${#A1}${#T2}" = 64646464 ]
check "wrong password -> 401" sh -c "[ -z \"\$(cd /; true)\" ] &&
	curl -s -m 5 -o /dev/null -w '%{http_code}' -H 'Expect:' \
	-d '{\"user\":\"sup1\",\"password\":\"nope-nope\"}' \
	'$B/api/v1/login' | grep -qx 401"
check "me: a1 is an agent of t1 acting as a1" sh -c \
	"curl -s -m 5 -H 'Authorization: Bearer $A1' '$B/api/v1/me' |
	 grep -q '\"role\":\"agent\",\"tenant\":\"t1\",\"agent\":\"a1\"'"

# The agent's phone registers; nobody is logged in yet.
sipp_bg ag1 agent_register.xml -s p1 -au p1 -ap pw1 \
	-oocsf "$SIPP_DIR/agent_answer.xml" -rtp_echo -d 60000 -m 1
wait_log "event=register user=p1 .*status=200" 300 || ko "phone p1 registered"

# Event streams of both tenants' supervisors, for the whole call.
curl -s -N -m 30 -H "Authorization: Bearer $SUP" "$B/api/v1/events" \
	>"$WORK/sse1" 2>/dev/null &
SSE1=$!
PIDS="$PIDS $SSE1"
curl -s -N -m 30 -H "Authorization: Bearer $T2" "$B/api/v1/events" \
	>"$WORK/sse2" 2>/dev/null &
SSE2=$!
PIDS="$PIDS $SSE2"
# both streams must be open before the call (its first event)
for _ in $(seq 1 50); do
	grep -q '^retry:' "$WORK/sse1" 2>/dev/null &&
		grep -q '^retry:' "$WORK/sse2" 2>/dev/null && break
	sleep 0.1
done

# A caller waits in q1 with no agent: the live queue state shows it.
sipp_bg caller caller.xml -s "$DID_Q1" -d 4000 -m 1
waiting() {
	for _ in $(seq 1 50); do
		get /api/v1/queues/q1 "$SUP" | grep -q '"waiting":1,' &&
			return 0
		sleep 0.1
	done
	cat "$WORK/body"
	return 1
}
check "live queue state: q1 has 1 call waiting" waiting
check "live queue state: the longest wait grows" sh -c \
	"sleep 0.3; curl -s -m 5 -H 'Authorization: Bearer $SUP' \
	 '$B/api/v1/queues/q1' | grep -Eq '\"longest_wait_ms\":[1-9][0-9]{2,}'"
check "the other tenant does not see q1 -> 404" sh -c \
	"curl -s -m 5 -o /dev/null -w '%{http_code}' \
	 -H 'Authorization: Bearer $T2' '$B/api/v1/queues/q1' | grep -qx 404"

# The agent logs in through the API: the engine offers the call now.
post /api/v1/agents/a1/login "$A1" '{"position":"p1"}' >/dev/null
check "agent login through the API -> 200" [ "$(cat "$WORK/st")" = 200 ]
check "the call reaches a1's phone and connects" \
	wait_log "event=connect .*agent=a1 queue=q1" 50
check "live agent state: a1 on a call at p1" sh -c \
	"curl -s -m 5 -H 'Authorization: Bearer $SUP' '$B/api/v1/agents/a1' |
	 grep -q '\"state\":\"on-call\".*\"position\":\"p1\",\"site\":\"casa\",\"call\":[1-9]'"
check "live queue state: nothing waiting, 1 answered" sh -c \
	"curl -s -m 5 -H 'Authorization: Bearer $SUP' '$B/api/v1/queues/q1' |
	 grep -q '\"waiting\":0,.*\"answered\":1,'"
check "call completed, caller hung up" \
	wait_log "event=call-end .*outcome=answered by=caller queue=q1 agent=a1" 100
sleep 0.5

# The stream saw the whole call, with ids; the other tenant's nothing.
for ev in call-enter offer connect complete; do
	check "event stream (t1 supervisor) carries $ev" \
		grep -q "\"type\":\"$ev\".*\"queue\":\"q1\"" "$WORK/sse1"
done
check "event stream: a1 went ready at p1" grep -q \
	'"agent":"a1","state":"ready","old_state":"logged-out".*"position":"p1"' \
	"$WORK/sse1"
check "event stream ids rise 1, 2, 3..." sh -c \
	"grep '^id: ' '$WORK/sse1' | cut -d' ' -f2 | head -3 | tr '\n' ' ' |
	 grep -qx '1 2 3 '"
check "the other tenant's stream carries nothing of t1" sh -c \
	"! grep -q -e '\"t1\"' -e q1 -e '\"a1\"' '$WORK/sse2'"

# Reconnecting with Last-Event-ID replays what followed.
curl -s -N -m 1 -H "Authorization: Bearer $SUP" -H "Last-Event-ID: 2" \
	"$B/api/v1/events" >"$WORK/sse3" 2>/dev/null
check "Last-Event-ID 2: the stream resumes at id 3" sh -c \
	"grep '^id: ' '$WORK/sse3' | head -1 | grep -qx 'id: 3'"

check "today's calls list the answered call (CDR)" sh -c \
	"curl -s -m 5 -H 'Authorization: Bearer $SUP' \
	 '$B/api/v1/calls?outcome=answered' |
	 grep -q '\"queue\":\"q1\",\"agent\":\"a1\",\"outcome\":\"answered\"'"
check "the other tenant lists no calls" sh -c \
	"curl -s -m 5 -H 'Authorization: Bearer $T2' '$B/api/v1/calls' |
	 grep -qx '{\"calls\":\\[\\]}'"
check "/metrics for the operator: q1 entered 1, answered 1" sh -c \
	"curl -s -m 5 -H 'Authorization: Bearer $OP' '$B/metrics' |
	 grep -q 'plateau_queue_calls_total{queue=\"q1\",outcome=\"answered\"} 1'"
check "/metrics: SIP counters and today's service level of q1" sh -c \
	"curl -s -m 5 -H 'Authorization: Bearer $OP' '$B/metrics' >'$WORK/m' &&
	 grep -q '^plateau_sip_requests_total{what=\"invite_call\"} 1$' '$WORK/m' &&
	 grep -q '^plateau_sip_registered 1$' '$WORK/m' &&
	 grep -q '^plateau_queue_today_service_level{queue=\"q1\"} 1.000$' '$WORK/m' &&
	 grep -q '^plateau_event_loop_lag_ms [0-9]' '$WORK/m'"
check "today in q1: 1 offered, 1 answered within the SL, 100 %" sh -c \
	"curl -s -m 5 -H 'Authorization: Bearer $SUP' '$B/api/v1/queues/q1' |
	 grep -q '\"today\":{\"offered\":1,\"answered\":1,\"answered_in_sl\":1,\"abandoned\":0,\"exited\":0,\"service_level_pct\":100.0,'"
check "floor: t1 answered 1 today, a1 in wrap-up or ready at casa" sh -c \
	"curl -s -m 5 -H 'Authorization: Bearer $SUP' '$B/api/v1/floor' >'$WORK/f' &&
	 grep -q '\"id\":\"t1\",\"waiting\":0,' '$WORK/f' &&
	 grep -q '\"answered\":1,' '$WORK/f' && ! grep -q '\"t2\"' '$WORK/f' &&
	 grep -Eq '\"id\":\"casa\".*\"(ready|wrap-up)\":1' '$WORK/f'"
check "floor refused to an agent -> 403" sh -c \
	"curl -s -m 5 -o /dev/null -w '%{http_code}' \
	 -H 'Authorization: Bearer $A1' '$B/api/v1/floor' | grep -qx 403"
check "recording of an unrecorded call -> 404" sh -c \
	"id=\$(sqlite3 '$SDATA/plateau.db' 'SELECT call_id FROM cdrs LIMIT 1');
	 curl -s -m 5 -o /dev/null -w '%{http_code}' \
	 -H 'Authorization: Bearer $SUP' \"$B/api/v1/calls/\$id/recording\" |
	 grep -qx 404"
DUE=$(( $(date +%s) * 1000 + 7200000 ))
post /api/v1/agents/a1/callback "$A1" \
	"{\"number\":\"+212600000042\",\"due_ms\":$DUE,\"notes\":\"apres 18h\"}" >/dev/null
check "agent schedules a callback on its last call -> 201" sh -c \
	"[ \"\$(cat '$WORK/st')\" = 201 ] && grep -q '\"call_id\":\"[^\"]' '$WORK/body'"
post /api/v1/agents/a1/callback "$A1" '{"number":"+2126","due_ms":5}' >/dev/null
check "callback due in the past -> 400 naming due_ms" sh -c \
	"[ \"\$(cat '$WORK/st')\" = 400 ] && grep -q 'due_ms' '$WORK/body'"
check "callback saved in the store" sh -c \
	"[ \"\$(sqlite3 '$SDATA/plateau.db' 'SELECT number FROM callbacks')\" = +212600000042 ]"
check "supervisor lists the tenant's callbacks; the other tenant none" sh -c \
	"curl -s -m 5 -H 'Authorization: Bearer $SUP' '$B/api/v1/callbacks' |
	 grep -q '\"number\":\"+212600000042\"' &&
	 curl -s -m 5 -H 'Authorization: Bearer $T2' '$B/api/v1/callbacks' |
	 grep -qx '{\"callbacks\":\[\]}'"
check "/metrics refused to a tenant supervisor -> 403" sh -c \
	"curl -s -m 5 -o /dev/null -w '%{http_code}' \
	 -H 'Authorization: Bearer $SUP' '$B/metrics' | grep -qx 403"

# The agent logs out through the API (in wrap-up: allowed).
post /api/v1/agents/a1/logout "$A1" '{}' >/dev/null
check "agent logout through the API" sh -c \
	"grep -q '\"state\":\"logged-out\"' '$WORK/body'"
stop_bg
check "SIGTERM: serve with --http drains and exits 0" stop_serve
check "no error lines in the server log" sh -c \
	"! grep -q 'event=[a-z-]*-error' '$SLOG'"

summary
