#!/bin/sh
# prompts.sh — synthesises plateau's fixed voice prompts with espeak-ng and
# converts them with sox to 8 kHz mono 16-bit WAV (the media legs encode
# to G.711), plus the default hold music. Usage: scripts/prompts.sh OUTDIR
# Writes OUTDIR/LANG/NAME.wav for LANG in fr ar en de es (numbers 0..99 as
# num_N.wav) and OUTDIR/moh/default.wav. Idempotent; two languages at once.
set -eu
out=${1:?usage: scripts/prompts.sh OUTDIR}
command -v espeak-ng >/dev/null || { echo "prompts: espeak-ng missing" >&2; exit 1; }
command -v sox >/dev/null || { echo "prompts: sox missing" >&2; exit 1; }
for l in fr ar en de es; do mkdir -p "$out/$l"; done
mkdir -p "$out/moh"
jobs=$(mktemp)
trap 'rm -f "$jobs" "$jobs".*' EXIT

# lang|voice|name|text — the texts of the fixed prompts. media/announce.c
# composes pos_before N pos_after, wait_before (wait_short | wait_one |
# N minutes | wait_long); Arabic counts nouns by number, hence wait_two,
# minutes_few (3-10) and minutes_many (11+).
cat >"$jobs" <<'EOF'
fr|fr|welcome|Bienvenue, et merci de votre appel.
fr|fr|please_hold|Merci de patienter, un conseiller va vous répondre.
fr|fr|pos_before|Vous êtes en position
fr|fr|pos_after|dans la file d'attente.
fr|fr|pos_more|plus de
fr|fr|wait_before|Temps d'attente estimé :
fr|fr|wait_short|moins d'une minute.
fr|fr|wait_one|une minute.
fr|fr|wait_two|deux minutes.
fr|fr|minutes|minutes.
fr|fr|minutes_few|minutes.
fr|fr|minutes_many|minutes.
fr|fr|wait_long|plus d'une heure et demie.
fr|fr|invalid|Ce choix n'est pas valide.
fr|fr|agent_id|Veuillez saisir votre numéro d'agent, suivi de la touche dièse.
fr|fr|agent_pin|Veuillez saisir votre code secret, suivi de la touche dièse.
fr|fr|agent_login_ok|Connexion réussie. Vous pouvez recevoir des appels.
fr|fr|agent_login_failed|Identifiant ou code incorrect.
fr|fr|agent_logout|Vous êtes déconnecté.
fr|fr|agent_ready|Vous êtes disponible.
fr|fr|agent_paused|Vous êtes en pause.
fr|fr|goodbye|Merci de votre appel. Au revoir.
fr|fr|exit_full|Toutes nos lignes sont occupées. Merci de rappeler plus tard.
fr|fr|exit_closed|Aucun conseiller n'est disponible pour le moment. Merci de rappeler plus tard.
fr|fr|exit_timeout|Nos conseillers sont toujours occupés. Merci de rappeler plus tard.
ar|ar|welcome|مرحبا بكم، وشكرا لاتصالكم.
ar|ar|please_hold|يرجى الانتظار، سيرد عليكم أحد المستشارين.
ar|ar|pos_before|ترتيبكم هو
ar|ar|pos_after|في قائمة الانتظار.
ar|ar|pos_more|أكثر من
ar|ar|wait_before|مدة الانتظار المتوقعة:
ar|ar|wait_short|أقل من دقيقة.
ar|ar|wait_one|دقيقة واحدة.
ar|ar|wait_two|دقيقتان.
ar|ar|minutes|دقائق.
ar|ar|minutes_few|دقائق.
ar|ar|minutes_many|دقيقة.
ar|ar|wait_long|أكثر من ساعة ونصف.
ar|ar|invalid|اختيار غير صحيح.
ar|ar|agent_id|يرجى إدخال رقم الموظف، متبوعا بعلامة المربع.
ar|ar|agent_pin|يرجى إدخال الرمز السري، متبوعا بعلامة المربع.
ar|ar|agent_login_ok|تم تسجيل الدخول بنجاح.
ar|ar|agent_login_failed|الرقم أو الرمز غير صحيح.
ar|ar|agent_logout|تم تسجيل الخروج.
ar|ar|agent_ready|أنت متاح الآن.
ar|ar|agent_paused|أنت في استراحة.
ar|ar|goodbye|شكرا لاتصالكم. مع السلامة.
ar|ar|exit_full|جميع خطوطنا مشغولة. يرجى معاودة الاتصال لاحقا.
ar|ar|exit_closed|لا يوجد أي مستشار متاح حاليا. يرجى معاودة الاتصال لاحقا.
ar|ar|exit_timeout|مستشارونا ما زالوا مشغولين. يرجى معاودة الاتصال لاحقا.
en|en-gb|welcome|Welcome, and thank you for calling.
en|en-gb|please_hold|Please hold, an agent will be with you shortly.
en|en-gb|pos_before|You are number
en|en-gb|pos_after|in the queue.
en|en-gb|pos_more|more than
en|en-gb|wait_before|The estimated waiting time is
en|en-gb|wait_short|less than a minute.
en|en-gb|wait_one|one minute.
en|en-gb|wait_two|two minutes.
en|en-gb|minutes|minutes.
en|en-gb|minutes_few|minutes.
en|en-gb|minutes_many|minutes.
en|en-gb|wait_long|more than an hour and a half.
en|en-gb|invalid|That is not a valid choice.
en|en-gb|agent_id|Please enter your agent number, followed by the hash key.
en|en-gb|agent_pin|Please enter your PIN, followed by the hash key.
en|en-gb|agent_login_ok|Login successful. You are ready to take calls.
en|en-gb|agent_login_failed|Wrong agent number or PIN.
en|en-gb|agent_logout|You are logged out.
en|en-gb|agent_ready|You are ready.
en|en-gb|agent_paused|You are on a break.
en|en-gb|goodbye|Thank you for calling. Goodbye.
en|en-gb|exit_full|All our lines are busy. Please call again later.
en|en-gb|exit_closed|No advisor is available at the moment. Please call again later.
en|en-gb|exit_timeout|Our advisors are still busy. Please call again later.
de|de|welcome|Willkommen, und vielen Dank für Ihren Anruf.
de|de|please_hold|Bitte warten Sie, ein Mitarbeiter ist gleich für Sie da.
de|de|pos_before|Sie sind an Position
de|de|pos_after|in der Warteschlange.
de|de|pos_more|mehr als
de|de|wait_before|Die geschätzte Wartezeit beträgt
de|de|wait_short|weniger als eine Minute.
de|de|wait_one|eine Minute.
de|de|wait_two|zwei Minuten.
de|de|minutes|Minuten.
de|de|minutes_few|Minuten.
de|de|minutes_many|Minuten.
de|de|wait_long|mehr als anderthalb Stunden.
de|de|invalid|Diese Auswahl ist ungültig.
de|de|agent_id|Bitte geben Sie Ihre Agentennummer ein, gefolgt von der Raute-Taste.
de|de|agent_pin|Bitte geben Sie Ihre PIN ein, gefolgt von der Raute-Taste.
de|de|agent_login_ok|Anmeldung erfolgreich. Sie können jetzt Anrufe annehmen.
de|de|agent_login_failed|Agentennummer oder PIN falsch.
de|de|agent_logout|Sie sind abgemeldet.
de|de|agent_ready|Sie sind bereit.
de|de|agent_paused|Sie sind in der Pause.
de|de|goodbye|Vielen Dank für Ihren Anruf. Auf Wiederhören.
de|de|exit_full|Alle unsere Leitungen sind besetzt. Bitte rufen Sie später wieder an.
de|de|exit_closed|Im Moment ist kein Berater erreichbar. Bitte rufen Sie später wieder an.
de|de|exit_timeout|Unsere Berater sind weiterhin besetzt. Bitte rufen Sie später wieder an.
es|es|welcome|Bienvenido, y gracias por su llamada.
es|es|please_hold|Por favor, espere; un agente le atenderá enseguida.
es|es|pos_before|Usted es el número
es|es|pos_after|en la cola de espera.
es|es|pos_more|más de
es|es|wait_before|El tiempo de espera estimado es de
es|es|wait_short|menos de un minuto.
es|es|wait_one|un minuto.
es|es|wait_two|dos minutos.
es|es|minutes|minutos.
es|es|minutes_few|minutos.
es|es|minutes_many|minutos.
es|es|wait_long|más de una hora y media.
es|es|invalid|Esa opción no es válida.
es|es|agent_id|Por favor, introduzca su número de agente, seguido de la tecla almohadilla.
es|es|agent_pin|Por favor, introduzca su PIN, seguido de la tecla almohadilla.
es|es|agent_login_ok|Sesión iniciada. Ya puede recibir llamadas.
es|es|agent_login_failed|Número de agente o PIN incorrecto.
es|es|agent_logout|Ha cerrado la sesión.
es|es|agent_ready|Está disponible.
es|es|agent_paused|Está en pausa.
es|es|goodbye|Gracias por su llamada. Adiós.
es|es|exit_full|Todas nuestras líneas están ocupadas. Por favor, llame más tarde.
es|es|exit_closed|No hay ningún asesor disponible en este momento. Por favor, llame más tarde.
es|es|exit_timeout|Nuestros asesores siguen ocupados. Por favor, llame más tarde.
EOF
# numbers 0..99 as whole words, so each language's own grammar is kept
for lv in fr:fr ar:ar en:en-gb de:de es:es; do
	l=${lv%%:*}
	v=${lv#*:}
	n=0
	while [ $n -le 99 ]; do
		echo "$l|$v|num_$n|$n" >>"$jobs"
		n=$((n + 1))
	done
done

# Synthesis, one language at a time: all its prompts in ONE espeak-ng run
# (SSML, 2 s breaks between prompts), converted to 8 kHz mono 16-bit and
# cut at the breaks by ONE sox run; the pieces are named in order. A
# process pair per prompt would be ~600 runs. If the cut does not give
# exactly one piece per prompt, that language falls back to one run per
# prompt (slow, but never a wrong name on a file).
one() { # dir voice name text
	espeak-ng -v "$2" -s 150 -w "$1/$3.raw.wav" "$4"
	sox -q "$1/$3.raw.wav" -r 8000 -c 1 -b 16 -e signed-integer \
		"$1/$3.tmp.wav" norm -3 silence 1 0.02 0.5% reverse \
		silence 1 0.02 0.5% reverse pad 0 0.15
	rm -f "$1/$3.raw.wav"
	mv "$1/$3.tmp.wav" "$1/$3.wav"
}

lang_synth() { # lang
	l=$1
	dir=$out/$l
	cut=$dir/.cut
	grep "^$l|" "$jobs" >"$jobs.$l"
	v=$(head -1 "$jobs.$l" | cut -d'|' -f2)
	n=$(wc -l <"$jobs.$l")
	sum=$(cksum <"$jobs.$l")
	# done before with the very same texts: nothing to do
	if [ -f "$dir/.done" ] && [ "$(cat "$dir/.done")" = "$sum" ]; then
		return 0
	fi
	rm -rf "$cut"
	mkdir -p "$cut"
	{
		echo "<speak>"
		while IFS='|' read -r _l _v _name text; do
			printf '%s<break time="2000ms"/>\n' "$text"
		done <"$jobs.$l"
		echo "</speak>"
	} >"$cut/all.ssml"
	espeak-ng -m -v "$v" -s 150 -w "$cut/all.wav" -f "$cut/all.ssml"
	# normalise first: `norm` reads the whole file, which the cutting
	# run (newfile/restart) cannot do
	sox -q "$cut/all.wav" -r 8000 -c 1 -b 16 -e signed-integer \
		"$cut/all8k.wav" norm -3
	sox -q "$cut/all8k.wav" "$cut/p.wav" \
		silence 1 0.02 0.5% 1 0.9 0.5% pad 0 0.15 : newfile : restart
	# the last cut is empty: only the 0.15 s pad (2,400 bytes + header)
	find "$cut" -name 'p*.wav' -size -3000c -delete
	ls "$cut" | grep '^p.*\.wav$' | sort >"$cut/pieces" || true
	got=$(wc -l <"$cut/pieces")
	if [ "$got" -eq "$n" ]; then
		cut -d'|' -f3 "$jobs.$l" | paste -d' ' "$cut/pieces" - |
		while read -r piece name; do
			mv "$cut/$piece" "$dir/$name.wav"
		done
	else
		echo "prompts: $l: cut gave $got pieces for $n prompts;" \
			"synthesising one by one" >&2
		while IFS='|' read -r _l v2 name text; do
			one "$dir" "$v2" "$name" "$text"
		done <"$jobs.$l"
	fi
	rm -rf "$cut"
	echo "$sum" >"$dir/.done"
}

total=$(wc -l <"$jobs")
set -- fr ar en de es
rc=0
while [ $# -gt 0 ]; do
	lang_synth "$1" &
	p1=$!
	p2=
	if [ $# -gt 1 ]; then
		lang_synth "$2" &
		p2=$!
	fi
	wait $p1 || rc=1
	[ -z "$p2" ] || wait $p2 || rc=1
	shift
	[ $# -eq 0 ] || shift
done
[ $rc -eq 0 ] || { echo "prompts: synthesis failed" >&2; exit 1; }

# The default hold music: a slow, soft I-vi-IV-V chord loop (C Am F G),
# two seconds a chord, each chord three sine voices with a gentle tremolo
# and fades so the loop point does not click. Royalty-free: generated.
moh="$out/moh/default.wav"
if [ ! -s "$moh" ]; then
	i=0
	for chord in "261.63 329.63 392.00" "220.00 261.63 329.63" \
		"174.61 220.00 261.63" "196.00 246.94 293.66"; do
		set -- $chord
		sox -q -n -r 8000 -c 3 -b 16 "$moh.$i.wav" synth 2 \
			sine "$1" sine "$2" sine "$3" remix - \
			tremolo 3 20 fade q 0.25 2 0.35 gain -n -9
		i=$((i + 1))
	done
	sox -q "$moh.0.wav" "$moh.1.wav" "$moh.2.wav" "$moh.3.wav" \
		-r 8000 -c 1 -b 16 -e signed-integer "$moh.tmp.wav"
	rm -f "$moh".[0-3].wav
	mv "$moh.tmp.wav" "$moh"
fi
# The demo's premium hold music (examples/demo.json): a brighter 12-second
# loop, ii-V-I-vi in F (Gm7 C7 Fmaj7 Dm7), each chord's four voices
# plucked one after the other (an arpeggio) over a held chord, same
# fades so the loop point does not click. Generated, royalty-free.
moh="$out/premium.wav"
if [ ! -s "$moh" ]; then
	i=0
	for chord in "196.00 233.08 293.66 349.23" "130.81 164.81 196.00 233.08" \
		"174.61 220.00 261.63 329.63" "146.83 174.61 220.00 261.63"; do
		set -- $chord
		sox -q -n -r 8000 -c 4 -b 16 "$moh.$i.pad4.wav" synth 3 \
			sine "$1" sine "$2" sine "$3" sine "$4"
		sox -q "$moh.$i.pad4.wav" -c 1 "$moh.$i.pad.wav" remix - \
			fade q 0.3 3 0.4 gain -n -14
		n=0
		for f in "$1" "$2" "$3" "$4" "$3" "$2" "$3" "$4"; do
			sox -q -n -r 8000 -c 1 -b 16 "$moh.$i.n$n.wav" synth \
				0.375 pluck "$(awk "BEGIN{print $f*2}")" \
				fade q 0.005 0.375 0.2 gain -n -8
			n=$((n + 1))
		done
		sox -q "$moh.$i".n[0-7].wav "$moh.$i.line.wav"
		sox -q -m "$moh.$i.pad.wav" "$moh.$i.line.wav" "$moh.$i.wav"
		rm -f "$moh.$i".n[0-7].wav "$moh.$i.line.wav" "$moh.$i.pad.wav" \
			"$moh.$i.pad4.wav"
		i=$((i + 1))
	done
	sox -q "$moh.0.wav" "$moh.1.wav" "$moh.2.wav" "$moh.3.wav" \
		-r 8000 -c 1 -b 16 -e signed-integer "$moh.tmp.wav" gain -n -6
	rm -f "$moh".[0-3].wav
	mv "$moh.tmp.wav" "$moh"
fi
echo "prompts: $total prompts and hold music in $out"
