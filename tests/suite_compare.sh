#!/bin/sh
# suite_compare.sh -- `teller methods`, `teller compare` and the exit
# status of a count that stops (methods.md 1.1, 1.4, 8): methods lists
# every method of the table; each of compare's results is byte for byte
# (as JSON) what `teller count -m M --seed N --json -` gives; condorcet
# with no Condorcet winner writes its JSON and exits 4, while compare
# exits 0; usage errors exit 2. Ends "N passed, N failed". Run from the
# repository root with B set.
B=${B:-build}
T=$B/teller
PY=/usr/bin/python3
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# the Condorcet paradox, and a contest with a Condorcet winner
cat > "$tmp/cyc.toi" <<'X'
# DATA TYPE: toi
# NUMBER ALTERNATIVES: 3
# ALTERNATIVE NAME 1: Ann
# ALTERNATIVE NAME 2: Bob
# ALTERNATIVE NAME 3: Cy
1: 1,2,3
1: 2,3,1
1: 3,1,2
X
cat > "$tmp/ten.csv" <<'X'
weight,rank1,rank2,rank3,rank4
42,Memphis,Nashville,Chattanooga,Knoxville
26,Nashville,Chattanooga,Knoxville,Memphis
15,Chattanooga,Knoxville,Nashville,Memphis
17,Knoxville,Chattanooga,Nashville,Memphis
X

# teller methods: one line per method of the table, in its order
want=$("$T" count --help | sed -n 's/.*counting method (\([^)]*\));.*/\1/p' |
    sed 's/, /\n/g')
got=$("$T" methods | sed 1d | awk '{print $1}')
if [ -n "$want" ] && [ "$want" = "$got" ]; then ok
else bad "teller methods lists [$got], the table [$want]"; fi

# condorcet without a winner: JSON written, stopped, exit 4
"$T" count -m condorcet --json - -r none "$tmp/cyc.toi" > "$tmp/c.json" \
    2> "$tmp/err"
rc=$?
if [ $rc -eq 4 ] && $PY -c 'import json,sys; d=json.load(open(sys.argv[1]));
assert d["stopped"] == "no Condorcet winner" and d["elected"] == []
assert d["smith"] == ["Ann", "Bob", "Cy"]' "$tmp/c.json"; then ok
else bad "condorcet with no winner: exit $rc"; fi
"$T" count -m condorcet "$tmp/ten.csv" > /dev/null
rc=$?
[ $rc -eq 0 ] && ok || bad "condorcet with a winner: exit $rc"

# --strength: a bad value is a usage error
"$T" count -m schulze --strength sideways "$tmp/ten.csv" > /dev/null 2>&1
rc=$?
[ $rc -eq 2 ] && ok || bad "--strength sideways: exit $rc"

# compare: every result as count gives it, exit 0 even when one stops
for f in cyc.toi ten.csv; do
	"$T" compare -r json --seed 5 "$tmp/$f" > "$tmp/cmp.json"
	rc=$?
	[ $rc -eq 0 ] && ok || bad "compare $f: exit $rc"
	for m in $($PY -c 'import json,sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["method"]) if "error" not in r else None' "$tmp/cmp.json"); do
		"$T" count -m "$m" --seed 5 --json - -r none "$tmp/$f" \
		    > "$tmp/one.json" 2>/dev/null
		if $PY -c 'import json,sys
d = json.load(open(sys.argv[1]))
r = [r for r in d["results"] if r["method"] == sys.argv[3]][0]
assert r == json.load(open(sys.argv[2]))' "$tmp/cmp.json" "$tmp/one.json" \
		    "$m"; then ok
		else bad "compare $f: $m differs from teller count"; fi
	done
done
if $PY -c 'import json,sys; d=json.load(open(sys.argv[1]))
assert d["condorcet_winner"] == "Nashville" and d["smith"] == ["Nashville"]
assert "schulze" in d["winners"]["Nashville"]' "$tmp/cmp.json"; then ok
else bad "compare ten.csv: condorcet_winner, smith, winners"; fi
"$T" compare "$tmp/ten.csv" | grep -q "^  Nashville: .*schulze" && ok ||
    bad "compare text: elected-by line"

