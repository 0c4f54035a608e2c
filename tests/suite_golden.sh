#!/bin/sh
# suite_golden.sh -- every tests/golden/<method>/<case>.args: run teller
# count with those arguments on <case>.in and compare with <case>.out.
# Golden files change only through `make regen`, reviewed as a diff.
pass=0
fail=0
tmp=$(mktemp)
for a in tests/golden/*/*.args; do
	[ -f "$a" ] || continue
	base=${a%.args}
	sh tests/golden/run_case.sh "$base" >"$tmp"
	if [ -f "$base.out" ] && cmp -s "$tmp" "$base.out"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $base"
		[ -f "$base.out" ] && diff -u "$base.out" "$tmp" | head -n 30
	fi
done
rm -f "$tmp"
echo "$pass passed, $fail failed"
