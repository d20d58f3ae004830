# serve_lib.sh — helpers for the `plateau serve` integration tests:
# free loopback ports, starting/stopping the server, sipp runs, checks.
# Sourced, not run. Every process started is recorded and stopped on exit.

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PLATEAU=$ROOT/build/plateau
SIPP_DIR=$ROOT/tests/sipp
CENTER=${SERVE_CENTER:-$ROOT/tests/integration/serve_center.json}
WORK=$(mktemp -d /tmp/plateau-serve.XXXXXX)
PIDS=""
# /bin/sh has no $RANDOM. Server RTP ranges and sipp media ports stay
# below the kernel's ephemeral range (32768-60999), so they never collide
# with sockets bound to port 0.
RTP_BASE=$(python3 -c 'import random; print(random.randrange(10000, 19000, 100))')
. "$ROOT/tests/integration/check_lib.sh"

cleanup() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null
	done
	sleep 0.2
	for p in $PIDS; do
		kill -9 "$p" 2>/dev/null
	done
	if [ "$fail" -eq 0 ] && [ -z "$KEEP" ]; then
		rm -rf "$WORK"
	else
		echo "work dir kept: $WORK"
	fi
}
trap cleanup EXIT


# A free UDP+TCP port on 127.0.0.1 (asked from the kernel).
free_port() {
	python3 -c '
import socket
while True:
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    p = u.getsockname()[1]
    t = socket.socket()
    try:
        t.bind(("127.0.0.1", p))
    except OSError:
        continue
    print(p)
    break'
}

# start_serve NAME [extra options]: starts plateau serve on a free port
# with data in $WORK/NAME; sets SPID, SPORT, SLOG, SDATA.
start_serve() {
	name=$1
	shift
	SDATA=$WORK/$name
	SLOG=$WORK/$name.log
	mkdir -p "$SDATA"
	rtp=$RTP_BASE
	RTP_BASE=$((RTP_BASE + 100))
	"$PLATEAU" serve --data "$SDATA" --config "$CENTER" \
		--sip 127.0.0.1:0 --rtp-ports "$rtp-$((rtp + 99))" \
		--prompts "$ROOT/build/prompts" "$@" >"$SLOG" 2>&1 &
	SPID=$!
	PIDS="$PIDS $SPID"
	SPORT=""
	for _ in $(seq 1 50); do
		SPORT=$(grep -o 'event=listening sip=127.0.0.1:[0-9]*' "$SLOG" \
			| head -1 | sed 's/.*://')
		[ -n "$SPORT" ] && break
		kill -0 "$SPID" 2>/dev/null || break
		sleep 0.1
	done
	if [ -z "$SPORT" ]; then
		echo "serve did not start:"
		cat "$SLOG"
		return 1
	fi
}

# http_port: waits (bounded) for the HTTP address of a server started
# with --http in its log; sets HPORT and B (the base URL). Fails if the
# server logs none.
http_port() {
	HPORT=""
	for _ in $(seq 1 50); do
		HPORT=$(grep -o 'event=http-listening http=127.0.0.1:[0-9]*' \
			"$SLOG" | tail -1 | sed 's/.*://')
		[ -n "$HPORT" ] && break
		sleep 0.1
	done
	B=http://127.0.0.1:$HPORT
	[ -n "$HPORT" ]
}

# stop_serve: SIGTERM and wait (bounded); returns its exit status.
stop_serve() {
	kill -TERM "$SPID" 2>/dev/null
	for _ in $(seq 1 100); do
		kill -0 "$SPID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$SPID" 2>/dev/null; then
		echo "serve did not stop on SIGTERM"
		kill -9 "$SPID"
		return 1
	fi
	wait "$SPID"
}

# Media ports for sipp: a counter from a random base (probing with a
# python process per run cost up to 2 s each on a loaded machine). Another
# suite may hold a port: a run that cannot bind its media port is retried
# on the next ones. sipp's own SIP port: -p 0 (sipp binds the first free
# port it finds).
MP_NEXT=$((21000 + (RTP_BASE % 2500) * 4))
mp_step() {
	MP_NEXT=$((MP_NEXT + 4))
	[ "$MP_NEXT" -le 31000 ] || MP_NEXT=21000
}

