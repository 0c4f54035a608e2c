#!/bin/sh
# run.sh -- run every test and add up their "N passed, N failed" lines.
# Usage: B=build [SHARED=../shared] [VALGRIND=1] [SUITES="a b"]
#        [TEST_STRIDE=N] sh tests/run.sh [unit]
# Runs: unit tests ($B/tests/t_*), fuzz replay ($B/replay/*) over
# fuzz/corpus and tests/{accept,reject}, then every tests/suite_*.sh, or
# only tests/suite_a.sh and suite_b.sh when SUITES names them (the others
# are listed as not run). TEST_STRIDE=N: the suites that walk every
# Scottish ward take every Nth of them (the sanitizer pass in .ci/run).
# A test that crashes or prints no summary line counts as one failure.
B=${B:-build}
SHARED=${SHARED:-../shared}
export B SHARED TEST_STRIDE
not_run=
total_p=0
total_f=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run_one() { # name, command...
	name=$1
	shift
	t0=$(date +%s)
	"$@" >"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - t0))
	line=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" |
	    tail -n 1 | sed -E 's/^[A-Za-z-]+: //')
	if [ -z "$line" ]; then
		p=0
		f=1
	else
		p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
		f=$(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			f=1
		fi
	fi
	if [ "$f" -ne 0 ]; then
		echo "---- $name: FAILED (exit $rc)"
		tail -n 40 "$log"
	fi
	skip=$(grep -E '^SKIP' "$log" | head -n 3)
	[ -n "$skip" ] && echo "$skip"
	printf '%-40s %s passed, %s failed (%ss)\n' "$name" "$p" "$f" "$secs"
	total_p=$((total_p + p))
	total_f=$((total_f + f))
}

VG=""
if [ -n "$VALGRIND" ]; then
	VG="valgrind -q --error-exitcode=99 --leak-check=full"
fi

for t in "$B"/tests/t_*; do
	[ -x "$t" ] || continue
	if [ -n "$TELLER_OOM" ]; then
		run_one "oom:$(basename "$t")" env TELLER_OOM=1 $VG "$t"
	else
		run_one "unit:$(basename "$t")" $VG "$t"
	fi
done

if [ "$1" != "unit" ]; then
	for r in "$B"/replay/fuzz_*; do
		[ -x "$r" ] || continue
		n=$(basename "$r" | sed 's/^fuzz_//')
		run_one "replay:$n" "$r" fuzz/corpus/"$n" tests/crashes/"$n"
	done
	for s in tests/suite_*.sh; do
		[ -f "$s" ] || continue
		name=$(basename "$s" .sh)
		if [ -n "$SUITES" ] &&
		    ! echo " $SUITES " | grep -q " ${name#suite_} "; then
			not_run="$not_run ${name#suite_}"
			continue
		fi
		run_one "$name" sh "$s"
	done
	[ -n "$not_run" ] && echo "SKIP: suites not run (SUITES):$not_run"
fi
echo "$total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
