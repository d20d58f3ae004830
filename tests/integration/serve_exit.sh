#!/bin/sh
# serve_exit.sh — when a queue lets a caller go (no agent: "closed";
# waited too long: "timeout"; full), the caller hears why in the call's
# language (the DID's `language`, or the one a key chose in the DID's IVR
# menu), then the server hangs up. Callers are real baresip softphones
# recording what they decoded (sipp callers pressing a key by RFC 4733
# for the IVR cases, checked by the log); prompt_check.py
# finds the right prompt's loudness envelope in it (and not the same
# prompt in another language). Checks the log and the CDRs (outcome
# exited, the exit reason, ended by the system). And hold music: a
# missing file is said at start; the demo center's files all load.
. "$(dirname "$0")/serve_lib.sh"

PR=$ROOT/build/prompts
CHECK=$ROOT/tests/integration/prompt_check.py
command -v baresip >/dev/null || { echo "baresip missing"; echo "0 passed, 1 failed"; exit 1; }

# the test center: serve_center.json plus queue qc (refuses callers when
# no agent is logged in) and qt (1 s of waiting at most), each reached by
# DIDs of several languages
CENTER=$WORK/center.json
python3 - "$ROOT/tests/integration/serve_center.json" "$CENTER" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
base = dict(tenant="t1", strategy="linear", ring_timeout_s=2, wrapup_s=1,
            announce_s=0, language="fr", answer="answer", record=False,
            hold_music="default")
c["queues"].append(dict(base, id="qc", name="Closed", max_wait_s=60,
                        join_empty="no-agents"))
c["queues"].append(dict(base, id="qt", name="Short", max_wait_s=1))
c["queues"].append(dict(base, id="qf", name="Small", max_wait_s=30,
                        max_len=1))
c["queues"].append(dict(base, id="qm", name="No music", max_wait_s=30,
                        hold_music="nosuch.wav"))
for num, q, lang in (("+212500000020", "qc", "ar"),
                     ("+212500000021", "qc", "en"),
                     ("+212500000022", "qt", "fr"),
                     ("+212500000024", "qf", "de")):
    c["dids"].append(dict(number=num, tenant="t1", queue=q, language=lang))
# demo-style menus on French DIDs where 2 picks another language: Arabic
# into the closed queue, English into the 1 s queue
for menu, num, q, lang, text in (
        ("mx-ar", "+212500000025", "qc", "ar",
         "Pour le francais, tapez 1. Pour l'arabe, tapez 2."),
        ("mx-en", "+212500000026", "qt", "en",
         "Pour le francais, tapez 1. For English, press 2.")):
    c["ivr_menus"].append(dict(
        id=menu, tenant="t1", prompt=dict(fr=text), timeout_s=5, retries=0,
        options=[dict(key="1", queue=q, language="fr"),
                 dict(key="2", queue=q, language=lang,
                      skills="lang:%s>=3" % lang)],
        default=None))
    c["dids"].append(dict(number=num, tenant="t1", menu=menu,
                          language="fr"))
json.dump(c, open(sys.argv[2], "w"), indent=1)
PY

start_serve exit || exit 1
check "a queue's missing hold music is said at start" \
	grep -q 'event=media-warning what=hold-music queue=qm why=".*nosuch.wav: No such file' "$SLOG"
check "only that queue's" [ "$(grep -c 'event=media-warning' "$SLOG")" = 1 ]

# caller NAME DID CODEC: a baresip caller that dials DID and records what
# it hears; waits for the server's BYE (call-end), then stops it.
caller() {
	bare "$1" "$1" x "$3" 400 20 0 -e "/dial sip:$2@127.0.0.1:$SPORT"
	cpid=$BPID
	id=""
	for _ in $(seq 1 150); do
		id=$(grep -o "event=invite call=[^ ]* to=$2 from=$1 " "$SLOG" |
			sed 's/event=invite call=\([^ ]*\) .*/\1/')
		[ -n "$id" ] && grep -q "event=call-end call=$id " "$SLOG" && break
		sleep 0.1
	done
	sleep 0.3
	kill "$cpid" 2>/dev/null
	sleep 0.3
}

# last_cdr DID [EXPECTED]: the newest CDR of DID; with EXPECTED, waits up
# to 1 s for it (the writer commits within 50 ms of the call's end, and
# sipp may be done with the BYE before that)
last_cdr() {
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		_v=$(sql "SELECT outcome||','||coalesce(exit_reason,'-')||','||ended_by FROM cdrs WHERE did='$1' ORDER BY arrive_ms DESC LIMIT 1;")
		{ [ -z "$2" ] || [ "$_v" = "$2" ]; } && break
		sleep 0.1
	done
	echo "$_v"
}

# --- closed: no agent logged in, the queue refuses ---------------------
caller ar1 +212500000020 pcma
check "closed, DID in Arabic: exit-prompt logged (ar/exit_closed)" \
	grep -q "event=exit-prompt call=.* queue=qc lang=ar prompt=exit_closed" "$SLOG"
