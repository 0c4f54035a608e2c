#!/bin/sh
# suite_bigfile.sh -- big inputs through the teller command: a ~30 MB BLT
# and a ~30 MB CSV (generated in $TMPDIR) counted with --threads 1 and 2
# give the same JSON and text byte for byte, the same as the input read
# from a pipe; the recorded sha256 is the file's; `teller profile` agrees
# across thread counts; and peak RSS stays below half the file's size
# (the input is mapped and its pages dropped as it is hashed and read),
# over that of a tiny input (so sanitizer builds, whose shadow memory
# costs megabytes, are measured fairly).
# Run from the repo root with B = build dir.
B=${B:-build}
T=${B}/teller
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

if [ ! -x "$T" ]; then
	echo "FAIL: $T not built"
	echo "0 passed, 1 failed"
	exit 1
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/teller-big.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM

# peak RSS in kB of a command (its output discarded): GNU time if there,
# else bench/runner.c built here
peak_kb() {
	if [ -x /usr/bin/time ] &&
	    /usr/bin/time -f %M true >/dev/null 2>&1; then
		/usr/bin/time -o "$dir/time" -f %M "$@" >/dev/null 2>&1 ||
		    return 1
		tail -n 1 "$dir/time"
		return 0
	fi
	if [ ! -x "$dir/runner" ]; then
		${CC:-cc} -O2 -o "$dir/runner" bench/runner.c || return 1
	fi
	"$dir/runner" 1 "$@" 2>/dev/null |
	    sed -n 's/.*peak_kb=\([0-9]*\).*/\1/p'
}

# ~30 MB of ballots over 9 candidates, each one of 2000 rankings drawn
# at the start: a small profile (memory must follow it, not the file)
awk 'BEGIN {
	srand(20261128);
	for (r = 0; r < 2000; r++) {
		k = 1 + int(rand() * 9);
		for (i = 1; i <= 9; i++) p[i] = i;
		l = "";
		for (i = 1; i <= k; i++) {
			j = i + int(rand() * (10 - i));
			t = p[i]; p[i] = p[j]; p[j] = t;
			l = l " " p[i];
			c[r, i] = p[i];
		}
		blt[r] = l;
		len[r] = k;
	}
	print "9 3" >"'"$dir/big.blt"'";
	print "rank1,rank2,rank3,rank4,rank5,rank6,rank7,rank8,rank9" \
	    >"'"$dir/big.csv"'";
	n = m = 0;
	while (n < 30000000 || m < 30000000) {
		r = int(rand() * 2000);
		if (n < 30000000) {
			l = "1" blt[r] " 0";
			print l >"'"$dir/big.blt"'";
			n += length(l) + 1;
		}
		if (m < 30000000) {
			l = "";
			for (i = 1; i <= 9; i++)
				l = l (i > 1 ? "," : "") \
				    (i <= len[r] ? "Candidate " c[r, i] : "");
			print l >"'"$dir/big.csv"'";
			m += length(l) + 1;
		}
	}
	print "0" >"'"$dir/big.blt"'";
	for (i = 1; i <= 9; i++)
		print "\"Candidate " i "\"" >"'"$dir/big.blt"'";
	print "\"Big ward\"" >"'"$dir/big.blt"'";
}'

printf '3 1\n1 1 2 0\n1 2 0\n0\n"A"\n"B"\n"C"\n"T"\n' >"$dir/tiny.blt"
base=$(peak_kb "$T" count -r none "$dir/tiny.blt")
if [ -n "$base" ]; then ok; echo "tiny input: peak RSS $base kB"
else bad "could not measure peak RSS"; base=0; fi

for f in big.blt big.csv; do
	in=$dir/$f
	size=$(wc -c <"$in")
	if [ "$size" -ge 29000000 ]; then ok
	else bad "$f: generated only $size bytes"; fi
	for j in 1 2; do
		if "$T" count -m stv-scottish -s 3 -j $j \
		    --json "$dir/$f.$j.json" "$in" >"$dir/$f.$j.txt" \
		    2>"$dir/err"; then ok
		else bad "$f --threads $j: exit $? $(head -n 3 "$dir/err")"; fi
	done
	if cmp -s "$dir/$f.1.json" "$dir/$f.2.json"; then ok
	else bad "$f: JSON differs between --threads 1 and 2"; fi
	if cmp -s "$dir/$f.1.txt" "$dir/$f.2.txt" &&
	    [ -s "$dir/$f.1.txt" ]; then ok
	else bad "$f: text differs between --threads 1 and 2 (or empty)"; fi
	# the default (one thread per CPU) and a pipe (read whole) agree
	"$T" count -m stv-scottish -s 3 "$in" >"$dir/$f.0.txt" 2>/dev/null
	if cmp -s "$dir/$f.1.txt" "$dir/$f.0.txt"; then ok
	else bad "$f: text differs with the default --threads"; fi
	cat "$in" | "$T" count -m stv-scottish -s 3 -j 2 - \
	    >"$dir/$f.pipe.txt" 2>/dev/null
	if cmp -s "$dir/$f.1.txt" "$dir/$f.pipe.txt"; then ok
	else bad "$f: text differs when read from a pipe"; fi
	# the hash taken 4 MiB at a time is the file's
	if command -v sha256sum >/dev/null 2>&1; then
		want=$(sha256sum "$in" | cut -c1-64)
		if grep -q "\"sha256\": *\"$want\"" "$dir/$f.1.json"; then ok
		else bad "$f: JSON lacks the file's sha256 $want"; fi
	fi
	for j in 1 2; do
		"$T" profile -j $j -o "$dir/$f.$j.tp" "$in" 2>/dev/null ||
		    bad "$f: teller profile -j $j failed"
	done
	if cmp -s "$dir/$f.1.tp" "$dir/$f.2.tp" && [ -s "$dir/$f.1.tp" ]; then
		ok
	else bad "$f: teller profile differs between -j 1 and -j 2"; fi
	for j in 1 2; do
		kb=$(peak_kb "$T" count -m stv-scottish -s 3 -j $j -r none \
		    "$in")
		if [ -z "$kb" ]; then
			bad "$f -j $j: could not measure peak RSS"
		elif [ $(((kb - base) * 1024)) -lt $((size / 2)) ]; then
			ok
			echo "$f ($size bytes) count -j $j: peak RSS $kb kB"
		else
			bad "$f -j $j: peak RSS $kb kB (tiny input $base" \
			    "kB), not below half of $size bytes"
		fi
	done
	kb=$(peak_kb "$T" profile -o /dev/null "$in")
	if [ -n "$kb" ] && [ $(((kb - base) * 1024)) -lt $((size / 2)) ]; then
		ok
		echo "$f ($size bytes) profile: peak RSS $kb kB"
	else bad "$f: teller profile peak RSS ${kb:-?} kB (tiny input" \
	    "$base kB), not below half of $size bytes"; fi
done
echo "$pass passed, $fail failed"
