#!/bin/sh
# suite_desk_powerloss.sh -- F2 (docs/desk.md §11.2): power loss at 30
# seeded moments under the book (tests/desk/powerloss.c): every COMMIT
# acknowledged with synchronous=FULL survives; with NORMAL some do not.
B=${B:-build}
if [ ! -x "$B/tests/desk_powerloss" ]; then
	echo "SKIP: $B/tests/desk_powerloss not built"
	echo "0 passed, 1 failed"
	exit 1
fi
d=$(mktemp -d "${TMPDIR:-/tmp}/desk-pl.XXXXXX") || exit 1
"$B/tests/desk_powerloss" "$d" 30
rc=$?
rm -rf "$d"
exit $rc
