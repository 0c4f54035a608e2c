#!/bin/sh
# suite_desk_load.sh -- the desk's load test L2 (bench/desk/l2.py): 50
# logins at once, 50 clients at one instant 20 times. Fails on errors
# and lost or duplicated entries, not on timing (a loaded CI machine);
# the figures are printed.
B=${B:-build}
if [ ! -x "$B/teller-desk" ]; then
	echo "SKIP: $B/teller-desk not built"
	echo "0 passed, 1 failed"
	exit 1
fi
exec /usr/bin/python3 "$(dirname "$0")/../bench/desk/l2.py" "$B"
