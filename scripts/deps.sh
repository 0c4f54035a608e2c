#!/bin/sh
# deps.sh -- make sure the Debian 12 packages teller needs are installed.
# As root: installs what is missing with apt-get. Otherwise: prints the
# exact command to run and fails. The list and the reason for each package
# are in README.md ("Dependencies").
set -e
PKGS="gcc libc6-dev make pkg-config libjansson-dev libexpat1-dev libzip-dev
libssl-dev libglpk-dev python3 libsqlite3-dev libmicrohttpd-dev libsodium-dev"
missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "teller: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >&2
else
	echo "teller: missing packages; run as root:" >&2
	echo "  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
