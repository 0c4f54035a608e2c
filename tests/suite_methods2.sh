#!/bin/sh
# suite_methods2.sh -- the command line of methods.md 2-4: exhaustive
# takes one file per round and exits 4 with every report written when
# the files run out; --ranks, --votes, --min-share; a method other than
# college pools sections with a warning. Run from the repository root
# with B set. Ends "N passed, N failed".
B=${B:-build}
T=$B/teller
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

printf '# candidate: A\n# candidate: B\n# candidate: C\n# candidate: D\nweight,1\n40,A\n30,B\n20,C\n10,D\n' >"$tmp/r1.csv"
printf '# candidate: A\n# candidate: B\n# candidate: C\nweight,1\n42,A\n33,B\n25,C\n' >"$tmp/r2.csv"
printf '# candidate: A\n# candidate: B\nweight,1\n49,A\n51,B\n' >"$tmp/r3.csv"
printf '# candidate: A\n# candidate: B\n# candidate: D\nweight,1\n49,A\n41,B\n10,D\n' >"$tmp/bad.csv"

"$T" count -m exhaustive "$tmp/r1.csv" "$tmp/r2.csv" "$tmp/r3.csv" \
    --json "$tmp/x.json" --no-manifest >"$tmp/out" 2>&1
rc=$?
[ $rc -eq 0 ] && ok || bad "exhaustive 3 rounds: exit $rc"
grep -q '"elected": \["B"\]' "$tmp/x.json" && ok || bad "exhaustive: B"
grep -c '"kind": "round"' "$tmp/x.json" | grep -qx 3 && ok ||
    bad "exhaustive: 3 rounds"

"$T" count -m exhaustive "$tmp/r1.csv" "$tmp/r2.csv" --json - -r none \
    >"$tmp/x.json" 2>"$tmp/err"
rc=$?
[ $rc -eq 4 ] && ok || bad "exhaustive out of files: exit $rc, want 4"
grep -q '"stopped": "another round is needed, between A and B"' \
    "$tmp/x.json" && ok || bad "stopped in the JSON"
grep -q 'the count stopped' "$tmp/err" && ok || bad "stopped on stderr"

"$T" count -m exhaustive "$tmp/r1.csv" "$tmp/bad.csv" >/dev/null \
    2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q 'candidate "D" was excluded after round 1' \
    "$tmp/err" && ok || bad "excluded candidate on a later file: $rc"

"$T" count -m exhaustive --min-share 25 "$tmp/r1.csv" --json - -r none \
    >"$tmp/x.json" 2>/dev/null
grep -q '"excluded": \["C", "D"\]' "$tmp/x.json" && ok ||
    bad "--min-share 25 excludes C and D"

printf '# candidate: A\n# candidate: B\n# candidate: C\nweight,1,2\n40,A,\n35,B,\n25,C,B\n' >"$tmp/c.csv"
"$T" count -m contingent --ranks 1 "$tmp/c.csv" | grep -q 'A .*ELECTED' &&
    ok || bad "--ranks 1 elects A"
"$T" count -m contingent "$tmp/c.csv" | grep -q 'B .*ELECTED' &&
    ok || bad "contingent elects B"
"$T" count -m limited -s 2 "$tmp/c.csv" >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "limited without --votes: usage error"
"$T" count -m limited -s 2 --votes 2 "$tmp/c.csv" >/dev/null 2>&1 &&
    ok || bad "limited --votes 2"

printf '# candidate: A\n# candidate: B\n# section: m | 1\n# section: n | 2\nsection,1\nm,A\nn,B\n' >"$tmp/s.csv"
"$T" count -m irv "$tmp/s.csv" 2>&1 >/dev/null |
    grep -q 'warning: irv pools the 2 sections' && ok ||
    bad "pooling warning"
"$T" count -m college "$tmp/s.csv" 2>&1 | grep -q 'B .*ELECTED' && ok ||
    bad "college weights the sections"
