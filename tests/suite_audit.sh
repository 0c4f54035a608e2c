#!/bin/sh
# suite_audit.sh -- `teller margin` and `teller raire` on the public data
# with published answers in $SHARED/data/audit (audit.md 9): the NSW 2021
# mayoral contests, the RAIRE guide examples and the RAIRE paper's
# Example 12. tests/audit_check.py applies each witness and re-counts
# with its own IRV, and checks every assertion set with its own
# sufficiency walk. Run from the repository root with B set.
B=${B:-build}
SHARED=${SHARED:-../shared}
dir=$SHARED/data/audit
if [ ! -d "$dir/nsw2021" ]; then
	echo "SKIP: $dir not found"
	echo "0 passed, 0 failed"
	exit 0
fi
exec /usr/bin/python3 tests/audit_check.py "$B/teller" "$dir"
