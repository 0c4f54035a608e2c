#!/bin/sh
# suite_sensitivity.sh -- `teller count --sensitivity rounding [--rounding
# parcel]` (audit.md 7, 8.4): the JSON key's exact shape on every 7th
# Scottish ward in $SHARED (stv-scottish, with parcel), on every 35th
# under stv-wigm and stv-ers97 and every 50th under stv-meek; in at least
# 95% of them the second count elects the same councillors; the text and
# HTML paragraphs (the HTML page still keeping the markup contract of
# reports.md 11); teller verify re-counts a manifest made with
# --sensitivity (stv-scottish, stv-ers97, stv-meek); the refusals. Run
# from the repository root with B set. Ends "N passed, N failed".
B=${B:-build}
T=$B/teller
SHARED=${SHARED:-../shared}
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The 2-seat ward of tests/golden/stv-scottish/rule48-3-*: rule 48(3)
# elects C, exact fractions and per-parcel truncation elect B.
flip=tests/golden/stv-scottish/rule48-3-truncation-sensitivity.in

# shape FILE... -- check each result JSON's "sensitivity"; prints
# "N SAME" (wards, wards with same_elected) on success.
shape() {
	/usr/bin/python3 - "$@" <<'EOF'
import json, re, sys
DEC = re.compile(r'^-?[0-9]+\.[0-9]{10}$')
n = same = 0
for path in sys.argv[1:]:
    d = json.load(open(path))
    names = {c["name"] for c in d["candidates"]}
    s = d["sensitivity"]
    want = {"rounding", "parcel"} if d["method"] == "stv-scottish" \
        else {"rounding"}
    assert set(s) == want, (path, sorted(s))
    for k, c in s.items():
        assert list(c) == ["same_elected", "same_order",
                           "same_exclusions", "max_difference"], (path, k)
        for b in ("same_elected", "same_order", "same_exclusions"):
            assert isinstance(c[b], bool), (path, k, b)
        if c["same_order"]:
            assert c["same_elected"], (path, k)
        md = c["max_difference"]
        assert isinstance(md, list) and md, (path, k)
        assert [e["stage"] for e in md] == list(range(1, len(md) + 1))
        assert len(md) <= len(d["stages"]), (path, k)
        for e in md:
            assert list(e) == ["stage", "candidate", "difference"]
            assert e["candidate"] is None or e["candidate"] in names
            assert DEC.match(e["difference"]), (path, e)
            # a difference under 0.5 * 10^-10 shows as zero
            if e["candidate"] is None:
                assert e["difference"] == "0.0000000000", (path, e)
        # stage 1 counts whole papers: nothing to round
        assert md[0]["candidate"] is None, (path, k)
    n += 1
    same += s["rounding"]["same_elected"]
print(n, same)
EOF
}

# wards METHOD EVERY ARGS...: count every EVERY-th ward; check the shape
# and that >= 95% elect the same in exact fractions.
wards() {
	m=$1
	every=$2
	shift 2
	i=0
	files=""
	for f in $(find "$SHARED/data/scot/blt" -name '*.blt' | sort); do
		i=$((i + 1))
		[ $((i % every)) -eq 0 ] || continue
		o="$tmp/w$i.json"
		if "$T" count -m "$m" "$@" -r none --no-manifest --json "$o" \
		    "$f" 2>"$tmp/err"; then
			files="$files $o"
		elif [ "$(grep -c 'count stopped\|lot' "$tmp/err")" -eq 0 ]
		then
			bad "$m $f: $(cat "$tmp/err")"
		fi
	done
	# shellcheck disable=SC2086
	if r=$(shape $files 2>"$tmp/err"); then
		set -- $r
		if [ "$1" -gt 10 ] && [ $(($2 * 100)) -ge $(($1 * 95)) ]; then
			ok
		else
			bad "$m: the same elected in $2 of $1 wards"
		fi
		echo "$m: $1 wards, the same elected in the second count in $2"
	else
		bad "$m: shape: $(tail -3 "$tmp/err")"
	fi
}

if [ -d "$SHARED/data/scot/blt" ]; then
	wards stv-scottish 7 --sensitivity rounding --rounding parcel
	wards stv-wigm 35 --sensitivity rounding
	wards stv-ers97 35 --sensitivity rounding
	wards stv-meek 50 --sensitivity rounding
	# west_lothian_2022_ward7: ERS97's hundredths decide the last seat
	wl=$SHARED/data/scot/blt/7_cands/west_lothian_2022_ward7.blt
	if [ -f "$wl" ] && "$T" count -m stv-ers97 --sensitivity rounding \
	    "$wl" | grep -q '^Rounding sensitivity: Rounding to 2 decimal places changed the count: in exact fractions the decisions differ: .*Kirsteen SULLIVAN would be elected\.$'
	then ok; else bad "west lothian: ers97 text paragraph"; fi
else
	echo "SKIP: $SHARED/data/scot/blt not found"
fi

