#!/bin/sh
# suite_desk_heldout.sh -- the held-out mayoral replay of issue 14: a
# plan and an HTTP client written from docs/desk.md §8-§11 alone drive a
# whole SV count (the Mayor of London 2021 figures / 40, read from
# $SHARED/data/uk) through /api/v1/ (tests/desk/desk_heldout.py). Ends
# "N passed, N failed"; SKIP without the shared data.
B=${B:-build}
if [ ! -x "$B/teller-desk" ] || [ ! -x "$B/teller" ]; then
	echo "SKIP: $B/teller-desk or $B/teller not built"
	echo "0 passed, 1 failed"
	exit 1
fi
exec /usr/bin/python3 "$(dirname "$0")/desk/desk_heldout.py" "$B"
