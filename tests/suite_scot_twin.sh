#!/bin/sh
# suite_scot_twin.sh -- the Scottish archive's comma-separated twin of a
# BLT file counts exactly as the BLT file (tests/scot_twin.py writes the
# twins of every 6th file of $SHARED/data/scot/blt into a temporary
# directory). Run from the repository root with B set.
B=${B:-build}
SHARED=${SHARED:-../shared}
dir=$SHARED/data/scot/blt
if [ ! -d "$dir" ]; then
	echo "SKIP: $dir not found"
	echo "0 passed, 0 failed"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 tests/scot_twin.py "$B/teller" "$dir" "$tmp" "${EVERY:-6}"
