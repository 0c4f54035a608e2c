#!/bin/sh
# suite_cert.sh -- count certificates (audit.md 5, 9): teller count
# --certificate and teller-check PROFILE CERT accept every Scottish ward
# in $SHARED/data/scot/blt (stv-scottish; every 7th under stv-wigm and
# under stv-ers97 and stv-meek, every 10th as IRV), the published UK FPTP, block and SV results, ties
# settled by an earlier stage and by lot; and teller-check exits 5 on
# each mutation
# (tests/cert_mutate.py), 1 on an unreadable certificate; teller trace
# --pattern | --ranking follows one pattern through a count. Run from
# the repository root with B set (CK: another teller-check to run).
B=${B:-build}
SHARED=${SHARED:-../shared}
T=$B/teller
C=${CK:-$B/teller-check}
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# certify FILE NAME [METHOD [SEATS]]: count with a certificate, write the
# profile
certify() {
	m=${3:-stv-scottish}
	s=
	[ "$m" = irv ] && s="-s 1"
	[ -n "$4" ] && s="-s $4"
	"$T" count -m "$m" $s -r none --no-manifest \
	    --certificate "$tmp/$2.cert" "$1" 2>"$tmp/err" &&
	"$T" canon -m "$m" $s --profile effective "$1" \
	    >"$tmp/$2.prof" 2>>"$tmp/err"
}

# expect STATUS NAME CERT: teller-check's exit status
expect() {
	"$C" "$tmp/$2.prof" "$3" >/dev/null 2>"$tmp/check.err"
	st=$?
	if [ "$st" = "$1" ]; then ok; else
		bad "teller-check $2 $3: exit $st, want $1"
		head -2 "$tmp/check.err"
	fi
}

# mutate KIND NAME: the mutated certificate is refused with exit 5
mutate() {
	if /usr/bin/python3 tests/cert_mutate.py "$1" "$tmp/$2.cert" \
	    "$tmp/$2.$1"; then
		expect 5 "$2" "$tmp/$2.$1"
	else
		bad "cert_mutate.py $1: no place for it in $2"
	fi
}

# -- small counts with ties: earlier stage (51(2)(a)) and lot (51(2)(b))
cat >"$tmp/earlier.blt" <<'BLT'
4 1
3 1 0
2 2 0
5 3 0
1 4 2 0
0
"Ann"
"Bob"
"Cat"
"Dan"
"Earlier"
BLT
cat >"$tmp/lot.blt" <<'BLT'
3 1
2 1 0
2 2 0
3 3 0
0
"Ann"
"Bob"
"Cat"
"Lot"
BLT
for n in earlier lot; do
	if certify "$tmp/$n.blt" "$n"; then ok; else bad "count $n"; fi
	expect 0 "$n" "$tmp/$n.cert"
done
if grep -q '"rule":"51(2)(a)","tie":\["Ann","Bob"\]}' "$tmp/earlier.cert"
then ok; else bad "earlier: no 51(2)(a) tie"; fi
if grep -q '"rule":"51(2)(b)","tie":\["Ann","Bob"\],"lot":1' \
    "$tmp/lot.cert"; then ok; else bad "lot: no 51(2)(b) lot"; fi
mutate missing-lot lot
mutate wrong-exclusion earlier

# -- two elected together on equal votes (rule 47): ordered by the
# earlier stage (A had more at stage 1), or by lot
printf '4 2\n6 1 0\n5 2 0\n1 3 1 0\n2 3 2 0\n4 4 0\n0\n"A"\n"B"\n"C"\n"D"\n'\
'"E47"\n' >"$tmp/e47.blt"
printf '5 2\n4 4 2 5 1 3 0\n3 1 0\n4 3 4 5 0\n0\n"A"\n"B"\n"C"\n"D"\n"E"\n'\
'"L47"\n' >"$tmp/l47.blt"
for n in e47 l47; do
	if certify "$tmp/$n.blt" "$n"; then ok; else bad "count $n"; fi
	expect 0 "$n" "$tmp/$n.cert"
done
if grep -q '"elected":\[{"cand":"A","rule":"47","tie":\["A","B"\]},'\
'{"cand":"B","rule":"47"}\]' "$tmp/e47.cert" &&
    grep -q '"rule":"47","tie":\["C","D"\],"lot":1}' "$tmp/l47.cert"
