#!/bin/sh
# suite_accept.sh -- odd but valid inputs (CRLF, BOM, comments, blank
# lines, no final newline, tabs, semicolons, quotes, weights, PrefLib
# variants, profile files) in tests/accept/ must read to exactly the
# expected profile: tests/accept/common-* (the same five ballots in many
# spellings) all to expected/common.tp, any other file X to expected/X.tp.
# Also `teller profile` over several inputs, `teller merge`, a candidate
# mismatch, and -- once `teller count -m irv` works -- that each counts.
# Run from the repository root with B set; ends "N passed, N failed".
B=${B:-build}
T=$B/teller
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

if [ ! -x "$T" ]; then
	echo "FAIL: $T is not built"
	echo "0 passed, 1 failed"
	exit 1
fi

# Can this build count yet? (irv is built by another engineer.)
can_count=0
if "$T" count -m irv tests/accept/common-plain.csv >/dev/null 2>&1; then
	can_count=1
else
	echo "SKIP: count -m irv does not work yet; checking reads only"
fi

for f in tests/accept/*; do
	[ -f "$f" ] || continue
	n=$(basename "$f")
	case $n in
	common-*) exp=tests/accept/expected/common.tp ;;
	*) exp=tests/accept/expected/$n.tp ;;
	esac
	if ! "$T" profile "$f" -o "$tmp/out.tp" 2>"$tmp/err"; then
		bad "$f: teller profile failed: $(head -n 1 "$tmp/err")"
		continue
	fi
	if [ ! -f "$exp" ]; then
		bad "$f: no expected profile $exp"
	elif cmp -s "$tmp/out.tp" "$exp"; then
		ok
	else
		bad "$f: profile differs from $exp"
		diff "$exp" "$tmp/out.tp" | head -n 10
	fi
	if [ "$can_count" = 1 ]; then
		if "$T" count -m irv -s 1 "$f" >/dev/null 2>"$tmp/err"; then
			ok
		else
			bad "$f: count -m irv failed: $(head -n 1 "$tmp/err")"
		fi
	fi
done

# several inputs of different formats into one profile, and merge
if "$T" profile tests/accept/common-plain.csv tests/accept/common-2022.toi \
    -o "$tmp/two.tp" 2>"$tmp/err" &&
    cmp -s "$tmp/two.tp" tests/accept/expected/common-x2.tp; then
	ok
else
	bad "profile of two inputs differs from expected/common-x2.tp"
fi
"$T" profile tests/accept/common-tabs.tsv -o "$tmp/a.tp" 2>/dev/null
"$T" profile tests/accept/common-old.toi -o "$tmp/b.tp" 2>/dev/null
if "$T" merge "$tmp/a.tp" "$tmp/b.tp" -o "$tmp/ab.tp" 2>"$tmp/err" &&
    cmp -s "$tmp/ab.tp" tests/accept/expected/common-x2.tp; then
	ok
else
	bad "merge of two parts differs from expected/common-x2.tp"
fi
# candidates must agree by name and order
if "$T" profile tests/accept/common-plain.csv tests/accept/csv-utf8-names.csv \
    -o "$tmp/x.tp" 2>"$tmp/err"; then
	bad "profile accepted inputs with different candidates"
elif grep -q '^teller: tests/accept/csv-utf8-names.csv: ' "$tmp/err" &&
    [ ! -f "$tmp/x.tp" ]; then
	ok
else
	bad "candidate mismatch: unexpected message: $(head -n 1 "$tmp/err")"
fi
# merge reads profile files only
if "$T" merge tests/accept/common-plain.csv -o "$tmp/y.tp" 2>"$tmp/err"; then
	bad "merge accepted a CSV file"
else
	ok
fi
# merge(split(ballots)) counts exactly as the whole: 3000 generated
# ballots over six candidates, split in three, each part made a profile,
# the parts merged; every method's report must be the same bytes.
awk 'BEGIN {
	srand(7); split("Ann Bob Cy Dee Eve Fay", c, " ");
	printf "# seats: 2\n# candidate: Ann\n# candidate: Bob\n";
	printf "# candidate: Cy\n# candidate: Dee\n# candidate: Eve\n";
	printf "# candidate: Fay\nrank1,rank2,rank3,rank4\n";
	for (i = 0; i < 3000; i++) {
		line = ""; n = 1 + int(rand() * 4);
		for (k = 1; k <= 6; k++) u[k] = 0;
		for (r = 1; r <= 4; r++) {
			x = "";
			if (r <= n) { do j = 1 + int(rand() * 6); while (u[j]);
				u[j] = 1; x = c[j] }
			line = line (r > 1 ? "," : "") x
		}
		print line
	}
}' >"$tmp/all.csv"
{ head -n 8 "$tmp/all.csv"; sed -n '9,1008p' "$tmp/all.csv"; } >"$tmp/p1.csv"
{ head -n 8 "$tmp/all.csv"; sed -n '1009,1508p' "$tmp/all.csv"; } >"$tmp/p2.csv"
{ head -n 8 "$tmp/all.csv"; sed -n '1509,$p' "$tmp/all.csv"; } >"$tmp/p3.csv"
for i in 1 2 3; do
	"$T" profile -f csv "$tmp/p$i.csv" -o "$tmp/p$i.tp" 2>/dev/null
done
"$T" merge "$tmp/p1.tp" "$tmp/p2.tp" "$tmp/p3.tp" -o "$tmp/m.tp" 2>/dev/null
"$T" profile -f csv "$tmp/all.csv" -o "$tmp/all.tp" 2>/dev/null
if [ -s "$tmp/all.tp" ] && cmp -s "$tmp/m.tp" "$tmp/all.tp"; then
	ok
else
	bad "merge(split) profile differs from the whole"
fi
if [ "$can_count" = 1 ]; then
	for m in fptp block sv irv stv-scottish stv-ers97 stv-wigm stv-meek; do
		# the file says several seats: a one-seat method is told so
		s=""
		case $m in fptp | sv | irv) s="-s 1" ;; esac
		"$T" count -m "$m" $s "$tmp/all.csv" >"$tmp/c1" 2>&1
		r1=$?
		"$T" count -m "$m" $s "$tmp/m.tp" >"$tmp/c2" 2>&1
		r2=$?
		if [ "$r1" -eq "$r2" ] && cmp -s "$tmp/c1" "$tmp/c2"; then
			ok
		else
			bad "count -m $m: merged parts ($r2) differ from the whole ($r1)"
			diff "$tmp/c1" "$tmp/c2" | head -n 6
		fi
	done
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
