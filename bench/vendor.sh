#!/bin/sh
# SPDX-License-Identifier: MIT
# vendor.sh -- memory benchmark of the RCTab vendor CVR readers: generates
# scaled-up copies of small RCTab cases (bench/gen_vendor.py, reading
# $SHARED/data/rctab in place) into bench/out/vendor, runs
# `teller rctab CONFIG -o DIR` on each through bench/out/runner and prints
# format, ballots, input MB, median wall seconds and peak RSS MB.
# Env: B (build dir, default build), SHARED (default ../shared), RUNS
# (default 3), VENDOR_SIZES (default "100000 1000000"), VENDOR_HART_SIZES
# (Hart is one file per ballot; default "10000 100000"), VENDOR_FORMATS
# (default: all six).
B=${B:-build}
SHARED=${SHARED:-../shared}
RUNS=${RUNS:-3}
SIZES=${VENDOR_SIZES:-"100000 1000000"}
HART_SIZES=${VENDOR_HART_SIZES:-"10000 100000"}
FORMATS=${VENDOR_FORMATS:-"dominion cdf-json cdf-xml ess clearballot hart"}
O=bench/out/vendor
if [ ! -d "$SHARED/data/rctab" ]; then
	echo "SKIP: ../shared not found"
	exit 0
fi
if [ ! -x "$B/teller" ]; then
	echo "vendor.sh: $B/teller not built (make B=$B)" >&2
	exit 2
fi
mkdir -p "$O" || exit 3
[ -x bench/out/runner ] || ${CC:-gcc} -O2 -o bench/out/runner bench/runner.c ||
    exit 3
printf '%-12s %9s %9s %9s %9s\n' format ballots file_MB median_s peak_MB
for f in $FORMATS; do
	if [ "$f" = hart ]; then sizes=$HART_SIZES; else sizes=$SIZES; fi
	for n in $sizes; do
		d=$O/$f-$n
		if [ ! -f "$d/.done" ]; then
			rm -rf "$d"
			if ! python3 bench/gen_vendor.py --shared "$SHARED" \
			    --format "$f" --ballots "$n" --out "$d"; then
				echo "$f $n: generation FAILED"
				continue
			fi
			touch "$d/.done"
		fi
		rm -rf "$d.out"
		out=$(bench/out/runner "$RUNS" "$B/teller" rctab \
		    "$d/config.json" -o "$d.out") || {
			echo "$f $n: FAILED"
			continue
		}
		med=$(echo "$out" | sed 's/.*median_s=\([0-9.]*\).*/\1/')
		kb=$(echo "$out" | sed 's/.*peak_kb=\([0-9]*\).*/\1/')
		bytes=$(du -sb --exclude=config.json "$d" | cut -f1)
		awk -v f="$f" -v n="$n" -v b="$bytes" -v med="$med" \
		    -v kb="$kb" 'BEGIN { printf "%-12s %9d %9.1f %9.3f %9.1f\n",
		    f, n, b / 1e6, med, kb / 1024 }'
	done
done
