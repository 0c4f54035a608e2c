#!/bin/sh
# suite_count_cli.sh -- teller count as a user meets it: every paper
# accounted for, no winner from nothing, mistakes refused with the right
# exit status and a message that names them, lots drawn by hand.
T=${B:-build}/teller
pass=0
fail=0
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT

# expect STATUS PATTERN CMD...: CMD exits STATUS and its output (stdout
# and stderr) matches the grep -E PATTERN.
expect() {
	want=$1
	pat=$2
	shift 2
	"$@" >"$d/out" 2>&1
	got=$?
	if [ "$got" -eq "$want" ] && grep -Eq -- "$pat" "$d/out"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $* -> exit $got (want $want, /$pat/)"
		head -n 5 "$d/out"
	fi
}

cat >"$d/tie.blt" <<'X'
4 1
1 1 0
1 2 0
1 3 0
1 4 0
0
"A"
"B"
"C"
"D"
"Tie"
X
cat >"$d/ranked.blt" <<'X'
3 1
2 1 2 0
1 3 1 0
0
"A"
"B"
"C"
"Ranked"
X
cat >"$d/two.blt" <<'X'
3 2
2 1 2 0
1 3 1 0
1 2 0
0
"A"
"B"
"C"
"Two seats"
X
printf 'A,B,C\n' >"$d/header.csv"

# no winner from nothing (exit 4), saying why and what to try
expect 4 'all 3 papers rejected .*voting for more candidates than entitled.*try -m irv' \
    "$T" count -m fptp "$d/ranked.blt"
expect 4 'no ballot papers' "$T" count -m irv "$d/header.csv"
# papers and valid papers in the text and the JSON
expect 0 '^Ballot papers: 3$' "$T" count -m irv "$d/ranked.blt"
expect 0 '^Valid papers: 3$' "$T" count -m irv "$d/ranked.blt"
expect 0 '"papers": "3",' "$T" count -m irv --json - "$d/ranked.blt"
expect 0 '"valid_papers": "3",' "$T" count -m irv --json - "$d/ranked.blt"
# seats: a one-seat method on a two-seat file, unless -s says so aloud
expect 2 'says 2 seats but irv elects one' "$T" count -m irv "$d/two.blt"
expect 0 'note: the input says 2 seats; counting 1' \
    "$T" count -m irv -s 1 "$d/two.blt"
expect 2 'says 2 seats but fptp' "$T" count -m fptp "$d/two.blt"
expect 1 '5 seats but only 3 candidates standing' \
    "$T" count -m stv-scottish -s 5 "$d/two.blt"
# an output over an input is refused, and the input survives
cp "$d/ranked.blt" "$d/keep.blt"
expect 2 'that is an input file' "$T" count --csv "$d/ranked.blt" \
    "$d/ranked.blt" "$d/two.blt"
expect 2 'that is an input file' "$T" count --json "$d/./ranked.blt" \
    "$d/ranked.blt"
expect 2 'that is an input file' "$T" count --html "$d/ranked.blt" \
    "$d/ranked.blt"
if cmp -s "$d/ranked.blt" "$d/keep.blt"; then
	pass=$((pass + 1))
else
	fail=$((fail + 1))
	echo "FAIL: an input was overwritten"
fi
# the same ballot id in two inputs is one paper read twice
printf 'id,rank1\nb1,A\nb2,B\n' >"$d/i1.csv"
printf 'id,rank1\nb3,A\nb2,B\n' >"$d/i2.csv"
printf 'id,rank1\nb4,A\nb5,B\n' >"$d/i3.csv"
expect 1 'ballot id "b2" is in an earlier input too' \
    "$T" count "$d/i1.csv" "$d/i2.csv"
expect 0 '^Ballot papers: 4$' "$T" count "$d/i1.csv" "$d/i3.csv"
printf '2 1\n(a1) 1 2 0\n(a2) 2 0\n0\n"A"\n"B"\n"T"\n' >"$d/i1.blt"
printf '2 1\n(a3) 1 2 0\n(a2) 2 0\n0\n"A"\n"B"\n"T"\n' >"$d/i2.blt"
expect 1 'ballot id "a2" is in an earlier input too' \
    "$T" count "$d/i1.blt" "$d/i2.blt"