# methods.md 3.3: with sections each round is a college round (4.2
# steps 2-3): A has most votes after C but fewest points, so goes.
S='# section: mps | 30 | MPs\n# section: clp | 30\n# section: tu | 40 | Unions\nsection,weight,1\n'
printf "# candidate: A\n# candidate: B\n# candidate: C\n$S"'mps,1,A\nmps,10,B\nmps,9,C\nclp,1,A\nclp,5,B\nclp,4,C\ntu,500,A\ntu,100,B\ntu,400,C\n' >"$tmp/s1.csv"
printf "# candidate: B\n# candidate: C\n$S"'mps,11,B\nmps,9,C\nclp,6,B\nclp,4,C\ntu,550,B\ntu,450,C\n' >"$tmp/s2.csv"
"$T" count -m exhaustive "$tmp/s1.csv" "$tmp/s2.csv" --json - -r none \
    >"$tmp/x.json" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && ok || bad "exhaustive with sections: exit $rc"
grep -q warning "$tmp/err" && bad "exhaustive warns of pooling" || ok
/usr/bin/python3 - "$tmp/x.json" <<'PY' && ok || bad "exhaustive sections"
import json, sys
r = json.load(open(sys.argv[1]))
s = r["stages"]
assert s[0]["votes"] == {"A": "24.500", "B": "34.000", "C": "41.500"}
assert s[0]["excluded"] == ["A"], s[0]["excluded"]
assert s[1]["votes"]["B"] == "56.500" and r["elected"] == ["B"]
assert [x["id"] for x in s[0]["sections"]] == ["mps", "clp", "tu"]
assert s[0]["sections"][2]["points"] == \
    {"A": "20.000", "B": "4.000", "C": "16.000"}
assert s[1]["sections"][0]["votes"] == {"B": "11", "C": "9"}
assert [x["valid"] for x in r["sections"]] == ["20", "10", "1000"]
# a new ballot each round: where A's points went is not known
assert all(x["transfers"] == [] for x in s), [x["transfers"] for x in s]
PY
# two on exactly 50 points: the earlier round's points settle it (3.3
# step 3; 4.2 step 4), C 41.5 over B 34, tie kind election
printf "# candidate: B\n# candidate: C\n$S"'mps,10,B\nmps,10,C\nclp,5,B\nclp,5,C\ntu,500,B\ntu,500,C\n' >"$tmp/t2.csv"
"$T" count -m exhaustive "$tmp/s1.csv" "$tmp/t2.csv" --json - -r none \
    >"$tmp/x.json" 2>/dev/null
/usr/bin/python3 - "$tmp/x.json" <<'PY' && ok || bad "sections 50-50 tie"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["stages"][1]["votes"]["B"] == "50.000", r["stages"][1]["votes"]
assert r["elected"] == ["C"], r["elected"]
t = r["ties"]
assert len(t) == 1 and t[0]["kind"] == "election", t
assert t[0]["resolved_by"] == "earlier_stage" and t[0]["chosen"] == "C", t
PY
# --min-share P is P points of the college's 100 with sections
"$T" count -m exhaustive --min-share 35 "$tmp/s1.csv" --json - -r none \
    >"$tmp/x.json" 2>/dev/null
grep -q '"elected": \["C"\]' "$tmp/x.json" && ok ||
    bad "--min-share 35 with sections leaves C"
# every round carries round 1's sections, with the same weights
printf '# candidate: B\n# candidate: C\nweight,1\n11,B\n9,C\n' >"$tmp/n2.csv"
"$T" count -m exhaustive "$tmp/s1.csv" "$tmp/n2.csv" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q 'round 2: 0 sections, round 1 has 3' "$tmp/err" &&
    ok || bad "round without sections: $rc $(cat "$tmp/err")"
sed 's/tu | 40/tu | 41/' "$tmp/s2.csv" >"$tmp/w2.csv"
"$T" count -m exhaustive "$tmp/s1.csv" "$tmp/w2.csv" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q 'section "tu" has weight 41, round 1 has 40' \
    "$tmp/err" && ok || bad "section weight changed: $rc $(cat "$tmp/err")"
