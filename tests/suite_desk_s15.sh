#!/bin/sh
# suite_desk_s15.sh -- scenario S15 (docs/desk.md §11.1): the Tower
# Hamlets 2014 mayoral count at full scale through the JSON API, from
# tests/desk/plan-th2014.json (tests/desk/desk_s15.py). Ends "N passed,
# N failed".
B=${B:-build}
if [ ! -x "$B/teller-desk" ]; then
	echo "SKIP: $B/teller-desk not built"
	echo "0 passed, 1 failed"
	exit 1
fi
exec /usr/bin/python3 "$(dirname "$0")/desk/desk_s15.py" "$B"
