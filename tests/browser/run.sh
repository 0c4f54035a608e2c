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
w=$SHARED/data/scot/blt/13_cands/edinburgh_2022_ward11.blt
if [ -f "$w" ]; then
	render scot-stv-edinburgh-2022-ward11 -m stv-scottish "$w"
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
# shellcheck disable=SC2086
node tests/browser/check.mjs "$SCREENS" $cases
rc=$?
# teller-desk's screens (docs/desk.md 11.3): B1, B4-B7, B11, B12, X1, X2
node tests/browser/desk.mjs "$B" || rc=1
exit $rc
