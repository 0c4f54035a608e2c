#!/bin/sh
# suite_desk_sec.sh -- teller-desk's security and fault tests over HTTP
# on loopback: CSRF on cookie writes and the observer listener (X10),
# devices (X4), throttling (X5), tampering (X8), a full disk (F3), TLS
# (X3, with a test CA and with init's local CA) (tests/desk/desk_sec.py).
B=${B:-build}
if [ ! -x "$B/teller-desk" ]; then
	echo "SKIP: $B/teller-desk not built"
	echo "0 passed, 1 failed"
	exit 1
fi
exec /usr/bin/python3 "$(dirname "$0")/desk/desk_sec.py" "$B"