then ok; else bad "rule 47: equal votes, the order cited"; fi
mutate elected-order e47
for k in missing-lot lot-number; do mutate "$k" l47; done
# one candidate's tally twice, another's left out
sed '2s/"Bob":"2.00000"/"Ann":"2.00000"/' "$tmp/lot.cert" >"$tmp/lot.dup"
if cmp -s "$tmp/lot.cert" "$tmp/lot.dup"; then bad "sed: no tally changed"
else expect 5 lot "$tmp/lot.dup"; fi

# -- IRV: ties by lot (PER r.49(3)), by the first stage that separates
# them (r.49(2)), two left and equal (r.49A); a real contest
printf '2 1\n2 1 0\n2 2 0\n0\n"Ann"\n"Bob"\n"Two"\n' >"$tmp/two.blt"
for n in lot earlier two; do
	if certify "$tmp/$n.blt" "irv-$n" irv; then ok; else bad "irv $n"; fi
	expect 0 "irv-$n" "$tmp/irv-$n.cert"
done
if grep -q '"rule":"49(3)","tie":\["Ann","Bob"\],"lot":1' \
    "$tmp/irv-lot.cert" && grep -q '"rule":"49(2)","tie":\["Ann","Bob"\]}' \
    "$tmp/irv-earlier.cert" && grep -q '"rule":"49A"' "$tmp/irv-two.cert"
then ok; else bad "irv: the rules cited for ties"; fi
th=examples/tower-hamlets-2014/ballots.csv
if certify "$th" irv-th irv; then ok; else bad "irv $th"; fi
expect 0 irv-th "$tmp/irv-th.cert"
for k in wrong-exclusion wrong-holder missing-move tally wrong-elected \
    truncate; do
	mutate "$k" irv-th
done
mutate missing-lot irv-lot

# -- trace --pattern | --ranking (audit.md 6): the lot file's excluded
# pattern, then the Tower Hamlets papers ranking BIGGS then WILFORD
"$T" trace --ranking 'Ann' "$tmp/lot.blt" >"$tmp/trace.txt" 2>&1
if grep -q '^pattern 0: Ann (2 papers)$' "$tmp/trace.txt" &&
    grep -q '^stage 1: counted for Ann, value 2, transfer value 1$' \
    "$tmp/trace.txt" && grep -q '^stage 2: non-transferable: no further '\
'preference, value 2, transfer value 1$' "$tmp/trace.txt"; then ok
else bad "trace --ranking Ann"; cat "$tmp/trace.txt"; fi
"$T" trace --pattern 0 --format json "$th" >"$tmp/trace.json" 2>&1
if /usr/bin/python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))
assert t["ranking"] == ["John BIGGS", "Christopher WILFORD"], t
assert t["papers"] == "1000"
assert t["rows"][0] == {"stage": 1, "event": "counted for",
    "holder": "John BIGGS", "value": "1000", "transfer_value": "1"}
assert all(r["holder"] == "John BIGGS" for r in t["rows"])
' "$tmp/trace.json"; then ok; else bad "trace --format json"; fi
if "$T" trace --ranking 'Bob>Ann' "$tmp/lot.blt" >/dev/null 2>&1; [ $? = 1 ]
then ok; else bad "trace of a ranking nobody cast: exit 1"; fi
if "$T" trace -m block --pattern 0 "$tmp/lot.blt" >/dev/null 2>&1; [ $? = 2 ]
then ok; else bad "trace -m block: exit 2"; fi
if "$T" trace "$tmp/lot.blt" >/dev/null 2>&1; [ $? = 2 ]
then ok; else bad "trace without --pattern or --ranking: exit 2"; fi
if "$T" trace -m stv-scottish --pattern 0 "$tmp/earlier.blt" \
    >"$tmp/trace.txt" 2>&1 &&
    grep -q '^pattern 0: Dan > Bob (1 paper)$' "$tmp/trace.txt" &&
    grep -q '^stage 2: transferred to Bob, value 1.00000, transfer value '\
'1.00000$' "$tmp/trace.txt"; then ok; else bad "trace -m stv-scottish"; fi

