#!/bin/sh
# suite_desk.sh -- teller-desk over HTTP on loopback: the API scenario,
# kill -9 during entry, export/import and verify (tests/desk/).
B=${B:-build}
if [ ! -x "$B/teller-desk" ]; then
	echo "SKIP: $B/teller-desk not built"
	echo "0 passed, 1 failed"
	exit 1
fi
exec /usr/bin/python3 "$(dirname "$0")/desk/desk_api.py" "$B"
