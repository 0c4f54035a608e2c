#!/bin/sh
# SPDX-License-Identifier: MIT
# suite_rctab_verify.sh -- the manifest of `teller rctab` (audit.md 4.2,
# 8.4) and `teller verify` of it (4.6, 8.5) on a few RCTab cases of
# $SHARED/data/rctab, copied here so they can be changed: an untouched
# run verifies (from another folder, under another locale and zone);
# one changed CVR byte exits 5 naming input:...; a changed output or
# manifest exits 5 naming it; --no-manifest writes none. Then teller
# canon --ballot-ids (audit.md 4.3) and rctab --ballot-ids.
# Env: B (build dir, default build), SHARED (default ../shared).
B=${B:-build}
SHARED=${SHARED:-../shared}
D=$SHARED/data/rctab
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
TB=$(cd "$B" && pwd)/teller
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

if [ ! -d "$D" ]; then
	echo "suite_rctab_verify: no $D, skipped"
	echo "0 passed, 0 failed"
	exit 0
fi

# $1: case, $2: a CVR file of it (relative to the case folder), $3: the
# manifest's path for its input item (relative to the output folder)
one() {
	c=$1
	cvr=$2
	item=$3
	W=$T/$c
	rm -rf "$W"
	mkdir -p "$W/data"
	cp -R "$D/$c" "$W/data/$c"
	[ -d "$D/_shared" ] && cp -R "$D/_shared" "$W/data/_shared"
	cfg=$W/data/$c/${c}_config.json
	if ! "$TB" rctab "$cfg" -o "$W/out" >"$W/run.out" 2>"$W/run.err"; then
		bad "$c: rctab: $(cat "$W/run.err")"
		return
	fi
	if [ -f "$W/out/manifest.json" ] &&
	    [ -f "$W/out/manifest.json.sha256" ] &&
	    [ -f "$W/out/summary.json.sha256" ] &&
	    (cd "$W/out" && sha256sum -c --quiet summary.json.sha256 \
	    summary.csv.sha256 manifest.json.sha256) >/dev/null 2>&1; then
		ok
	else
		bad "$c: no manifest or sidecars"
	fi
	# the config and the CVR are inputs, relative to the output folder
	if grep -q '"role": "config"' "$W/out/manifest.json" &&
	    grep -q "\"path\": \"$item\"" "$W/out/manifest.json" &&
	    ! grep -q "\"path\": \"/" "$W/out/manifest.json"; then
		ok
	else
		bad "$c: inputs not recorded: $(grep path "$W/out/manifest.json")"
	fi
	# untouched: verified, from another folder, any locale and zone
	if (cd / && LC_ALL=C TZ=Pacific/Kiritimati "$TB" verify \
	    "$W/out/manifest.json" >"$W/v1.out" 2>"$W/v1.err") &&
	    grep -q '^verdict: ok$' "$W/v1.out"; then
		ok
	else
		bad "$c: untouched: $(cat "$W/v1.err")"
	fi
	# --json: the verdict and the result item
	if "$TB" verify --json "$W/v.json" "$W/out/manifest.json" \
	    >/dev/null 2>&1 && grep -q '"verdict": "ok"' "$W/v.json" &&
	    grep -q '"item": "result".*"status": "ok"' "$W/v.json" &&
	    grep -q '"item": "rules".*"status": "ok"' "$W/v.json"; then
		ok
	else
		bad "$c: verify --json"
	fi
	# an output changed: exit 5 naming it
	cp "$W/out/summary.csv" "$W/summary.keep"
	printf 'x' >>"$W/out/summary.csv"
	"$TB" verify "$W/out/manifest.json" >/dev/null 2>"$W/v2.err"
	rc=$?
	if [ $rc -eq 5 ] &&
	    grep -q 'output:summary.csv changed' "$W/v2.err"; then
		ok
	else
		bad "$c: changed output: exit $rc $(cat "$W/v2.err")"
	fi
	cp "$W/summary.keep" "$W/out/summary.csv"
	# one byte of a CVR changed: exit 5 naming the input
	cp "$W/data/$c/$cvr" "$W/cvr.keep"
	/usr/bin/python3 - "$W/data/$c/$cvr" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 1
open(p, "wb").write(b)
PY
	"$TB" verify "$W/out/manifest.json" >/dev/null 2>"$W/v3.err"
	rc=$?
	if [ $rc -eq 5 ] && grep -q "input:$item changed" "$W/v3.err"; then
		ok
	else
		bad "$c: changed CVR: exit $rc $(cat "$W/v3.err")"
	fi
	cp "$W/cvr.keep" "$W/data/$c/$cvr"
	# the manifest changed (not its sidecar): exit 5 naming it
	cp "$W/out/manifest.json" "$W/man.keep"
	sed 's/"fixed-i64"/"fixed-i65"/' "$W/man.keep" >"$W/out/manifest.json"
	"$TB" verify "$W/out/manifest.json" >/dev/null 2>"$W/v4.err"
	rc=$?
	if [ $rc -eq 5 ] && grep -q 'manifest changed' "$W/v4.err"; then
		ok
	else
		bad "$c: changed manifest: exit $rc $(cat "$W/v4.err")"
	fi
	cp "$W/man.keep" "$W/out/manifest.json"
	# a recorded option changed (with the sidecar made to match): the
	# rules item differs
	sed 's/"crlf":false/"crlf":true/' "$W/man.keep" >"$W/out/manifest.json"
	(cd "$W/out" && sha256sum manifest.json >manifest.json.sha256)
	"$TB" verify "$W/out/manifest.json" >/dev/null 2>"$W/v5.err"
	rc=$?
	if [ $rc -eq 5 ] && grep -q 'rules differs' "$W/v5.err"; then
		ok
	else
		bad "$c: changed rules: exit $rc $(cat "$W/v5.err")"
	fi
	cp "$W/man.keep" "$W/out/manifest.json"
	(cd "$W/out" && sha256sum manifest.json >manifest.json.sha256)
	# and back as it was
	if "$TB" verify "$W/out/manifest.json" >/dev/null 2>&1; then
		ok
	else
		bad "$c: restored does not verify"
	fi
}