# -- the certificate is an output: a sidecar and a manifest entry
if "$T" count -m stv-scottish -r none --certificate "$tmp/out.cert" \
    --json "$tmp/out.json" "$tmp/lot.blt" 2>/dev/null &&
    [ -f "$tmp/out.cert.sha256" ] &&
    grep -q '"path": "out.cert", "writer": "certificate"' \
    "$tmp/manifest.json"; then ok; else bad "certificate not in manifest"
fi
# -- teller verify re-renders the certificate; a changed byte fails it
if "$T" verify "$tmp/manifest.json" >/dev/null 2>&1; then ok
else bad "verify of a count with a certificate"; fi
printf 'x\n' >>"$tmp/out.cert"
"$T" verify "$tmp/manifest.json" >"$tmp/verify.out" 2>&1
if [ $? = 5 ] && grep -q 'output:out.cert .* changed' "$tmp/verify.out"
then ok; else bad "verify of a changed certificate"; fi
# -- a sectioned input (methods.md 4.3, audit.md 4.3): the certificate
# names the effective profile hash the manifest records, sections and
# all; teller-check pools the sections (A>B is in both) as the count did
printf '# candidate: A\n# candidate: B\n# candidate: C\n# section: m | 1\n'\
'# section: n | 2\nsection,1,2\nm,A,B\nn,B,A\nm,A,B\nn,C,A\nm,C,\nn,A,B\n'\
'n,C,B\n' >"$tmp/sect.csv"
for m in irv stv-scottish; do
	s=
	[ "$m" = stv-scottish ] && s=2
	mkdir "$tmp/sect-$m"
	"$T" count -m "$m" ${s:+-s $s} -r none --json "$tmp/sect-$m/r.json" \
	    --certificate "$tmp/sect-$m.cert" "$tmp/sect.csv" >/dev/null \
	    2>"$tmp/err" &&
	"$T" canon -m "$m" ${s:+-s $s} --profile effective "$tmp/sect.csv" \
	    >"$tmp/sect-$m.prof" 2>>"$tmp/err"
	h=$(sha256sum <"$tmp/sect-$m.prof" | cut -c1-64)
	if grep -q '^s	' "$tmp/sect-$m.prof" &&
	    grep -q "\"profile_sha256\":\"$h\"" "$tmp/sect-$m.cert" &&
	    grep -q "\"sha256_effective\": \"$h\"" \
	    "$tmp/sect-$m/manifest.json"; then ok
	else bad "$m: a sectioned certificate's profile_sha256"; fi
	expect 0 "sect-$m" "$tmp/sect-$m.cert"
done
# one paper in another section: another profile (exit 5)
sed 's/^n,C,B$/m,C,B/' "$tmp/sect.csv" >"$tmp/sect2.csv"
"$T" canon -m irv --profile effective "$tmp/sect2.csv" \
    >"$tmp/sect-moved.prof" 2>/dev/null
expect 5 sect-moved "$tmp/sect-irv.cert"

# -- FILE.gz (audit.md 5): written compressed, the same text; checked by
# name or by its magic; verify re-renders it; a truncated or corrupt
# stream is unreadable (exit 1, the reason named)
mkdir "$tmp/gz"
if "$T" count -m stv-scottish -r none --certificate "$tmp/gz/c.cert.gz" \
    --json "$tmp/gz/r.json" "$tmp/lot.blt" >/dev/null 2>&1 &&
    gzip -dc "$tmp/gz/c.cert.gz" | cmp -s - "$tmp/lot.cert"; then ok
else bad "--certificate FILE.gz: not the certificate, gzipped"; fi
expect 0 lot "$tmp/gz/c.cert.gz"
cp "$tmp/gz/c.cert.gz" "$tmp/gz/c.bin"
expect 0 lot "$tmp/gz/c.bin"
if "$T" verify "$tmp/gz/manifest.json" >/dev/null 2>&1; then ok
else bad "verify of a count with a .gz certificate"; fi
n=$(wc -c <"$tmp/gz/c.cert.gz")
head -c $((n - 4)) "$tmp/gz/c.cert.gz" >"$tmp/gz/trunc.gz"
expect 1 lot "$tmp/gz/trunc.gz"
if grep -q 'cannot read: the gzip stream is truncated' "$tmp/check.err"
then ok; else bad "truncated gzip: no reason given"; fi
cp "$tmp/gz/c.cert.gz" "$tmp/gz/bad.gz"
printf 'XX' | dd of="$tmp/gz/bad.gz" bs=1 seek=$((n - 6)) conv=notrunc \
    2>/dev/null
