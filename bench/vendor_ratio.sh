#!/bin/sh
# SPDX-License-Identifier: MIT
# vendor_ratio.sh -- issue 17's comparison: each vendor reader against
# `wc -l` over the same export files, side by side in one run. ROUNDS
# interleaved rounds (default 5); each round, per format, `wc -l` over
# the export's files, then every teller given (reader only: `teller
# rctab --no-manifest --no-cvr-export`), each through `bench/out/runner
# 1`. Prints per format and command the median wall and CPU (user +
# system) seconds over the rounds and their ratios to `wc -l`'s.
# usage: sh bench/vendor_ratio.sh TELLER... (e.g. a base build's and
# build/teller). Inputs: bench/out/vendor/FMT-N from bench/gen_vendor.py
# (see bench/README.md). Env: ROUNDS, N (ballots, default 200000),
# FORMATS (default "dominion cdf-json").
ROUNDS=${ROUNDS:-5}
N=${N:-200000}
FORMATS=${FORMATS:-"dominion cdf-json"}
O=bench/out/vendor
T=$(mktemp -d) || exit 3
trap 'rm -rf "$T"' EXIT
[ $# -ge 1 ] || { echo "usage: vendor_ratio.sh TELLER..." >&2; exit 2; }
[ -x bench/out/runner ] || ${CC:-gcc} -O2 -o bench/out/runner bench/runner.c ||
    exit 3
# one result line "FMT KEY wall cpu" per run into $T/res
run() {
	fmt=$1 key=$2
	shift 2
	out=$(bench/out/runner 1 "$@" 2>/dev/null) || {
		echo "$fmt $key: FAILED" >&2
		return
	}
	echo "$out" | sed "s/.*median_s=\([0-9.]*\).*cpu_s=\([0-9.]*\).*/$fmt $key \1 \2/" \
	    >>"$T/res"
}
r=0
while [ $r -lt "$ROUNDS" ]; do
	for f in $FORMATS; do
		d=$O/$f-$N
		[ -f "$d/config.json" ] || { echo "no $d" >&2; exit 2; }
		files=$(find "$d" -type f ! -name config.json ! -name '.*' | sort)
		# shellcheck disable=SC2086
		run "$f" 0wc wc -l $files
		k=1
		for t in "$@"; do
			rm -rf "$T/out"
			run "$f" "$k" "$t" rctab --no-manifest --no-cvr-export \
			    "$d/config.json" -o "$T/out"
			k=$((k + 1))
		done
	done
	r=$((r + 1))
done
echo "uptime: $(uptime)"
printf '%-10s %-4s %9s %9s %7s %7s\n' format cmd wall_s cpu_s wall_x cpu_x
sort -k1,1 -k2,2 -s "$T/res" | awk '
function med(a, n,   i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function flush() {
	if (key == "") return
	w = med(wa, n); c = med(ca, n)
	if (key == "0wc") { ww = w; wc = c }
	name = key == "0wc" ? "wc" : key
	printf "%-10s %-4s %9.4f %9.4f %7.2f %7.2f\n", fmt, name, w, c,
	    w / ww, c / wc
}
{
	if ($1 != fmt || $2 != key) { flush(); fmt = $1; key = $2; n = 0 }
	n++; wa[n] = $3; ca[n] = $4
}
END { flush() }'
