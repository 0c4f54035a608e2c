#!/bin/sh
# run.sh -- the benchmarks (make bench). Generates inputs with the
# generators in ../shared/bench into bench/out (not committed), runs each
# case RUNS times (default 5) and prints median time, peak memory and
# throughput (and CPU-time ratios of cases run side by side).
# BENCH_BIG=1 adds the 10,000,000-ballot cases; BENCH_VENDOR=1
# adds the vendor CVR memory table (bench/vendor.sh).
# Figures and the machine they were taken on are kept in bench/README.md.
set -e
B=${B:-build}
SHARED=${SHARED:-../shared}
RUNS=${RUNS:-5}
O=bench/out
GEN=$SHARED/bench
if [ ! -d "$GEN" ]; then
	echo "SKIP: $GEN not found (the generators live in ../shared/bench)"
	exit 0
fi
mkdir -p "$O"
CC=${CC:-gcc}
$CC -O2 -o "$O/runner" bench/runner.c
$CC -O2 -Iinclude -o "$O/scot_all" bench/scot_all.c "$B/libteller.a" \
    $(pkg-config --libs jansson expat libzip libdeflate libcrypto) -pthread

gen_blt() { # n agg|lines file
	[ -f "$3" ] && return 0
	if [ "$2" = lines ]; then extra=--no-aggregate; else extra=; fi
	python3 "$GEN/gen_blt.py" --candidates 10 --seats 3 --ballots "$1" \
	    --seed 2024 $extra --out "$3"
}
gen_cvr() { # n dir
	[ -f "$2/synth_cvr.csv" ] || [ -n "$(ls "$2"/*_cvr.csv 2>/dev/null)" ] ||
	    python3 "$GEN/gen_cvr.py" --ballots "$1" --out-dir "$2"
}

gen_blt 1000000 lines "$O/1m_lines.blt"
gen_blt 1000000 agg "$O/1m_agg.blt"
gen_cvr 1000000 "$O/cvr1m"
[ -f "$O/cvr1m_stv/synthetic_cvr.csv" ] ||
    python3 "$GEN/gen_cvr.py" --ballots 1000000 --winners 3 \
    --out-dir "$O/cvr1m_stv"
if [ -n "$BENCH_BIG" ]; then
	gen_blt 10000000 lines "$O/10m_lines.blt"
	gen_cvr 10000000 "$O/cvr10m"
fi

printf '%-34s %10s %10s %12s %10s %8s\n' case median_s peak_MB ballots/s \
    MB/s cpu_s
row() { # name ballots input-files cmd...  (input-files: one word, ':'-separated)
	name=$1 n=$2 f=$3
	shift 3
	cpu=
	out=$("$O/runner" "$RUNS" "$@") || { echo "$name: FAILED"; return 0; }
	med=$(echo "$out" | sed 's/.*median_s=\([0-9.]*\).*/\1/')
	kb=$(echo "$out" | sed 's/.*peak_kb=\([0-9]*\).*/\1/')
	cpu=$(echo "$out" | sed 's/.*cpu_s=\([0-9.]*\).*/\1/')
	bytes=$(echo "$f" | tr ':' '\n' | xargs cat | wc -c)
	awk -v name="$name" -v med="$med" -v kb="$kb" -v n="$n" -v b="$bytes" \
	    -v cpu="$cpu" \
	    'BEGIN { printf "%-34s %10.4f %10.1f %12.0f %10.0f %8.3f\n", name,
	      med, kb / 1024, (med > 0 ? n / med : 0),
	      (med > 0 ? b / med / 1e6 : 0), cpu }'
}
# ratio NAME A_CPU B_CPU: A over B, the two measured in this run
ratio() {
	[ -n "$2" ] && [ -n "$3" ] || return 0
	awk -v name="$1" -v a="$2" -v b="$3" 'BEGIN { if (b > 0)
	    printf "  ratio, CPU time: %s = %.2f\n", name, a / b }'
}