one 2015_portland_mayor 2015_portland_mayor_cvr.xlsx \
    ../data/2015_portland_mayor/2015_portland_mayor_cvr.xlsx
one generic_csv_test generic_csv_test_cvr.csv \
    ../data/generic_csv_test/generic_csv_test_cvr.csv
one 2013_minneapolis_park ../_shared/2013_minneapolis_park_cvr.xlsx \
    ../data/_shared/2013_minneapolis_park_cvr.xlsx

# --no-manifest: no manifest, no sidecars
W=$T/nm
mkdir -p "$W"
cp -R "$D/2015_portland_mayor" "$W/c"
if "$TB" rctab --no-manifest "$W/c/2015_portland_mayor_config.json" \
    -o "$W/out" 2>/dev/null && [ -f "$W/out/summary.json" ] &&
    [ ! -e "$W/out/manifest.json" ] &&
    [ ! -e "$W/out/summary.json.sha256" ]; then
	ok
else
	bad "--no-manifest"
fi

# --- canonical ballot ids (audit.md 4.3, 8.6): teller canon --ballot-ids
G=$D/generic_csv_test/generic_csv_test_config.json
if "$TB" canon --ballot-ids "$G" >"$T/ids.txt" 2>"$T/ids.err" &&
    [ "$(head -1 "$T/ids.txt")" = "teller-ballot-ids/1" ] &&
    grep -q "^c	4	Undeclared Write-ins$" "$T/ids.txt" &&
    grep -q "^R_21yNGL1wKB5ZCPL	4	0	1	3	2$" "$T/ids.txt" &&
    grep -v '^c	' "$T/ids.txt" | sed 1d | LC_ALL=C sort -c; then
	ok
else
	bad "canon --ballot-ids: $(head -12 "$T/ids.txt") $(cat "$T/ids.err")"
