#!/bin/sh
# suite_desk_faults.sh -- teller-desk's fault tests F4 (a crash
# mid-backup), F5 (the clock stepped back) and F6 (a flipped byte: a
# read-only start) and X7 (slow observers) over HTTP on loopback
# (tests/desk/desk_faults.py).
B=${B:-build}
if [ ! -x "$B/teller-desk" ]; then
	echo "SKIP: $B/teller-desk not built"
	echo "0 passed, 1 failed"
	exit 1
fi
exec /usr/bin/python3 "$(dirname "$0")/desk/desk_faults.py" "$B"
