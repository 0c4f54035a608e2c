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
# stv-meek: two surpluses at once, and an elected candidate who
# receives a defeated candidate's papers and passes some on (m_stv_meek.c,
# "Transfers"): every stage's transfers name the giver, add up to each
# receiver's gain and each giver's loss, and no band goes to "others"
meek_xfer() {
	/usr/bin/python3 -c '
import json, sys
from decimal import Decimal as D
r = json.load(open(sys.argv[1]))
bad = []
for p, s in zip(r["stages"], r["stages"][1:]):
    t = s["transfers"]
    for n in s["votes"]:
        d = D(s["votes"][n]) - D(p["votes"][n])
        i = sum(D(x["votes"]) for x in t if x["to"] == n)
        o = sum(D(x["votes"]) for x in t if x["from"] == n)
        if (d > 0 and i != d) or (d < 0 and o != -d) or (d >= 0 and o) \
                or (d <= 0 and i):
            bad.append("stage %d %s: %s, in %s, out %s" % (s["number"], n,
                d, i, o))
    nt = D(s["non_transferable"]) - D(p["non_transferable"])
    if sum(D(x["votes"]) for x in t if x["to"] == "non_transferable") != nt:
        bad.append("stage %d non-transferable" % s["number"])
print("\n".join(bad))
sys.exit(1 if bad else 0)' "$1" && ! grep -q 'data-to="others"' "$2"
}
printf '%s\n' '6 3' '30 1 3 0' '30 2 4 0' '10 1 4 5 0' '10 2 3 6 0' \
    '8 5 0' '7 6 1 3 0' '5 3 0' 0 '"Ann"' '"Bob"' '"Cat"' '"Dan"' '"Eve"' \
    '"Fay"' '"Two surpluses"' >"$tmp/meek.blt"
check "stv-meek two surpluses" -m stv-meek "$tmp/meek.blt"
if meek_xfer "$tmp/r.json" "$tmp/r.html" &&
    grep -q '"from": "Ann", "to": "Cat", "votes": "11.250000000"' \
    "$tmp/r.json" &&
    grep -q '"from": "Fay", "to": "Ann", "votes": "4.375000000"' \
    "$tmp/r.json"
then pass=$((pass + 1))
else fail=$((fail + 1)); echo "FAIL: stv-meek transfers by giver"; fi
# its narrative: the stage's moves giver by giver, and an exclusion whose
# papers move at the next stage (not "none to a continuing candidate")
if grep -q 'Stage 3: the votes were counted again and votes moved: from <bdi>Ann</bdi>, 11.250000000 to <bdi>Cat</bdi>, 3.750000000 to <bdi>Dan</bdi>; from <bdi>Bob</bdi>, 3.750000000 to <bdi>Cat</bdi>, 11.250000000 to <bdi>Dan</bdi>; 0.000000000 were non-transferable. <bdi>Fay</bdi> had the fewest votes (7.000000000) and was excluded (lowest defeated (surplus &lt;= omega)); the papers pass on at the next stage.' \
    "$tmp/r.html" && ! grep -q 'The papers transferred' "$tmp/r.html"
then pass=$((pass + 1))
else fail=$((fail + 1)); echo "FAIL: stv-meek narrative"; fi
w=$SHARED/data/scot/blt/13_cands/edinburgh_2022_ward11.blt
if [ -f "$w" ]; then
	for m in stv-scottish stv-ers97 stv-wigm stv-meek; do
		check "$w $m" -m "$m" "$w"
	done
	if meek_xfer "$tmp/r.json" "$tmp/r.html"
	then pass=$((pass + 1))
	else fail=$((fail + 1)); echo "FAIL: $w stv-meek transfers"; fi
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
# a college ranks by points: the narrative must not call them votes
if grep -q 'had the fewest points (24.500)' "$tmp/r.html" &&
    ! grep -q 'fewest votes' "$tmp/r.html"
then pass=$((pass + 1))
else fail=$((fail + 1)); echo "FAIL: college narrative: points"; fi
check "exhaustive with sections" -m exhaustive "$tmp/s1.csv" "$tmp/s2.csv"
# each round of the exhaustive ballot is a new ballot: no band, and the
# narrative states no transfer (the checker also refuses a band)
printf '# candidate: A\n# candidate: B\n# candidate: C\nweight,1\n40,A\n35,B\n25,C\n' >"$tmp/e1.csv"
printf '# candidate: A\n# candidate: B\nweight,1\n48,A\n52,B\n' >"$tmp/e2.csv"
check "exhaustive" -m exhaustive "$tmp/e1.csv" "$tmp/e2.csv"
if grep -q 'id="flow"' "$tmp/r.html" &&
    ! grep -q 'class="band\|class="keep\|ransferred' "$tmp/r.html" &&
    grep -q 'where the votes went between rounds is not known' \
    "$tmp/r.html"