fi
# order-free: the CVR's rows shuffled give the same text; one changed
# preference changes it
W=$T/ids
mkdir -p "$W"
cp -R "$D/generic_csv_test" "$W/c"
CF=$W/c/generic_csv_test_cvr.csv
(head -1 "$CF"; sed 1d "$CF" | LC_ALL=C sort -r) >"$W/x" && mv "$W/x" "$CF"
if "$TB" canon --ballot-ids "$W/c/generic_csv_test_config.json" |
    cmp -s - "$T/ids.txt"; then
	ok
else
	bad "canon --ballot-ids: changed by the rows' order"
fi
sed 's/^R_21yNGL1wKB5ZCPL,p1,b1,4,2,5,3,1$/R_21yNGL1wKB5ZCPL,p1,b1,4,2,5,1,3/' \
    "$CF" >"$W/x" && mv "$W/x" "$CF"
if "$TB" canon --ballot-ids "$W/c/generic_csv_test_config.json" |
    cmp -s - "$T/ids.txt"; then
	bad "canon --ballot-ids: one changed preference not seen"
else
	ok
fi
# a ballot file has no ballot ids
printf '2 1\n1 1 2 0\n0\n"A"\n"B"\n"T"\n' >"$T/t.blt"
"$TB" canon --ballot-ids "$T/t.blt" >/dev/null 2>"$T/b.err"
rc=$?
if [ $rc -eq 1 ] && grep -q 'no ballot ids' "$T/b.err"; then
	ok
else
	bad "canon --ballot-ids of a BLT: exit $rc $(cat "$T/b.err")"
fi
# the effective ranks agree with the tabulator's round 1: a ballot
# counted for X starts with X; one inactive in round 1 has no rank
for c in test_set_1_exhaust_at_overvote test_set_3_skipped_choice_exhaust \
    test_set_6_duplicate_exhaust test_set_2_overvote_skip_to_next; do
	cfg=$D/$c/${c}_config.json
	"$TB" canon --ballot-ids "$cfg" >"$T/$c.ids" 2>/dev/null
	"$TB" trace --format rctab-audit "$cfg" >"$T/$c.log" 2>/dev/null
	if /usr/bin/python3 - "$T/$c.ids" "$T/$c.log" <<'PY'
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1]
cands = {}
ids = {}
for l in lines[1:]:
    f = l.split("\t")
    if f[0] == "c":
        cands[f[2]] = f[1]
    else:
        ids[f[0]] = f[1:]
n = 0
for l in open(sys.argv[2], encoding="utf-8"):
    m = re.match(r"\[Round\] 1 \[CVR\] (.*?) \[(counted for|became inactive)"
                 r"\] (.*?)( \[value\].*)?$", l.rstrip("\n"))
    if not m:
        continue
    i, kind, det = m.group(1), m.group(2), m.group(3)
    n += 1
    want = [cands[det]] if kind == "counted for" else []
    if ids[i][:1] != want:
        sys.exit("%s: ranks %s, round 1 %s %s" % (i, ids[i], kind, det))
if n == 0 or n != len(ids):
    sys.exit("%d ballots in round 1, %d ids" % (n, len(ids)))
PY
	then
		ok
	else
		bad "$c: canon --ballot-ids against round 1"
	fi
done
# teller rctab --ballot-ids records it; verify re-derives it
W=$T/rid
mkdir -p "$W"
cp -R "$D/generic_csv_test" "$W/c"
if "$TB" rctab --ballot-ids "$W/c/generic_csv_test_config.json" \
    -o "$W/out" 2>/dev/null &&
    grep -q "\"sha256_ballot_ids\": \"$(sha256sum <"$T/ids.txt" |
    cut -c1-64)\"" "$W/out/manifest.json" &&
    "$TB" verify "$W/out/manifest.json" >"$W/v.out" 2>&1 &&
    grep -q '^profile:ballot-ids .* ok$' "$W/v.out"; then
	ok
else
	bad "rctab --ballot-ids: $(cat "$W/v.out" 2>/dev/null)"
fi
sed 's/^R_21yNGL1wKB5ZCPL,p1,b1,4,2,5,3,1$/R_21yNGL1wKB5ZCPL,p1,b1,4,2,5,1,3/' \
    "$W/c/generic_csv_test_cvr.csv" >"$W/x" &&
    mv "$W/x" "$W/c/generic_csv_test_cvr.csv"
