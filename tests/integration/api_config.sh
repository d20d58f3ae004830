#!/bin/sh
# api_config.sh — live configuration through `plateau serve --http`:
# admins change queues, DIDs, agents and users; the running engine and
# SIP side use the change at once (a sipp call to a DID created through
# the API lands in a queue created through the API); bad changes are
# refused with the field named and change nothing; another tenant's admin
# can touch none of it; the change survives a restart from the store.
. "$(dirname "$0")/serve_lib.sh"

hash() { printf '%s\n' "$1" | "$PLATEAU" passwd --rounds 1000; }
CENTER=$WORK/center.json
python3 - "$ROOT/tests/integration/serve_center.json" "$CENTER" \
	"$(hash op-secret-1)" "$(hash adm-secret-1)" "$(hash sup-secret-1)" \
	"$(hash adm-secret-2)" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["tenants"].append({"id": "t2", "name": "Tenant two"})
u = lambda n, r, t, h: {"user": n, "role": r, "tenant": t,
                        "password_hash": h}
c["users"] = [u("op", "admin", None, sys.argv[3]),
              u("adm1", "admin", "t1", sys.argv[4]),
              u("sup1", "supervisor", "t1", sys.argv[5]),
              u("adm2", "admin", "t2", sys.argv[6])]
json.dump(c, open(sys.argv[2], "w"), indent=1)
PY

start_serve cfg --http 127.0.0.1:0 || exit 1
http_port

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
has() { grep -q -- "$1" "$WORK/body"; }
status() { [ "$ST" = "$1" ] || { echo "  status $ST: $(cat "$WORK/body")"; return 1; }; }
OP=$(api_login op op-secret-1)
ADM1=$(api_login adm1 adm-secret-1)
SUP1=$(api_login sup1 sup-secret-1)
ADM2=$(api_login adm2 adm-secret-2)
check "four logins" [ "${#OP}${#ADM1}${#SUP1}${#ADM2}" = 64646464 ]

# --- who may ------------------------------------------------------------
req GET /api/v1/config/queues "$SUP1"
check "supervisor reads configuration -> 403" status 403
req PATCH /api/v1/config/queues/q1 "$ADM2" '{"max_len":3}'
check "other tenant's admin patches q1 -> 404" status 404
req GET /api/v1/config/queues "$ADM2"
check "other tenant's admin lists no t1 queue" sh -c \
	"[ '$ST' = 200 ] && ! grep -q '\"t1\"' '$WORK/body'"
req POST /api/v1/config/tenants "$ADM1" '{"id":"t3"}'
check "tenant admin creates a tenant -> 403" status 403
req POST /api/v1/config/queues "$ADM1" '{"id":"qx","tenant":"t2"}'
check "tenant admin creates a queue for another tenant -> 403" status 403
req GET /api/v1/config/positions/p1 "$OP"
check "positions read back without their HA1" sh -c \
	"[ '$ST' = 200 ] && ! grep -q sip_ha1 '$WORK/body'"

# --- bad changes: field named, nothing changed ----------------------------
req PATCH /api/v1/config/queues/q1 "$ADM1" '{"ring_timeout_s":0}'
check "ring_timeout_s 0 -> 400 naming the field" sh -c \
	"[ '$ST' = 400 ] && grep -q 'ring_timeout_s: 0 is out of range' '$WORK/body'"
req DELETE /api/v1/config/tenants/t1 "$OP"
check "remove a tenant with queues -> 409 in_use" sh -c \
	"[ '$ST' = 409 ] && grep -q in_use '$WORK/body'"
req PATCH /api/v1/config/queues/q1 "$ADM1" '{"ring_timeout_s":'
check "truncated JSON -> 400" status 400
req POST /api/v1/config/queues "$ADM1" '{"id":"q1","tenant":"t1"}'
check "create an existing queue -> 409" status 409
req GET /api/v1/config/queues/q1 "$ADM1"
check "q1 unchanged after the refusals" sh -c \
	"grep -q '\"strategy\":\"linear\"' '$WORK/body' &&
	 grep -q '\"ring_timeout_s\":2,' '$WORK/body'"

# --- live changes ---------------------------------------------------------
req PATCH /api/v1/config/queues/q1 "$ADM1" '{"ring_timeout_s":9,"max_len":4}'
check "patch q1 -> 200 with the new settings" sh -c \
	"[ '$ST' = 200 ] && grep -q '\"ring_timeout_s\":9,' '$WORK/body'"
