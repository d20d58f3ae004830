#!/bin/sh
# serve_baresip.sh — media end to end. A caller (media_probe.py, its own
# RTP) waiting in a queue hears the position announcement (the prompt's
# samples, byte for byte). Then the real baresip softphone as an agent: it
# registers with digest auth as position p1's phone and auto-answers with
# PCMU only; a sipp caller (PCMA) calls queue q1, RTP flows both ways
# (transcoded), the caller hangs up: SIP outcome, RTP counts, the CDR and
# the events in the store. Last, a probe caller sending 1 kHz hears
# baresip's 400 Hz tone, and the call's recording has the caller on the
# left and the agent on the right. baresip runs headless with its own
# config dir in the test's work dir, on loopback only, stopped on exit.
. "$(dirname "$0")/serve_lib.sh"

DID_Q1=+212500000001
DID_Q3=+212500000004   # answered, announces every 2 s, recorded
PROBE=$ROOT/tests/integration/media_probe.py
command -v baresip >/dev/null || give_up "baresip missing"

# --- the caller hears the position announcement --------------------------
start_serve announce || exit 1
check "a PCMA caller waiting in q3 (no agent) hears 'Vous êtes en position'" \
	python3 "$PROBE" call "$SPORT" "$DID_Q3" PCMA 5 1000 \
	--prompt "$ROOT/build/prompts/fr/pos_before.wav"
check "a PCMU caller hears it too, in PCMU" \
	python3 "$PROBE" call "$SPORT" "$DID_Q3" PCMU 5 1000 \
	--prompt "$ROOT/build/prompts/fr/pos_before.wav"
stop_serve

# --- baresip as the agent ------------------------------------------------
start_serve bare --login a1@p1 || exit 1

# baresip's config: its own SIP port, an RTP range of its own, G.711
# (PCMU only, while the caller offers PCMA first: the server transcodes),
# a 10 s 400 Hz tone file as its microphone (baresip hangs up when the
# file ends), no sound card.
BDIR=$WORK/baresip
mkdir -p "$BDIR"
sox -n -r 8000 -c 1 -b 16 "$BDIR/mic.wav" synth 10 sine 400 vol 0.5
BPORT=$(free_port)
brtp=$((RTP_BASE + 200))
cat >"$BDIR/config" <<CONF
sip_listen 127.0.0.1:$BPORT
net_interface 127.0.0.1
audio_source aufile,$BDIR/mic.wav
rtp_ports $brtp-$((brtp + 19))
module_path /usr/lib/baresip/modules
module g711.so
module aufile.so
module_tmp account.so
module_app menu.so
CONF
echo "<sip:p1@127.0.0.1:$SPORT>;auth_user=p1;auth_pass=pw1;answermode=auto;regint=600;audio_codecs=pcmu" \
	>"$BDIR/accounts"
baresip -f "$BDIR" </dev/null >"$WORK/baresip.log" 2>&1 &
BPID=$!
PIDS="$PIDS $BPID"

if ! wait_log "event=register user=p1 .*status=200" 100; then
	ko "baresip registered as p1 with digest auth"
	sed 's/^/  baresip: /' "$WORK/baresip.log" | tail -20
	echo "$pass passed, $fail failed"
	exit 1
fi
ok "baresip registered as p1 with digest auth"
check "a caller reaches a1 on baresip and talks 4 s (sipp caller)" \
	sipp_run c1 caller.xml -s "$DID_Q1" -d 4000 -m 1
check "connect logged for a1: caller PCMA, baresip PCMU (transcoded)" \
	wait_log "event=connect .*agent=a1 queue=q1 codec=PCMA agent_codec=PCMU"
check "call completed, caller hung up" \
	wait_log "event=call-end .*outcome=answered by=caller queue=q1 agent=a1" 50
line=$(grep "event=call-end .*outcome=answered" "$SLOG" | tail -1)
echo "  $(echo "$line" | sed 's/.*caller_rx/caller_rx/')"
rtp_ok() { # every direction of both legs >= 100 packets in 4 s
	for k in caller_rx caller_tx agent_rx agent_tx; do
		v=$(echo "$line" | sed "s/.*$k=\([0-9]*\).*/\1/")
		[ "${v:-0}" -ge 100 ] || { echo "  $k=$v"; return 1; }
	done
}
check "RTP both ways through baresip (>= 100 packets each way)" rtp_ok
sleep 0.5
id=$(grep -o 'event=call-end call=[^ ]*' "$SLOG" | tail -1 | sed 's/.*=//')
check "CDR: answered by a1, caller hung up, talk >= 3.9 s" \
	[ "$(sql "SELECT outcome||','||agent||','||ended_by||','||(talk_ms >= 3900) FROM cdrs WHERE call_id='$id';")" = "answered,a1,caller,1" ]
check "events of that call: call-enter, offer, connect, complete" \
	[ "$(sql "SELECT group_concat(type, ',') FROM (SELECT type FROM events WHERE call_id='$id' AND type IN ('call-enter','offer','connect','complete') ORDER BY id);")" = "call-enter,offer,connect,complete" ]
check "events: a1 on-call then wrap-up" \
	[ "$(sql "SELECT count(*) FROM events WHERE type='agent-state' AND agent='a1' AND state IN ('on-call','wrap-up');")" = 2 ]

# --- transcoding and the recording, heard end to end ----------------------
# the caller (PCMA) sends 1 kHz, baresip (PCMU) sends 400 Hz: each side
# must hear the other's tone, and the recording must hold the caller on
# the left, the agent on the right
sleep 1.5   # a1's wrap-up (1 s)
check "PCMA caller on q3 hears baresip's 400 Hz tone through the PCMU leg" \
	python3 "$PROBE" call "$SPORT" "$DID_Q3" PCMA 4 1000 --tone 400
check "connect logged: caller PCMA, agent PCMU" \
	wait_log "event=connect .*queue=q3 codec=PCMA agent_codec=PCMU"
wait_log "event=call-end .*queue=q3" 50 >/dev/null
sleep 0.5
rec=$(sql "SELECT recording FROM cdrs WHERE queue='q3' ORDER BY arrive_ms DESC LIMIT 1;")
check "recording named in the CDR and on disk" [ -s "$rec" ]
check "recording: caller (1 kHz) left, agent (400 Hz) right" \
	python3 "$PROBE" wav "$rec" 1000 400
kill "$BPID" 2>/dev/null
check "server stops cleanly" stop_serve

summary
