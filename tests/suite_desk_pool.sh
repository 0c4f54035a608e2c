#!/bin/sh
# suite_desk_pool.sh -- serve's one writer and read-only pool
# (desk/pool.c, docs/desk.md §4.2, §6.1): reads do not wait on a write's
# COMMIT, see no entry before its 201 nor one whose COMMIT failed, and
# each is one committed state of the book (tests/desk/desk_pool.py).
B=${B:-build}
if [ ! -x "$B/teller-desk" ]; then
	echo "SKIP: $B/teller-desk not built"
	echo "0 passed, 1 failed"
	exit 1
fi
exec /usr/bin/python3 "$(dirname "$0")/desk/desk_pool.py" "$B"