cvr=$(ls "$O"/cvr1m/*_cvr.csv | head -n 1)
cfg=$(ls "$O"/cvr1m/*_config.json | head -n 1)
row "wc -l, 1M-ballot CVR csv" 1000000 "$cvr" wc -l "$cvr"
row "rctab 1M generic CSV (IRV)" 1000000 "$cvr" \
    "$B/teller" rctab "$cfg" -o "$O/rctab1m"
echo "  cross-check: $(python3 bench/crosscheck_rctab.py "$cvr" \
    "$O/rctab1m/summary.json" | tail -n 1)"
row "rctab 1M generic CSV (STV, 3 seats)" 1000000 \
    "$O/cvr1m_stv/synthetic_cvr.csv" "$B/teller" rctab \
    "$O/cvr1m_stv/synthetic_config.json" -o "$O/rctab1m_stv"
row "rctab 1M generic CSV, --no-cvr-export" 1000000 "$cvr" \
    "$B/teller" rctab --no-cvr-export "$cfg" -o "$O/rctab1m_noexp"
row "rctab 1M generic CSV, 1 thread" 1000000 "$cvr" \
    "$B/teller" rctab --threads 1 "$cfg" -o "$O/rctab1m"
row "stv-scottish, 1M BLT lines, 1 thread" 1000000 "$O/1m_lines.blt" \
    "$B/teller" count -j 1 -m stv-scottish -r none "$O/1m_lines.blt"
row "irv, 1M BLT lines" 1000000 "$O/1m_lines.blt" \
    "$B/teller" count -m irv -s 1 -r none "$O/1m_lines.blt"
for m in stv-scottish stv-wigm stv-ers97 stv-meek; do
	row "$m, 1M BLT lines" 1000000 "$O/1m_lines.blt" \
	    "$B/teller" count -m $m -r none "$O/1m_lines.blt"
	row "$m, 1M aggregated" 1000000 "$O/1m_agg.blt" \
	    "$B/teller" count -m $m -r none "$O/1m_agg.blt"
done
# Issue 17: ES&S xlsx against unzip -p of the same sheets (the time
# just to inflate them), side by side.
ESS=$SHARED/data/rctab/2013_minneapolis_mayor_scale
if [ -d "$ESS" ] && command -v unzip >/dev/null 2>&1; then
	xs=$(ls "$ESS"/*.xlsx | tr '\n' ':')
	row "unzip -p, Minneapolis 13 sheets" 1041313 "$xs" sh -c \
	    'for f; do unzip -p "$f" xl/worksheets/sheet1.xml; done' sh \
	    "$ESS"/*.xlsx
	unz=$cpu unzw=$med
	row "rctab ES&S xlsx, Minneapolis scale" 1041313 "$xs" \
	    "$B/teller" rctab "$ESS/2013_minneapolis_mayor_scale_config.json" \
	    -o "$O/rctab_ess"
	ratio "rctab ES&S / unzip -p" "$cpu" "$unz"
	awk -v a="$med" -v b="$unzw" 'BEGIN { if (b > 0) printf "  ratio, " \
	    "wall time: rctab ES&S / unzip -p = %.2f\n", a / b }'
	row "rctab ES&S xlsx, 1 thread" 1041313 "$xs" \
	    "$B/teller" rctab --threads 1 \
	    "$ESS/2013_minneapolis_mayor_scale_config.json" -o "$O/rctab_ess"
	echo "  (interleaved runs, min and median: bench/xlsx_ratio.sh)"
fi
# Issue 17: the vendor readers against `wc -l` over the same bytes, side
# by side, at VENDOR_RATIO_N ballots (default 200000; inputs shared with
# bench/vendor.sh). --no-cvr-export: the reader and the count alone.
# (row sets f: the loop's variable is fmt.)
VN=${VENDOR_RATIO_N:-200000}
if [ -d "$SHARED/data/rctab" ]; then
	for fmt in dominion cdf-json cdf-xml clearballot; do
		d=$O/vendor/$fmt-$VN
		if [ ! -f "$d/.done" ]; then
			rm -rf "$d"
			python3 bench/gen_vendor.py --shared "$SHARED" \
			    --format "$fmt" --ballots "$VN" --out "$d" >/dev/null &&
			    touch "$d/.done" || { echo "$fmt: generation FAILED"
			    continue; }
		fi
		files=$(find "$d" -type f ! -name config.json ! -name .done |
		    sort)
		fl=$(echo "$files" | tr '\n' ':')
		row "wc -l, $fmt $VN" "$VN" "$fl" wc -l $files
		wcl=$cpu
		row "rctab $fmt $VN, --no-cvr-export" "$VN" "$fl" \
		    "$B/teller" rctab --no-cvr-export "$d/config.json" \
		    -o "$O/rctab_$fmt"
		ratio "rctab $fmt / wc -l" "$cpu" "$wcl"
	done
fi
if [ -d "$SHARED/data/scot/blt" ]; then
	list=$(find "$SHARED/data/scot/blt" -name '*.blt' | sort)
	all=$(echo "$list" | tr '\n' ':')
	row "stv-scottish, all Scottish files" 5604345 "$all" \
	    "$O/scot_all" stv-scottish $list
fi
if [ -n "$BENCH_BIG" ]; then
	row "irv, 10M BLT lines" 10000000 "$O/10m_lines.blt" \
	    "$B/teller" count -m irv -s 1 -r none "$O/10m_lines.blt"
	row "stv-scottish, 10M BLT lines" 10000000 "$O/10m_lines.blt" \
	    "$B/teller" count -m stv-scottish -r none "$O/10m_lines.blt"
	cvr10=$(ls "$O"/cvr10m/*_cvr.csv | head -n 1)
	cfg10=$(ls "$O"/cvr10m/*_config.json | head -n 1)
	row "rctab 10M generic CSV (IRV)" 10000000 "$cvr10" \
	    "$B/teller" rctab "$cfg10" -o "$O/rctab10m"
fi
if [ -n "$BENCH_VENDOR" ]; then
	echo
	B=$B SHARED=$SHARED sh bench/vendor.sh
fi
