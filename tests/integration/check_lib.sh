# check_lib.sh — the counting and reporting every integration and web test
# script shares: ok/ko/check, the "N passed, N failed" last line and the
# exit status that goes with it. Sourced, not run; plain POSIX sh.
#
# Use (a new script):
#     . "$(dirname "$0")/check_lib.sh"      # or serve_lib.sh, which sources it
#     check "what must hold" some_command args...
#     check_sh "what must hold" '[ "$(cat f)" = x ]'
#     check_refused "bad --x" --x "$PLATEAU" cmd --x 0   # exit 2, 1 line
#     ...
#     summary                                # last line: the script's status
# A script that cannot run at all: `give_up "why"` (prints the summary
# with one more failure and exits 1).

pass=0
fail=0

# ok NAME / ko NAME [DETAIL]: count one passed / failed check.
ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1${2:+: $2}"; }

# check NAME COMMAND [ARGS...]: the command must succeed.
check() {
	_check_name=$1
	shift
	if "$@"; then ok "$_check_name"; else ko "$_check_name"; fi
}

# check_sh NAME CONDITION: the shell condition (eval'd) must hold; a
# failure names the condition.
check_sh() {
	if eval "$2"; then ok "$1"; else ko "$1" "$2"; fi
}

# json_holds FILE PYTHON-EXPR: the expression over the parsed JSON `j`
# of FILE is true.
json_holds() {
	python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)' "$1" "$2"
}

# add_counts FILE: adds the "N passed, N failed" last line of a child
# test's output in FILE to ours; no such line counts as one failure.
add_counts() {
	_line=$(tail -1 "$1")
	_p=$(echo "$_line" |
		sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
	_f=$(echo "$_line" |
		sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
	pass=$((pass + ${_p:-0}))
	fail=$((fail + ${_f:-1}))
}

# check_refused NAME PATTERN COMMAND [ARGS...]: a refusal of bad input as
# the subcommands give it: exit status 2, nothing on stdout, one line on
# stderr, matching PATTERN (grep; "" matches any line).
check_refused() {
	_name=$1
	_pat=$2
	shift 2
	_out=$(mktemp)
	_err=$(mktemp)
	"$@" >"$_out" 2>"$_err"
	_rc=$?
	if [ "$_rc" -eq 2 ] && [ ! -s "$_out" ] &&
	   [ "$(wc -l <"$_err")" -eq 1 ] && grep -q -e "$_pat" "$_err"; then
		ok "$_name"
	else
		ko "$_name" "exit $_rc, stderr: $(head -2 "$_err")$(
			[ -s "$_out" ] && echo ", stdout: $(head -2 "$_out")")"
	fi
	rm -f "$_out" "$_err"
}

# api_login USER PASSWORD: a session token from $B/api/v1/login on
# stdout (nothing when refused).
api_login() {
	curl -s -m 10 -H 'Expect:' \
		-d "{\"user\":\"$1\",\"password\":\"$2\"}" \
		"$B/api/v1/login" | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p'
}

# summary: the last line, and the status: 0 only when nothing failed.
summary() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}

# give_up REASON: the script cannot go on; counts one failure and exits 1.
give_up() {
	ko "$1"
	summary
	exit 1
}

# api_server_start DIR: starts build/bin/api_server (run from the repo
# root) on the demo center with its data in DIR, on an ephemeral loopback
# port; sets API_PID and API_PORT, or gives up. The caller stops API_PID.
api_server_start() {
	build/bin/api_server examples/demo.json "$1" 127.0.0.1:0 \
		>"$1/out" 2>"$1/err" &
	API_PID=$!
	for _ in $(seq 50); do
		grep -q '^listening' "$1/out" && break
		sleep 0.1
	done
	API_PORT=$(sed -n 's/^listening 127.0.0.1:\([0-9]*\)$/\1/p' "$1/out")
	[ -n "$API_PORT" ] || { cat "$1/err"; give_up "api_server did not start"; }
}