# usage errors
"$T" compare -m schulze -s 2 "$tmp/ten.csv" > /dev/null 2>&1
rc=$?
[ $rc -eq 2 ] && ok || bad "compare -m schulze -s 2: exit $rc"
"$T" compare -m nosuch "$tmp/ten.csv" > /dev/null 2>&1
rc=$?
[ $rc -eq 2 ] && ok || bad "compare -m nosuch: exit $rc"
"$T" compare > /dev/null 2>&1
rc=$?
[ $rc -eq 2 ] && ok || bad "compare without a file: exit $rc"
# compare --strength (methods.md 8): passed to every method, so schulze
# with margins is what count gives with margins (here they differ)
printf '# candidate: A\n# candidate: B\n# candidate: C\n# candidate: D\nweight,1,2,3\n2,C,D,\n3,D,A,B\n4,C,D,\n2,B,,\n7,A,B,\n' >"$tmp/sv.csv"
for st in winning margin; do
	"$T" compare -m schulze,ranked-pairs --strength $st -r json \
	    "$tmp/sv.csv" >"$tmp/cmp.json"
	for m in schulze ranked-pairs; do
		"$T" count -m $m --strength $st --json - -r none "$tmp/sv.csv" \
		    >"$tmp/one.json"
		$PY -c 'import json,sys
d = json.load(open(sys.argv[1]))
r = [r for r in d["results"] if r["method"] == sys.argv[3]][0]
assert r == json.load(open(sys.argv[2]))' "$tmp/cmp.json" "$tmp/one.json" \
		    $m && ok || bad "compare --strength $st: $m"
	done
done
"$T" compare -m schulze --strength margin -r json "$tmp/sv.csv" |
    grep -q '"elected": \["A"\]' && ok || bad "compare schulze margin: A"
"$T" compare -m schulze --strength winning -r json "$tmp/sv.csv" |
    grep -q '"elected": \["D"\]' && ok || bad "compare schulze winning: D"
"$T" compare --strength sideways "$tmp/sv.csv" >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "compare --strength sideways: usage"

# compare with exhaustive and several files: they are its rounds, and
# the other methods count round 1 (the first file)
printf '# candidate: A\n# candidate: B\n# candidate: C\n# candidate: D\nweight,1\n40,A\n30,B\n20,C\n10,D\n' >"$tmp/r1.csv"
printf '# candidate: A\n# candidate: B\n# candidate: C\nweight,1\n42,A\n33,B\n25,C\n' >"$tmp/r2.csv"
printf '# candidate: A\n# candidate: B\nweight,1\n49,A\n51,B\n' >"$tmp/r3.csv"
"$T" compare -m irv,exhaustive -r json "$tmp/r1.csv" "$tmp/r2.csv" \
    "$tmp/r3.csv" >"$tmp/cmp.json"
rc=$?
[ $rc -eq 0 ] && ok || bad "compare exhaustive rounds: exit $rc"
"$T" count -m exhaustive --json - -r none "$tmp/r1.csv" "$tmp/r2.csv" \
    "$tmp/r3.csv" >"$tmp/ex.json"
"$T" count -m irv --json - -r none "$tmp/r1.csv" >"$tmp/irv.json"
$PY -c 'import json,sys
d = json.load(open(sys.argv[1]))
r = {r["method"]: r for r in d["results"]}
assert r["exhaustive"] == json.load(open(sys.argv[2]))
assert r["irv"] == json.load(open(sys.argv[3]))
assert r["exhaustive"]["elected"] == ["B"] and r["irv"]["elected"] == ["A"]
' "$tmp/cmp.json" "$tmp/ex.json" "$tmp/irv.json" && ok ||
    bad "compare exhaustive rounds: results differ from count"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
