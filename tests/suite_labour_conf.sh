#!/bin/sh
# suite_labour_conf.sh -- the college against the published Labour
# figures (methods.md 9.1: the 2010 leadership; 9.2: the 2000 London
# selection), as far as the published data allow (tests/labour_conf.py).
# Skipped with a message when $SHARED is absent. Run from the repository
# root with B set.
B=${B:-build}
SHARED=${SHARED:-../shared}
dir=$SHARED/data/uk
if [ ! -f "$dir/labour_leader_2010.json" ]; then
	echo "SKIP: $dir/labour_leader_2010.json not found"
	echo "0 passed, 0 failed"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 tests/labour_conf.py "$B/teller" "$dir" "$tmp"