"$TB" verify "$W/out/manifest.json" >/dev/null 2>"$W/v.err"
rc=$?
if [ $rc -eq 5 ] && grep -q 'input:.*generic_csv_test_cvr.csv changed' \
    "$W/v.err" && grep -q 'profile:ballot-ids differs' "$W/v.err"; then
	ok
else
	bad "rctab --ballot-ids, a changed CVR: exit $rc $(cat "$W/v.err")"
fi

# --- the canonical contest and profiles are always recorded (not only
# with --ballot-ids), equal to teller canon's of the config, and verify
# re-derives them; a changed hash in the manifest is named
W=$T/cp
mkdir -p "$W"
cp -R "$D/generic_csv_test" "$W/c"
GC=$W/c/generic_csv_test_config.json
h() { "$TB" canon "$@" "$GC" | sha256sum | cut -c1-64; }
if "$TB" rctab "$GC" -o "$W/out" 2>/dev/null &&
    grep -q "\"sha256\": \"$(h --contest)\" }" "$W/out/manifest.json" &&
    grep -q "\"sha256_marked\": \"$(h --profile marked)\"" \
    "$W/out/manifest.json" &&
    grep -q "\"sha256_effective\": \"$(h --profile effective)\"" \
    "$W/out/manifest.json" &&
    grep -q '"title": "Generic CSV Test", "seats": 1' "$W/out/manifest.json" &&
    grep -q '"name": "Undeclared Write-ins"' "$W/out/manifest.json" &&
    grep -q '"papers": "[1-9][0-9]*", "patterns": [1-9]' \
    "$W/out/manifest.json" &&
    grep -q '"sha256_ballot_ids": null' "$W/out/manifest.json"; then
	ok
else
	bad "rctab manifest: contest and profile not recorded: $(grep -A3 \
	    '"contest"' "$W/out/manifest.json")"
fi
if "$TB" verify "$W/out/manifest.json" >"$W/v.out" 2>&1 &&
    grep -q '^contest .* ok$' "$W/v.out" &&
    grep -q '^profile:marked .* ok$' "$W/v.out" &&
    grep -q '^profile:effective .* ok$' "$W/v.out" &&
    grep -q '^lots .* ok$' "$W/v.out"; then
	ok
else
	bad "rctab verify: contest and profile items: $(cat "$W/v.out")"
fi
# a changed hash of each (the manifest's sidecar made to match): exit 5
# naming the item
for k in sha256_marked sha256_effective; do
	cp "$W/out/manifest.json" "$W/m.keep"
	sed "s/\"$k\": \"./\"$k\": \"x/" "$W/m.keep" >"$W/out/manifest.json"
	(cd "$W/out" && sha256sum manifest.json >manifest.json.sha256)
	"$TB" verify "$W/out/manifest.json" >/dev/null 2>"$W/v.err"
	rc=$?
	item=profile:marked
	[ $k = sha256_effective ] && item=profile:effective
	if [ $rc -eq 5 ] && grep -q "$item differs" "$W/v.err"; then
		ok
	else
		bad "rctab verify: changed $k: exit $rc $(cat "$W/v.err")"
	fi
	cp "$W/m.keep" "$W/out/manifest.json"
done
cp "$W/out/manifest.json" "$W/m.keep"
/usr/bin/python3 - "$W/m.keep" "$W/out/manifest.json" <<'PY'
import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
t = re.sub(r'("candidates": \[.*?\], "sha256": ")(.)', r'\1x', t, 1, re.S)
t = t.replace('"papers": "', '"papers": "1', 1)
open(sys.argv[2], "w", encoding="utf-8").write(t)
PY
(cd "$W/out" && sha256sum manifest.json >manifest.json.sha256)
"$TB" verify "$W/out/manifest.json" >/dev/null 2>"$W/v.err"
rc=$?
if [ $rc -eq 5 ] && grep -q 'contest differs' "$W/v.err" &&
    grep -q 'profile:marked differs' "$W/v.err"; then
	ok