# the constructed ward: the key, the text paragraph, the HTML paragraph
"$T" count -m stv-scottish --sensitivity rounding --rounding parcel \
    -r none --no-manifest --json "$tmp/f.json" --html "$tmp/f.html" \
    "$flip" 2>"$tmp/err" || bad "flip: $(cat "$tmp/err")"
if /usr/bin/python3 - "$tmp/f.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))["sensitivity"]
r, p = s["rounding"], s["parcel"]
assert (r["same_elected"], r["same_order"], r["same_exclusions"]) == \
    (False, False, False), r
assert r["max_difference"][1] == {"stage": 2, "candidate": "B",
                                  "difference": "-0.4000066667"}, r
assert len(r["max_difference"]) == 3, r
assert p["max_difference"][1]["difference"] == "-0.4000000000", p
EOF
then ok; else bad "flip: sensitivity JSON"; fi
if /usr/bin/python3 tests/html_contract.py "$tmp/f.html" "$tmp/f.json" \
    >"$tmp/out" 2>&1; then ok; else bad "flip: contract: $(head -5 \
    "$tmp/out")"; fi
if grep -q '<p class="sensitivity">Rounding to 5 decimal places changed' \
    "$tmp/f.html" && grep -q '<p class="sensitivity">Truncating each' \
    "$tmp/f.html" && grep -q 'did not depend on any lot' "$tmp/f.html"
then ok; else bad "flip: HTML paragraphs"; fi
"$T" count -m stv-scottish --sensitivity rounding "$flip" >"$tmp/t.txt"
if grep -q '^Rounding sensitivity: Rounding to 5 decimal places changed the count: in exact fractions the decisions differ from stage 4: A and B would be elected\.$' \
    "$tmp/t.txt" && ! grep -q Truncating "$tmp/t.txt"
then ok; else bad "flip: text paragraph: $(tail -2 "$tmp/t.txt")"; fi
# without --sensitivity: no key, no paragraph
"$T" count -m stv-scottish --json - "$flip" >"$tmp/n.json"
if ! grep -q '"sensitivity"' "$tmp/n.json"; then ok
else bad "a sensitivity key without --sensitivity"; fi

# teller verify re-counts with the recorded --sensitivity
mkdir "$tmp/v"
cp "$flip" "$tmp/v/ward.blt"
if (cd "$tmp/v" && "$OLDPWD/$T" count -m stv-scottish -r none \
    --sensitivity=rounding --rounding parcel --json out.json ward.blt &&
    "$OLDPWD/$T" verify manifest.json >/dev/null); then ok
else bad "verify after --sensitivity"; fi

# irv rounds nothing: said so
if "$T" count -m irv --sensitivity rounding tests/golden/irv/text.in |
    grep -q '^Rounding sensitivity: This method only adds up votes'
then ok; else bad "irv --sensitivity"; fi

# stv-ers97 and stv-meek: the paragraph with each method's places, and
# teller verify re-counts a manifest made with it
if "$T" count -m stv-ers97 --sensitivity rounding "$flip" |
    grep -q '^Rounding sensitivity: Rounding to 2 decimal places .* in exact fractions'
then ok; else bad "stv-ers97 --sensitivity: text paragraph"; fi
if "$T" count -m stv-meek --sensitivity rounding "$flip" |
    grep -q '^Rounding sensitivity: Rounding to 18 decimal places with 9 guard digits .* at 18 decimal places without guard digits'
then ok; else bad "stv-meek --sensitivity: text paragraph"; fi
for m in stv-ers97 stv-meek; do
	if (cd "$tmp/v" && "$OLDPWD/$T" count -m $m -r none \
	    --sensitivity=rounding --json $m.json --html $m.html \
	    --manifest $m.manifest ward.blt &&
	    grep -q '<p class="sensitivity">Rounding to' $m.html &&
	    grep -q '"sensitivity"' $m.json &&
	    "$OLDPWD/$T" verify $m.manifest >/dev/null); then ok
	else bad "$m: verify after --sensitivity"; fi
done

# refusals: another method, parcel but for stv-scottish (1), a bad KIND
# and parcel alone (2)
"$T" count -m fptp -s 1 --sensitivity rounding "$flip" >/dev/null 2>&1
[ $? -eq 1 ] && ok || bad "fptp --sensitivity: not exit 1"
"$T" count -m stv-ers97 --sensitivity rounding --rounding parcel "$flip" \
    2>"$tmp/err" >/dev/null
[ $? -eq 1 ] && grep -q 'no meaning for stv-ers97' "$tmp/err" && ok ||
    bad "stv-ers97 --rounding parcel: not exit 1"
"$T" count -m stv-wigm --sensitivity rounding --rounding parcel "$flip" \
    >/dev/null 2>&1
[ $? -eq 1 ] && ok || bad "stv-wigm --rounding parcel: not exit 1"
"$T" count --sensitivity ties "$flip" >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "--sensitivity ties: not exit 2"
"$T" count --rounding parcel "$flip" >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "--rounding parcel alone: not exit 2"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
