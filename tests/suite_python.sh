#!/bin/sh
# suite_python.sh -- the Python module (python/teller, issue 15) against
# the command: Debian's /usr/bin/python3 -m unittest over tests/python,
# on the library just built ($B/libteller.so.0). A sanitizer build's
# library cannot be loaded into python3, so it is skipped there.
# Env: B (build dir), SHARED. Ends "N passed, N failed".
B=${B:-build}
SHARED=${SHARED:-../shared}
PY=/usr/bin/python3
so=$B/libteller.so.0
if [ ! -x "$PY" ]; then
	echo "SKIP: python: no $PY"
	echo "0 passed, 0 failed"
	exit 0
fi
if [ ! -f "$so" ]; then
	echo "FAIL: $so is not built"
	echo "0 passed, 1 failed"
	exit 1
fi
if readelf -d "$so" | grep -q 'NEEDED.*lib[a-z]*san'; then
	echo "SKIP: python: $so is a sanitizer build"
	echo "0 passed, 0 failed"
	exit 0
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
PYTHONPATH=python TELLER_LIBRARY=$so B=$B SHARED=$SHARED \
    "$PY" -m unittest discover -s tests/python -t tests/python >"$log" 2>&1
rc=$?
ran=$(sed -n 's/^Ran \([0-9]*\) tests*.*/\1/p' "$log")
f=$(sed -n 's/^FAILED (\(.*\))/\1/p' "$log" | tr ',' '\n' |
    sed -n 's/^ *\(failures\|errors\)=\([0-9]*\)/\2/p' |
    awk '{ s += $1 } END { print s + 0 }')
[ -z "$ran" ] && ran=0
[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
[ "$f" -ne 0 ] && cat "$log"
sk=$(sed -n 's/.*skipped=\([0-9]*\).*/\1/p' "$log")
[ -n "$sk" ] && echo "SKIP: python: $sk tests skipped (no $SHARED?)"
echo "$((ran - f)) passed, $f failed"
[ "$f" -eq 0 ]
