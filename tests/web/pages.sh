#!/bin/bash
# pages.sh — the web pages in Debian's headless chromium (playwright-core)
# against the seeded api test server on loopback: desktop, Arabic
# right-to-left, live wallboard. Screenshots: build/test-logs/web/.
# Prints "N passed, N failed" last.
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
srv=
cleanup() {
	[ -n "$srv" ] && kill "$srv" 2>/dev/null && wait "$srv" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail0() { echo "FAIL $1"; echo "0 passed, 1 failed"; exit 1; }

[ -x /usr/bin/chromium ] || fail0 "no /usr/bin/chromium (make deps)"
[ -d tests/web/node_modules/playwright-core ] ||
	fail0 "no playwright-core (make deps runs npm ci in tests/web)"

build/bin/api_server examples/demo.json "$tmp" 127.0.0.1:0 \
	>"$tmp/out" 2>"$tmp/err" &
srv=$!
for _ in $(seq 50); do
	grep -q '^listening' "$tmp/out" && break
	sleep 0.1
done
port=$(sed -n 's/^listening 127.0.0.1:\([0-9]*\)$/\1/p' "$tmp/out")
[ -n "$port" ] || { cat "$tmp/err"; fail0 "api_server did not start"; }

BASE=http://127.0.0.1:$port OUT=build/test-logs/web TMP_DIR=$tmp \
	timeout 90 node tests/web/pages.mjs