then pass=$((pass + 1))
else fail=$((fail + 1)); echo "FAIL: exhaustive page invents transfers"; fi
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

# the declaration's electorate, turnout and hand heads (decl.c)
check "declaration-meta" -m fptp tests/golden/fptp/declaration-meta.in
check "electorate-option" -m sv --electorate 200000 \
    tests/golden/sv/tower-hamlets-2014.in
"$B/teller" count -m fptp -r none --json "$tmp/r.json" --html "$tmp/r.html" \
    tests/golden/fptp/declaration-meta.in
sed 's/data-turnout="25.00"/data-turnout="25.01"/' "$tmp/r.html" \
    >"$tmp/bad.html"
if /usr/bin/python3 tests/html_contract.py "$tmp/bad.html" "$tmp/r.json" \
    >/dev/null; then
	fail=$((fail + 1))
	echo "FAIL: the contract checker passed a page with a wrong turnout"
else
	pass=$((pass + 1))
fi

# --meta: the facts in the header and the declaration, escaped; bad
# files refused (exit 1) with no page written
printf '{"authority": "Borough <of> X", "date_of_poll": "1 May 2026", %s\n' \
    '"returning_officer": "A. N. Officer", "ballot_papers_issued": 12}' \
    >"$tmp/meta.json"
check "meta" -m fptp --meta "$tmp/meta.json" \
    tests/golden/fptp/declaration-meta.in
if grep -q '<p class="meta">Borough &lt;of&gt; X' "$tmp/r.html" &&
    grep -q 'A. N. Officer</bdi>, Returning Officer, 1 May 2026' \
    "$tmp/r.html" && grep -q 'ballot papers issued: 12' "$tmp/r.html"
then pass=$((pass + 1))
else fail=$((fail + 1)); echo "FAIL: --meta facts not on the page"; fi
for bad in '{"mayor": "x"}' '{"ballot_papers_issued": 9}' \
    '{"electorate": 39}' '{"area": ["x"]}' '[1]' '{'; do
	printf '%s\n' "$bad" >"$tmp/bad-meta.json"
	rm -f "$tmp/m.html"
	"$B/teller" count -m fptp -r none --meta "$tmp/bad-meta.json" \
	    --html "$tmp/m.html" tests/golden/fptp/declaration-meta.in \
	    2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 1 ] && [ ! -f "$tmp/m.html" ] &&
	    grep -q "^teller: $tmp/bad-meta.json: " "$tmp/err"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: --meta $bad: exit $rc: $(head -n 1 "$tmp/err")"
	fi
done
# --meta "descriptions": a candidate's description as the declaration
# prints it (in place of the input's party), escaped, and as the result
# JSON's party; an unknown name, a
# name given twice or a value not a string refused at its line and column
printf '{"descriptions": {"Ann": "The <Green> Party", "Cat": "Ind."}}\n' \
    >"$tmp/desc.json"
check "meta descriptions" -m fptp --meta "$tmp/desc.json" \
    tests/golden/fptp/declaration-meta.in
if grep -q '<td>The &lt;Green&gt; Party</td>' "$tmp/r.html" &&
    grep -q '<td>Blue</td>' "$tmp/r.html" &&
    ! grep -q '<td>Red</td>' "$tmp/r.html" &&
    "$B/teller" count -m fptp --meta "$tmp/desc.json" \
    tests/golden/fptp/declaration-meta.in | grep -q '^  The <Green> Party$' &&
    "$B/teller" count -m fptp -r none --meta "$tmp/desc.json" --json - \
    tests/golden/fptp/declaration-meta.in |
    grep -q '"name": "Ann", "party": "The <Green> Party"'
then pass=$((pass + 1))
else fail=$((fail + 1)); echo "FAIL: --meta descriptions not declared"; fi
for bad in '{"descriptions": {"Zed": "x"}}:1:26' \
    '{"descriptions": {"Ann": "x", "Ann": "y"}}:1:38' \
    '{"descriptions": {"Ann": 3}}:1:26' '{"descriptions": "x"}:1:18'; do
	printf '%s\n' "${bad%:*:*}" >"$tmp/bad-meta.json"
	rm -f "$tmp/m.html"
	"$B/teller" count -m fptp -r none --meta "$tmp/bad-meta.json" \
	    --html "$tmp/m.html" tests/golden/fptp/declaration-meta.in \
	    2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 1 ] && [ ! -f "$tmp/m.html" ] &&
	    grep -q "^teller: $tmp/bad-meta.json:${bad#*\}:}: " "$tmp/err"
	then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: --meta $bad: exit $rc: $(head -n 1 "$tmp/err")"
	fi
