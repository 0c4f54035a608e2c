#!/bin/sh
# suite_html.sh -- the HTML report against the markup contract of
# docs/reports.md section 11 (tests/html_contract.py), each page checked
# against the result JSON of the same count: every golden case whose
# arguments write HTML, the small cases of every method in each layout,
# and, when $SHARED is there, a Scottish ward in each STV method and as
# IRV. A negative control (a page without lang) must fail. Run from the
# repository root with B set.
B=${B:-build}
SHARED=${SHARED:-../shared}
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# check NAME ARGS... -- count, write both, check.
check() {
	name=$1
	shift
	if "$B/teller" count "$@" -r none --json "$tmp/r.json" \
	    --html "$tmp/r.html" 2>"$tmp/err" &&
	    /usr/bin/python3 tests/html_contract.py "$tmp/r.html" \
	    "$tmp/r.json" >"$tmp/out"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $name"
		head -n 10 "$tmp/err" "$tmp/out"
	fi
}

for a in tests/golden/*/*.args; do
	case $(cat "$a") in *--html*) ;; *) continue ;; esac
	m=$(sed -n 's/.*-m \([a-z0-9-]*\).*/\1/p' "$a")
	check "${a%.args}" -m "$m" "${a%.args}.in"
done
for l in uk-declaration uk-sv scot-stv rcv; do
	check "irv as $l" -m irv --layout "$l" tests/golden/irv/text.in
	check "ers97 as $l" -m stv-ers97 --layout "$l" \
	    tests/golden/stv-ers97/json.in
done
for m in stv-meek stv-wigm; do
	check "$m" -m "$m" tests/golden/$m/json.in
done
w=$SHARED/data/scot/blt/13_cands/edinburgh_2022_ward11.blt
if [ -f "$w" ]; then
	for m in stv-scottish stv-ers97 stv-wigm stv-meek; do
		check "$w $m" -m "$m" "$w"
	done
	check "$w irv" -m irv -s 1 "$w"
fi

# the methods of methods.md: the pairwise tables (M1-M4) and the
# college's sections (M5-M6), as lib/rep_html_matrix.c states them
printf '# candidate: A\n# candidate: B\n# candidate: C\n# candidate: D\nweight,1,2,3\n2,C,D,\n3,D,A,B\n4,C,D,\n2,B,,\n7,A,B,\n' >"$tmp/pw.csv"
printf 'weight,1,2,3,4\n42,Memphis,Nashville,Chattanooga,Knoxville\n26,Nashville,Chattanooga,Knoxville,Memphis\n15,Chattanooga,Knoxville,Nashville,Memphis\n17,Knoxville,Chattanooga,Nashville,Memphis\n' >"$tmp/ten.csv"
check "condorcet" -m condorcet "$tmp/ten.csv"
for m in copeland minimax schulze ranked-pairs smith schwartz \
    borda borda-dowdall; do
	check "$m" -m "$m" "$tmp/pw.csv"
done
check "schulze margin" -m schulze --strength margin "$tmp/pw.csv"
S='# section: mps | 30 | MPs\n# section: clp | 30\n# section: tu | 40 | Unions\nsection,weight,1,2\n'
printf "# title: College\n# candidate: A\n# candidate: B\n# candidate: C\n$S"'mps,1,A,B\nmps,10,B,\nmps,9,C,A\nclp,1,A,C\nclp,5,B,C\nclp,4,C,\ntu,500,A,\ntu,100,B,C\ntu,400,C,B\n' >"$tmp/s1.csv"
printf "# title: College\n# candidate: B\n# candidate: C\n$S"'mps,11,B,\nmps,9,C,\nclp,6,B,\nclp,4,C,\ntu,550,B,\ntu,450,C,\n' >"$tmp/s2.csv"
check "college" -m college "$tmp/s1.csv"
check "exhaustive with sections" -m exhaustive "$tmp/s1.csv" "$tmp/s2.csv"
# negative control: a matrix cell that is not the JSON's
"$B/teller" count -m schulze -r none --json "$tmp/r.json" --html "$tmp/r.html" \
    "$tmp/pw.csv"
sed 's/data-against="B" data-value="10"/data-against="B" data-value="11"/' \
    "$tmp/r.html" >"$tmp/bad.html"
if /usr/bin/python3 tests/html_contract.py "$tmp/bad.html" "$tmp/r.json" \
    >/dev/null; then
	fail=$((fail + 1))
	echo "FAIL: the contract checker passed a wrong pairwise cell"
else
	pass=$((pass + 1))
fi
# negative control: the checker sees a page without lang
"$B/teller" count -m sv -r none --json "$tmp/r.json" --html "$tmp/r.html" \
    tests/golden/sv/tower-hamlets-2014.in
sed 's/<html lang="[^"]*">/<html>/' "$tmp/r.html" >"$tmp/bad.html"
if /usr/bin/python3 tests/html_contract.py "$tmp/bad.html" "$tmp/r.json" \
    >/dev/null; then
	fail=$((fail + 1))
	echo "FAIL: the contract checker passed a page without lang"
else
	pass=$((pass + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