else
	bad "rctab verify: changed contest and papers: exit $rc $(cat "$W/v.err")"
fi
cp "$W/m.keep" "$W/out/manifest.json"
(cd "$W/out" && sha256sum manifest.json >manifest.json.sha256)
# one changed preference (the input's hash put right in the manifest, as
# a forger would): the marked and effective profiles differ
sed 's/^R_21yNGL1wKB5ZCPL,p1,b1,4,2,5,3,1$/R_21yNGL1wKB5ZCPL,p1,b1,4,2,5,1,3/' \
    "$W/c/generic_csv_test_cvr.csv" >"$W/x" &&
    mv "$W/x" "$W/c/generic_csv_test_cvr.csv"
old=$(grep -o '"sha256": "[0-9a-f]*" }' "$W/out/manifest.json" | sed -n 2p |
    cut -c12-75)
new=$(sha256sum <"$W/c/generic_csv_test_cvr.csv" | cut -c1-64)
sed "s/$old/$new/" "$W/m.keep" >"$W/out/manifest.json"
(cd "$W/out" && sha256sum manifest.json >manifest.json.sha256)
"$TB" verify "$W/out/manifest.json" >/dev/null 2>"$W/v.err"
rc=$?
if [ $rc -eq 5 ] && ! grep -q 'input:.* changed' "$W/v.err" &&
    grep -q 'profile:marked differs' "$W/v.err" &&
    grep -q 'profile:effective differs' "$W/v.err"; then
	ok
else
	bad "rctab verify: a forged CVR: exit $rc $(cat "$W/v.err")"
fi
# teller canon of an RCTab config takes no -m
"$TB" canon -m irv --contest "$GC" >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "canon -m of an RCTab config not refused"

# --- lots: RCTab's random tie-break, with its seed, recorded and checked
W=$T/lot
mkdir -p "$W"
c=tiebreak_previous_round_counts_then_random_test
cp -R "$D/$c" "$W/c"
if "$TB" rctab "$W/c/${c}_config.json" -o "$W/out" 2>/dev/null &&
    grep -q '"randomness": { "rng": "java-random", "seed": "12345", "draws": 1 }' \
    "$W/out/manifest.json" &&
    grep -q '{ "n": 1, "stage": 3, "purpose": "election", "tied": \["Sneezy", "Dopey"\], "rule": "previousRoundCountsThenRandom", "source": "seed", "evidence": null, "order": \["Dopey", "Sneezy"\] }' \
    "$W/out/manifest.json" &&
    "$TB" verify "$W/out/manifest.json" >"$W/v.out" 2>&1 &&
    grep -q '^lots .* ok$' "$W/v.out"; then
	ok
else
	bad "rctab lots: $(grep -A2 randomness "$W/out/manifest.json") \
	    $(cat "$W/v.out")"
fi
cp "$W/out/manifest.json" "$W/m.keep"
for e in 's/"order": \["Dopey", "Sneezy"\]/"order": ["Sneezy", "Dopey"]/' \
    's/"seed": "12345"/"seed": "12346"/' 's/"stage": 3/"stage": 2/'; do
	sed "$e" "$W/m.keep" >"$W/out/manifest.json"
	(cd "$W/out" && sha256sum manifest.json >manifest.json.sha256)
	"$TB" verify --json "$W/v.json" "$W/out/manifest.json" \
	    >/dev/null 2>"$W/v.err"
	rc=$?
	if [ $rc -eq 5 ] && grep -q 'lots lot-mismatch' "$W/v.err" &&
	    grep -q '"item": "lots".*"status": "lot-mismatch"' "$W/v.json"; then
		ok
	else
		bad "rctab lots, $e: exit $rc $(cat "$W/v.err")"
	fi
