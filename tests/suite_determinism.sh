#!/bin/sh
# suite_determinism.sh -- every method, run twice over the same input,
# gives byte-identical JSON and text (no hidden state, no clock, seeded
# lots), the second time under LC_ALL=de_DE.UTF-8 and TZ=Pacific/Chatham
# (audit.md 4.5: outputs identical under any LC_ALL and TZ). Inputs: the
# golden inputs and the examples.
pass=0
fail=0
d=$(mktemp -d)
methods=$(sed -n 's/^[[:space:]]*{ "\([a-z0-9-]*\)", "[A-Z].*/\1/p' lib/methods.c)
for in in tests/golden/*/*.in examples/*/*.csv examples/*/*.blt; do
	[ -f "$in" ] || continue
	for m in $methods; do
		for k in 1 2; do
			if [ $k = 1 ]; then e="LC_ALL=C TZ=UTC"
			else e="LC_ALL=de_DE.UTF-8 TZ=Pacific/Chatham"; fi
			env $e "$B/teller" count -m "$m" --json "$d/j$k" \
			    --csv "$d/c$k" --stages "$d/s$k" "$in" >"$d/t$k" 2>&1
			echo "exit $?" >>"$d/t$k"
		done
		if cmp -s "$d/t1" "$d/t2" && { [ ! -f "$d/j1" ] ||
		    { cmp -s "$d/j1" "$d/j2" && cmp -s "$d/c1" "$d/c2"; }; }; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			echo "FAIL: $m $in differs between two runs"
		fi
		rm -f "$d"/*
	done
done
rm -rf "$d"
echo "$pass passed, $fail failed"
