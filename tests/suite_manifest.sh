#!/bin/sh
# suite_manifest.sh -- the manifest on every count and `teller verify`
# (audit.md 4.2, 4.6, 8.4, 8.5, 9): sidecars sha256sum accepts, verify
# passes untouched (from another folder, under another locale and time
# zone), outputs identical under any LC_ALL and TZ, canon's bytes hash to
# the manifest's values, and any single changed byte in an input, the
# manifest or an output, a missing input or a changed lot record fails
# with exit 5 naming the item.
T=$(cd "$(dirname "${B:-build}/teller")" && pwd)/teller
pass=0
fail=0
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect STATUS PATTERN CMD...: CMD exits STATUS and its output (stdout
# and stderr) matches the grep -E PATTERN.
expect() {
	want=$1
	pat=$2
	shift 2
	"$@" >"$d/log" 2>&1
	got=$?
	if [ "$got" -eq "$want" ] && grep -Eq -- "$pat" "$d/log"; then ok
	else
		bad "$* -> exit $got (want $want, /$pat/)"
		head -n 12 "$d/log"
	fi
}

mkdir -p "$d/in" "$d/out" "$d/elsewhere"
cat >"$d/in/ward.blt" <<'X'
4 2
3 1 2 0
2 2 1 3 0
2 3 4 0
1 4 3 1 0
2 1 0
1 2 0
0
"Ann"
"Bob"
"Cat"
"Dan"
"Ward 1"
X
o="$d/out"
run() {
	"$T" count -m stv-scottish --json "$o/result.json" --csv "$o/stages.csv" \
	    --html "$o/report.html" --stages "$o/sheet.txt" "$d/in/ward.blt" \
	    "$@" >/dev/null
}
if run; then ok; else bad "count with every output failed"; fi
for f in manifest.json result.json stages.csv report.html sheet.txt; do
	if [ -f "$o/$f.sha256" ] && (cd "$o" && sha256sum -c --quiet \
	    "$f.sha256"); then ok
	else bad "$f.sha256 missing or wrong"; fi
done
expect 0 '"teller_manifest": 1,' cat "$o/manifest.json"
expect 0 '"path": "\.\./in/ward\.blt", "role": "ballots", "format": "blt"' \
    cat "$o/manifest.json"
expect 0 '"date": null' cat "$o/manifest.json"
expect 0 '"rng": "rivest-sha256", "seed": "1"' cat "$o/manifest.json"
expect 0 '"writer": "html"' cat "$o/manifest.json"
# the result names its inputs as the manifest does
expect 0 '"path": "\.\./in/ward\.blt"' cat "$o/result.json"

# verify: untouched, from here, from another folder, another locale
expect 0 'verdict: ok' "$T" verify "$o/manifest.json"
expect 0 'output:report.html +[0-9a-f]{64}  [0-9a-f]{64}  ok' \
    "$T" verify "$o/manifest.json"
expect 0 'verdict: ok' sh -c "cd '$d/elsewhere' && '$T' verify ../out/manifest.json"
expect 0 'verdict: ok' sh -c "cd '$o' && LC_ALL=de_DE.UTF-8 \
    TZ=Pacific/Chatham '$T' verify manifest.json"
expect 0 '"verdict": "ok"' "$T" verify --json - "$o/manifest.json"
expect 0 '"teller_verify": 1' "$T" verify --json - "$o/manifest.json"

# outputs identical under any LC_ALL and TZ (audit.md 4.5)
mkdir -p "$d/o2"
cp "$o"/*.json "$o"/*.csv "$o"/*.html "$o"/*.txt "$d/o2/" 2>/dev/null
LC_ALL=de_DE.UTF-8 TZ=Pacific/Chatham run
for f in manifest.json result.json stages.csv report.html sheet.txt; do
	if cmp -s "$o/$f" "$d/o2/$f"; then ok
	else bad "$f differs under LC_ALL=de_DE.UTF-8 TZ=Pacific/Chatham"; fi
done

# teller canon writes the bytes the manifest's hashes are taken over
m=$(cat "$o/manifest.json")
for k in "--contest" "--profile marked" "--profile effective" "--rules"; do
	# shellcheck disable=SC2086
	h=$("$T" canon -m stv-scottish $k "$d/in/ward.blt" | sha256sum |
	    cut -c1-64)
	if echo "$m" | grep -q "$h"; then ok
	else bad "canon $k hashes to $h, not in the manifest"; fi
done

# ... also for papers the rules read otherwise than as marked (an
# overvote, a skipped rank, a repeat, a withdrawn candidate, a blank)
printf '4 1\n-4\n2 1=2 3 0\n1 2 - 3 0\n3 3 3 1 0\n1 4 2 0\n2 0\n1 2 0\n0\n'\
'"Ann"\n"Bob"\n"Cat"\n"Dan"\n"Odd"\n' >"$d/in/odd.blt"
for m in irv stv-scottish sv fptp; do
	"$T" count -m $m --manifest "$d/odd.json" -r none "$d/in/odd.blt"
	for k in marked effective; do
		h=$("$T" canon -m $m --profile $k "$d/in/odd.blt" | sha256sum |
		    cut -c1-64)
		if grep -q "\"sha256_$k\": \"$h\"" "$d/odd.json"; then ok
		else bad "$m: canon --profile $k is not the manifest's"; fi
	done
done
if grep -q "$(grep sha256_marked "$d/odd.json" | cut -d'"' -f4)" \
    "$d/odd.json" && [ "$(grep -c "$(grep sha256_marked "$d/odd.json" |
    cut -d'"' -f4)" "$d/odd.json")" = 1 ]; then ok
else bad "odd.blt: marked and effective hashes agree"; fi

# --date, SOURCE_DATE_EPOCH; --manifest, --no-manifest
expect 0 '"date": "2025-05-02"' sh -c "'$T' count --date 2025-05-02 \
    --json '$d/x.json' '$d/in/ward.blt' >/dev/null && cat '$d/manifest.json'"
expect 0 '"date": "1970-01-02"' sh -c "SOURCE_DATE_EPOCH=86400 '$T' count \
    --json '$d/x.json' '$d/in/ward.blt' >/dev/null && cat '$d/manifest.json'"
expect 2 "--date: '2025-13-01' is not a date" "$T" count --date 2025-13-01 \
    "$d/in/ward.blt"
rm -f "$d/manifest.json"*
expect 0 '' "$T" count --no-manifest --json "$d/x.json" "$d/in/ward.blt"
if [ ! -f "$d/manifest.json" ]; then ok; else bad "--no-manifest wrote one"; fi
expect 0 '' "$T" count --json - "$d/in/ward.blt"
if [ ! -f "$d/in/manifest.json" ] && [ ! -f manifest.json ]; then ok
else bad "--json - wrote a manifest"; fi
expect 0 '' "$T" count --manifest "$d/in/../m.json" "$d/in/ward.blt"
expect 0 '"path": "in/ward\.blt"' cat "$d/m.json"
expect 0 'verdict: ok' "$T" verify "$d/m.json"
expect 2 'that is an input file' "$T" count --manifest "$d/in/ward.blt" \
    "$d/in/ward.blt"
expect 2 '--manifest: give a file' "$T" count --manifest - "$d/in/ward.blt"

# flip FILE POS: change the byte at POS (0-based) to another one
flip() {
	c=$(dd if="$1" bs=1 skip="$2" count=1 2>/dev/null)
	if [ "$c" = x ]; then n=y; else n=x; fi
	printf '%s' "$n" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
# corrupt FILE ITEM: for bytes near the start, middle and end of FILE,
# a changed byte makes verify exit 5 naming ITEM
corrupt() {
	size=$(wc -c <"$1")
	for pos in 0 1 $((size / 3)) $((size / 2)) $((size - 2)); do
		cp "$1" "$d/saved"
		flip "$1" "$pos"
		expect 5 "teller: .*manifest.json: $2 (changed|differs)" \
		    "$T" verify "$o/manifest.json"
		cp "$d/saved" "$1"
	done
	expect 0 'verdict: ok' "$T" verify "$o/manifest.json"
}
corrupt "$d/in/ward.blt" 'input:\.\./in/ward\.blt'
corrupt "$o/manifest.json" 'manifest'
corrupt "$o/result.json" 'output:result\.json'
corrupt "$o/stages.csv" 'output:stages\.csv'
corrupt "$o/report.html" 'output:report\.html'

# a missing input; found again with --inputs-dir
mv "$d/in/ward.blt" "$d/elsewhere/"
expect 5 'input:\.\./in/ward\.blt missing' "$T" verify "$o/manifest.json"
mkdir -p "$d/elsewhere/in" "$d/elsewhere/out"
mv "$d/elsewhere/ward.blt" "$d/elsewhere/in/"
expect 0 'verdict: ok' "$T" verify --inputs-dir "$d/elsewhere/out" \
    "$o/manifest.json"
mv "$d/elsewhere/in/ward.blt" "$d/in/"
# outputs found elsewhere with --outputs-dir; --json FILE
mkdir -p "$d/copy"
cp "$o"/*.json "$o"/*.csv "$o"/*.html "$o"/*.txt "$d/copy/"
mv "$o/result.json" "$d/result.json"
expect 0 'output:result\.json .* absent' "$T" verify "$o/manifest.json"
expect 0 'output:result\.json .* ok' "$T" verify --outputs-dir "$d/copy" \
    "$o/manifest.json"
mv "$d/result.json" "$o/"
flip "$d/copy/stages.csv" 10
expect 5 'output:stages\.csv changed' "$T" verify --outputs-dir "$d/copy" \
    --json "$d/v.json" "$o/manifest.json"
expect 0 '"item": "output:stages\.csv", "expected": "[0-9a-f]{64}", "got": "[0-9a-f]{64}", "status": "changed"' \
    cat "$d/v.json"
expect 0 '"verdict": "failed"' cat "$d/v.json"
expect 0 '"items": \[\s*$' cat "$d/v.json"
if sed -n 's/.*"item": "\([^"]*\)".*/\1/p' "$d/v.json" | tr '\n' ' ' |
    grep -q '^manifest input:\.\./in/ward\.blt contest profile:marked profile:effective rules lots result output:result\.json output:stages\.csv output:report\.html output:sheet\.txt $'; then ok
else bad "verify --json: items not in the order of audit.md 8.5"; fi
# an output not there is absent, not a failure
mv "$o/sheet.txt" "$d/sheet.txt"
expect 0 'output:sheet\.txt .* absent' "$T" verify "$o/manifest.json"
mv "$d/sheet.txt" "$o/"

# under another engine version an output rendered otherwise is noted and
# the result item decides (audit.md 4.6 step 7); under the same, it fails
z=0000000000000000000000000000000000000000000000000000000000000000
h=$(cut -c1-64 "$o/sheet.txt.sha256")
mv "$o/sheet.txt" "$d/sheet.txt"
sed "s/$h/$z/" "$o/manifest.json" >"$o/m2.json"
(cd "$o" && sha256sum m2.json >m2.json.sha256)
expect 5 'output:sheet\.txt differs' "$T" verify "$o/m2.json"
sed -e "s/$h/$z/" -e 's/"version": "[^"]*"/"version": "0.0.1"/' \
    "$o/manifest.json" >"$o/m2.json"
(cd "$o" && sha256sum m2.json >m2.json.sha256)
expect 0 'output:sheet\.txt .* differs  # engine 0\.0\.1 -> ' \
    "$T" verify "$o/m2.json"
mv "$d/sheet.txt" "$o/"
rm -f "$o/m2.json" "$o/m2.json.sha256"

# lots: a seeded lot and a lot drawn by hand both verify; a changed lot
# record (sidecar made to match) is a lot-mismatch
cat >"$d/in/tie.blt" <<'X'
3 1
1 1 0
1 2 0
1 3 0
0
"A"
"B"
"C"
"Tie"
X
mkdir -p "$d/t"
expect 0 '' "$T" count -m irv --seed 'dice 3 1 4' --json "$d/t/r.json" \
    "$d/in/tie.blt"
expect 0 '"source": "seed"' cat "$d/t/manifest.json"
expect 0 '"seed": "dice 3 1 4", "draws": 2' cat "$d/t/manifest.json"
expect 0 'lots .* ok' "$T" verify "$d/t/manifest.json"
sed 's/"seed": "dice 3 1 4"/"seed": "dice 3 1 5"/' "$d/t/manifest.json" \
    >"$d/t/m2.json"
(cd "$d/t" && sha256sum m2.json >m2.json.sha256)
expect 5 'lots lot-mismatch' "$T" verify "$d/t/m2.json"
sed 's/"order": \["A", "B"\]/"order": ["B", "A"]/' "$d/t/manifest.json" \
    >"$d/t/m2.json"
(cd "$d/t" && sha256sum m2.json >m2.json.sha256)
if cmp -s "$d/t/m2.json" "$d/t/manifest.json"; then
	bad "the seeded lots do not end A, B"
fi
expect 5 'lots lot-mismatch' "$T" verify "$d/t/m2.json"
expect 0 '' "$T" count -m irv --lot '1:C<A<B' --lot '2:B<A' \
    --json "$d/t/r.json" "$d/in/tie.blt"
expect 0 '"source": "manual"' cat "$d/t/manifest.json"
expect 0 'verdict: ok' "$T" verify "$d/t/manifest.json"
# a lot drawn by hand is re-played as recorded: a changed record changes
# the result
sed 's/"order": \["B", "A"\]/"order": ["A", "B"]/' "$d/t/manifest.json" \
    >"$d/t/m2.json"
(cd "$d/t" && sha256sum m2.json >m2.json.sha256)
expect 5 'm2.json: result differs' "$T" verify "$d/t/m2.json"

# every option the count reads is in the manifest's rules, so verify
# re-counts with it (exit 0); the recorded option changed, the manifest
# kept self-consistent, fails (exit 5).
# optcase NAME OLD NEW COUNT-ARGS...: OLD and NEW are the recorded
# option's text, e.g. "ranks":1 and "ranks":2
mkdir -p "$d/opt"
printf '# candidate: A\n# candidate: B\n# candidate: C\n# candidate: D\nweight,1,2,3\n40,A,B,\n30,B,C,A\n20,C,B,\n10,D,C,B\n' \
    >"$d/opt/in.csv"
optcase() {
	n=$1
	old=$2
	new=$3
	shift 3
	mkdir -p "$d/opt/$n"
	expect 0 '' "$T" count "$@" --json "$d/opt/$n/r.json" \
	    --manifest "$d/opt/$n/manifest.json" "$d/opt/in.csv"
	if grep -qF "$old" "$d/opt/$n/manifest.json"; then ok
	else bad "$n: manifest does not record $old"; fi
	expect 0 'verdict: ok' "$T" verify "$d/opt/$n/manifest.json"
	sed "s/$old/$new/" "$d/opt/$n/manifest.json" >"$d/opt/$n/m2.json"
	(cd "$d/opt/$n" && sha256sum m2.json >m2.json.sha256)
	expect 5 'm2.json: rules differs' "$T" verify "$d/opt/$n/m2.json"
}
optcase strength '"strength":"margin"' '"strength":"winning"' \
    -m schulze --strength margin
optcase ranks '"ranks":1' '"ranks":2' -m contingent --ranks 1
optcase votes '"votes":3' '"votes":2' -m limited -s 3 --votes 3
optcase minshare '"min_share":35' '"min_share":5' -m exhaustive \
    --min-share 35
optcase regime '"regime":"london"' '"regime":"pcc"' -m sv --regime london
optcase electorate '"electorate":1000' '"electorate":2000' -m irv \
    --electorate 1000

# resign FILE: its sha256 sidecar again, so the edited manifest is
# self-consistent
resign() { (cd "$(dirname "$1")" && sha256sum "$(basename "$1")" \
    >"$(basename "$1").sha256"); }
# -m exhaustive: one input a round, read one by one again
printf '# candidate: A\n# candidate: B\n# candidate: C\n# candidate: D\nweight,1\n40,A\n30,B\n20,C\n10,D\n' >"$d/opt/x1.csv"
printf '# candidate: A\n# candidate: B\n# candidate: C\nweight,1\n42,A\n33,B\n25,C\n' >"$d/opt/x2.csv"
printf '# candidate: A\n# candidate: B\nweight,1\n49,A\n51,B\n' >"$d/opt/x3.csv"
mkdir -p "$d/opt/exh"
expect 0 '' "$T" count -m exhaustive --json "$d/opt/exh/r.json" \
    "$d/opt/x1.csv" "$d/opt/x2.csv" "$d/opt/x3.csv"
expect 0 'verdict: ok' "$T" verify "$d/opt/exh/manifest.json"
# rounds 2 and 3 recorded the other way round
l=$(grep -n '"path": "\.\./x2\.csv"' "$d/opt/exh/manifest.json" | cut -d: -f1)
sed -n "$((l + 1))p" "$d/opt/exh/manifest.json" | sed 's/ \]\?,$//' \
    >"$d/opt/l3"
sed -n "${l}p" "$d/opt/exh/manifest.json" | sed 's/,$//' >"$d/opt/l2"
awk -v l="$l" -v a="$(cat "$d/opt/l3")" -v b="$(cat "$d/opt/l2")" \
    'NR == l { print a "," ; next } NR == l + 1 { print b " ]," ; next }
    { print }' "$d/opt/exh/manifest.json" >"$d/opt/exh/m2.json"
resign "$d/opt/exh/m2.json"
expect 5 'm2.json: result differs' "$T" verify "$d/opt/exh/m2.json"

# --section, one a BLT or PrefLib input, recorded with its input
printf '# title: t\n# candidate: A\n# candidate: B\n# candidate: C\n# section: mps | 30 | MPs\nweight,1,2\n1,A,\n10,B,C\n9,C,\n' >"$d/opt/mps.csv"
printf '3 1\n1 1 0\n5 2 0\n4 3 0\n0\n"A"\n"B"\n"C"\n"t"\n' >"$d/opt/clp.blt"
printf '# DATA TYPE: soi\n# NUMBER ALTERNATIVES: 3\n# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n# ALTERNATIVE NAME 3: C\n500: 1\n100: 2\n400: 3\n' >"$d/opt/tu.soi"
mkdir -p "$d/opt/sect"
expect 0 '' "$T" count -m college --section clp:30 --section tu:40:Unions \
    --json "$d/opt/sect/r.json" "$d/opt/mps.csv" "$d/opt/clp.blt" \
    "$d/opt/tu.soi"
expect 0 '"section": "tu:40:Unions"' cat "$d/opt/sect/manifest.json"
expect 0 'verdict: ok' "$T" verify "$d/opt/sect/manifest.json"
sed 's/"clp:30"/"clp:40"/; s/"tu:40:Unions"/"tu:30:Unions"/' \
    "$d/opt/sect/manifest.json" >"$d/opt/sect/m2.json"
resign "$d/opt/sect/m2.json"
expect 5 'm2.json: verification failed' "$T" verify "$d/opt/sect/m2.json"

# the HTML report's --lang and --layout, in its output's options
mkdir -p "$d/opt/lang" "$d/opt/layout"
expect 0 '' "$T" count -m irv --lang fr --html "$d/opt/lang/r.html" \
    "$d/opt/x1.csv"
expect 0 '"options": \{ "lang": "fr" \}' cat "$d/opt/lang/manifest.json"
expect 0 'verdict: ok' "$T" verify "$d/opt/lang/manifest.json"
sed 's/"lang": "fr"/"lang": "de"/' "$d/opt/lang/manifest.json" \
    >"$d/opt/lang/m2.json"
resign "$d/opt/lang/m2.json"
expect 5 'output:r.html differs' "$T" verify "$d/opt/lang/m2.json"
expect 0 '' "$T" count -m irv --layout uk-declaration \
    --html "$d/opt/layout/r.html" "$d/opt/x1.csv"
expect 0 'verdict: ok' "$T" verify "$d/opt/layout/manifest.json"
sed 's/"layout": "uk-declaration"/"layout": "rcv"/' \
    "$d/opt/layout/manifest.json" >"$d/opt/layout/m2.json"
resign "$d/opt/layout/m2.json"
expect 5 'output:r.html differs' "$T" verify "$d/opt/layout/m2.json"

# --meta FILE: an input of role "meta", applied again
mkdir -p "$d/opt/meta"
printf '{"authority":"Town"}\n' >"$d/opt/meta.json"
printf '{"authority":"City"}\n' >"$d/opt/meta2.json"
expect 0 '' "$T" count -m irv --meta "$d/opt/meta.json" \
    --html "$d/opt/meta/r.html" "$d/opt/x1.csv"
expect 0 '"path": "\.\./meta\.json", "role": "meta"' \
    cat "$d/opt/meta/manifest.json"
expect 0 'verdict: ok' "$T" verify "$d/opt/meta/manifest.json"
h1=$(sha256sum <"$d/opt/meta.json" | cut -c1-64)
h2=$(sha256sum <"$d/opt/meta2.json" | cut -c1-64)
sed "s/meta\.json\", \"role\"/meta2.json\", \"role\"/; s/$h1/$h2/" \
    "$d/opt/meta/manifest.json" >"$d/opt/meta/m2.json"
resign "$d/opt/meta/m2.json"
expect 5 'output:r.html differs' "$T" verify "$d/opt/meta/m2.json"

# -f FORMAT: the format read with is recorded, not the one detected
mkdir -p "$d/opt/fmt"
cp "$d/opt/x1.csv" "$d/opt/x1.txt"
expect 0 '' "$T" count -m irv -f csv --json "$d/opt/fmt/r.json" \
    "$d/opt/x1.txt"
expect 0 '"format": "csv"' cat "$d/opt/fmt/manifest.json"
expect 0 'verdict: ok' "$T" verify "$d/opt/fmt/manifest.json"
sed 's/"format": "csv"/"format": "blt"/' "$d/opt/fmt/manifest.json" \
    >"$d/opt/fmt/m2.json"
resign "$d/opt/fmt/m2.json"
expect 5 'm2.json: contest differs' "$T" verify "$d/opt/fmt/m2.json"

# unreadable manifests: exit 1; usage: exit 2
printf 'not json' >"$d/bad.json"
expect 1 'bad.json:1:1: expected a value' "$T" verify "$d/bad.json"
printf '{"teller_manifest": 2}' >"$d/bad.json"
expect 1 'bad.json:1:21: not a teller manifest of version 1' "$T" verify \
    "$d/bad.json"
# a malformed manifest is placed (cli/mjson.c, shared with --lots)
printf '{\n  "teller_manifest": 1,\n  "inputs": [ "a" "b" ]\n}' \
    >"$d/bad.json"
expect 1 'bad.json:3:19: expected .,. or .\]' "$T" verify "$d/bad.json"
printf '{\n  "teller_manifest": 1,\n\t"x": "a\\qb"}' >"$d/bad.json"
expect 1 'bad.json:3:9: bad escape in a string' "$T" verify "$d/bad.json"
printf '{"teller_manifest": 1, "x": "\\udc00"}' >"$d/bad.json"
expect 1 'bad.json:1:30: lone surrogate' "$T" verify "$d/bad.json"
printf '{"teller_manifest": 1}\n\n  x' >"$d/bad.json"
expect 1 'bad.json:3:3: text after the JSON value' "$T" verify "$d/bad.json"
printf '{"teller_manifest":\n1, "x": "\001"}' >"$d/bad.json"
expect 1 'bad.json:2:10: control character' "$T" verify "$d/bad.json"
expect 1 'nosuch.json' "$T" verify "$d/nosuch.json"
expect 2 'usage: teller verify' "$T" verify
expect 2 'usage: teller canon' "$T" canon "$d/in/ward.blt"

# an output folder that does not exist is named as such (exit 3)
expect 3 'nofolder: .*the folder of the outputs' \
    "$T" count -m irv -s 1 --json "$d/nofolder/r.json" "$d/in/ward.blt"

echo "$pass passed, $fail failed"
