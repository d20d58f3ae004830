#!/bin/sh
# serve_hold.sh — re-INVITEs in an established call: an agent's phone
# presses HOLD (re-INVITE a=sendonly, answered 200 a=recvonly), the caller
# hears the queue's hold music meanwhile, RESUME (a=sendrecv, answered
# sendrecv) bridges them again, a re-offer with no common codec gets 488
# and the call goes on, and the agent's BYE ends it normally in the store.
# sipp agent (tests/sipp/agent_hold.xml) and caller; checks sipp's
# results, the log and the CDR.
. "$(dirname "$0")/serve_lib.sh"

DID_Q1=+212500000001

start_serve hold --login a1@p1 || exit 1
sipp_bg aghold agent_register.xml -s p1 -au p1 -ap pw1 \
	-oocsf "$SIPP_DIR/agent_hold.xml" -rtp_echo -d 30000 -m 1
wait_log "event=register user=p1 .*status=200" 300 || ko "agent p1 registered"

check "caller reaches a1; the caller's phone holds (200 recvonly), resumes (200 sendrecv), refreshes without SDP (200 with our offer); a1 holds, resumes, re-offers G.729, hangs up (sipp)" \
	sipp_run c1 caller_until_bye.xml -s "$DID_Q1" -m 1
check "the call ended by the agent's BYE" \
	wait_log "event=call-end .*by=agent" 50
# the agent sipp (one registration, one out-of-call answer) must have no
# failed call: its error file holds any ereg check that failed
sleep 0.3
stop_bg
check "agent sipp: no failed direction check, nothing unexpected" \
	sh -c "! grep -qi 'failed regexp\|unexpected\|aborting\|timed out' '$WORK/aghold.err'"
check "agent sipp: its phone took the out-of-call INVITE" \
	grep -q "out-of-call INVITE" "$WORK/aghold.err"
check "log: hold by agent" wait_log "event=hold call=.* by=agent agent=a1" 10
check "log: resume by agent" wait_log "event=resume call=.* by=agent agent=a1" 10
check "log: hold and resume by the caller, its late-offer refresh" \
	sh -c "grep -q 'event=hold call=.* by=caller' '$SLOG' && grep -q 'event=resume call=.* by=caller' '$SLOG' && grep -q 'event=reinvite call=.* by=caller sdp=none' '$SLOG'"
check "log: the G.729 re-offer refused (no-common-codec)" \
	grep -q "event=reinvite-refused .*by=agent why=no-common-codec" "$SLOG"
check "log: the agent's hold comes before its resume" \
	sh -c "grep 'event=hold .*by=agent\|event=resume .*by=agent' '$SLOG' | head -1 | grep -q 'event=hold '"

line=$(grep "event=call-end .*outcome=answered" "$SLOG" | tail -1)
echo "  $line" | sed 's/.*caller_rx/  caller_rx/'
num() { echo "$line" | sed "s/.*$1=\([0-9]*\).*/\1/"; }
# the agent echoes only what it is sent: during the 2 s hold it gets
# nothing, so all the caller gets beyond the agent's echo is hold music
# (100 packets in 2 s; ask for 60)
music_ok() {
	ctx=$(num caller_tx)
	arx=$(num agent_rx)
	[ -n "$ctx" ] && [ -n "$arx" ] && [ "$ctx" -ge $((arx + 60)) ] \
		&& [ "$arx" -ge 50 ]
}
check "caller got hold music during hold (caller_tx >= agent_rx + 60) and the agent's echo before/after" music_ok
sleep 0.3
id=$(grep -o 'event=call-end call=[^ ]*' "$SLOG" | tail -1 | sed 's/.*=//')
check "CDR: answered by a1, ended by the agent, talk >= 4 s" \
	[ "$(sql "SELECT outcome||','||agent||','||ended_by||','||(talk_ms>=4000) FROM cdrs WHERE call_id='$id';")" = "answered,a1,agent,1" ]
check "server stops cleanly" stop_serve

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
