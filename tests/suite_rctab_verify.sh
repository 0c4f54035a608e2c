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

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
