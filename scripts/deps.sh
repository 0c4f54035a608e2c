#!/bin/sh
# deps.sh -- make sure the Debian 12 packages teller needs are installed.
# As root: installs what is missing with apt-get. Otherwise: prints the
# exact command to run and fails. The list and the reason for each package
# are in README.md ("Dependencies").
set -e
PKGS="gcc libc6-dev make pkg-config libjansson-dev libexpat1-dev libzip-dev
libssl-dev libglpk-dev libgmp-dev python3 libsqlite3-dev libmicrohttpd-dev
libsodium-dev libgnutls28-dev libdeflate-dev zlib1g-dev curl sqlite3 gnutls-bin
openssl faketime"
# `deps.sh browser`: also what make check-browser needs (docs/reports.md
# 13): Debian's chromium, node and npm, pdftotext, the fonts the pages
# name; then the pinned npm packages (no browser download).
if [ "$1" = browser ]; then
	PKGS="$PKGS chromium nodejs poppler-utils fonts-dejavu-core
fonts-liberation2"
	# npm: Debian's package, unless node came with its own
	command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"
fi
# `deps.sh wasm`: also Debian's emscripten (3.1.6), for make wasm only.
if [ "$1" = wasm ]; then
	PKGS="$PKGS emscripten"
fi
missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
npm_ci() {
	[ "$1" = browser ] || return 0
	[ -d tests/browser/node_modules/playwright-core ] && return 0
	(cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
	    npm ci --no-audit --no-fund >&2)
}
if [ -z "$missing" ]; then
	npm_ci "$1"
	exit 0
fi
if [ "$(id -u)" = 0 ]; then
	echo "teller: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >&2
	npm_ci "$1"
else
	echo "teller: missing packages; run as root:" >&2
	echo "  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
