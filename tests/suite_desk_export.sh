#!/bin/sh
# suite_desk_export.sh -- teller-desk's F21 audit export (§6.6): serve's
# POST exports and its permissions, `export DB --tar`, verify and
# restore of the tarball, every kind of tampering refused by name
# (tests/desk/desk_export.py).
B=${B:-build}
if [ ! -x "$B/teller-desk" ]; then
	echo "SKIP: $B/teller-desk not built"
	echo "0 passed, 1 failed"
	exit 1
fi
exec /usr/bin/python3 "$(dirname "$0")/desk/desk_export.py" "$B"