sed 's/section: tu /section: tv /; s/^tu,/tv,/' "$tmp/s2.csv" >"$tmp/m2.csv"
"$T" count -m exhaustive "$tmp/s1.csv" "$tmp/m2.csv" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q 'section "tu" of round 1 is missing' \
    "$tmp/err" && ok || bad "section missing: $rc $(cat "$tmp/err")"
printf '# candidate: A\n# candidate: B\n# candidate: C\nweight,1\n4,A\n3,B\n2,C\n' >"$tmp/n1.csv"
"$T" count -m exhaustive "$tmp/n1.csv" "$tmp/s2.csv" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q 'round 2: has sections, round 1 has none' \
    "$tmp/err" && ok || bad "sections only later: $rc $(cat "$tmp/err")"
# methods.md 4.3 (c): --section ID:WEIGHT[:NAME] for each BLT or PrefLib
# input in order; mixed with a CSV's own '# section:' (form b)
printf '# title: t\n# candidate: A\n# candidate: B\n# candidate: C\n# section: mps | 30 | MPs\nweight,1,2\n1,A,\n10,B,C\n9,C,\n' >"$tmp/mps.csv"
printf '3 1\n1 1 0\n5 2 0\n4 3 0\n0\n"A"\n"B"\n"C"\n"t"\n' >"$tmp/clp.blt"
printf '# DATA TYPE: soi\n# NUMBER ALTERNATIVES: 3\n# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n# ALTERNATIVE NAME 3: C\n500: 1\n100: 2\n400: 3\n' >"$tmp/tu.soi"
"$T" count -m college --section clp:30 --section tu:40:Unions \
    "$tmp/mps.csv" "$tmp/clp.blt" "$tmp/tu.soi" --json - -r none \
    >"$tmp/x.json" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && ok || bad "--section: exit $rc $(cat "$tmp/err")"
/usr/bin/python3 - "$tmp/x.json" <<'PY' && ok || bad "--section sections"
import json, sys
r = json.load(open(sys.argv[1]))
s = r["stages"][0]
assert s["votes"] == {"A": "24.500", "B": "34.000", "C": "41.500"}, s
assert [(x["id"], x["name"], x["weight"]) for x in r["sections"]] == \
    [("mps", "MPs", "30"), ("clp", "clp", "30"), ("tu", "Unions", "40")]
assert s["sections"][2]["votes"] == {"A": "500", "B": "100", "C": "400"}
PY
"$T" count -m college --section clp:30 "$tmp/clp.blt" "$tmp/tu.soi" \
    >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q 'tu.soi: no --section left for it' "$tmp/err" &&
    ok || bad "--section too few: $rc $(cat "$tmp/err")"
"$T" count -m college --section clp:30 --section x:1 "$tmp/mps.csv" \
    "$tmp/clp.blt" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q -- '--section: 2 given, for 1 BLT or PrefLib input$' \
    "$tmp/err" && ok || bad "--section too many: $rc $(cat "$tmp/err")"
for spec in clp clp: :30 clp::x; do
	"$T" count -m college --section "$spec" "$tmp/clp.blt" \
	    >/dev/null 2>"$tmp/err"
	rc=$?
	[ $rc -eq 2 ] && grep -q "write ID:WEIGHT" "$tmp/err" && ok ||
	    bad "--section '$spec': $rc"
done
for w in 0 -1 x 1/0 2/; do
	"$T" count -m college --section "clp:$w" "$tmp/clp.blt" \
	    >/dev/null 2>"$tmp/err"
	rc=$?
	[ $rc -eq 2 ] && grep -q "is not a positive number" "$tmp/err" &&
	    ok || bad "--section clp:$w: $rc $(cat "$tmp/err")"
done
"$T" count -m college --section 'a|b:1' "$tmp/clp.blt" >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "--section id with '|'"
"$T" count -m college --section clp:30 --section clp:40 "$tmp/clp.blt" \
    "$tmp/tu.soi" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q 'section "clp" has weight 40' "$tmp/err" && ok ||
    bad "--section same id, other weight: $rc $(cat "$tmp/err")"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
