#!/bin/sh
# serve_488.sh — an agent's phone that answers an offer with 488 (no
# common codec) is not a missed call: the offer fails, the call goes to
# the engine's next decision (the other agent answers), and the agent is
# not auto-paused however often it happens (q1 pauses after 3 misses);
# the store records offer-failed, never offer-declined (the agent did not
# refuse the call).
# sipp agents and callers; checks the log, the events and the CDRs.
. "$(dirname "$0")/serve_lib.sh"

DID_Q1=+212500000001

agent() { # NAME POSITION PASSWORD SCENARIO: a registered sipp phone
	sipp_bg "$1" agent_register.xml -s "$2" -au "$2" -ap "$3" \
		-oocsf "$SIPP_DIR/$4" -rtp_echo -d 60000 -m 1
	wait_log "event=register user=$2 .*status=200" 300
}

start_serve r488 --login a1@p1 --login a2@p2 || exit 1
agent ag488 p1 pw1 agent_488.xml || ko "agent p1 registered"
agent agok p2 pw2 agent_answer.xml || ko "agent p2 registered"

# four calls, one after the other: a1 (first in line) is offered each
# one, its phone answers 488, a2 takes the call
for i in 1 2 3 4; do
	check "call $i: answered by a2 after a1's phone said 488 (sipp)" \
		sipp_run "c$i" caller.xml -s "$DID_Q1" -d 1000 -m 1
	sleep 1.3   # a2's wrap-up (1 s)
done
n488() { [ "$(grep -c 'event=offer-failed .*agent=a1 status=488 why=no-common-codec missed=no' "$SLOG")" = 4 ]; }
check "four offer-failed lines for a1: status=488 why=no-common-codec missed=no" n488
check "no offer to a1 counted as a no-answer" \
	sh -c "! grep -q 'event=offer-failed .*agent=a1 .*missed=yes' '$SLOG'"
check "store: four calls answered by a2" \
	[ "$(sql "SELECT count(*) FROM cdrs WHERE queue='q1' AND outcome='answered' AND agent='a2';")" = 4 ]
check "store: a1 was offered each of them (offer-failed events, no offer-no-answer)" \
	[ "$(sql "SELECT group_concat(type, ',') FROM (SELECT DISTINCT type, call_id FROM events WHERE agent='a1' AND type LIKE 'offer-%' ORDER BY id);")" = "offer-failed,offer-failed,offer-failed,offer-failed" ]
check "store: no offer-declined for a1 (a codec mismatch is not the agent refusing)" \
	[ "$(sql "SELECT count(*) FROM events WHERE agent='a1' AND type='offer-declined';")" = 0 ]
check "store: a1 never paused (max_no_answer is 3)" \
	[ "$(sql "SELECT count(*) FROM events WHERE type='agent-state' AND agent='a1' AND state='paused';")" = 0 ]
stop_bg
check "server stops cleanly" stop_serve

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
