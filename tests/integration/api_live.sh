#!/bin/sh
# api_live.sh — configuration that routing is built on, changed live while
# a real sipp call flows: a waiting call meets its agent when the queue's
# skills and strategy change, the agent's skills change during the call
# without disturbing it, objects in use refuse removal (409 in_use, saying
# why) and unused ones go at once (a removed position's phone loses its
# registration), every accepted change is an `event: config` on the event
# stream of its tenant only, and a restart from the store keeps it all.
. "$(dirname "$0")/serve_lib.sh"

DID_Q1=+212500000001
hash() { printf '%s\n' "$1" | "$PLATEAU" passwd --rounds 1000; }
CENTER=$WORK/center.json
python3 - "$ROOT/tests/integration/serve_center.json" "$CENTER" \
	"$(hash op-secret-1)" "$(hash adm-secret-1)" "$(hash adm-secret-2)" \
	<<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["tenants"].append({"id": "t2", "name": "Tenant two"})
# a1 (lang:fr=5) cannot serve q1 until its skills change
c["queues"][0]["skills"] = "lang:de>=3"
u = lambda n, r, t, h: {"user": n, "role": r, "tenant": t,
                        "password_hash": h}
c["users"] = [u("op", "admin", None, sys.argv[3]),
              u("adm1", "admin", "t1", sys.argv[4]),
              u("adm2", "admin", "t2", sys.argv[5])]
json.dump(c, open(sys.argv[2], "w"), indent=1)
PY

