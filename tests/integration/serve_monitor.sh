#!/bin/sh
# serve_monitor.sh — supervisor listen (*13), whisper (*16) and barge
# (*17), heard end to end by three real baresip softphones: a caller
# (PCMA, a 400 Hz tone), agent a1 at p1 (PCMU, 1 kHz, auto-answer) and
# supervisor s1 at p3 (a 1.8 kHz tone; PCMU, then PCMA for the barge).
# Each records what it decoded (baresip's sndfile module); tone_check.py
# then checks who heard whom: in a listen the supervisor hears both and
# nobody hears the supervisor; in a whisper the agent hears the
# supervisor and the caller never does; in a barge everyone hears
# everyone. Also: a second
# whisper on the same call is refused (486), an agent cannot whisper
# (403), and the monitored calls end normally in the store.
. "$(dirname "$0")/serve_lib.sh"

DID_Q1=+212500000001
TONES=$ROOT/tests/integration/tone_check.py
command -v baresip >/dev/null || { echo "baresip missing"; echo "0 passed, 1 failed"; exit 1; }

start_serve monitor --login a1@p1 --login s1@p3 || exit 1
bare agent p1 pw1 pcmu 1000 50 600
APID=$BPID
if ! wait_log "event=register user=p1 .*status=200" 100; then
	ko "baresip registered as a1's phone (p1)"
	echo "$pass passed, $fail failed"
	exit 1
fi
ok "baresip registered as a1's phone (p1)"

# monitor MODE CODE SUPCODEC: a 7 s call from a baresip caller; 1 s after
# the agent answers the supervisor dials CODE for 3 s.
monitor() {
	calls=$(grep -c 'event=connect ' "$SLOG")
	bare "caller-$1" caller x pcma 400 7 0 -e "/dial sip:$DID_Q1@127.0.0.1:$SPORT"
	CPID=$BPID
	for _ in $(seq 1 80); do
		[ "$(grep -c 'event=connect ' "$SLOG")" -gt "$calls" ] && break
		sleep 0.1
	done
	sleep 1
	bare "sup-$1" p3 pw3 "$3" 1800 3 0 -e "/dial sip:$2@127.0.0.1:$SPORT"
	SUPPID=$BPID
}

# ends MODE N: the Nth monitored call ended normally; the supervisor's and
# the caller's baresip are stopped (their recordings are closed).
ends() {
	check "$1: the supervisor hung up after 3 s" \
		wait_log "event=dial-code-hangup code=\\$2 position=p3" 60
	want_ends=$3
	n_end() { [ "$(grep -c 'event=call-end .*outcome=answered by=caller queue=q1 agent=a1' "$SLOG")" -ge "$want_ends" ]; }
	for _ in $(seq 1 80); do n_end && break; sleep 0.1; done
	check "$1: the call ended, caller hung up" n_end
	kill "$CPID" "$SUPPID" 2>/dev/null
	sleep 0.5
	mkdir -p "$WORK/agent/$1"
	mv "$WORK"/agent/snd/*.wav "$WORK/agent/$1/" 2>/dev/null
}

# --- listen ----------------------------------------------------------------
monitor listen '*131001' pcmu
check "listen started: s1 at p3 listens to a1 (PCMU)" \
	wait_log "event=listen-start position=p3 agent=a1 codec=PCMU" 50
ends listen '*13' 1
check "listen: the supervisor hears caller and agent together" \
	python3 "$TONES" "$(dec sup-listen)" =400+1000
check "listen: the caller hears the agent, never the supervisor" \
	python3 "$TONES" "$(dec caller-listen)" +1000 -1800
check "listen: the agent hears the caller, never the supervisor" \
	python3 "$TONES" "$(ls -t "$WORK"/agent/listen/*-dec.wav | head -1)" +400 -1800

# --- whisper ---------------------------------------------------------------
sleep 1.2   # a1's wrap-up (1 s)
monitor whisper '*161001' pcmu
check "whisper started: s1 at p3 whispers to a1 (PCMU)" \
	wait_log "event=whisper-start position=p3 agent=a1 codec=PCMU" 50
# a second supervisor code on the same call: refused while s1 whispers
check "a second whisper on that call: 486 already-monitored (sipp)" \
	sipp_run again code_busy.xml -s '*161001' -au p3 -ap pw3 -m 1
check "refusal logged" \
	grep -q 'code=\*16 position=p3 result=refused status=486 why=already-monitored' "$SLOG"
check "an agent (a1 at p1) may not whisper: 403 (sipp)" \
	sipp_run notsup code_refused.xml -s '*171001' -au p1 -ap pw1 -m 1
ends whisper '*16' 2
adec=$(ls -t "$WORK"/agent/whisper/*-dec.wav 2>/dev/null | head -1)
check "whisper: the agent hears the caller (400 Hz) and the supervisor (1.8 kHz)" \
	python3 "$TONES" "$adec" +400 +1800 =400+1800
check "whisper: the caller hears the agent (1 kHz), never the supervisor" \
	python3 "$TONES" "$(dec caller-whisper)" +1000 -1800
check "whisper: the supervisor hears caller and agent together" \
	python3 "$TONES" "$(dec sup-whisper)" =400+1000

# --- barge -----------------------------------------------------------------
sleep 1.2   # a1's wrap-up (1 s)
monitor barge '*171001' pcma
check "barge started: s1 at p3 barges into a1's call (PCMA)" \
	wait_log "event=barge-start position=p3 agent=a1 codec=PCMA" 50
ends barge '*17' 3
check "barge: the caller hears the agent and the supervisor together" \
	python3 "$TONES" "$(dec caller-barge)" =1000+1800
check "barge: the agent hears the caller and the supervisor together" \
	python3 "$TONES" "$(ls -t "$WORK"/agent/barge/*-dec.wav | head -1)" =400+1800
check "barge: the supervisor hears caller and agent together" \
	python3 "$TONES" "$(dec sup-barge)" =400+1000

# --- the store ---------------------------------------------------------------
check "store: the three monitored calls answered by a1, ended by the caller" \
	[ "$(sql "SELECT count(*) FROM cdrs WHERE queue='q1' AND agent='a1' AND outcome='answered' AND ended_by='caller' AND talk_ms >= 4000;")" = 3 ]
check "store: a1 went on-call and to wrap-up three times" \
	[ "$(sql "SELECT count(*) FROM events WHERE type='agent-state' AND agent='a1' AND state='wrap-up';")" = 3 ]
check "store: s1 stayed logged in at p3 (no state change)" \
	[ "$(sql "SELECT count(*) FROM events WHERE type='agent-state' AND agent='s1' AND state <> 'ready';")" = 0 ]
kill "$APID" 2>/dev/null
check "server stops cleanly" stop_serve

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
