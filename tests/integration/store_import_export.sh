#!/bin/sh
# plateau import / export through the built binary: the round trip
# import -> export -> import -> export gives the same file, secrets stay
# hashed, a bad file or bad arguments change nothing, events stay.
. "$(dirname "$0")/check_lib.sh"
cd "$(dirname "$0")/../.."

p=./build/plateau
demo=examples/demo.json
mkdir -p build
dir=$(mktemp -d build/store-ie.XXXXXX)
trap 'rm -rf "$dir"' EXIT
unset PLATEAU_DATA

check_sh "import demo" "$p import $demo --data $dir/a >$dir/log 2>&1"
check_sh "import says what it stored" "grep -q 'positions' $dir/log"
check_sh "export to a file" "$p export --data $dir/a -o $dir/a.json"
check_sh "export to stdout is the same" \
	"$p export --data $dir/a | cmp -s - $dir/a.json"
check_sh "export re-imports into a fresh store" \
	"$p import $dir/a.json --data $dir/b >/dev/null"
check_sh "re-export equals the first export" \
	"$p export --data $dir/b -o $dir/b.json && cmp -s $dir/a.json $dir/b.json"
check_sh "re-import into the same store, same export" \
	"$p import $dir/a.json --data $dir/a >/dev/null &&
	 $p export --data $dir/a | cmp -s - $dir/a.json"

# Secrets: hashed in the export and in the database, never in clear.
check_sh "export has no clear SIP password" \
	"! grep -q 'sip_password' $dir/a.json"
check_sh "export has no clear PIN" "! grep -q '\"pin\"' $dir/a.json"
check_sh "export has HA1 and PIN hashes" \
	"grep -q 'sip_ha1' $dir/a.json && grep -q 'pbkdf2-sha256' $dir/a.json"
pw=$(grep -o '"sip_password": "[^"]*"' $demo | head -1 | cut -d'"' -f4)
check_sh "database has no clear password ($pw)" \
	"[ -n '$pw' ] && ! grep -qa '$pw' $dir/a/plateau.db"
n_json=$(grep -c '"sip_user"' $demo)
n_db=$(sqlite3 $dir/a/plateau.db 'SELECT count(*) FROM positions')
check_sh "positions in the database: $n_db of $n_json" "[ '$n_db' = '$n_json' ]"

# Events and CDRs are not touched by an import.
sqlite3 $dir/a/plateau.db "INSERT INTO events (time_ms, type, tenant)
	VALUES (1, 'offer', 'hexatel'); INSERT INTO cdrs (call_id, tenant)
	VALUES ('keep-1', 'hexatel')"
$p import $demo --data $dir/a >/dev/null
check_sh "import keeps events and CDRs" \
	"[ \"\$(sqlite3 $dir/a/plateau.db 'SELECT count(*) FROM events;
	  SELECT count(*) FROM cdrs')\" = '1
1' ]"

# A bad file: clear error naming it, exit 1, nothing changed.
sed 's/"sip_realm"/"sip_realm_typo"/' $demo >$dir/bad.json
$p export --data $dir/a -o $dir/before.json
$p import $dir/bad.json --data $dir/a >$dir/out 2>$dir/err
rc=$?
check_sh "bad file: exit 1" "[ $rc = 1 ]"
check_sh "bad file: message names the file" "grep -q 'bad.json' $dir/err"
check_sh "bad file: configuration unchanged" \
	"$p export --data $dir/a | cmp -s - $dir/before.json"
$p import $dir/missing.json --data $dir/c 2>/dev/null
check_sh "missing file: exit 1, no store created" "[ $? = 1 ] && [ ! -e $dir/c ]"

# Not a plateau store.
mkdir -p $dir/d && echo garbage >$dir/d/plateau.db
$p import $demo --data $dir/d >/dev/null 2>$dir/err
check_sh "foreign database: exit 1, clear message, file untouched" \
	"[ $? = 1 ] && grep -q 'not a plateau database' $dir/err &&
	 [ \"\$(cat $dir/d/plateau.db)\" = garbage ]"

# Export of nothing.
$p export --data $dir/none 2>$dir/err
check_sh "export without a store: exit 1, nothing created" \
	"[ $? = 1 ] && [ ! -e $dir/none ]"
mkdir -p $dir/e && sqlite3 $dir/e/x.db 'SELECT 1' >/dev/null
$p import $demo --data $dir/e >/dev/null 2>&1 &&
	sqlite3 $dir/e/plateau.db 'DELETE FROM center' &&
	$p export --data $dir/e 2>$dir/err
check_sh "export of an empty configuration: exit 1, says so" \
	"[ $? = 1 ] && grep -q 'no configuration' $dir/err"

# Usage.
$p import 2>/dev/null
check_sh "import without FILE: exit 2" "[ $? = 2 ]"
$p import $demo --bogus 2>/dev/null
check_sh "import with an unknown option: exit 2" "[ $? = 2 ]"
$p export --data 2>/dev/null
check_sh "export --data without a value: exit 2" "[ $? = 2 ]"
check_sh "import --help" "$p import --help | grep -q 'usage: plateau import'"
check_sh "export --help" "$p export --help | grep -q 'usage: plateau export'"
check_sh "plateau --help lists both" \
	"$p --help | grep -q import && $p --help | grep -q export"

summary
