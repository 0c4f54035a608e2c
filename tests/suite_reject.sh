#!/bin/sh
# suite_reject.sh -- every tests/reject/E<CODE>-<what>.<ext> through the
# CLI: `teller count -m irv FILE` must exit with the status for E<CODE>
# (1 bad input; 2 EINVAL; 3 ENOMEM/EINTERNAL/EWRITE; 4 ETIE), and its
# first stderr line must start "teller: FILE:" -- for EPARSE with a
# position, "teller: FILE:LINE:COL: ". Then tests/reject/rctab/E*.json
# through `teller rctab`. (tests/unit/t_reject.c checks the exact codes
# through the library.) Ends "N passed, N failed".
B=${B:-build}
T=$B/teller
pass=0
fail=0
err=$(mktemp)
trap 'rm -f "$err"' EXIT

if [ ! -x "$T" ]; then
	echo "FAIL: $T is not built"
	echo "0 passed, 1 failed"
	exit 1
fi
n=0
for f in tests/reject/E*; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	code=$(basename "$f" | sed 's/-.*//')
	case $code in
	EINVAL) want=2 ;;
	ENOMEM | EINTERNAL | EWRITE) want=3 ;;
	ETIE) want=4 ;;
	*) want=1 ;;
	esac
	"$T" count -m irv "$f" >/dev/null 2>"$err"
	rc=$?
	first=$(head -n 1 "$err")
	case $first in
	"teller: $f:"*) msg_ok=1 ;;
	*) msg_ok=0 ;;
	esac
	if [ "$code" = EPARSE ] && ! echo "$first" |
	    grep -q "^teller: $f:[0-9][0-9]*:[0-9][0-9]*: "; then
		msg_ok=0
	fi
	if [ "$rc" -eq "$want" ] && [ "$msg_ok" = 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $f: exit $rc (want $want): $first"
	fi
done
# Files named "-parallel-" are large enough for the parallel reader
# (fmt_blt.c, fast_lines_par): with 1 thread and with 4 the same refusal,
# at the same line and column.
for f in tests/reject/E*-parallel-*; do
	[ -f "$f" ] || continue
	"$T" count -m irv -j 1 "$f" >/dev/null 2>"$err"
	one=$(head -n 1 "$err")
	"$T" count -m irv -j 4 "$f" >/dev/null 2>"$err"
	rc=$?
	four=$(head -n 1 "$err")
	if [ "$rc" -eq 1 ] && [ "$one" = "$four" ] &&
	    echo "$one" | grep -q "^teller: $f:[0-9][0-9]*:[0-9][0-9]*: "; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $f: -j 4 exit $rc: \"$four\", -j 1: \"$one\""
	fi
done
# RCTab contest configs (and the CVRs they name): `teller rctab` must
# exit 1 naming a file under tests/reject/rctab/, within 20 seconds.
out=$(mktemp -d)
to=""
command -v timeout >/dev/null 2>&1 && to="timeout 20"
for f in tests/reject/rctab/E*.json; do
	[ -f "$f" ] || continue
	$to "$T" rctab "$f" -o "$out" >/dev/null 2>"$err"
	rc=$?
	first=$(head -n 1 "$err")
	case $first in
	"teller: tests/reject/rctab/"*) msg_ok=1 ;;
	*) msg_ok=0 ;;
	esac
	if [ "$rc" -eq 1 ] && [ "$msg_ok" = 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		[ "$rc" -eq 124 ] && first="(timed out: a hang) $first"
		echo "FAIL: $f: exit $rc (want 1): $first"
	fi
done
rm -rf "$out"
if [ "$n" -lt 60 ]; then
	echo "FAIL: only $n reject files"
	fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
