#!/bin/sh
# suite_scaling.sh -- the split / profile / merge / count workflow of
# doc/scaling.md: counting merge(profile(part_i)) gives the same result as
# counting the whole file, for every method, on the demo and golden
# inputs (CSV rows dealt round-robin into three parts).
pass=0
fail=0
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
for in in examples/tower-hamlets-2014/ballots.csv tests/golden/irv/lowest-excluded.in \
    tests/golden/block/r49-tie-by-lot.in; do
	# directives and header go to every part; data rows round-robin
	awk -v d="$d" '
	    /^#/ || !hdr { print > (d "/p0.csv"); print > (d "/p1.csv");
			   print > (d "/p2.csv"); if (!/^#/) hdr = 1; next }
	    { print > (d "/p" (n++ % 3) ".csv") }' "$in"
	ok=1
	for i in 0 1 2; do
		"$B/teller" profile -o "$d/p$i.tp" "$d/p$i.csv" 2>"$d/err" || ok=0
	done
	"$B/teller" merge -o "$d/all.tp" "$d/p0.tp" "$d/p1.tp" "$d/p2.tp" \
	    2>>"$d/err" || ok=0
	for m in fptp block sv irv stv-scottish; do
		case $m in block|stv-*) s=2 ;; *) s=1 ;; esac
		"$B/teller" count -m $m -s $s --json "$d/a.json" -r none "$in" \
		    >/dev/null 2>&1
		ra=$?
		"$B/teller" count -m $m -s $s --json "$d/b.json" -r none \
		    "$d/all.tp" >/dev/null 2>&1
		rb=$?
		[ "$ra" = "$rb" ] || ok=0
		[ "$m" != irv ] || [ "$ra" = 0 ] || { ok=0; echo "irv failed"; }
		if [ "$ra" = 0 ]; then
			# the inputs differ by design: compare all but "inputs"
			sed '/"inputs"/,$d' "$d/a.json" >"$d/a2"
			sed '/"inputs"/,$d' "$d/b.json" >"$d/b2"
			cmp -s "$d/a2" "$d/b2" || { ok=0; echo "differs: $m $in"; }
		fi
	done
	if [ $ok = 1 ]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL: $in"; cat "$d/err"; fi
	rm -f "$d"/p* "$d"/all.tp
done
echo "$pass passed, $fail failed"
