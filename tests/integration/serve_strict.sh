#!/bin/sh
# serve_strict.sh — strict RTP source in a bridged call through
# `plateau serve`: a caller behind NAT (its RTP from another port than
# its SDP says) is learned and hears the agent; a stranger sending RTP in
# sequence to every port of the server's range during the call is
# neither relayed nor answered, and is counted on the call-end line and
# in /metrics.
. "$(dirname "$0")/serve_lib.sh"

DID_Q1=+212500000001   # queue q1: answer at once, agent a1 at p1
STRAYS=50              # packets the stranger sends to each port

# the test center with an admin who may read /metrics
H_OP=$(printf 'op-secret-1\n' | "$PLATEAU" passwd --rounds 1000)
CENTER=$WORK/center.json
python3 - "$ROOT/tests/integration/serve_center.json" "$CENTER" "$H_OP" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["users"] = [{"user": "op", "role": "admin", "tenant": None,
               "password_hash": sys.argv[3]}]
json.dump(c, open(sys.argv[2], "w"), indent=1)
PY

start_serve strict --login a1@p1 --http 127.0.0.1:0 || exit 1
http_port || ko "http address logged"
sipp_bg ag1 agent_register.xml -s p1 -au p1 -ap pw1 \
	-oocsf "$SIPP_DIR/agent_answer.xml" -rtp_echo -d 60000 -m 1
check "agent p1 registered (sipp, echoes RTP)" \
	wait_log "event=register user=p1 .*status=200" 300

out=$(timeout 30 python3 "$ROOT/tests/integration/rtp_stray.py" "$SPORT" \
	"$DID_Q1" "$SLOG" "$rtp" "$((rtp + 99))" "$STRAYS")
rc=$?
echo "  $out"
check_sh "NAT'd caller's call set up, bridged and hung up (python)" \
	'[ $rc -eq 0 ]'
check "call-end logged" wait_log "event=call-end .*outcome=answered"
line=$(grep "event=call-end .*outcome=answered" "$SLOG" | tail -1)
echo "  $(echo "$line" | sed 's/.*caller_rx/caller_rx/')"
v() { # v TEXT KEY: the number after KEY= in TEXT
	echo "$1" | sed -n "s/.* *$2=\([0-9]*\).*/\1/p" | head -1
}
sent=$(v "$out" sent)
nat_rx=$(v "$out" nat_rx)
stray_rx=$(v "$out" stray_rx)
caller_rx=$(v "$line" caller_rx)
agent_tx=$(v "$line" agent_tx)
check_sh "caller's real source learned: the agent's echo reached it" \
	'[ "${nat_rx:-0}" -ge 50 ]'
check_sh "caller's packets accepted but for probation (3)" \
	'[ "${caller_rx:-0}" -ge $((sent - 3 - 10)) ] &&
	 [ "${caller_rx:-0}" -le $((sent - 3)) ]'
check_sh "nothing of the stranger relayed to the agent" \
	'[ "${agent_tx:-1}" -le "${caller_rx:-0}" ] &&
	 [ "${agent_tx:-1}" -le "${sent:-0}" ]'
check_sh "the stranger got no audio (no hijack)" '[ "${stray_rx:-1}" -eq 0 ]'
check_sh "call-end: caller_stray=$STRAYS agent_stray=$STRAYS" \
	'[ "$(v "$line" caller_stray)" = $STRAYS ] &&
	 [ "$(v "$line" agent_stray)" = $STRAYS ]'
OP=$(api_login op op-secret-1)
check "/metrics: plateau_rtp_stray_packets_total $((2 * STRAYS))" sh -c \
	"curl -s -m 5 -H 'Authorization: Bearer $OP' '$B/metrics' |
	 grep -q '^plateau_rtp_stray_packets_total $((2 * STRAYS))\$'"
stop_bg
check "serve stops on SIGTERM" stop_serve
summary
