#!/bin/sh
# sip_load.sh — the issue's telephony benchmarks through `plateau serve`
# on loopback, each against sipp talking to sipp alone in the same run
# (the ceiling of the load generator on this machine):
#
#   setup   : caller -> queue (answered, hold music) -> BYE after 100 ms;
#             steps the rate up; the highest rate with < 0.1% failed calls
#   full    : caller -> queue -> agent phone answers -> 5 s of PCMA both
#             ways (the callers' audio from build/bin/rtp_talk, echoed
#             by build/bin/rtp_echo for the agents) -> BYE; steps the rate
#   bridged : N calls held at once, bridged to agents, 20 ms PCMA relayed
#             both ways for 20 s; packet loss and round-trip time, and
#             the same calls sipp to sipp without plateau (the ceiling)
#   memory  : RSS deltas of plateau (VmRSS, /proc) per registered agent,
#             per waiting caller and per bridged call, at N and 2N
#   quick   : one fixed rate, no media: caller -> queue -> BYE after
#             100 ms, then caller -> queue -> agent answers -> BYE after
#             100 ms; rates as shares of sipp -> sipp's, CPU per call,
#             peak RSS (not part of `all`)
#
#   bench/sip_load.sh [setup|full|bridged|memory|quick|all] (default all)
#
# Sizes come from the environment (defaults in brackets):
#   RATES       setup rates, calls/s      [200 400 600 800 1000 1200]
#   SETUP_S     seconds of calls per step                        [10]
#   FULL_RATES  full-path rates           [25 50 100 150 200 250]
#   FULL_S      seconds of calls per step                        [10]
#   BRIDGED     concurrent bridged calls  [100 250 500 1000 2000]
#   MEM_N       N of the memory deltas                          [200]
#   QUICK_RATE QUICK_CALLS QUICK_AGENTS  the quick run    [200 2000 50]
#   NOSTOP      set: a ladder runs every step, even after a failed one
#   PLATEAU     the server binary                  [build/plateau]
#   SERVE_OPTS  extra options for plateau serve (e.g. --no-relay-thread)
#   MEDIA       lean: build/bin/rtp_talk + rtp_echo carry the audio
#               (batched, tagged: round-trip loss and time measured end
#               to end); sipp: sipp's rtp_stream and -rtp_echo
# A step that fails (>= 0.1% failed calls or lost packets) ends its
# ladder. Every sipp run is bounded (-m calls, timeout); every process
# started here is stopped on exit. Loopback only.
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PLATEAU=${PLATEAU:-$ROOT/build/plateau}
WHAT=${1:-all}
RATES=${RATES:-200 400 600 800 1000 1200}
SETUP_S=${SETUP_S:-10}
FULL_RATES=${FULL_RATES:-25 50 100 150 200 250}
FULL_S=${FULL_S:-10}
BRIDGED=${BRIDGED:-100 250 500 1000 2000}
MEM_N=${MEM_N:-200}
QUICK_RATE=${QUICK_RATE:-200}
QUICK_CALLS=${QUICK_CALLS:-2000}
QUICK_AGENTS=${QUICK_AGENTS:-50}
W=$(mktemp -d /tmp/plateau-sipload.XXXXXX)
PIDS=""
SPID=""
cleanup() {
	# TERM first: timeout(1) passes it on to the sipp it runs
	for p in $PIDS $SPID; do kill "$p" 2>/dev/null; done
	sleep 0.5
	for p in $PIDS $SPID; do kill -9 "$p" 2>/dev/null; done
	[ -n "${KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ -x "$PLATEAU" ] || { echo "build first: make"; exit 1; }
command -v sipp >/dev/null || { echo "sipp missing (sip-tester)"; exit 1; }
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

port() {
	python3 -c 'import socket; s=socket.socket(socket.AF_INET,
socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
py() { python3 -c "print($1)"; }

# center AGENTS: positions p0.. (password pwN), agents a0.. in queue
# "full" (wrap-up 0, ring 5 s), queue "wait" with no agent.
center() {
	python3 - "$1" <<'PY'
import json, sys
n = int(sys.argv[1])
c = {"name": "sip load", "timezone": "Africa/Casablanca",
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
}

# serve_start AGENTS [LOGIN]: a fresh plateau on a free port; sets SP
# (SIP port), SPID; logs every agent in when LOGIN is set.
serve_start() {
	sn=$1
	center "$sn" >"$W/center.json"
	: >"$W/logins"
	if [ -n "${2:-}" ]; then
		i=0
		while [ $i -lt "$sn" ]; do
			printf ' --login a%d@p%d' $i $i >>"$W/logins"
			i=$((i + 1))
		done
	fi
	rm -rf "$W/data"
	# shellcheck disable=SC2046
	"$PLATEAU" serve --data "$W/data" --config "$W/center.json" \
		--sip 127.0.0.1:0 --rtp-ports 20000-39999 --rate-pps 1000000 \
		--no-tcp --prompts "$ROOT/build/prompts" $(cat "$W/logins") \
		${SERVE_OPTS:-} \
		>"$W/serve.log" 2>&1 &
	SPID=$!
	SP=""
	for _ in $(seq 1 100); do
		SP=$(grep -o 'event=listening sip=127.0.0.1:[0-9]*' \
		     "$W/serve.log" 2>/dev/null | sed 's/.*://')
		[ -n "$SP" ] && return 0
		sleep 0.1
	done
	cat "$W/serve.log"
	exit 1
}
# the server's CPU time (user + system, all threads), seconds: per call
# it is the figure least bent by other jobs on the machine
scpu() {
	awk -v t="$(getconf CLK_TCK)" '{print ($14 + $15) / t}' \
	    "/proc/$SPID/stat" 2>/dev/null
}
serve_stop() {
	SCPU=$(scpu)
	[ -n "$SPID" ] && kill -9 "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
	SPID=""
}

# uas NAME [sipp options]: a sipp agent phone answering every INVITE
# (tests/sipp/agent_answer.xml); sets UP (its port), UPID.
uas() {
	nm=$1
	shift
	UP=$(port)
	timeout 900 sipp -sf "$ROOT/tests/sipp/agent_answer.xml" -s agent \
		-i 127.0.0.1 -p "$UP" -nostdin "$@" 127.0.0.1:9 \
		>"$W/$nm.out" 2>&1 &
	UPID=$!
	PIDS="$PIDS $UPID"
	sleep 0.3
}
uas_stop() { kill "$UPID" 2>/dev/null; wait "$UPID" 2>/dev/null; }

# caller NAME DST SERVICE RATE CALLS PAUSE_MS SCENARIO [sipp options]:
# runs sipp as callers to completion (bounded) and records wall time.
caller() {
	nm=$1 dst=$2 svc=$3 rate=$4 calls=$5 pause=$6 sf=$7
	shift 7
	t0=$(date +%s.%N)
	timeout $((calls / rate + pause / 1000 + 120)) sipp -sf "$sf" \
		-s "$svc" -i 127.0.0.1 -p "$(port)" -r "$rate" -m "$calls" \
		-l 100000 -d "$pause" -nostdin -timeout \
		$((calls / rate + pause / 1000 + 100)) -max_recv_loops 10000 \
		-max_sched_loops 10000 "$@" "127.0.0.1:$dst" \
		>"$W/$nm.out" 2>&1
	t1=$(date +%s.%N)
	WALL=$(py "round($t1 - $t0 - $pause / 1000, 2)")
	OK=$(grep -a "Successful call" "$W/$nm.out" | tail -1 |
	     awk '{print $(NF)}')
	KO=$(grep -a "Failed call" "$W/$nm.out" | tail -1 | awk '{print $(NF)}')
	OK=${OK:-0}
	KO=${KO:-$calls}
	RETR=$(grep -a "INVITE ---" "$W/$nm.out" | tail -1 | awk '{print $4}')
}

load() { uptime | sed 's/.*load average: //'; }
# busy_mark / busy_cores: CPU cores the whole machine kept busy between
# the two (from /proc/stat; every process counts, other jobs included)
busy_now() { awk '/^cpu / {print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
busy_mark() { BUSY0=$(busy_now); }
busy_cores() {
	set -- $BUSY0 $(busy_now)
	py "round($(nproc) * ($3 - $1) / max($4 - $2, 1), 2)"
}

echo "sip_load: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo |
	cut -d: -f2 | sed 's/^ //'), $(uname -r), sipp $(sipp -v 2>&1 |
	grep -o 'v[0-9.]*' | head -1), fds $(ulimit -n)"
echo "start: $(date -u +%FT%TZ) load $(load)"

# ---------------------------------------------------------------------
# a. call setup rate
# ---------------------------------------------------------------------
setup() {
	echo
	echo "== setup: caller -> queue (200, hold music) -> BYE after 100 ms," \
		"$SETUP_S s of calls per step"
	printf '%-9s %6s %6s %7s %8s %9s %7s %8s | %6s %7s %8s %7s  %s\n' \
		target calls ok failed fail% achieved retr cpu/call ok failed \
		achieved ratio load
	printf '%-9s %s | %s\n' "" \
		"------------ plateau ---------------------------------" \
		"------- sipp -> sipp ------"
	best=0
	cbest=0
	for r in $RATES; do
		n=$((r * SETUP_S))
		uas uas_setup
		caller c_setup "$UP" agent "$r" "$n" 100 \
			"$ROOT/tests/sipp/caller_short.xml"
		uas_stop
		c_ok=$OK c_ko=$KO c_wall=$WALL
		serve_start 1
		caller p_setup "$SP" +212500002000 "$r" "$n" 100 \
			"$ROOT/tests/sipp/caller_short.xml"
		serve_stop
		c_rate=$(py "round($c_ok / $c_wall)")
		p_rate=$(py "round($OK / $WALL)")
		pct=$(py "round(100.0 * $KO / $n, 3)")
		printf '%-9s %6d %6d %7d %7s%% %9s %7s %6sms | %6d %7d %8s %6s%%  %s\n' \
			"$r/s" "$n" "$OK" "$KO" "$pct" "$p_rate/s" "${RETR:-?}" \
			"$(py "round(1000 * ${SCPU:-0} / $n, 2)")" \
			"$c_ok" "$c_ko" "$c_rate/s" \
			"$(py "round(100.0 * $p_rate / max($c_rate, 1))")" "$(load)"
		if [ "$c_ko" -lt $(((n + 999) / 1000)) ] &&
		   [ "$(py "int($c_rate >= 0.9 * $r)")" = 1 ] &&
		   [ "$cbest" -lt "$r" ]; then
			cbest=$r
		fi
		# sustained: < 0.1% failed and at least 90% of the rate
		# sipp reached against sipp alone at this step
		[ -n "${NOSTOP:-}" ] && continue
		if [ "$KO" -ge $(((n + 999) / 1000)) ] ||
		   [ "$OK" -ne "$n" ] ||
		   [ "$(py "int($p_rate < 0.9 * $c_rate)")" = 1 ]; then
			break
		fi
		best=$r
	done
	echo "setup: plateau sustained $best calls/s (< 0.1% failed, >= 90%" \
		"of sipp -> sipp's rate at the step); sipp -> sipp kept >= 90%" \
		"of the target up to $cbest calls/s"
}

# ---------------------------------------------------------------------
# b. full path, c. bridged calls: the callers talk 20 ms PCMA, the
# agents' phones echo it back. MEDIA=lean (default): build/bin/rtp_talk
# talks for every caller from one socket and times what comes back
# (tagged packets), build/bin/rtp_echo echoes for every agent; both batch
# their system calls, so the load tools leave the CPU to what is
# measured. MEDIA=sipp: sipp's rtp_stream plays a WAV per call and sipp
# -rtp_echo echoes (a system call pair per packet each).
# ---------------------------------------------------------------------
# media_start NAME TALK_S: the agents' phone (UP, UPID), its echo, and
# for the callers CALLER_SF + CALLER_OPTS (and the talker when lean)
media_start() {
	mnm=$1 mtalk=$2
	if [ "${MEDIA:-lean}" = sipp ]; then
		f="$W/pcma$mtalk.wav"
		[ -f "$f" ] || sox -n -r 8000 -c 1 -e a-law "$f" \
			synth "$mtalk" sine 440 vol 0.3
		sed "s#@AUDIO@#$f#" "$ROOT/bench/sipp/caller_rtp.xml" \
			>"$W/caller_rtp.xml"
		CALLER_SF=$W/caller_rtp.xml
		CALLER_OPTS="-mp $(port)"
		uas "$mnm" -rtp_echo -mp "$(port)"
		return
	fi
	bg_port "$mnm.echo" "$ROOT/build/bin/rtp_echo" 0 900
	EPID=$BGPID
	# the phone answers PCMA, the callers' codec: relayed unchanged, so
	# the talker's tags come back intact (no transcoding)
	sed -e "s/m=audio \[media_port\] RTP\/AVP 0 8/m=audio $BGPORT RTP\/AVP 8/" \
	    "$ROOT/tests/sipp/agent_answer.xml" >"$W/agent_echo.xml"
	: >"$W/$mnm.ports"
	bg_port "$mnm.talk" "$ROOT/build/bin/rtp_talk" "$W/$mnm.ports" \
		"$mtalk" 100 900
	TPID=$BGPID
	sed "s/@TALK_PORT@/$BGPORT/" "$ROOT/bench/sipp/caller_talk.xml" \
		>"$W/caller_talk.xml"
	CALLER_SF=$W/caller_talk.xml
	CALLER_OPTS="-trace_logs -log_file $W/$mnm.ports"
	UP=$(port)
	timeout 900 sipp -sf "$W/agent_echo.xml" -s agent -i 127.0.0.1 \
		-p "$UP" -mp "$(port)" -nostdin 127.0.0.1:9 \
		>"$W/$mnm.out" 2>&1 &
	UPID=$!
	PIDS="$PIDS $UPID"
	sleep 0.3
}
# bg_port FILE PROGRAM ARGS...: starts a load tool that prints port=N
# first; sets BGPID and BGPORT
bg_port() {
	out=$W/$1
	shift
	"$@" >"$out" 2>&1 &
	BGPID=$!
	PIDS="$PIDS $BGPID"
	BGPORT=""
	for _ in $(seq 1 50); do
		BGPORT=$(sed -n 's/^port=//p' "$out")
		[ -n "$BGPORT" ] && return 0
		sleep 0.1
	done
	echo "sip_load: $1 did not start"
	exit 1
}
# media_stop NAME: stops the phone and the tools; when lean, sets SENT
# RECEIVED P99 (round trip, µs) from the talker
media_stop() {
	uas_stop
	SENT=- RECEIVED=- P99=- TOOL_US=-
	[ "${MEDIA:-lean}" = sipp ] && return
	kill "$TPID" "$EPID" 2>/dev/null
	wait "$TPID" "$EPID" 2>/dev/null
	f="$W/$1.talk"
	SENT=$(sed -n 's/.* sent=\([0-9]*\).*/\1/p' "$f")
	RECEIVED=$(sed -n 's/.* received=\([0-9]*\).*/\1/p' "$f")
	P99=$(sed -n 's/.* rtt_p99_us=\([0-9]*\).*/\1/p' "$f")
	SENT=${SENT:-0} RECEIVED=${RECEIVED:-0}
	# the load tools' CPU per packet they sent or received: what a
	# datagram costs on this machine with batched system calls
	TOOL_US=$(python3 - "$f" "$W/$1.echo" <<'PY'
import sys
kv = {}
for path, tool in zip(sys.argv[1:], ("talk", "echo")):
    for w in open(path).read().split():
        if "=" in w:
            k, v = w.split("=", 1)
            kv[tool + "." + k] = float(v)
pk = (kv.get("talk.sent", 0) + kv.get("talk.received", 0) +
      kv.get("echo.received", 0) + kv.get("echo.echoed", 0))
cpu = kv.get("talk.cpu_s", 0) + kv.get("echo.cpu_s", 0)
print(round(1e6 * cpu / pk, 2) if pk else "-")
PY
)
}

# ceiling_run NAME RATE CALLS TALK_S: the same calls and audio with sipp
# callers straight to the sipp phone (no plateau): the load tools'
# ceiling; fills OK KO WALL and, when lean, C_LOSS (round trip, %)
ceiling_run() {
	media_start "$1" "$4"
	busy_mark
	# shellcheck disable=SC2086
	caller "$1" "$UP" agent "$2" "$3" $(($4 * 1000 + 300)) \
		"$CALLER_SF" $CALLER_OPTS
	C_BUSY=$(busy_cores)
	media_stop "$1"
	C_LOSS=- C_P99=$P99 C_TOOL_US=$TOOL_US
	[ "$SENT" = - ] ||
		C_LOSS=$(py "round(100.0 * ($SENT - $RECEIVED) / max($SENT, 1), 3)")
}

# bridged_run NAME RATE CALLS TALK_S AGENTS: the calls through plateau;
# fills OK KO WALL CONN LOSS_IN LOSS_RT RELAYED BUSY PCORES (and P99)
bridged_run() {
	nm=$1 rate=$2 calls=$3 talk=$4 agents=$5
	serve_start "$agents" login
	media_start "$nm" "$talk"
	python3 "$ROOT/tests/integration/sip_probe.py" "$SP" register-many \
		bench.plateau "$UP" "$agents" >/dev/null || exit 1
	busy_mark
	cpu0=$(scpu)
	t0=$(date +%s.%N)
	# shellcheck disable=SC2086
	caller "$nm" "$SP" +212500001000 "$rate" "$calls" \
		$((talk * 1000 + 300)) "$CALLER_SF" $CALLER_OPTS
	BUSY=$(busy_cores)
	# plateau's share of that: its CPU over the same time, in cores
	PCORES=$(py "round(($(scpu) - $cpu0) / ($(date +%s.%N) - $t0), 2)")
	sleep 1
	media_stop "$nm"
	serve_stop
	# in-loss: the callers' packets that did not reach plateau's caller
	# legs. rt-loss: lean, the talker's packets that did not come back
	# (caller -> plateau -> echo -> plateau -> caller); sipp, those that
	# did not come back to plateau's agent legs (sipp's rtp_stream sends
	# the whole WAV file, header included, in 160-byte packets)
	python3 - "$W/serve.log" "$W/pcma$talk.wav" "$SENT" "$RECEIVED" \
		>"$W/$nm.loss" <<'PY'
import os, sys
sipp = sys.argv[3] == "-"
sent = 0 if sipp else int(sys.argv[3])
received = 0 if sipp else int(sys.argv[4])
conn = n = crx = arx = 0
for line in open(sys.argv[1]):
    if "event=connect " in line:
        conn += 1
    if "event=call-end" in line and "outcome=answered" in line:
        f = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
        n += 1
        crx += int(f["caller_rx"])
        arx += int(f["agent_rx"])
if sipp:
    sent = n * ((os.path.getsize(sys.argv[2]) + 159) // 160)
    received = arx
# no packet sent at all is a failed run, not a clean one
pct = lambda lost: round(100.0 * lost / sent, 3) if sent else 100.0
print(conn, n, pct(sent - crx), pct(sent - received), crx + arx)
PY
	# RELAYED: packets plateau received on both legs (each relayed once)
	read -r CONN ENDED LOSS_IN LOSS_RT RELAYED <"$W/$nm.loss"
}

full() {
	echo
	echo "== full: caller -> queue -> agent answers -> 5 s PCMA both ways" \
		"(media: ${MEDIA:-lean}) -> BYE; $FULL_S s of calls per step"
	printf '%-8s %6s %6s %6s %6s %8s %8s %7s %9s %8s %5s | %6s %6s %9s %8s %5s %6s  %s\n' \
		target calls ok failed bridged "in-loss" "rt-loss" "rtt99" \
		achieved cpu/call busy ok failed achieved rt-loss busy ratio \
		load
	best=0 failed=""
	for r in $FULL_RATES; do
		n=$((r * FULL_S))
		ceiling_run c_full "$r" "$n" 5
		c_ok=$OK c_ko=$KO c_wall=$WALL
		bridged_run p_full "$r" "$n" 5 $((r * 8 + 20))
		c_rate=$(py "round($c_ok / $c_wall)")
		p_rate=$(py "round($OK / $WALL)")
		printf '%-8s %6d %6d %6d %6d %7s%% %7s%% %5sms %8s %6sms %5s | %6d %6d %8s %7s%% %5s %5s%%  %s\n' \
			"$r/s" "$n" "$OK" "$KO" "$CONN" "$LOSS_IN" "$LOSS_RT" \
			"$(ms "$P99")" "$p_rate/s" \
			"$(py "round(1000 * ${SCPU:-0} / $n, 2)")" "$BUSY" \
			"$c_ok" "$c_ko" "$c_rate/s" "$C_LOSS" "$C_BUSY" \
			"$(py "round(100.0 * $p_rate / max($c_rate, 1))")" "$(load)"
		if [ "$KO" -ge $(((n + 999) / 1000)) ] ||
		   [ "$CONN" -lt "$n" ] ||
		   [ "$(py "int($LOSS_RT >= 0.1)")" = 1 ]; then
			failed=1
			[ -n "${NOSTOP:-}" ] || break
		fi
		[ -n "${failed:-}" ] || best=$r
	done
	echo "full: plateau sustained $best calls/s (every call bridged," \
		"< 0.1% failed calls, < 0.1% packets lost)"
}
ms() { [ "$1" = - ] && echo - || py "round($1 / 1000, 1)"; }

bridged() {
	echo
	echo "== bridged: N calls ramped over 10 s, each bridged to an agent," \
		"20 s of 20 ms PCMA both ways (peak N concurrent for ~10 s);" \
		"media: ${MEDIA:-lean}"
	printf '%-6s %6s %6s %7s %8s %8s %7s %9s %7s %6s %5s | %8s %7s %5s %7s  %s\n' \
		N ok failed bridged "in-loss" "rt-loss" "rtt99" relayed \
		"us/pkt" plat. busy "rt-loss" "rtt99" busy "us/pkt" load
	best=0 failed=""
	for n in $BRIDGED; do
		r=$(((n + 9) / 10))
		C_LOSS=- C_P99=- C_BUSY=- C_TOOL_US=-
		[ "${MEDIA:-lean}" = lean ] && ceiling_run c_br "$r" "$n" 20
		bridged_run p_br "$r" "$n" 20 $((n + 20))
		# server CPU (all threads, SIP included) per relayed packet
		printf '%-6d %6d %6d %7d %7s%% %7s%% %5sms %9d %7s %6s %5s | %7s%% %5sms %5s %7s  %s\n' \
			"$n" "$OK" "$KO" "$CONN" "$LOSS_IN" "$LOSS_RT" \
			"$(ms "$P99")" "$RELAYED" \
			"$(py "round(1e6 * ${SCPU:-0} / max($RELAYED, 1), 2)")" \
			"$PCORES" "$BUSY" "$C_LOSS" "$(ms "$C_P99")" \
			"$C_BUSY" "$C_TOOL_US" "$(load)"
		if [ "$KO" -gt 0 ] || [ "$CONN" -lt "$n" ] ||
		   [ "$(py "int($LOSS_RT >= 0.1)")" = 1 ]; then
			failed=1
			[ -n "${NOSTOP:-}" ] || break
		fi
		[ -n "${failed:-}" ] || best=$n
	done
	echo "bridged: plateau held $best calls with < 0.1% packets lost" \
		"(plat.: plateau's CPU in cores; busy: the machine's, all" \
		"processes; right of |: the same calls with no plateau, sipp" \
		"to sipp, and the media tools' CPU per datagram in or out)"
}

# ---------------------------------------------------------------------
# d. memory
# ---------------------------------------------------------------------
rss() { awk '/VmRSS/ {print $2}' "/proc/$SPID/status"; }
threads() { awk '/Threads/ {print $2}' "/proc/$SPID/status"; }

# hold NAME SERVICE CALLS: CALLS long calls (60 s, no audio) at 200/s,
# in the background; waits until they are all set up.
hold() {
	timeout 120 sipp -sf "$ROOT/tests/sipp/caller_short.xml" -s "$2" \
		-i 127.0.0.1 -p "$(port)" -r 200 -m "$3" -l 100000 -d 60000 \
		-nostdin -timeout 110 "127.0.0.1:$SP" >"$W/$1.out" 2>&1 &
	PIDS="$PIDS $!"
	sleep $(($3 / 200 + 3))
}

memory() {
	n=$MEM_N
	echo
	echo "== memory: plateau VmRSS (kB) at 0, N and 2N; N = $n"
	serve_start $((2 * n)) login
	sleep 1
	r0=$(rss)
	uas uas_mem
	python3 "$ROOT/tests/integration/sip_probe.py" "$SP" register-many \
		bench.plateau "$UP" "$n" >/dev/null || exit 1
	r1=$(rss)
	# positions p0..p(2n-1): register the second half from a copy of
	# the probe that numbers from n (the realm's passwords are pwK)
	sed 's/for i in range(n):/for i in range(n, 2 * n):/' \
		"$ROOT/tests/integration/sip_probe.py" >"$W/probe2.py"
	python3 "$W/probe2.py" "$SP" register-many bench.plateau "$UP" \
		"$n" >/dev/null || exit 1
	r2=$(rss)
	echo "registered agents: 0 -> $r0, $n -> $r1, $((2 * n)) -> $r2 kB;" \
		"$(py "round(($r2 - $r1) * 1024 / $n)") bytes per agent"
	hold wait1 +212500002000 "$n"
	w1=$(rss)
	hold wait2 +212500002000 "$n"
	w2=$(rss)
	waiting=$(grep -c 'event=invite .*queue=wait' "$W/serve.log")
	echo "waiting callers (hold music): $waiting in queue;" \
		"$n -> $w1, $((2 * n)) -> $w2 kB;" \
		"$(py "round(($w2 - $w1) * 1024 / $n)") bytes per waiting caller"
	serve_stop
	uas_stop
	# bridged: 2n agents, n then 2n calls to the agents' queue
	serve_start $((2 * n)) login
	uas uas_mem2
	python3 "$ROOT/tests/integration/sip_probe.py" "$SP" register-many \
		bench.plateau "$UP" $((2 * n)) >/dev/null || exit 1
	b0=$(rss)
	hold br1 +212500001000 "$n"
	b1=$(rss)
	hold br2 +212500001000 "$n"
	b2=$(rss)
	conn=$(grep -c 'event=connect ' "$W/serve.log")
	echo "bridged calls: $conn connected; 0 -> $b0, $n -> $b1," \
		"$((2 * n)) -> $b2 kB; $(py "round(($b2 - $b1) * 1024 / $n)")" \
		"bytes per bridged call; threads $(threads) (all calls)"
	serve_stop
	uas_stop
}

# ---------------------------------------------------------------------
# e. quick: one fixed rate without media, queue and full path, against
# sipp -> sipp at the same rate (bench/sip_bench.sh before)
# ---------------------------------------------------------------------
# quick_run NAME DID: one run of the quick mode's calls through plateau
# to DID; prints its line and sets RATE (achieved calls/s).
quick_run() {
	cpu0=$(scpu)
	caller "q_$1" "$SP" "$2" "$r" "$n" 100 "$sf"
	cpu1=$(scpu)
	RATE=$(py "round($OK / $WALL, 1)")
	printf '%-8s %6d %7d %7s/s %6sms  %s\n' "$1" "$OK" "$KO" "$RATE" \
		"$(py "round(1000 * ($cpu1 - $cpu0) / $n, 2)")" "$(load)"
}

quick() {
	r=$QUICK_RATE n=$QUICK_CALLS
	sf=$ROOT/tests/sipp/caller_short.xml
	echo
	echo "== quick: $n calls at $r/s, BYE after 100 ms, no media;" \
		"$QUICK_AGENTS agents"
	printf '%-8s %6s %7s %9s %8s  %s\n' run ok failed achieved \
		cpu/call load
	uas uas_quick
	caller q_ceiling "$UP" agent "$r" "$n" 100 "$sf"
	uas_stop
	c_rate=$(py "round($OK / $WALL, 1)")
	printf '%-8s %6d %7d %7s/s %8s  %s\n' ceiling "$OK" "$KO" \
		"$c_rate" - "$(load)"
	serve_start "$QUICK_AGENTS" login
	quick_run queue +212500002000
	q_rate=$RATE
	# the agents' phones: one sipp UAS answering for every position,
	# registered by the probe (third-party registration)
	uas q_agents
	python3 "$ROOT/tests/integration/sip_probe.py" "$SP" register-many \
		bench.plateau "$UP" "$QUICK_AGENTS" >/dev/null || exit 1
	quick_run full +212500001000
	f_rate=$RATE
	conn=$(grep -c 'event=connect ' "$W/serve.log")
	peak=$(awk '/VmHWM/ {print $2}' "/proc/$SPID/status")
	serve_stop
	uas_stop
	echo "quick: plateau/ceiling queue" \
		"$(py "round(100 * $q_rate / max($c_rate, 1))")%, full path" \
		"$(py "round(100 * $f_rate / max($c_rate, 1))")%;" \
		"$conn calls connected to agents; peak RSS $peak kB"
}

case $WHAT in
setup) setup ;;
full) full ;;
bridged) bridged ;;
memory) memory ;;
quick) quick ;;
all) setup; full; bridged; memory ;;
*) echo "usage: bench/sip_load.sh [setup|full|bridged|memory|quick|all]"
   exit 2 ;;
esac
echo "end: $(date -u +%FT%TZ) load $(load)"