# sipp_run NAME SCENARIO [sipp options]: one bounded sipp run in the
# foreground against the server; logs in $WORK/NAME.*.
sipp_run() {
	n=$1
	sf=$2
	shift 2
	for _try in 1 2 3; do
		mp_step
		rm -f "$WORK/$n.err"
		timeout 60 sipp -sf "$SIPP_DIR/$sf" -i 127.0.0.1 -p 0 \
			-mp "$MP_NEXT" \
			-nostdin -timeout 30 -timeout_error -max_recv_loops 1000 \
			-trace_err -error_file "$WORK/$n.err" \
			-trace_stat -stf "$WORK/$n.stat" \
			"$@" "127.0.0.1:$SPORT" >"$WORK/$n.out" 2>&1
		_rc=$?
		grep -q "Unable to bind" "$WORK/$n.out" "$WORK/$n.err" \
			2>/dev/null || return $_rc
	done
	return $_rc
}

# sipp_bg NAME SCENARIO [options]: same in the background; sets BGPID.
sipp_bg() {
	n=$1
	sf=$2
	shift 2
	mp_step
	timeout 120 sipp -sf "$SIPP_DIR/$sf" -i 127.0.0.1 -p 0 \
		-mp "$MP_NEXT" \
		-nostdin -timeout 90 -max_recv_loops 1000 \
		-trace_err -error_file "$WORK/$n.err" \
		"$@" "127.0.0.1:$SPORT" >"$WORK/$n.out" 2>&1 &
	BGPID=$!
	PIDS="$PIDS $BGPID"
	BGPIDS="$BGPIDS $BGPID"
}

# stop_bg: stops the background sipp peers started so far.
stop_bg() {
	for p in $BGPIDS; do
		kill "$p" 2>/dev/null
	done
	for p in $BGPIDS; do
		wait "$p" 2>/dev/null
	done
	BGPIDS=""
}

# wait_log PATTERN [TENTHS]: waits until the server log matches.
wait_log() {
	for _ in $(seq 1 "${2:-50}"); do
		grep -q -- "$1" "$SLOG" && return 0
		sleep 0.1
	done
	echo "  not in log: $1"
	return 1
}

# sql QUERY: runs a query on the server's database.
sql() {
	sqlite3 -batch -noheader "$SDATA/plateau.db" "$1"
}

# A headless baresip softphone (serve_monitor.sh, serve_exit.sh): its RTP
# ports and its SIP port (10 a phone) come from BRTP, above the ranges of
# the script's servers (100 ports each, at most 7).
BRTP=$((RTP_BASE + 700))

# bare NAME AOR_USER PASS CODEC TONE_HZ SECONDS REGINT [baresip args]:
# starts a headless baresip in $WORK/NAME whose microphone is a TONE_HZ
# sine of SECONDS (it hangs up when the file ends) and which records what
# it hears to $WORK/NAME/snd/*-dec.wav; sets BPID.
bare() {
	d=$WORK/$1
	mkdir -p "$d/snd"
	sox -n -r 8000 -c 1 -b 16 "$d/mic.wav" synth "$6" sine "$5" vol 0.4
	cat >"$d/config" <<CONF
sip_listen 127.0.0.1:$((BRTP + 8))
net_interface 127.0.0.1
audio_source aufile,$d/mic.wav
rtp_ports $BRTP-$((BRTP + 7))
snd_path $d/snd
module_path /usr/lib/baresip/modules
module g711.so
module aufile.so
module sndfile.so
module_tmp account.so
module_app menu.so
CONF
	BRTP=$((BRTP + 10))
	echo "<sip:$2@127.0.0.1:$SPORT>;auth_user=$2;auth_pass=$3;answermode=auto;regint=$7;audio_codecs=$4" \
		>"$d/accounts"
	n=$1
	shift 7
	timeout 60 baresip -f "$d" "$@" </dev/null >"$WORK/$n.log" 2>&1 &
	BPID=$!
	PIDS="$PIDS $BPID"
}

# dec NAME: the newest audio that baresip NAME decoded (one file per call)
dec() {
	ls -t "$WORK/$1"/snd/*-dec.wav 2>/dev/null | head -1
}
