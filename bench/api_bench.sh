#!/bin/sh
# api_bench.sh — the HTTP API of `plateau serve --http` under load, on a
# generated center of 1,000 agents (all logged in) and 100 queues:
#  1. throughput and latency of the live queue-state endpoint
#     (GET /api/v1/queues, all 100 queues with live state and today's
#     counts) with wrk, against GET /api/v1/me (auth only, no state) as
#     the reference measured in the same run;
#  2. event-stream fan-out: 200 connected SSE clients while agents pause
#     and go ready through the API; events delivered per second in all.
# Loopback only, ephemeral ports; every process is stopped on exit.
# Usage: bench/api_bench.sh [SECONDS per wrk run, default 10]
set -u
cd "$(dirname "$0")/.."
secs=${1:-10}
work=$(mktemp -d /tmp/plateau-apibench.XXXXXX)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
command -v wrk >/dev/null || { echo "wrk missing (deps/debian.txt)"; exit 1; }

hash=$(printf 'bench-secret-1\n' | ./build/plateau passwd --rounds 1000)
python3 - "$work/center.json" "$hash" <<'PY'
import json, sys
q = [{"id": "q%03d" % i, "tenant": "t%d" % (i % 2), "announce_s": 0}
     for i in range(100)]
a = [{"id": "a%04d" % i, "tenant": "t%d" % (i % 2),
      "queues": ["q%03d" % ((i % 50) * 2 + i % 2),
                 "q%03d" % (((i + 7) % 50) * 2 + i % 2)]}
     for i in range(1000)]
c = {"name": "bench", "tenants": [{"id": "t0"}, {"id": "t1"}],
     "sites": [{"id": "s"}],
     "positions": [{"id": "p%04d" % i, "site": "s", "sip_password": "x"}
                   for i in range(1000)],
     "pause_reasons": [{"id": "break"}],
     "queues": q, "agents": a,
     "users": [{"user": "op", "role": "admin", "tenant": None,
                "password_hash": sys.argv[2]}]}
json.dump(c, open(sys.argv[1], "w"))
PY
logins=""
i=0
while [ $i -lt 1000 ]; do
	n=$(printf '%04d' $i)
	logins="$logins --login a$n@p$n"
	i=$((i + 1))
done
# shellcheck disable=SC2086
./build/plateau serve --data "$work/d" --config "$work/center.json" \
	--sip 127.0.0.1:0 --rtp-ports 16000-16099 --http 127.0.0.1:0 \
	--prompts build/prompts $logins >"$work/log" 2>&1 &
pid=$!
port=""
for _ in $(seq 1 100); do
	port=$(grep -o 'event=http-listening http=127.0.0.1:[0-9]*' "$work/log" |
		sed 's/.*://')
	[ -n "$port" ] && break
	sleep 0.1
done
[ -n "$port" ] || { cat "$work/log"; exit 1; }
B=http://127.0.0.1:$port
tok=$(curl -s -d '{"user":"op","password":"bench-secret-1"}' \
	"$B/api/v1/login" | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
bytes=$(curl -s -H "Authorization: Bearer $tok" "$B/api/v1/queues" | wc -c)
ready=$(curl -s -H "Authorization: Bearer $tok" "$B/api/v1/floor" |
	grep -o '"ready":[0-9]*' | head -2 | cut -d: -f2 | paste -sd+ | bc)
echo "center: 1000 agents ($ready ready), 100 queues; /api/v1/queues = $bytes bytes"
echo "machine: $(nproc) cores; load: $(uptime | sed 's/.*load average: //')"
for path in /api/v1/queues /api/v1/me; do
	echo "== wrk -t2 -c50 -d${secs}s --latency GET $path"
	wrk -t2 -c50 -d"${secs}s" --latency -H "Authorization: Bearer $tok" \
		"$B$path" | grep -E 'Requests/sec|Latency  |50%|99%|Non-2xx'
done
echo "== SSE fan-out: 200 clients"
python3 bench/api_sse_bench.py "$B" "$tok" 200 "$secs"
echo "load after: $(uptime | sed 's/.*load average: //')"