# req METHOD PATH TOKEN [BODY]: status in $ST, body in $WORK/body
req() {
	if [ $# -ge 4 ]; then
		ST=$(curl -s -m 10 -o "$WORK/body" -w '%{http_code}' -X "$1" \
			-H 'Expect:' -H "Authorization: Bearer $3" \
			--data-binary "$4" "$B$2")
	else
		ST=$(curl -s -m 10 -o "$WORK/body" -w '%{http_code}' -X "$1" \
			-H "Authorization: Bearer $3" "$B$2")
	fi
}
answer() { # STATUS [PATTERN]: the last answer had it
	[ "$ST" = "$1" ] && { [ -z "$2" ] || grep -q -- "$2" "$WORK/body"; } ||
		{ echo "  status $ST: $(cat "$WORK/body")"; return 1; }
}
login() {
	curl -s -m 10 -H 'Expect:' -d "{\"user\":\"$1\",\"password\":\"$2\"}" \
		"$B/api/v1/login" | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p'
}
q1_waiting() { # N: q1 has N calls waiting (within 5 s)
	for _ in $(seq 1 50); do
		req GET /api/v1/queues/q1 "$OP"
		grep -q "\"waiting\":$1," "$WORK/body" && return 0
		sleep 0.1
	done
	cat "$WORK/body"
	return 1
}

start_serve live --http 127.0.0.1:0 --login a1@p1 || exit 1
http_port
OP=$(login op op-secret-1)
ADM1=$(login adm1 adm-secret-1)
ADM2=$(login adm2 adm-secret-2)
check "three logins" [ "${#OP}${#ADM1}${#ADM2}" = 646464 ]

# Event streams of both tenants' admins.
curl -s -N -m 50 -H "Authorization: Bearer $ADM1" "$B/api/v1/events" \
	>"$WORK/sse1" 2>/dev/null &
PIDS="$PIDS $!"
curl -s -N -m 50 -H "Authorization: Bearer $ADM2" "$B/api/v1/events" \
	>"$WORK/sse2" 2>/dev/null &
PIDS="$PIDS $!"
for _ in $(seq 1 50); do
	grep -q '^retry:' "$WORK/sse1" 2>/dev/null &&
		grep -q '^retry:' "$WORK/sse2" 2>/dev/null && break
	sleep 0.1
done

# a1's phone at p1, and a phone at p3 that will lose its position.
sipp_bg ag1 agent_register.xml -s p1 -au p1 -ap pw1 \
	-oocsf "$SIPP_DIR/agent_answer.xml" -rtp_echo -d 60000 -m 1
wait_log "event=register user=p1 .*status=200" 300 || ko "phone p1 registered"
check "phone p3 registers" \
	sipp_run reg3 register_once.xml -s p3 -au p3 -ap pw3 -m 1

# --- a call waits; the queue's routing changes under it ------------------
sipp_bg caller caller.xml -s "$DID_Q1" -d 5000 -m 1
check "the call waits in q1 (a1 lacks lang:de>=3)" q1_waiting 1
req PATCH /api/v1/config/queues/q1 "$ADM1" '{"strategy":"ring-all"}'
check "q1's strategy changes live -> 200" answer 200 '"strategy":"ring-all"'
check "the call still waits (skills unchanged)" q1_waiting 1
req PATCH /api/v1/config/queues/q1 "$ADM1" '{"skills":"lang:fr>=4"}'
check "q1's skills change live -> 200" answer 200 '"skills":"lang:fr>=4"'
check "the waiting call is offered to a1 at once and connects" \
	wait_log "event=connect .*agent=a1 queue=q1" 50
req PATCH /api/v1/config/agents/a1 "$ADM1" '{"skills":"lang:fr=5 lang:de=2"}'
check "a1's skills change while it is on the call -> 200" answer 200
req DELETE /api/v1/config/agents/a1 "$OP"
check "remove a1 while logged in -> 409 in_use saying so" \
	answer 409 'in_use.*logged in'
req PATCH /api/v1/config/agents/a1 "$OP" '{"tenant":"t2","queues":[]}'
check "a1's tenant while logged in -> 409 in_use, nothing changed" \
	answer 409 'in_use.*logged out'
check "the call is not disturbed: answered, the caller hangs up" \
	wait_log "event=call-end .*outcome=answered by=caller queue=q1 agent=a1" 100

# --- removals --------------------------------------------------------------
req POST /api/v1/config/queues "$ADM1" '{"id":"qz","announce_s":0}'
check "create qz -> 201" answer 201
req POST /api/v1/config/dids "$ADM1" '{"number":"+212500000077","queue":"qz"}'
check "a DID to qz -> 201" answer 201
sipp_bg cz caller.xml -s +212500000077 -d 1000 -m 1
check "a call waits in qz" wait_log "event=invite .*queue=qz"
req DELETE /api/v1/config/dids/+212500000077 "$ADM1"
check "remove the DID (no reference left) -> 200" answer 200
sleep 0.3
req DELETE /api/v1/config/queues/qz "$ADM1"
check "remove qz with a call waiting -> 409 naming the call" \
	answer 409 'in_use.*qz.*1 waiting'
req GET /api/v1/queues/qz "$ADM1"
check "qz is still there" answer 200
check "the qz caller leaves" \
	wait_log "event=call-end .*queue=qz" 150
req DELETE /api/v1/config/queues/qz "$ADM1"
check "remove qz once empty -> 200" answer 200
req GET /api/v1/queues/qz "$ADM1"
check "qz is gone from the engine -> 404" answer 404
req DELETE /api/v1/config/positions/p1 "$OP"
check "remove p1 with a1 logged in there -> 409 in_use" \
	answer 409 'in_use.*a1.*logged in'
req DELETE /api/v1/config/positions/p3 "$OP"
check "remove free p3 -> 200" answer 200
check "p3's registration is forgotten: 1 phone registered" sh -c \
	"curl -s -m 5 -H 'Authorization: Bearer $OP' '$B/metrics' |
	 grep -q '^plateau_sip_registered 1$'"
check "REGISTER p3 now refused (sipp)" \
	sipp_run reg3b register_refused.xml -s p3 -au p3 -ap pw3 -m 1
req POST /api/v1/config/sites "$OP" '{"id":"rabat","name":"Rabat"}'
check "create site rabat -> 201" answer 201
req PATCH /api/v1/config/positions/p1 "$OP" '{"site":"rabat"}'
check "move p1 (a1 logged in) to rabat -> 200" answer 200
req GET /api/v1/agents/a1 "$ADM1"
check "a1 now works at rabat" answer 200 '"site":"rabat"'
req DELETE /api/v1/config/agents/a2 "$OP"
check "remove logged-out a2 -> 200" answer 200
req POST /api/v1/config/tenants "$OP" '{"id":"t3","name":"Three"}'
check "create tenant t3 -> 201" answer 201
req DELETE /api/v1/config/tenants/t3 "$OP"
check "remove tenant t3 -> 200" answer 200

# --- the event stream ---------------------------------------------------
sleep 0.3
check "t1's stream: config event for q1's update" grep -q \
	'"type":"config",.*"kind":"queues","id":"q1","action":"update","tenant":"t1","by":"adm1"' \
	"$WORK/sse1"
check "t1's stream: 'event: config' lines with ids" sh -c \
	"grep -B1 '^data: {\"type\":\"config\"' '$WORK/sse1' |
	 grep -q '^event: config$' && grep -q '^id: [0-9]' '$WORK/sse1'"
check "t1's stream: qz created and deleted" sh -c \
	"grep -q '\"id\":\"qz\",\"action\":\"create\"' '$WORK/sse1' &&
	 grep -q '\"id\":\"qz\",\"action\":\"delete\"' '$WORK/sse1'"
check "t1's stream: no operator-only change (positions)" sh -c \
	"! grep -q '\"kind\":\"positions\"' '$WORK/sse1'"
check "t2's stream: nothing of t1's changes" sh -c \
	"! grep -q -e q1 -e qz -e '\"t1\"' -e a1 '$WORK/sse2'"

# --- persisted: a restart from the store keeps every change -------------
stop_bg
check "SIGTERM" stop_serve
# (the SIP port is the kernel's free UDP port; its TCP twin may be taken:
# then start again)
for _try in 1 2 3; do
	"$PLATEAU" serve --data "$SDATA" --sip 127.0.0.1:0 \
		--rtp-ports "$RTP_BASE-$((RTP_BASE + 99))" \
		--prompts "$ROOT/build/prompts" --http 127.0.0.1:0 \
		>"$SLOG" 2>&1 &
	SPID=$!
	PIDS="$PIDS $SPID"
	http_port
	grep -q 'cannot listen' "$SLOG" || break
	wait "$SPID" 2>/dev/null
done
check "restart without --config reads the store" \
	wait_log "event=config source=store"
OP=$(login op op-secret-1)
req GET /api/v1/config/queues/q1 "$OP"
check "q1 is ring-all needing lang:fr>=4" sh -c \
	"grep -q '\"strategy\":\"ring-all\"' '$WORK/body' &&
	 grep -q '\"skills\":\"lang:fr>=4\"' '$WORK/body'"
req GET /api/v1/config/positions/p1 "$OP"
check "p1 is at rabat" answer 200 '"site":"rabat"'
req GET /api/v1/config/positions/p3 "$OP"
check "p3 is gone" answer 404
req GET /api/v1/agents/a2 "$OP"
check "a2 is gone" answer 404
req GET /api/v1/config/agents/a1 "$OP"
check "a1 keeps its new skills" answer 200 'lang:de=2'
check "SIGTERM again" stop_serve

summary
