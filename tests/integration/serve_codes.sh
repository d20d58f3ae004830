#!/bin/sh
# serve_codes.sh — dial codes from positions' phones through `plateau
# serve` with sipp: *11 login with PIN (wrong PIN and unknown agent get the
# same answer; repeated failures are throttled), *14 ready, *15 pause,
# *12 logout, *13 supervisor listen (refused to a non-supervisor). Checks
# the SIP outcomes, the server's log and the agent-state events in the
# store.
. "$(dirname "$0")/serve_lib.sh"

DID_Q1=+212500000001

# code NAME POSITION PASSWORD CODE: dials CODE from POSITION's phone,
# hears the prompt, takes the server's BYE.
code() {
	sipp_run "$1" code.xml -s "$4" -au "$2" -ap "$3" -m 1
}

state_events() { # AGENT STATE: agent-state events of AGENT into STATE
	sql "SELECT count(*) FROM events WHERE type='agent-state'
	     AND agent='$1' AND state='$2';"
}

start_serve codes || exit 1

# --- *11 login -----------------------------------------------------------
check "p1 dials *11 1001 * 1111: answered, prompt, BYE (sipp)" \
	code login p1 pw1 '*111001*1111'
check "a1 logged in at p1 by dial code" \
	wait_log "event=login agent=a1 position=p1 via=dial-code"
check "the prompt was played before the BYE" sh -c \
	"grep -q 'event=dial-code code=\*11 position=p1 agent=a1 result=ok' '$SLOG'"
sleep 0.3
check "store: agent-state a1 logged-out -> ready at p1" \
	[ "$(sql "SELECT count(*) FROM events WHERE type='agent-state' AND agent='a1' AND state='ready' AND old_state='logged-out' AND position='p1';")" = 1 ]
check "the PIN is in no log line" sh -c "! grep -q '1111' '$SLOG'"

# wrong PIN and unknown agent: the same answer, the same log line
check "p2 dials *11 1002 with a wrong PIN: answered, prompt, BYE" \
	code wrongpin p2 pw2 '*111002*0000'
check "p2 dials *11 for an unknown agent: the same" \
	code unknown p2 pw2 '*118888*2222'
same_answer() {
	n=$(grep -c 'event=dial-code code=\*11 position=p2 agent=- result=refused why=bad-credentials' "$SLOG")
	[ "$n" = 2 ] || { echo "  $n refusal lines"; return 1; }
}
check "wrong PIN and unknown agent logged alike (no agent named)" \
	same_answer
check "a2 not logged in" [ "$(state_events a2 ready)" = 0 ]

# throttle: 3 more failures (5 in all) block p2; the right PIN is then
# refused too, without being checked
check "p2 fails 3 more times" \
	sipp_run wrong3 code.xml -s '*111002*0000' -au p2 -ap pw2 -m 3 -r 3
check "p2 throttled after 5 failures" wait_log "event=dial-code-throttled position_user=p2"
check "p2 dials the right PIN while throttled: answered, prompt, BYE" \
	code throttled p2 pw2 '*111002*2222'
check "refused as throttled, a2 still logged out" sh -c \
	"grep -q 'code=\*11 position=p2 agent=- result=refused why=throttled' '$SLOG' &&
	 [ \"\$(sqlite3 '$SDATA/plateau.db' \"SELECT count(*) FROM events WHERE agent='a2'\")\" = 0 ]"

# a phone with the wrong SIP password gets 403 before any code runs
check "wrong SIP password: 403 (sipp)" \
	sipp_run badauth code_refused.xml -s '*12' -au p1 -ap nope -m 1

# --- *15 pause, *14 ready, *15 2 (second reason) --------------------------
check "p1 dials *15: paused (first pause reason)" code pause p1 pw1 '*15'
check "p1 dials *14: ready" code ready p1 pw1 '*14'
check "p1 dials *152: paused for the second reason (lunch)" \
	code pause2 p1 pw1 '*152'
sleep 0.3
check "store: a1 paused 'break', ready again, paused 'lunch'" \
	[ "$(sql "SELECT group_concat(state||':'||coalesce(reason,'-'), ' ') FROM (SELECT state, reason FROM events WHERE type='agent-state' AND agent='a1' ORDER BY id);")" = "ready:- paused:break ready:- paused:lunch" ]
code ready2 p1 pw1 '*14'

# --- *13 listen ------------------------------------------------------------
agent_phone() { # NAME POS PASS: a registered sipp phone answering calls
	sipp_bg "$1" agent_register.xml -s "$2" -au "$2" -ap "$3" \
		-oocsf "$SIPP_DIR/agent_answer.xml" -rtp_echo -d 60000 -m 1
	wait_log "event=register user=$2 .*status=200" 300
}
agent_phone ph1 p1 pw1 || ko "p1 registered"
check "p3 dials *11 1900 * 9999: supervisor s1 logged in at p3" \
	code suplogin p3 pw3 '*111900*9999'
check "s1 logged in" wait_log "event=login agent=s1 position=p3"
sipp_bg call1 caller.xml -s "$DID_Q1" -d 9000 -m 1
call=$BGPID
check "caller connected to a1" wait_log "event=connect .*agent=a1 queue=q1" 300
check "p2 (no supervisor there) dials *13 1001: 403 (sipp)" \
	sipp_run notsup code_refused.xml -s '*131001' -au p2 -ap pw2 -m 1
check "refusal logged as not-a-supervisor" \
	grep -q 'code=\*13 position=p2 result=refused status=403 why=not-a-supervisor' "$SLOG"
check "p3 (s1, supervisor) dials *13 1001 and listens 2 s (sipp)" \
	sipp_run listen code_listen.xml -s '*131001' -au p3 -ap pw3 -m 1 -d 2000
check "listen started and ended by the supervisor" sh -c \
	"grep -q 'event=listen-start position=p3 agent=a1' '$SLOG' &&
	 grep -q 'event=dial-code-hangup code=\*13 position=p3' '$SLOG'"
listen_tx() {
	v=$(grep -o 'event=dial-code-hangup code=\*13 .* tx=[0-9]*' "$SLOG" |
	    sed 's/.*tx=//' | tail -1)
	[ "${v:-0}" -ge 50 ] || { echo "  tx=$v"; return 1; }
}
check "the supervisor's leg carried the call's audio (>= 50 packets)" \
	listen_tx
wait "$call"
check "the listened call completed normally" [ $? -eq 0 ]

# --- *12 logout ------------------------------------------------------------
sleep 1.5   # wrap-up is 1 s in the test center
check "p1 dials *12: logged out" code logout p1 pw1 '*12'
sleep 0.3
check "store: a1 logged out at the end" \
	[ "$(sql "SELECT state FROM events WHERE type='agent-state' AND agent='a1' ORDER BY id DESC LIMIT 1;")" = logged-out ]
stop_bg
check "server stops cleanly" stop_serve

summary
