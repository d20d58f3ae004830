#!/bin/sh
# media_relay.sh — RTP through a media bridge between real peers: the test
# program's own UDP peer plays sipp's G.711 A-law speech capture and RFC
# 4733 digit captures into leg A; leg B's far end is sipp -rtp_echo. Checks
# the echoed packets and payloads, the digits seen on both legs, and the
# stereo recording. Runs once with the same codec on both legs and once
# with PCMU on leg B (transcoding both ways).
. "$(dirname "$0")/check_lib.sh"
cd "$(dirname "$0")/../.."
work=$(mktemp -d /tmp/plateau-media-relay.XXXXXX)
sipp_pid=
cleanup() {
	[ -n "$sipp_pid" ] && kill "$sipp_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

val() { # key, file: the value of key=value
	grep -o "$1=[^ ]*" "$2" | head -1 | cut -d= -f2
}

caps=/usr/share/sip-tester
if [ ! -x build/bin/media_relay_main ] || ! command -v sipp >/dev/null ||
	[ ! -f $caps/g711a.pcap ]; then
	give_up "build/bin/media_relay_main, sipp or $caps missing"
fi

for pt in 8 0; do
	port=$((40000 + $(od -An -N2 -tu2 /dev/urandom) % 10000 / 2 * 2))
	sport=$((port + 1001))
	sipp -sn uas -rtp_echo -mp $port -i 127.0.0.1 -p $sport -nostdin \
		>"$work/sipp.log" 2>&1 &
	sipp_pid=$!
	sleep 0.5
	out=$work/out.$pt
	timeout 60 build/bin/media_relay_main $port $pt "$work/rec.$pt.wav" \
		$caps/g711a.pcap $caps/dtmf_2833_1.pcap \
		$caps/dtmf_2833_2.pcap $caps/dtmf_2833_pound.pcap \
		>"$out" 2>&1
	rc=$?
	kill "$sipp_pid" 2>/dev/null
	wait "$sipp_pid" 2>/dev/null
	sipp_pid=
	sed 's/^/     /' "$out"
	audio=$(val audio "$out")
	check_sh "pt$pt: program ran" "[ $rc -eq 0 ]"
	check_sh "pt$pt: capture read" "[ ${audio:-0} -gt 100 ]"
	check_sh "pt$pt: every audio packet came back" \
		"[ \"$(val echoed_audio "$out")\" = \"$audio\" ]"
	check_sh "pt$pt: every payload matched" \
		"[ \"$(val matched "$out")\" = \"$audio\" ]"
	check_sh "pt$pt: digits on leg A" "[ \"$(val digits_a "$out")\" = '12#' ]"
	check_sh "pt$pt: digits echoed onto leg B" \
		"[ \"$(val digits_b "$out")\" = '12#' ]"
	check_sh "pt$pt: telephone-events came back" \
		"[ $(val echoed_dtmf "$out") -gt 0 ]"
	check_sh "pt$pt: nothing dropped" \
		"[ \"$(grep -c 'dropped=0' "$out")\" = 2 ]"
	check_sh "pt$pt: recording is stereo 8 kHz" \
		"grep -q 'rec_wav channels=2 rate=8000' '$out'"
	frames=$(val frames "$out")
	samples=$(val rec_samples "$out")
	check_sh "pt$pt: recording length matches the samples" \
		"[ \"${frames:-x}\" = \"$samples\" ]"
	# speech is ~9 s; the run lasts longer than the capture
	check_sh "pt$pt: recording covers the call" \
		"[ ${frames:-0} -ge $((audio * 240)) ]"
	check_sh "pt$pt: both channels carry sound" \
		"[ $(val rms_left "$out") -gt 100 ] && [ $(val rms_right "$out") -gt 100 ]"
done

summary