check "the caller heard ar/exit_closed, not the French one" \
	python3 "$CHECK" "$(dec ar1)" "$PR/ar/exit_closed.wav" "$PR/fr/exit_closed.wav"
check "store: exited (empty), ended by the system" \
	[ "$(last_cdr +212500000020 exited,empty,system)" = "exited,empty,system" ]
caller en1 +212500000021 pcmu
check "closed, DID in English (PCMU): the caller heard en/exit_closed" \
	python3 "$CHECK" "$(dec en1)" "$PR/en/exit_closed.wav" "$PR/fr/exit_closed.wav" "$PR/ar/exit_closed.wav"

# --- timeout: waited the queue's 1 s -----------------------------------
caller fr1 +212500000022 pcma
check "timeout, DID in French: exit-prompt logged (fr/exit_timeout)" \
	grep -q "event=exit-prompt call=.* queue=qt lang=fr prompt=exit_timeout" "$SLOG"
check "the caller heard the hold music, then fr/exit_timeout" \
	python3 "$CHECK" "$(dec fr1)" "$PR/fr/exit_timeout.wav" "$PR/fr/exit_closed.wav" "$PR/es/exit_timeout.wav"
check "store: exited (timeout), ended by the system" \
	[ "$(last_cdr +212500000022 exited,timeout,system)" = "exited,timeout,system" ]

# --- full: qf holds one caller; the second hears why (German) ----------
sipp_bg waiter caller.xml -s +212500000024 -d 10000 -m 1
wait_log "event=invite .*to=+212500000024" 50 >/dev/null
sleep 0.3
caller de1 +212500000024 pcma
check "full, DID in German: exit-prompt logged (de/exit_full)" \
	grep -q "event=exit-prompt call=.* queue=qf lang=de prompt=exit_full" "$SLOG"
check "the second caller heard de/exit_full" \
	python3 "$CHECK" "$(dec de1)" "$PR/de/exit_full.wav" "$PR/fr/exit_full.wav" "$PR/de/exit_closed.wav"
check "store: exited (full), ended by the system" \
	[ "$(last_cdr +212500000024 exited,full,system)" = "exited,full,system" ]
check "the first caller waited its 10 s and hung up (sipp)" wait "$BGPID"
BGPIDS=""

# --- the language chosen in the IVR, not the DID's ----------------------
# ivr_exit NAME DID: a sipp caller on a French DID's menu presses 2 (RFC
# 4733), is routed in the menu's other language, and waits for the
# server's BYE after the exit prompt; sets id (the call's id in the log).
ivr_exit() {
	sipp_run "$1" caller_dtmf_exit.xml -s "$2" -m 1
	_rc=$?
	id=$(grep -o "event=invite call=[^ ]* to=$2 " "$SLOG" | tail -1 |
		sed 's/event=invite call=\([^ ]*\) .*/\1/')
	return $_rc
}
check "IVR, 2 for Arabic, queue closed: the caller got the server's BYE (sipp)" \
	ivr_exit ivrar +212500000025
check "the menu spoke French (the DID's), the key routed to qc in Arabic" \
	sh -c "grep -q 'event=ivr-menu call=$id menu=mx-ar lang=fr' '$SLOG' &&
	 grep -q 'event=dtmf call=$id digit=2 via=rtp' '$SLOG' &&
	 grep -q 'event=ivr-route call=$id queue=qc lang=ar' '$SLOG'"
check "closed after the IVR: exit-prompt in Arabic (ar/exit_closed), not French" \
	grep -q "event=exit-prompt call=$id queue=qc lang=ar prompt=exit_closed" "$SLOG"
check "store: exited (empty), ended by the system" \
	[ "$(last_cdr +212500000025 exited,empty,system)" = "exited,empty,system" ]
check "IVR, 2 for English, 1 s queue: the caller got the server's BYE (sipp)" \
	ivr_exit ivren +212500000026
check "the key routed to qt in English" \
	grep -q "event=ivr-route call=$id queue=qt lang=en" "$SLOG"
check "timeout after the IVR: exit-prompt in English (en/exit_timeout), not French" \
	grep -q "event=exit-prompt call=$id queue=qt lang=en prompt=exit_timeout" "$SLOG"
check "store: exited (timeout), ended by the system" \
	[ "$(last_cdr +212500000026 exited,timeout,system)" = "exited,timeout,system" ]
check "no media error" sh -c "! grep -q 'event=media-error' '$SLOG'"
check "server stops cleanly" stop_serve

# the demo center's hold music (premium.wav for its premium queue) is built
CENTER=$ROOT/examples/demo.json
start_serve demo || exit 1
check "the demo center starts with every queue's hold music loaded" \
	sh -c "! grep -q 'event=media-warning' '$SLOG'"
check "demo server stops cleanly" stop_serve

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
