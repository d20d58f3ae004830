#!/bin/bash
# pages.sh — the web pages in Debian's headless chromium (playwright-core)
# against the seeded api test server on loopback: desktop, Arabic
# right-to-left, live wallboard. Screenshots: build/test-logs/web/.
# Prints "N passed, N failed" last.
. "$(dirname "$0")/../integration/check_lib.sh"
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
API_PID=
cleanup() {
	[ -n "$API_PID" ] && kill "$API_PID" 2>/dev/null &&
		wait "$API_PID" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

[ -x /usr/bin/chromium ] || give_up "no /usr/bin/chromium (make deps)"
[ -d tests/web/node_modules/playwright-core ] ||
	give_up "no playwright-core (make deps runs npm ci in tests/web)"

api_server_start "$tmp"

BASE=http://127.0.0.1:$API_PORT OUT=build/test-logs/web TMP_DIR=$tmp \
	timeout 90 node tests/web/pages.mjs