# several shared: the first in the later file's order is named (BLT as CSV)
printf '2 1\n(x) 1 2 0\n(y) 2 0\n0\n"A"\n"B"\n"T"\n' >"$d/i4.blt"
expect 1 'ballot id "x" is in an earlier input too' \
    "$T" count "$d/i4.blt" "$d/i4.blt"
printf 'id,rank1\nx,A\ny,B\n' >"$d/i4.csv"
expect 1 'ballot id "x" is in an earlier input too' \
    "$T" count "$d/i4.csv" "$d/i4.csv"
# option values out of range
expect 2 'the seed is empty' "$T" count --seed '' "$d/tie.blt"
# the seed is a string (audit.md 4.4): a dice ceremony's words will do
expect 0 'settled by lot: .* \(seed 2025-05-02 dice 4 1 6, draw' \
    "$T" count -m irv --seed '2025-05-02 dice 4 1 6' "$d/tie.blt"
# lots drawn by hand
expect 0 'settled by a lot drawn by hand: A excluded \(lot 1: 1:A<B<C<D\)' \
    "$T" count -m irv --lot '1:A<B<C<D' "$d/tie.blt"
expect 0 '"lot_source": "manual", "lot_number": 1, "lot": "1:B<A<C<D"' \
    "$T" count -m irv --lot '1:B<A<C<D' --json - "$d/tie.blt"
expect 0 'Elected: B' "$T" count -m irv --lot '1:A<B<C<D' \
    --lot '2:C<B<D' --lot '3:D<B' "$d/tie.blt"
printf '# drawn in the hall\n1:A<B<C<D\n\n2:C<B<D\n3:D<B\n' >"$d/lots"
expect 0 'Elected: B' "$T" count -m irv --lots "$d/lots" "$d/tie.blt"
# the same lots as the manifest's lots[] (order: least favoured first)
cat >"$d/lots.json" <<'X'
[ { "n": 1, "stage": 1, "purpose": "exclusion", "tied": ["A","B","C","D"],
    "rule": "r.49(3)", "source": "manual", "evidence": null,
    "order": ["A","B","C","D"] },
  { "stage": 2, "order": ["C", "B", "D"], "x": {"y": [1, 2.5e3, true, null]} },
  { "stage": 3, "order": ["D", "\u0042"] } ]
X
expect 0 'Elected: B' "$T" count -m irv --lots "$d/lots.json" "$d/tie.blt"
printf '[{"stage": 1, "order": ["A" "B"]}]' >"$d/bad.json"
expect 2 'bad.json:1:29: expected .,. or .\]' "$T" count --lots "$d/bad.json" \
    "$d/tie.blt"
printf '[{"order": ["A","B"]}]' >"$d/bad.json"
expect 2 'bad.json:1:2: a lot needs "stage" and "order"' "$T" count \
    --lots "$d/bad.json" "$d/tie.blt"
# the lots' faults are placed at the value (cli/mjson.c)
printf '[{"order": ["A","B"],\n  "stage": 1.5}]' >"$d/bad.json"
expect 2 'bad.json:2:12: "stage" must be a stage number' "$T" count \
    --lots "$d/bad.json" "$d/tie.blt"
# a number is JSON's, whole: not -1rue, 01, 1., 1e or --1
for n in -1rue 01 1. 1e --1 1e+ -.5; do
	printf '[{"order": ["A","B"],\n  "stage": %s}]' "$n" >"$d/bad.json"
	expect 2 'bad.json:2:12: not a JSON number' "$T" count \
	    --lots "$d/bad.json" "$d/tie.blt"
done
printf '[{"stage": 1, "order": ["A",\n\t2]}]' >"$d/bad.json"
expect 2 'bad.json:2:2: expected a string' "$T" count \
    --lots "$d/bad.json" "$d/tie.blt"