expect 1 lot "$tmp/gz/bad.gz"
if grep -q 'cannot read' "$tmp/check.err"; then ok
else bad "corrupt gzip: no reason given"; fi

# -- FPTP and block (LEPAR 2006 Sch.2 rr.46, 49): a lot at the boundary,
# two lots for two seats, equal totals filling the seats exactly (in
# ballot-paper order, B before A)
printf '3 1\n2 1 0\n2 2 0\n1 3 0\n0\n"Ann"\n"Bob"\n"Cat"\n"F"\n' \
    >"$tmp/ft.blt"
printf '4 3\n5 1 0\n2 2 0\n2 3 0\n2 4 0\n0\n"A"\n"B"\n"C"\n"D"\n"Bk"\n' \
    >"$tmp/bt.blt"
printf '4 2\n1 1 2 0\n1 1 3 0\n1 2 4 0\n0\n"B"\n"A"\n"C"\n"D"\n"E"\n' \
    >"$tmp/be.blt"
if certify "$tmp/ft.blt" ft fptp && certify "$tmp/bt.blt" bt block 3 &&
    certify "$tmp/be.blt" be block 2; then ok; else bad "fptp/block count"
fi
for n in ft bt be; do expect 0 "$n" "$tmp/$n.cert"; done
if grep -q '"why":{"rule":"49","tie":\["Ann","Bob"\]}' "$tmp/ft.cert" &&
    grep -q '"rule":"49","tie":\["B","C","D"\],"lot":1},{"cand":"[BD]",'\
'"rule":"49","tie":\["[BCD]","[BCD]"\],"lot":2}' "$tmp/bt.cert" &&
    grep -q '"elected":\[{"cand":"B","rule":"46"},{"cand":"A","rule":"46"}'\
'\]' "$tmp/be.cert"; then ok; else bad "fptp/block: the rules cited"; fi
for k in missing-lot lot-number tally1 tally rule wrong-elected; do
	mutate "$k" bt
done
for k in elected-order rule; do mutate "$k" be; done
mutate missing-lot ft

# -- SV (LGA 2000 Sch.2): all tied for second remain (para 3(3)), all
# tied for first, a lot for the winner (para 3(8)), a majority at stage 1
# (para 2), two candidates equal (MER 2007 Sch.1 r.51(5))
printf '4 1\n5 1 0\n3 2 0\n3 3 0\n1 4 2 0\n0\n"A"\n"B"\n"C"\n"D"\n"S"\n' \
    >"$tmp/s3.blt"
printf '4 1\n3 1 0\n3 2 0\n3 3 0\n1 4 3 0\n0\n"A"\n"B"\n"C"\n"D"\n"S"\n' \
    >"$tmp/s4.blt"
printf '3 1\n4 1 0\n3 2 0\n1 3 2 0\n0\n"A"\n"B"\n"C"\n"S"\n' >"$tmp/s5.blt"
printf '3 1\n5 1 0\n3 2 0\n1 3 2 0\n0\n"A"\n"B"\n"C"\n"S"\n' >"$tmp/s6.blt"
printf '2 1\n3 1 0\n3 2 1 0\n0\n"A"\n"B"\n"S"\n' >"$tmp/s7.blt"
for n in s3 s4 s5 s6 s7; do
	if certify "$tmp/$n.blt" "$n" sv; then ok; else bad "sv count $n"; fi
	expect 0 "$n" "$tmp/$n.cert"
done
if grep -q '"why":{"rule":"para 3(3)","remaining":\["A","B","C"\],'\
'"tie":\["B","C"\]}' "$tmp/s3.cert" && grep -q '"rule":"para 3(3)",'\
'"remaining":\["A","B","C"\],"tie":\["A","B","C"\]}' "$tmp/s4.cert" &&
    grep -q '"rule":"para 3(8)","tie":\["A","B"\],"lot":1' "$tmp/s5.cert" &&
    grep -q '"rule":"para 2"' "$tmp/s6.cert" &&
    grep -q '"rule":"r.51(5)","tie":\["A","B"\],"lot":1' "$tmp/s7.cert"
