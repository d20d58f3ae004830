#!/bin/sh
# Installs the Debian packages listed in deps/debian.txt that are missing.
# As root it runs apt-get; otherwise it prints the exact command to run.
set -eu
cd "$(dirname "$0")/.."
pkgs=$(sed -e 's/#.*//' deps/debian.txt | tr -s ' \t' '\n' | grep -v '^$')
missing=""
for p in $pkgs; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
if [ -z "$missing" ]; then
	echo "deps: all Debian packages present"
	exit 0
fi
cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing:$missing" >&2
	echo "deps: run as root: $cmd" >&2
	exit 1
fi
echo "deps: installing:$missing"
sh -c "$cmd"
