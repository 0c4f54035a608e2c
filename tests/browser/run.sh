#!/bin/sh
# run.sh -- make check-browser: render each layout from real contests and
# check the pages in Debian's chromium (tests/browser/check.mjs). Skips,
# saying why, when chromium or the npm packages are absent. Screenshots
# and PDFs go to $SCREENS (default $B/screens; doc/screens holds the
# committed ones). Run from the repository root with B set.
B=${B:-build}
SHARED=${SHARED:-../shared}
SCREENS=${SCREENS:-$B/screens}
if ! command -v chromium >/dev/null 2>&1; then
	echo "SKIP: chromium not installed (apt-get install -y chromium)"
	echo "0 passed, 0 failed"
	exit 0
fi
if [ ! -d tests/browser/node_modules/playwright-core ]; then
	echo "SKIP: run scripts/deps.sh (npm ci in tests/browser)"
	echo "0 passed, 0 failed"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cases=""
# render NAME ARGS...: count and write the page and its JSON
render() {
	n=$1
	shift
	if "$B/teller" count "$@" -r none --html "$tmp/$n.html" \
	    --json "$tmp/$n.json"; then
		cases="$cases $n=$tmp/$n.html,$tmp/$n.json"
	else
		echo "FAIL: $n: teller count $*"
	fi
}
render uk-sv-tower-hamlets-2014 -m sv examples/tower-hamlets-2014/ballots.csv
render rcv-24-candidates -m irv tests/golden/irv/rounds-html.in
render uk-declaration-block -m block tests/golden/block/x-marks.in
render uk-declaration-hostile -m fptp tests/golden/fptp/hostile-html.in
# stv-meek: two surpluses at once, and an elected candidate passing on
# part of a defeated one's papers (the bands by giver, no "others")
printf '%s\n' '6 3' '30 1 3 0' '30 2 4 0' '10 1 4 5 0' '10 2 3 6 0' \
    '8 5 0' '7 6 1 3 0' '5 3 0' 0 '"Ann"' '"Bob"' '"Cat"' '"Dan"' '"Eve"' \
    '"Fay"' '"Two surpluses"' >"$tmp/meek.blt"
render scot-stv-meek-two-surpluses -m stv-meek "$tmp/meek.blt"
w=$SHARED/data/scot/blt/13_cands/edinburgh_2022_ward11.blt
if [ -f "$w" ]; then
	render scot-stv-edinburgh-2022-ward11 -m stv-scottish "$w"
	render scot-stv-meek-edinburgh-2022-ward11 -m stv-meek "$w"
	render rcv-edinburgh-2022-ward11 -m irv -s 1 "$w"
fi
u=$SHARED/data/uk/th_council_2014_limehouse.json
if [ -f "$u" ]; then
	# the published totals as weighted ballots
	/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print("# title: " + d["title"])
for c in d["candidates"]:
    print("# candidate: %s | %s" % (c["name"], c["party"]))
print("weight,rank1")
for c in d["candidates"]:
    print("%d,%s" % (c["votes"], c["name"]))' "$u" >"$tmp/limehouse.csv"
	render uk-declaration-limehouse-2014 -m fptp "$tmp/limehouse.csv"
fi
# teller rctab --html of multi-pass IRV: a page a pass, each checked
# against the JSON tests/rctab_html.py builds from that pass's summary
r=$SHARED/data/rctab/2013_minneapolis_park_sequential
r=$r/2013_minneapolis_park_sequential_config.json
if [ -f "$r" ]; then
	mkdir -p "$tmp/rs"
	if "$B/teller" rctab "$r" -o "$tmp/rs" --html "$tmp/rs/report.html" \
	    2>/dev/null; then
		k=1
		while [ -f "$tmp/rs/summary_$k.json" ]; do
			/usr/bin/python3 tests/rctab_html.py \
			    "$tmp/rs/summary_$k.json" "$r" >"$tmp/rs/r$k.json" &&
			    cases="$cases rcv-rctab-park-sequential-pass-$k=$tmp/rs/report_$k.html,$tmp/rs/r$k.json"
			k=$((k + 1))
		done
	else
		echo "FAIL: teller rctab --html $r"
	fi
fi
# methods.md: the pairwise tables and the college's sections
printf '# title: Pairwise\n# candidate: A\n# candidate: B\n# candidate: C\n# candidate: D\nweight,1,2,3\n2,C,D,\n3,D,A,B\n4,C,D,\n2,B,,\n7,A,B,\n' >"$tmp/pw.csv"
render schulze-pairwise -m schulze "$tmp/pw.csv"
render ranked-pairs-pairwise -m ranked-pairs "$tmp/pw.csv"
S='# section: mps | 30 | MPs\n# section: clp | 30\n# section: tu | 40 | Unions\nsection,weight,1,2\n'
printf "# title: College\n# candidate: A\n# candidate: B\n# candidate: C\n$S"'mps,1,A,B\nmps,10,B,\nmps,9,C,A\nclp,1,A,C\nclp,5,B,C\nclp,4,C,\ntu,500,A,\ntu,100,B,C\ntu,400,C,B\n' >"$tmp/s1.csv"
render college-sections -m college "$tmp/s1.csv"
# shellcheck disable=SC2086
node tests/browser/check.mjs "$SCREENS" $cases
st=$?
# teller-desk's screens (docs/desk.md 11.3): B1, B2, B4-B7, B11, B12, X1, X2
node tests/browser/desk.mjs "$B" || st=1

# The counting page (make wasm, tests/browser/wasm.mjs), when web/ is
# built; check-browser does not build it (emscripten is only installed
# for make wasm).
if [ ! -f web/index.html ]; then
	echo "SKIP: wasm: web/index.html not built (make wasm)"
	exit $st
fi
w=$SHARED/data/scot/blt/13_cands/edinburgh_2022_ward11.blt
if [ ! -f "$w" ]; then
	# the ward of examples/count.c
	w=$tmp/example.blt
	printf '%s\n' '4 2' '30 1 2 0' '25 2 1 0' '20 3 4 0' '15 4 3 0' \
	    '10 1 3 0' 0 '"Ann"' '"Bob"' '"Cat"' '"Dan"' '"Example ward"' \
	    >"$w"
fi
mkdir -p "$tmp/bad"
printf '3 1\n1 1 0\n1 2 x 0\n0\n"A"\n"B"\n"C"\n"bad"\n' >"$tmp/bad/bad.blt"
node tests/browser/wasm.mjs web/index.html "$(pwd)/$B/teller" "$w" \
    examples/tower-hamlets-2014/ballots.csv "$tmp/bad/bad.blt" || st=1
exit $st