done

# teller rctab --html: each page against RCTab's own summary JSON
# (tests/rctab_html.py): multi-winner with surplus, bottoms-up, a long
# single-winner count, batch elimination; multi-pass: a page a pass
R=$SHARED/data/rctab
rcheck() {
	cfg=$R/$1/$1_config.json
	[ -f "$cfg" ] || return 0
	rm -rf "$tmp/rc"
	if "$B/teller" rctab "$cfg" -o "$tmp/rc" --html "$tmp/rc.html" \
	    2>"$tmp/err" &&
	    /usr/bin/python3 tests/rctab_html.py "$tmp/rc/summary.json" \
	    "$cfg" >"$tmp/rc.json" &&
	    /usr/bin/python3 tests/html_contract.py "$tmp/rc.html" \
	    "$tmp/rc.json" >"$tmp/out"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: rctab --html $1"
		head -n 10 "$tmp/err" "$tmp/out"
	fi
}
for c in 2013_minneapolis_park 2013_minneapolis_park_bottoms_up \
    2013_minneapolis_mayor 2015_portland_mayor \
    multi_seat_uwi_test minneapolis_multi_seat_threshold \
    continue_until_two_with_batch_elimination_test; do
	rcheck "$c"
done
if [ -d "$R/2013_minneapolis_park" ]; then
	# negative control: a changed tally in RCTab's JSON is seen
	"$B/teller" rctab "$R/2013_minneapolis_park/2013_minneapolis_park_config.json" \
	    -o "$tmp/rc" --html "$tmp/rc.html" 2>/dev/null
	sed 's/"JOHN ERWIN" : "14678"/"JOHN ERWIN" : "14679"/' \
	    "$tmp/rc/summary.json" >"$tmp/bad.json"
	/usr/bin/python3 tests/rctab_html.py "$tmp/bad.json" \
	    "$R/2013_minneapolis_park/2013_minneapolis_park_config.json" \
	    >"$tmp/rc.json"
	if ! grep -q '"JOHN ERWIN" : "14679"' "$tmp/bad.json" ||
	    /usr/bin/python3 tests/html_contract.py "$tmp/rc.html" \
	    "$tmp/rc.json" >/dev/null; then
		fail=$((fail + 1))
		echo "FAIL: rctab --html: a changed tally went unseen"
	else
		pass=$((pass + 1))
	fi
fi
# multi-pass IRV (one pass a seat): a page a pass, FILE_K.html beside
# summary_K.json, each checked against that pass's RCTab summary and
# titled with its pass; no page under the plain name
for s in 2013_minneapolis_park_sequential sequential_with_batch; do
	cfg=$R/$s/${s}_config.json
	[ -f "$cfg" ] || continue
	rm -rf "$tmp/rs"
	mkdir -p "$tmp/rs"
	if ! "$B/teller" rctab "$cfg" -o "$tmp/rs" --html \
	    "$tmp/rs/report.html" 2>"$tmp/err" || [ -f "$tmp/rs/report.html" ]
	then
		fail=$((fail + 1))
		echo "FAIL: rctab --html $s: $(head -n 1 "$tmp/err")"
		continue
	fi
	k=1
	while [ -f "$tmp/rs/summary_$k.json" ]; do
		if /usr/bin/python3 tests/rctab_html.py \
		    "$tmp/rs/summary_$k.json" "$cfg" >"$tmp/rs.json" &&
		    /usr/bin/python3 tests/html_contract.py \
		    "$tmp/rs/report_$k.html" "$tmp/rs.json" >"$tmp/out" &&
		    grep -q "<h1>.*, pass $k of [0-9]* (seat $k)</h1>" \
		    "$tmp/rs/report_$k.html" &&
		    [ "$(grep -o '</bdi></th><td>elected at an earlier pass' \
		    "$tmp/rs/report_$k.html" | wc -l)" -eq $((2 * (k - 1))) ]
		then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			echo "FAIL: rctab --html $s pass $k"
			head -n 10 "$tmp/out"
		fi
		k=$((k + 1))
	done
	if [ "$k" -lt 3 ]; then
		fail=$((fail + 1))
		echo "FAIL: rctab --html $s: $((k - 1)) passes"
	fi
	# a page a pass named like the summaries (FILE_K.json) is refused
	rm -rf "$tmp/rs"
	mkdir -p "$tmp/rs"
	"$B/teller" rctab "$cfg" -o "$tmp/rs" --html "$tmp/rs/summary.json" \
	    2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 2 ] && [ -z "$(ls "$tmp/rs")" ] &&
	    grep -q "give a .html path" "$tmp/err"
	then pass=$((pass + 1))
	else fail=$((fail + 1)); echo "FAIL: rctab --html $s .json: $rc"; fi
done

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