done
cp "$W/m.keep" "$W/out/manifest.json"
(cd "$W/out" && sha256sum manifest.json >manifest.json.sha256)
# a lot answered by hand (--tiebreak) is "manual"
c=sample_interactive_tiebreak
if [ -d "$D/$c" ]; then
	mkdir -p "$W/iw"
	cp -R "$D/$c" "$W/iw/$c"
	[ -d "$D/_shared" ] && cp -R "$D/_shared" "$W/iw/_shared"
	cfg=$W/iw/$c/${c}_config.json
	if "$TB" rctab --tiebreak "George Gervin" --tiebreak "Yinka Dare" \
	    "$cfg" -o "$W/iout" 2>"$W/i.err" &&
	    grep -q '"n": 1, "stage": 2, "purpose": "exclusion", "tied": \["George Gervin", "Yinka Dare"\], "rule": "stopCountingAndAsk", "source": "manual", "evidence": null, "order": \["George Gervin", "Yinka Dare"\]' \
	    "$W/iout/manifest.json" &&
	    grep -q '"n": 2, "stage": 3, "purpose": "election", "tied": \["Mookie Blaylock", "Yinka Dare"\], "rule": "stopCountingAndAsk", "source": "manual", "evidence": null, "order": \["Mookie Blaylock", "Yinka Dare"\]' \
	    "$W/iout/manifest.json" &&
	    grep -q '"seed": null, "draws": 0' "$W/iout/manifest.json" &&
	    "$TB" verify "$W/iout/manifest.json" >/dev/null 2>&1; then
		ok
	else
		bad "rctab --tiebreak lots: $(cat "$W/i.err")"
	fi
fi

# --- byte-reproducible: no clock time in any output (cdf_cvr.json's
# GeneratedDate from --date, SOURCE_DATE_EPOCH or contestDate)
W=$T/rep
mkdir -p "$W"
cp -R "$D/precinct_example" "$W/c"
cfg=$W/c/precinct_example_config.json
TZ=UTC "$TB" rctab "$cfg" -o "$W/o" 2>/dev/null
mv "$W/o" "$W/o1"
sleep 1
TZ=Asia/Kolkata LC_ALL=C "$TB" rctab "$cfg" -o "$W/o" 2>/dev/null
mv "$W/o" "$W/o2"
if [ -f "$W/o1/cdf_cvr.json" ] && diff -r "$W/o1" "$W/o2" >/dev/null &&
    grep -q '"GeneratedDate" *: *"2017-11-07T00:00:00+00:00"' \
    "$W/o1/cdf_cvr.json"; then
	ok
else
	bad "rctab: not byte-reproducible: $(diff -r "$W/o1" "$W/o2" | head -5)"
fi
if "$TB" rctab --date 2024-03-05 "$cfg" -o "$W/o3" 2>/dev/null &&
    grep -q '"GeneratedDate" *: *"2024-03-05T00:00:00+00:00"' \
    "$W/o3/cdf_cvr.json" &&
    grep -q '"date": "2024-03-05"' "$W/o3/manifest.json" &&
    "$TB" verify "$W/o3/manifest.json" >/dev/null 2>&1; then
	ok
else
	bad "rctab --date"
fi
"$TB" rctab --date 2024-13-05 "$cfg" -o "$W/o4" >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "rctab --date 2024-13-05 not refused"

# --- teller raire of an RCTab config (audit.md 3.6): the problem JSON of
# its effective rankings, whose winner is RCTab's; --cvr-level DIR writes
# DIR/ballots.csv, each ballot's id and its prefs, which add up to the
# problem's votes; a solution checks; a ballot file has no ids; a
# multi-winner config is refused
W=$T/raire
mkdir -p "$W"
for c in generic_csv_test test_set_1_exhaust_at_overvote excluded_test \
    test_set_2_overvote_skip_to_next test_set_6_duplicate_exhaust \
    2015_portland_mayor; do
	cfg=$D/$c/${c}_config.json
	[ -f "$cfg" ] || continue
	if "$TB" raire --cvr-level "$W/$c" -o "$W/$c.json" "$cfg" \
	    2>"$W/$c.err" &&
	    /usr/bin/python3 - "$W/$c.json" "$W/$c/ballots.csv" \
	    "$D/$c/${c}_expected_detailed_report.json" <<'PY'
import collections, csv, json, sys
prob = json.load(open(sys.argv[1], encoding="utf-8"))
names = prob["metadata"]["candidates"]
votes = collections.Counter()
for v in prob["votes"]:
    votes[tuple(v["prefs"])] += v["n"]
