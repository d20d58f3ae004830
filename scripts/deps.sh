#!/bin/sh
# Installs the Debian packages listed in deps/debian.txt that are missing.
# As root it runs apt-get; otherwise it prints the exact command to run.
set -eu
cd "$(dirname "$0")/.."
pkgs=$(sed -e 's/#.*//' deps/debian.txt | tr -s ' \t' '\n' | grep -v '^$')
missing=""
for p in $pkgs; do
	# node and npm from another source (e.g. a newer nodejs that
	# bundles npm) serve as well as Debian's: do not fight them.
	case "$p" in
	nodejs) command -v node >/dev/null 2>&1 && continue ;;
	npm) command -v npm >/dev/null 2>&1 && continue ;;
	esac
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
# The browser tests' npm packages (tests/web/package-lock.json), pinned;
# playwright-core drives Debian's chromium, so no browser is downloaded.
npm_deps() {
	lock=tests/web/package-lock.json
	mod=tests/web/node_modules/playwright-core/package.json
	want=$(sed -n '/"node_modules\/playwright-core"/,/}/s/.*"version": "\(.*\)".*/\1/p' "$lock")
	# not installed yet on a fresh clone: no file, no version (set -e)
	have=$(sed -n 's/^  "version": "\(.*\)".*/\1/p' "$mod" 2>/dev/null ||
		true)
	if [ -n "$want" ] && [ "$want" = "$have" ]; then
		echo "deps: npm packages present (playwright-core $have)"
		return 0
	fi
	if ! command -v npm >/dev/null 2>&1; then
		echo "deps: npm missing: cannot install tests/web packages" >&2
		return 1
	fi
	echo "deps: npm ci in tests/web (playwright-core $want)"
	(cd tests/web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
		npm ci --no-audit --no-fund --prefer-offline)
}

if [ -z "$missing" ]; then
	echo "deps: all Debian packages present"
	npm_deps
	exit $?
fi
cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing:$missing" >&2
	echo "deps: run as root: $cmd" >&2
	exit 1
fi
echo "deps: installing:$missing"
sh -c "$cmd"
npm_deps
