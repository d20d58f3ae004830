#!/bin/sh
# sip_bench.sh — SIP call rates through `plateau serve` on loopback, with
# sipp as callers and as the agents' phones, against sipp talking to sipp
# alone in the same run (the ceiling of the load generator here).
#
#   bench/sip_bench.sh [RATE] [CALLS] [AGENTS]     (defaults 200 2000 50)
#
# Three runs of CALLS calls at RATE calls/s, each bounded to 180 s:
#   ceiling : sipp uac -> sipp uas (built-in scenarios), no plateau
#   queue   : caller -> plateau -> queue (answered, hold music) -> BYE
#   full    : caller -> plateau -> queue -> agent phone (sipp UAS with
#             AGENTS registered positions) answers -> BYE, wrap-up 0
# Prints successful/failed calls and the achieved rate of each, and
# plateau's as a share of the ceiling. Loopback only; every process it
# starts is stopped.
set -u
cd "$(dirname "$0")/.."
RATE=${1:-200}
CALLS=${2:-2000}
AGENTS=${3:-50}
ROOT=$(pwd)
PLATEAU=$ROOT/build/plateau
W=$(mktemp -d /tmp/plateau-sipbench.XXXXXX)
PIDS=""
trap 'for p in $PIDS; do kill $p 2>/dev/null; done; sleep 0.3;
      for p in $PIDS; do kill -9 $p 2>/dev/null; done; [ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT

[ -x "$PLATEAU" ] || { echo "build first: make"; exit 1; }

port() {
	python3 -c 'import socket; s=socket.socket(socket.AF_INET,
socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# A center with AGENTS positions/agents in one queue, wrap-up 0.
python3 - "$AGENTS" >"$W/center.json" <<'PY'
import json, sys
n = int(sys.argv[1])
c = {"name": "sip bench", "timezone": "Africa/Casablanca",
     "sip_realm": "bench.plateau",
     "tenants": [{"id": "t", "name": "T"}],
     "sites": [{"id": "s", "name": "S", "city": "Casablanca"}],
     "positions": [{"id": "p%d" % i, "site": "s", "sip_user": "p%d" % i,
                    "sip_password": "pw%d" % i} for i in range(n)],
     "queues": [
         {"id": "full", "tenant": "t", "name": "full path",
          "ring_timeout_s": 5, "wrapup_s": 0, "announce_s": 0,
          "max_no_answer": 0, "record": False},
         {"id": "wait", "tenant": "t", "name": "queue only",
          "announce_s": 0, "record": False}],
     "agents": [{"id": "a%d" % i, "name": "A%d" % i, "tenant": "t",
                 "queues": [{"queue": "full"}]} for i in range(n)],
     "dids": [{"number": "+212500001000", "tenant": "t", "queue": "full"},
              {"number": "+212500002000", "tenant": "t", "queue": "wait"}]}
print(json.dumps(c))
PY
i=0
LOGINS=""
while [ $i -lt "$AGENTS" ]; do
	LOGINS="$LOGINS --login a$i@p$i"
	i=$((i + 1))
done

# result NAME FILE: "successful failed rate" from a sipp -trace_stat
# summary screen (its last lines).
result() {
	ok=$(grep -a "Successful call" "$2" | tail -1 | awk '{print $6}')
	ko=$(grep -a "Failed call" "$2" | tail -1 | awk '{print $6}')
	cr=$(grep -a "Call Rate" "$2" | tail -1 | awk '{print $7}')
	printf '%-8s ok %6s  failed %5s  sipp call rate %8s cps\n' \
		"$1" "${ok:-?}" "${ko:-?}" "${cr:-?}"
}

sipp_caller() { # NAME PORT SERVICE SCENARIO...
	n=$1
	p=$2
	svc=$3
	shift 3
	timeout 180 sipp "$@" -s "$svc" -i 127.0.0.1 -p "$(port)" \
		-r "$RATE" -m "$CALLS" -l 5000 -d 100 -nostdin \
		-timeout 170 -max_recv_loops 10000 \
		"127.0.0.1:$p" >"$W/$n.out" 2>&1
	echo $? >"$W/$n.rc"
}

echo "sip_bench: $CALLS calls at $RATE/s, $AGENTS agents; $(nproc) cores," \
	"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"

# --- ceiling: sipp against sipp ---------------------------------------
UP=$(port)
timeout 200 sipp -sn uas -i 127.0.0.1 -p "$UP" -nostdin \
	>"$W/uas.out" 2>&1 &
PIDS="$PIDS $!"
sleep 0.5
start=$(date +%s.%N)
sipp_caller ceiling "$UP" x -sn uac
end=$(date +%s.%N)
result ceiling "$W/ceiling.out"
c_rate=$(python3 -c "print(round($CALLS/($end-$start),1))")
echo "         wall $(python3 -c "print(round($end-$start,2))") s" \
	"=> $c_rate calls/s"

# --- plateau ---------------------------------------------------------
"$PLATEAU" serve --data "$W/data" --config "$W/center.json" \
	--sip 127.0.0.1:0 --rtp-ports 16000-19999 --rate-pps 100000 \
	--prompts "$ROOT/build/prompts" $LOGINS >"$W/serve.log" 2>&1 &
SPID=$!
PIDS="$PIDS $SPID"
SP=""
for _ in $(seq 1 100); do
	SP=$(grep -o 'event=listening sip=127.0.0.1:[0-9]*' "$W/serve.log" |
	     sed 's/.*://')
	[ -n "$SP" ] && break
	sleep 0.1
done
[ -n "$SP" ] || { cat "$W/serve.log"; exit 1; }

start=$(date +%s.%N)
sipp_caller queue "$SP" +212500002000 -sf "$ROOT/tests/sipp/caller_short.xml"
end=$(date +%s.%N)
result queue "$W/queue.out"
q_rate=$(python3 -c "print(round($CALLS/($end-$start),1))")
echo "         wall $(python3 -c "print(round($end-$start,2))") s" \
	"=> $q_rate calls/s"

# agents' phones: one sipp UAS answering for every position, which
# python registers (third-party registration: the contact is the UAS)
AP=$(port)
timeout 200 sipp -sf "$ROOT/tests/sipp/agent_answer.xml" -s agent \
	-i 127.0.0.1 -p "$AP" -nostdin "127.0.0.1:$SP" \
	>"$W/agents.out" 2>&1 &
PIDS="$PIDS $!"
python3 "$ROOT/tests/integration/sip_probe.py" "$SP" register-many \
	bench.plateau "$AP" "$AGENTS" || exit 1
echo "agents registered: $(grep -c 'event=register .*status=200' \
	"$W/serve.log")"
start=$(date +%s.%N)
sipp_caller full "$SP" +212500001000 -sf "$ROOT/tests/sipp/caller_short.xml"
end=$(date +%s.%N)
result full "$W/full.out"
f_rate=$(python3 -c "print(round($CALLS/($end-$start),1))")
echo "         wall $(python3 -c "print(round($end-$start,2))") s" \
	"=> $f_rate calls/s"
echo "connected: $(grep -c 'event=connect' "$W/serve.log")" \
	"answered CDR lines: $(grep -c 'outcome=answered' "$W/serve.log")"
rss=$(awk '/VmHWM/ {print $2}' "/proc/$SPID/status")
echo "plateau peak RSS: ${rss} kB"
echo "plateau/ceiling: queue $(python3 -c "print(round(100*$q_rate/$c_rate))")%," \
	"full path $(python3 -c "print(round(100*$f_rate/$c_rate))")%"