req GET /api/v1/queues/q1 "$SUP1"
check "live queue state shows ring_timeout 9 s" has '"ring_timeout_ms":9000'
req PATCH /api/v1/config/queues/q1 "$ADM1" \
	'{"service_level":{"target":0.9,"time_s":15}}'
check "patch a decimal service-level target -> 200" status 200
req GET /api/v1/config/queues/q1 "$ADM1"
check "q1's target reads back as 0.9 within 15 s" sh -c \
	"grep -q '\"service_level\":{\"target\":0.900*,\"time_s\":15}' '$WORK/body'"
req POST /api/v1/config/queues "$ADM1" \
	'{"id":"q9","name":"Nouvelle file","wrapup_s":2,"announce_s":0}'
check "tenant admin creates q9 (tenant filled in) -> 201" sh -c \
	"[ '$ST' = 201 ] && grep -q '\"tenant\":\"t1\"' '$WORK/body'"
req POST /api/v1/config/dids "$ADM1" \
	'{"number":"+212500000009","queue":"q9"}'
check "DID +212500000009 to q9 -> 201" status 201
req POST /api/v1/config/agents "$ADM1" \
	'{"id":"a9","skills":"lang:fr=4","queues":["q9"]}'
check "agent a9 in q9 -> 201" status 201
req GET /api/v1/agents/a9 "$SUP1"
check "the engine knows a9 (live state)" has '"live":{"state":"logged-out"'
req GET /api/v1/queues/q9 "$SUP1"
check "the engine knows q9 (live state)" has '"live":{"waiting":0'
check "a call to the new DID lands in the new queue (sipp)" \
	sipp_run c9 caller.xml -s +212500000009 -d 1000 -m 1
check "server routed it to q9" wait_log "event=invite .*queue=q9"
check "abandoned in q9 (no agent)" \
	wait_log "event=call-end .*outcome=abandoned by=caller queue=q9"
req DELETE /api/v1/config/queues/q9 "$ADM1"
check "delete q9 while a DID routes to it -> 409 naming the reference" \
	sh -c "[ '$ST' = 409 ] && grep -q 'no queue' '$WORK/body'"
req DELETE /api/v1/config/dids/+212500000009 "$ADM1"
check "delete the DID -> 200" status 200
req PATCH /api/v1/config/agents/a9 "$ADM1" '{"skills":"lang:fr=5 lang:ar=3"}'
check "logged-out agent's skills change live" sh -c \
	"[ '$ST' = 200 ] && grep -q 'lang:ar=3' '$WORK/body'"

# --- users ------------------------------------------------------------------
req POST /api/v1/config/users "$ADM1" \
	'{"user":"sup9","role":"supervisor","password":"sup9-secret"}'
check "create user sup9 -> 201, no hash in the answer" sh -c \
	"[ '$ST' = 201 ] && ! grep -q pbkdf2 '$WORK/body'"
SUP9=$(api_login sup9 sup9-secret)
check "sup9 logs in" [ ${#SUP9} = 64 ]
req POST /api/v1/config/users "$ADM1" \
	'{"user":"op2","role":"admin","tenant":null,"password":"op2-secret-1"}'
check "tenant admin cannot create an operator -> 403" status 403
req DELETE /api/v1/config/users/sup9 "$ADM1"
check "delete sup9 -> 200" status 200
req GET /api/v1/me "$SUP9"
check "sup9's session ends with the user -> 401" status 401

# --- persisted: a restart from the store keeps every change -------------
check "SIGTERM" stop_serve
"$PLATEAU" serve --data "$SDATA" --sip 127.0.0.1:0 \
	--rtp-ports "$RTP_BASE-$((RTP_BASE + 99))" --prompts "$ROOT/build/prompts" \
	--http 127.0.0.1:0 >"$SLOG" 2>&1 &
SPID=$!
PIDS="$PIDS $SPID"
http_port
check "restart without --config reads the store" \
	wait_log "event=config source=store"
OP=$(api_login op op-secret-1)
req GET /api/v1/config/queues/q1 "$OP"
check "q1's ring timeout is still 9 s" has '"ring_timeout_s":9,'
req GET /api/v1/config/agents/a9 "$OP"
check "a9 and its skills are still there" has 'lang:ar=3'
req GET /api/v1/queues/q9 "$OP"
check "q9 is in the engine after the restart" has '"live":{'
check "SIGTERM again" stop_serve

summary
