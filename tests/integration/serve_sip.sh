#!/bin/sh
# serve_sip.sh — `plateau serve` as a SIP server, with real peers (sipp,
# raw UDP from python3): options, registration with digest auth, refusals
# (404, 488), bad datagrams, draining on SIGTERM.
. "$(dirname "$0")/serve_lib.sh"

# --- command line -----------------------------------------------------
check "serve --help exits 0" sh -c "'$PLATEAU' serve --help | grep -q -- --rtp-ports"
"$PLATEAU" serve --data "$WORK/x" --config "$CENTER" --rtp-ports 9-1 \
	>"$WORK/badopt.out" 2>&1
check "bad --rtp-ports: status 2 and names the option" \
	sh -c "[ $? -eq 2 ] && grep -q -- '--rtp-ports' '$WORK/badopt.out'"
"$PLATEAU" serve --data "$WORK/x" --config "$WORK/missing.json" \
	>"$WORK/nocfg.out" 2>&1
check "missing config: status 1, message, no data dir created" \
	sh -c "[ $? -eq 1 ] && [ -s '$WORK/nocfg.out' ] && [ ! -e '$WORK/x' ]"

# --sip 127.0.0.1:0: the kernel picks the UDP port; when the TCP port of
# that number is taken, the server asks again (with half the TCP ports
# held, about half the starts failed "cannot listen on tcp" before)
check "port 0 with half the TCP ports taken: 8 of 8 starts listen" \
	python3 "$ROOT/tests/integration/port0_starts.py" "$PLATEAU" \
	"$CENTER" "$ROOT/build/prompts" "$WORK"

start_serve sip || exit 1

# --- OPTIONS ----------------------------------------------------------
check "OPTIONS -> 200 (sipp)" sipp_run options options.xml -m 3
check "TCP OPTIONS -> 200 (sipp -t t1)" sipp_run options_tcp options.xml \
	-m 1 -t t1

# --- REGISTER with digest ---------------------------------------------
check "REGISTER p1 with the right password -> 200 (sipp)" \
	sipp_run reg_ok register_once.xml -s p1 -au p1 -ap pw1 -m 1
check "registration logged" wait_log "event=register user=p1 .*status=200"
check "REGISTER p1 with a wrong password -> 403 (sipp)" \
	sipp_run reg_bad register_refused.xml -s p1 -au p1 -ap nope -m 1
check "REGISTER unknown user -> 403 (sipp)" \
	sipp_run reg_unknown register_refused.xml -s ghost -au ghost -ap x -m 1
check "wrong password and unknown user: byte-identical answers" \
	python3 "$ROOT/tests/integration/sip_probe.py" "$SPORT" \
	register-compare test.plateau

# --- refusals ---------------------------------------------------------
check "INVITE to an unknown number -> 404 (sipp)" \
	sipp_run c404 caller_404.xml -s +212599999999 -m 1
check "INVITE with no common codec (G.729 only) -> 488 (sipp)" \
	sipp_run c488 caller_488.xml -s +212500000001 -m 1
check "refusals logged with their cause" sh -c \
	"grep -q 'status=404 why=unknown-number' '$SLOG' &&
	 grep -q 'status=488 why=no-common-codec' '$SLOG'"

# --- bad datagrams ----------------------------------------------------
check "malformed/oversized datagrams: no crash, loop stays responsive" \
	python3 "$ROOT/tests/integration/sip_probe.py" "$SPORT" malformed
check "guard refusals logged" wait_log "why=no-line-end"
check "server alive after bad input" kill -0 "$SPID"
check "OPTIONS still -> 200" sipp_run options2 options.xml -m 1

# --- drain ------------------------------------------------------------
check "SIGTERM with no calls: exits 0" stop_serve
check "drain logged" sh -c "grep -q 'event=drained' '$SLOG' &&
	grep -q 'event=stopped' '$SLOG'"

summary
