#!/bin/sh
# SPDX-License-Identifier: MIT
# xlsx_ratio.sh -- issue 17's same-run measure: `teller rctab` on the ES&S
# Minneapolis scale contest (13 .xlsx files, 1.04M ballots) against
# `unzip -p` of the same 13 sheets, the runs interleaved (unzip, teller
# with one thread per CPU, teller --threads 1, then again) so that a busy
# machine weighs on each alike. Each run goes through bench/out/runner
# (wall time, CPU time user + system, peak RSS). Prints every run, then
# the min and median of each and the ratios teller / unzip of the min
# and median wall and CPU times.
# Env: B (build dir, default build), SHARED (default ../shared), RUNS
# (default 5), TELLER_ARGS (extra options, e.g. --no-cvr-export).
B=${B:-build}
SHARED=${SHARED:-../shared}
RUNS=${RUNS:-5}
ESS=$SHARED/data/rctab/2013_minneapolis_mayor_scale
O=bench/out/xlsx_ratio
if [ ! -d "$ESS" ]; then
	echo "SKIP: $ESS not found"
	exit 0
fi
if ! command -v unzip >/dev/null 2>&1; then
	echo "SKIP: no unzip"
	exit 0
fi
if [ ! -x "$B/teller" ]; then
	echo "xlsx_ratio.sh: $B/teller not built (make B=$B)" >&2
	exit 2
fi
mkdir -p "$O" || exit 3
[ -x bench/out/runner ] || ${CC:-gcc} -O2 -o bench/out/runner bench/runner.c ||
    exit 3
cfg=$ESS/2013_minneapolis_mayor_scale_config.json
: >"$O/runs"
: >"$O/stderr"
# one NAME CMD...: one run, appended to $O/runs as "NAME wall cpu kb"
one() {
	name=$1
	shift
	out=$(bench/out/runner 1 "$@" 2>>"$O/stderr") ||
	    { echo "$name: FAILED (see $O/stderr)" >&2; return 1; }
	echo "$out" | sed "s/.*median_s=\([0-9.]*\).*peak_kb=\([0-9]*\).*cpu_s=\([0-9.]*\).*/$name \1 \3 \2/" \
	    >>"$O/runs"
	tail -n 1 "$O/runs"
}
echo "machine: $(nproc) CPUs, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "run: name wall_s cpu_s peak_kb"
i=0
while [ "$i" -lt "$RUNS" ]; do
	one unzip sh -c 'for f; do unzip -p "$f" xl/worksheets/sheet1.xml; done' \
	    sh "$ESS"/*.xlsx || exit 1
	# shellcheck disable=SC2086
	one teller "$B/teller" rctab $TELLER_ARGS "$cfg" -o "$O/out" || exit 1
	# shellcheck disable=SC2086
	one teller_1t "$B/teller" rctab --threads 1 $TELLER_ARGS "$cfg" \
	    -o "$O/out1" || exit 1
	i=$((i + 1))
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
awk '
function med(a, n,   i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{ n[$1]++; w[$1, n[$1]] = $2; c[$1, n[$1]] = $3
  if ($4 > kb[$1]) kb[$1] = $4 }
END {
	split("unzip teller teller_1t", names, " ")
	printf "%-10s %9s %9s %9s %9s %8s\n", "case", "wall_min", "wall_med",
	    "cpu_min", "cpu_med", "peak_MB"
	for (k = 1; k <= 3; k++) {
		m = names[k]
		for (i = 1; i <= n[m]; i++) { ww[i] = w[m, i]; cc[i] = c[m, i] }
		wmin[m] = ww[1]; cmin[m] = cc[1]
		for (i = 2; i <= n[m]; i++) {
			if (ww[i] < wmin[m]) wmin[m] = ww[i]
			if (cc[i] < cmin[m]) cmin[m] = cc[i]
		}
		wmed[m] = med(ww, n[m]); cmed[m] = med(cc, n[m])
		printf "%-10s %9.3f %9.3f %9.3f %9.3f %8.1f\n", m, wmin[m],
		    wmed[m], cmin[m], cmed[m], kb[m] / 1024
	}
	for (k = 2; k <= 3; k++) {
		m = names[k]
		printf "ratio %s / unzip: wall min %.2f, wall median %.2f, " \
		    "cpu min %.2f, cpu median %.2f\n", m,
		    wmin[m] / wmin["unzip"], wmed[m] / wmed["unzip"],
		    cmin[m] / cmin["unzip"], cmed[m] / cmed["unzip"]
	}
}' "$O/runs"