then ok; else bad "sv: the rules cited"; fi
for k in rule remaining remaining-other; do mutate "$k" s3; done
for k in lot-number missing-lot; do mutate "$k" s5; done
mutate wrong-elected s6
mutate tally1 s7
if certify "$th" sv-th sv; then ok; else bad "sv $th"; fi
expect 0 sv-th "$tmp/sv-th.cert"
for k in wrong-holder missing-move reason tally nt rule wrong-elected \
    truncate; do
	mutate "$k" sv-th
done

# -- the published UK results: FPTP and block contests, SV stage cases
mkdir "$tmp/uk"
if [ -d "$SHARED/data/uk" ] &&
    /usr/bin/python3 tests/cert_ukblt.py "$SHARED/data/uk" "$tmp/uk"; then
	n=0
	nbad=0
	for f in "$tmp"/uk/*.blt; do
		m=$(basename "$f" .blt)
		s=${m##*.}
		m=${m%.*}
		m=${m##*.}
		n=$((n + 1))
		if certify "$f" uk "$m" "$s" && "$C" "$tmp/uk.prof" \
		    "$tmp/uk.cert" 2>"$tmp/check.err"; then :; else
			nbad=$((nbad + 1))
			echo "FAIL: $m $f"
			head -2 "$tmp/err" "$tmp/check.err"
		fi
	done
	if [ "$n" -ge 10 ] && [ "$nbad" = 0 ]; then ok; else
		bad "$nbad of $n UK contests"; fi
else
	echo "SKIP: $SHARED/data/uk not found"
fi

# -- other methods refuse, and leave no file
if "$T" count -m borda -r none --no-manifest --certificate "$tmp/irv.cert" \
    "$tmp/lot.blt" 2>/dev/null; then bad "borda --certificate accepted"
elif [ -f "$tmp/irv.cert" ]; then bad "fptp left a certificate"
else ok; fi
# stv-wigm writes none with Droop's [tie] order, which the certificate
# cannot carry
printf '3 1\n[tie 3 2 1]\n3 1 0\n2 2 1 0\n2 3 2 0\n0\n"A"\n"B"\n"C"\n"T"\n' \
    >"$tmp/tie.blt"
"$T" count -m stv-wigm -r none --no-manifest --certificate "$tmp/x.cert" \
    "$tmp/tie.blt" >/dev/null 2>&1
st=$?
if [ "$st" = 2 ] && [ ! -f "$tmp/x.cert" ]; then ok; else
	bad "stv-wigm --certificate tie.blt: exit $st, want 2 and no file"; fi
# nor stv-meek, nor with equal rankings
printf '3 1\n3 1=2 0\n2 3 0\n0\n"A"\n"B"\n"C"\n"EQ"\n' >"$tmp/eq.blt"
for f in tie eq; do
	"$T" count -m stv-meek -r none --no-manifest --certificate \
	    "$tmp/x.cert" "$tmp/$f.blt" >/dev/null 2>&1
	st=$?
	if [ "$st" = 2 ] && [ ! -f "$tmp/x.cert" ]; then ok; else
		bad "stv-meek --certificate $f.blt: exit $st, want 2"; fi
done

# -- stv-ers97 (ERS97 as OpenSTV counts it, docs/stv.md 3): the first
# exclusion's tie by lot, sure losers excluded together (5.2.5)
printf '4 1\n9 1 0\n8 2 0\n1 3 1 0\n1 4 2 0\n0\n"A"\n"B"\n"C"\n"D"\n"SL"\n' \
    >"$tmp/sl.blt"
for n in lot sl; do
	if certify "$tmp/$n.blt" "ers-$n" stv-ers97; then ok
	else bad "ers97 count $n"; fi
	expect 0 "ers-$n" "$tmp/ers-$n.cert"
done
if grep -q '"why":{"rule":"5.2.5","excluded":\["Ann"\],"tie":\["Ann","Bob"\],'\
'"lot":1}' "$tmp/ers-lot.cert" && grep -q '"why":{"rule":"5.2.5",'\
'"excluded":\["C","D"\]}' "$tmp/ers-sl.cert"; then ok
else bad "ers97: the rules cited"; fi
for k in missing-lot lot-number; do mutate "$k" ers-lot; done
mutate excluded ers-sl
# teller trace follows a pattern through an ers97 count (its certificate)
"$T" trace -m stv-ers97 --pattern 0 "$tmp/sl.blt" >"$tmp/trace.txt" 2>&1
if grep -q '^stage 2: transferred to A, value 1.00, transfer value 1.00$' \
    "$tmp/trace.txt"; then ok; else bad "trace -m stv-ers97"; fi
# -- unreadable: exit 1; usage: exit 2
printf 'not json\n' >"$tmp/junk.cert"
expect 1 lot "$tmp/junk.cert"
expect 1 lot "$tmp/absent.cert"
if "$C" "$tmp/lot.prof" >/dev/null 2>&1; [ $? = 2 ]; then ok
else bad "usage: exit 2"; fi
# -- another profile: exit 5
expect 5 lot "$tmp/earlier.cert"

# every N: every Nth line of the input, and every TEST_STRIDE-th of those
# (tests/run.sh: the sanitizer build samples the wards)
stride=${TEST_STRIDE:-1}
every() { awk -v n=$(($1 * stride)) 'NR % n == 0'; }
[ "$stride" = 1 ] || echo "SKIP: TEST_STRIDE=$stride: only every ${stride}th of each ward list"

dir=$SHARED/data/scot/blt
if [ ! -d "$dir" ]; then
	echo "SKIP: $dir not found (the Scottish wards)"
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
	exit
fi

# -- mutations of one real ward
ward=$(find "$dir" -name '*.blt' | sort | head -1)
if certify "$ward" ward; then ok; else bad "count $ward"; fi
for k in wrong-exclusion wrong-value wrong-holder missing-move tally nt \
    order truncate; do
	mutate "$k" ward
done

# -- every ward, in one loop
start=$(date +%s)
n=0
nbad=0
for f in $(find "$dir" -name '*.blt' | sort | every 1); do
	n=$((n + 1))
	if certify "$f" w && "$C" "$tmp/w.prof" "$tmp/w.cert" \
	    2>"$tmp/check.err"; then :; else
		nbad=$((nbad + 1))
		echo "FAIL: $f"
		head -2 "$tmp/err" "$tmp/check.err"
	fi
done
echo "certified and checked $n wards in $(($(date +%s) - start)) s"
if [ "$n" -gt 0 ] && [ "$nbad" = 0 ]; then ok; else
	bad "$nbad of $n wards"; fi

# -- stv-wigm (docs/stv.md 3: Droop's wigm, guarded 27-digit values shown
# at 9 places): a tie by ballot order, mutations of a real ward, and
# every 7th ward
if certify "$tmp/lot.blt" wigm-lot stv-wigm; then ok; else bad "wigm lot"; fi
expect 0 wigm-lot "$tmp/wigm-lot.cert"
if grep -q '"why":{"rule":"ballot order","tie":\["Ann","Bob"\]}' \
    "$tmp/wigm-lot.cert"; then ok; else bad "wigm: the tie cited"; fi
if certify "$ward" wigm stv-wigm; then ok; else bad "wigm $ward"; fi
for k in wrong-subject wrong-value wrong-holder missing-move tally nt \
    wrong-elected elected-order truncate; do
	mutate "$k" wigm
done
n=0
nbad=0
for f in $(find "$dir" -name '*.blt' | sort | every 7); do
	n=$((n + 1))
	if certify "$f" w stv-wigm && "$C" "$tmp/w.prof" "$tmp/w.cert" \
	    2>"$tmp/check.err"; then :; else
		nbad=$((nbad + 1))
		echo "FAIL: stv-wigm $f"
		head -2 "$tmp/err" "$tmp/check.err"
	fi
done
echo "certified and checked $n wards under stv-wigm"
if [ "$n" -gt 0 ] && [ "$nbad" = 0 ]; then ok; else
	bad "$nbad of $n wards"; fi

# -- stv-ers97: mutations of real wards (a surplus with a new value, one
# whose papers keep theirs, sub-stages), and every 7th ward
ERS_WARDS=10_cands/aberdeen_2017_ward12.blt
for f in $ERS_WARDS; do
	[ -f "$dir/$f" ] || continue
	n=$(basename "$f" .blt)
	if certify "$dir/$f" "ers-$n" stv-ers97; then ok
	else bad "ers97 $f"; fi
	expect 0 "ers-$n" "$tmp/ers-$n.cert"
done
n=ers-$(basename "${ERS_WARDS%% *}" .blt)
for k in wrong-subject wrong-value wrong-holder missing-move tally nt \
    wrong-elected tv excluded substage truncate; do
	mutate "$k" "$n"
done
n=0
nbad=0
for f in $(find "$dir" -name '*.blt' | sort | every 7); do
	n=$((n + 1))
	if certify "$f" w stv-ers97 && "$C" "$tmp/w.prof" "$tmp/w.cert" \
	    2>"$tmp/check.err"; then :; else
		nbad=$((nbad + 1))
		echo "FAIL: stv-ers97 $f"
		head -2 "$tmp/err" "$tmp/check.err"
	fi
done
echo "certified and checked $n wards under stv-ers97"
if [ "$n" -gt 0 ] && [ "$nbad" = 0 ]; then ok; else
	bad "$nbad of $n wards"; fi

# -- stv-meek (docs/stv.md 3: Droop's meek, keep factors per stage, the
# iterations replayed): a lowest defeated among equals (omega, ballot
# order), a redistribution after the last defeat, mutations of a real
# ward, and every 7th ward
printf '3 1\n4 1 0\n3 2 0\n3 3 0\n0\n"A"\n"B"\n"C"\n"MT"\n' >"$tmp/mt.blt"
printf '4 2\n4 1 0\n3 2 0\n3 3 0\n1 4 1 0\n0\n"A"\n"B"\n"C"\n"D"\n"MF"\n' \
    >"$tmp/mf.blt"
for n in mt mf; do
	if certify "$tmp/$n.blt" "meek-$n" stv-meek; then ok
	else bad "meek count $n"; fi
	expect 0 "meek-$n" "$tmp/meek-$n.cert"
done
if grep -q '"why":{"rule":"omega","tie":\["B","C"\]}' "$tmp/meek-mt.cert" &&
    grep -q '"kind":"final".*"elected":\[{"cand":"C","rule":"rest"}\]' \
    "$tmp/meek-mf.cert" &&
    grep -q '"iterations":21,' "$tmp/meek-mf.cert"; then ok
else bad "meek: the tie, final stage or iterations"; fi
for k in iterations keep; do mutate "$k" meek-mf; done
# no trace: keep factors share each paper among its candidates
if "$T" trace -m stv-meek --pattern 0 "$tmp/mf.blt" >/dev/null 2>&1
[ $? = 2 ]; then ok; else bad "trace -m stv-meek: exit 2"; fi
for k in stop-rule wrong-subject; do mutate "$k" meek-mt; done
if certify "$ward" meek stv-meek; then ok; else bad "meek $ward"; fi
for k in wrong-subject excluded stop-rule keep iterations tally tally1 nt \
    wrong-elected truncate; do
	mutate "$k" meek
done
n=0
nbad=0
for f in $(find "$dir" -name '*.blt' | sort | every 7); do
	n=$((n + 1))
	if certify "$f" w stv-meek && "$C" "$tmp/w.prof" "$tmp/w.cert" \
	    2>"$tmp/check.err"; then :; else
		nbad=$((nbad + 1))
		echo "FAIL: stv-meek $f"
		head -2 "$tmp/err" "$tmp/check.err"
	fi
done
echo "certified and checked $n wards under stv-meek"
if [ "$n" -gt 0 ] && [ "$nbad" = 0 ]; then ok; else
	bad "$nbad of $n wards"; fi

# -- every 10th ward as one IRV seat
n=0
nbad=0
for f in $(find "$dir" -name '*.blt' | sort | every 10); do
	n=$((n + 1))
	if certify "$f" w irv && "$C" "$tmp/w.prof" "$tmp/w.cert" \
	    2>"$tmp/check.err"; then :; else
		nbad=$((nbad + 1))
		echo "FAIL: irv $f"
		head -2 "$tmp/err" "$tmp/check.err"
	fi
done
echo "certified and checked $n wards as IRV"
if [ "$n" -gt 0 ] && [ "$nbad" = 0 ]; then ok; else
	bad "$nbad of $n wards"; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