rows = list(csv.reader(open(sys.argv[2], encoding="utf-8", newline="")))
if rows[0] != ["ballot_id", "prefs"]:
    sys.exit("header %r" % rows[0])
got = collections.Counter()
ids = set()
for r in rows[1:]:
    ids.add(r[0])
    p = tuple(int(x) for x in r[1].split()) if r[1] else ()
    if any(x < 0 or x >= len(names) for x in p) or len(set(p)) != len(p):
        sys.exit("bad prefs %r" % (r,))
    if p:
        got[p] += 1
if got != votes:
    sys.exit("ballots.csv does not add up to the votes")
if len(ids) != len(rows) - 1 or \
        len(ids) != prob["audit"]["total_auditable_ballots"]:
    sys.exit("%d ballots, %d auditable" % (len(ids),
             prob["audit"]["total_auditable_ballots"]))
rep = json.load(open(sys.argv[3], encoding="utf-8"))
won = [t["elected"] for r in rep["results"] for t in r.get("tallyResults", [])
       if "elected" in t]
if won != [names[prob["winner"]]]:
    sys.exit("winner %s, RCTab %s" % (names[prob["winner"]], won))
PY
	then
		ok
	else
		bad "raire $c: $(cat "$W/$c.err")"
	fi
done
G=$D/generic_csv_test/generic_csv_test_config.json
if "$TB" raire --assertions -o "$W/sol.json" "$G" 2>/dev/null &&
    grep -q '"Ok"' "$W/sol.json" &&
    "$TB" raire --check "$W/sol.json" "$G" >/dev/null 2>&1; then
	ok
else
	bad "raire --assertions of an RCTab config does not check"
fi
"$TB" raire --cvr-level "$W/blt" "$T/t.blt" >/dev/null 2>"$W/b.err"
rc=$?
if [ $rc -eq 1 ] && grep -q 'no ballot ids' "$W/b.err" &&
    [ ! -e "$W/blt/ballots.csv" ]; then
	ok
else
	bad "raire --cvr-level of a BLT: exit $rc $(cat "$W/b.err")"
fi
# metadata.teller.profile_sha256 of the problem and of a solution is the
# effective profile's canonical hash, as teller canon --profile effective
# gives it (and the manifest records it as profile:effective): for an
# RCTab config and for a ballot file
sha_of() { grep -o '"profile_sha256":"[0-9a-f]\{64\}"' "$1" | cut -d'"' -f4; }
printf '3 1\n6 1 2 0\n3 2 3 0\n2 3 2 0\n0\n"A"\n"B"\n"C"\n"t"\n' \
    >"$W/irv.blt"
for f in "$G" "$D/2015_portland_mayor/2015_portland_mayor_config.json" \
    "$W/irv.blt"; do
	[ -f "$f" ] || continue
	case $f in *.json) m= ;; *) m="-m irv" ;; esac
	# shellcheck disable=SC2086
	want=$("$TB" canon $m --profile effective "$f" | sha256sum |
	    cut -c1-64)
	"$TB" raire -o "$W/p.json" "$f" 2>/dev/null
	# a solution only for the small ones (Portland's takes minutes)
	cp "$W/p.json" "$W/s.json"
	case $f in *portland*) ;; *)
		"$TB" raire --assertions -o "$W/s.json" "$f" 2>/dev/null ;;
	esac
	if [ -n "$want" ] && [ "$(sha_of "$W/p.json")" = "$want" ] &&
	    [ "$(sha_of "$W/s.json")" = "$want" ]; then
		ok
	else
		bad "raire $f: profile_sha256 $(sha_of "$W/p.json"), want $want"
	fi
done
c=minneapolis_multi_seat_threshold
"$TB" raire "$D/$c/${c}_config.json" >/dev/null 2>"$W/m.err"
rc=$?
if [ $rc -eq 1 ] && grep -q 'not a single-winner IRV' "$W/m.err"; then
	ok
else
	bad "raire of a multi-winner config: exit $rc $(cat "$W/m.err")"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
