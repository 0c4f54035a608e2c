#!/bin/sh
# SPDX-License-Identifier: MIT
# suite_vendor_mem.sh -- issue 6: the vendor CVR readers keep memory flat.
# bench/gen_vendor.py scales RCTab cases from $SHARED/data/rctab (read in
# place) to about 40 MB of Dominion, CDF JSON, CDF XML and Clear Ballot
# CVR each, in a temporary folder; `teller rctab` must count each with a
# peak RSS (wait4, bench/runner.c) under 24 MB, where a reader that keeps
# the pages it has read needs more than the file (40 MB and up). That the
# counts are unchanged is checked by suite_rctab and bench/README.md.
# Env: B (build dir, default build), SHARED (default ../shared).
B=${B:-build}
SHARED=${SHARED:-../shared}
if [ ! -d "$SHARED/data/rctab" ]; then
	echo "SKIP: ../shared not found"
	echo "0 passed, 0 failed"
	exit 0
fi
# Sanitizers keep freed memory in quarantine: RSS says nothing there.
if grep -q __asan_init "$B/teller" 2>/dev/null; then
	echo "SKIP: $B/teller is built with sanitizers"
	echo "0 passed, 0 failed"
	exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
LIMIT_KB=$((24 * 1024))
if ! ${CC:-cc} -O2 -o "$T/runner" bench/runner.c; then
	echo "FAIL: cannot build bench/runner.c"
	echo "0 passed, 1 failed"
	exit 1
fi
for fn in dominion:35000 cdf-json:40000 cdf-xml:20000 clearballot:250000; do
	f=${fn%%:*}
	n=${fn#*:}
	d=$T/$f
	if ! python3 bench/gen_vendor.py --shared "$SHARED" --format "$f" \
	    --ballots "$n" --out "$d" >"$T/log" 2>&1; then
		echo "FAIL: $f: generation failed: $(tail -n 1 "$T/log")"
		fail=$((fail + 1))
		continue
	fi
	bytes=$(du -sb "$d" | cut -f1)
	if ! out=$("$T/runner" 1 "$B/teller" rctab "$d/config.json" \
	    -o "$d.out" 2>"$T/log"); then
		echo "FAIL: $f: teller rctab failed: $(tail -n 1 "$T/log")"
		fail=$((fail + 1))
		continue
	fi
	kb=$(echo "$out" | sed 's/.*peak_kb=\([0-9]*\).*/\1/')
	if [ ! -s "$d.out/summary.json" ]; then
		echo "FAIL: $f: no summary.json"
		fail=$((fail + 1))
	elif [ "$kb" -ge "$LIMIT_KB" ]; then
		echo "FAIL: $f: $n ballots, $bytes bytes: peak $kb kB" \
		    "(limit $LIMIT_KB kB)"
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
	rm -rf "$d" "$d.out"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