printf '[{"stage": 1, "order": ["A"]},\n 3]' >"$d/bad.json"
expect 2 'bad.json:2:2: expected a lot' "$T" count \
    --lots "$d/bad.json" "$d/tie.blt"
printf '[{"stage": 1, "order": ["A<B"]}]' >"$d/bad.json"
expect 2 'bad.json:1:25: a name in "order" holds' "$T" count \
    --lots "$d/bad.json" "$d/tie.blt"
printf '1:A<B\n2:\000B<A\n' >"$d/bad.json"
expect 2 'bad.json:2:3: NUL byte' "$T" count \
    --lots "$d/bad.json" "$d/tie.blt"
expect 4 'lot 1 .*2:A<B.* does not match the tie that arose: stage 1' \
    "$T" count -m irv --lot '2:A<B' "$d/tie.blt"
printf '3 1\n2 1 0\n1 2 0\n1 3 0\n0\n"A"\n"B"\n"C"\n"One tie"\n' \
    >"$d/one.blt"
expect 0 'Elected: A' "$T" count -m irv --lot '1:B<C' "$d/one.blt"
expect 4 "lot 2 .*9:A<B.* was not used" "$T" count -m irv --lot '1:B<C' \
    --lot '9:A<B' "$d/one.blt"
expect 4 "draw it and give it as --lot '1:A<B<C<D'" \
    "$T" count -m irv --no-seed "$d/tie.blt"
expect 0 'settled by lot: B excluded \(seed 1' "$T" count -m irv "$d/tie.blt"
expect 2 "no candidate is named 'Z'" "$T" count -m irv --lot '1:A<Z' \
    "$d/tie.blt"
expect 2 'a stage number first' "$T" count -m irv --lot 'A<B' "$d/tie.blt"
expect 2 'named twice' "$T" count -m irv --lot '1:A<A' "$d/tie.blt"
for m in fptp sv stv-scottish stv-ers97; do
	expect 4 "give it as --lot" "$T" count -m "$m" -s 1 --no-seed \
	    "$d/tie.blt"
done
# Droop's [tie]: the earliest listed is the one picked (excluded here);
# without it Droop's methods take ballot order, the others a seeded lot
for t in '' '[tie 3 2 1]' '[tie 2 3 1]'; do
	printf '3 1\n%s\n3 1 0\n2 2 1 0\n2 3 2 0\n0\n"A"\n"B"\n"C"\n"T"\n' \
	    "$t" >"$d/t$t.blt"
done
for m in stv-meek stv-wigm; do
	expect 0 'settled by order on the ballot paper: B' "$T" count -m $m \
	    "$d/t.blt"
	expect 0 'Elected: B' "$T" count -m $m "$d/t[tie 3 2 1].blt"
	expect 0 'settled by the tie order the input gives \(\[tie\]\): C' \
	    "$T" count -m $m "$d/t[tie 3 2 1].blt"
	expect 0 'Elected: A' "$T" count -m $m "$d/t[tie 2 3 1].blt"
done
for m in irv stv-scottish stv-ers97; do
	expect 0 '"resolved_by": "tie_order", "tied": \["B", "C"\], "chosen": "B"' \
	    "$T" count -m $m --json - "$d/t[tie 2 3 1].blt"
	# a hand lot comes first
	expect 0 'settled by a lot drawn by hand: B' "$T" count -m $m \
	    --lot '1:B<C' "$d/t[tie 3 2 1].blt"
done
# the tie order survives a profile file, and must agree when merged
"$T" profile "$d/t[tie 3 2 1].blt" -o "$d/t.tp" 2>/dev/null
expect 0 'Elected: B' "$T" count -m stv-meek "$d/t.tp"
"$T" profile "$d/t[tie 2 3 1].blt" -o "$d/u.tp" 2>/dev/null
expect 1 'tie order \(\[tie\]\) differs' "$T" count "$d/t.tp" "$d/u.tp"
echo "$pass passed, $fail failed"
