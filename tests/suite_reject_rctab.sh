#!/bin/sh
# SPDX-License-Identifier: MIT
# suite_reject_rctab.sh -- the RCTab reject corpus: every folder
# tests/reject/rctab/E<CODE>-<what>/ holds a config.json and the CVR files
# it names; `teller rctab DIR/config.json -o TMP` must exit 1 with a
# stderr line "teller: DIR/..." naming the file at fault, no sanitizer
# report and no hang (20 s). Two more cases are generated here: configs
# nested 200,000 deep. A folder with an XFAIL file is a known bug (the
# file says where); it is reported, not counted, and flagged once fixed.
# Env: B (build dir, default build). Ends "N passed, N failed".
B=${B:-build}
T=$B/teller
D=tests/reject/rctab
pass=0
fail=0
xfail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -x "$T" ]; then
	echo "FAIL: $T is not built"
	echo "0 passed, 1 failed"
	exit 1
fi
to=""
command -v timeout >/dev/null 2>&1 && to="timeout 20"

# check DIR: run the case in folder DIR and count it
check() {
	dir=${1%/}
	name=$(basename "$dir")
	rm -rf "$tmp/out"
	$to "$T" rctab "$dir/config.json" -o "$tmp/out" >/dev/null \
	    2>"$tmp/err"
	rc=$?
	line=$(grep -m 1 '^teller: ' "$tmp/err")
	why=""
	[ "$rc" -eq 124 ] && why="timed out (a hang);"
	[ "$rc" -ne 1 ] && why="$why exit $rc, want 1;"
	case $line in
	"teller: $dir/"*) ;;
	*) why="$why no line 'teller: $dir/...';" ;;
	esac
	if grep -q -E 'Sanitizer|runtime error:' "$tmp/err"; then
		why="$why sanitizer report;"
	fi
	if [ -f "$dir/XFAIL" ]; then
		if [ -z "$why" ]; then
			echo "XPASS $name: fixed? remove $dir/XFAIL"
			pass=$((pass + 1))
		else
			printf 'XFAIL %s: %s\n' "$name" \
			    "$(head -n 1 "$dir/XFAIL")"
			xfail=$((xfail + 1))
		fi
	elif [ -z "$why" ]; then
		pass=$((pass + 1))
	else
		printf 'FAIL %s: %s %s\n' "$name" "$why" \
		    "$(head -n 3 "$tmp/err" | tr '\n' ' ')"
		fail=$((fail + 1))
	fi
}

n=0
for dir in "$D"/E*/; do
	[ -f "$dir/config.json" ] || continue
	n=$((n + 1))
	check "$dir"
done

# 200,000-deep configs: an array of arrays, an object of objects
g=$tmp/gen/EPARSE-config-deep-arrays
mkdir -p "$g"
head -c 200000 /dev/zero | tr '\0' '[' >"$g/config.json"
check "$g"
g=$tmp/gen/EPARSE-config-deep-objects
mkdir -p "$g"
awk 'BEGIN { printf "{\"tabulatorVersion\":\"TEST\",\"rules\":";
    for (i = 0; i < 200000; i++) printf "{\"a\":"; }' >"$g/config.json"
check "$g"

if [ "$n" -lt 25 ]; then
	echo "FAIL: only $n cases in $D"
	fail=$((fail + 1))
fi
[ "$xfail" -gt 0 ] && echo "$xfail known failures (XFAIL), not counted"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
