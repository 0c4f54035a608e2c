#!/bin/sh
# suite_margin_cli.sh -- `teller margin` and `teller raire` on the
# repository's own examples: output shapes, the JSON contract of audit.md
# 8.2 (the result JSON plus "margin"), and exit statuses for misuse.
# Run from the repository root with B set. Ends "N passed, N failed".
B=${B:-build}
T=$B/teller
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
th=examples/tower-hamlets-2014/ballots.csv

# status WANT CMD...: the command exits WANT
status() {
	want=$1
	shift
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok
	else bad "$* exited $got, not $want: $(head -n 2 "$tmp/err")"; fi
}

status 0 "$T" margin -m sv "$th"
if grep -q '^margin: 1626 ballots (exact; last-round 1626; strict 1627)$' \
    "$tmp/out"; then ok
else bad "sv margin line: $(cat "$tmp/out")"; fi
status 0 "$T" margin -m sv --json "$tmp/m.json" "$th"
if /usr/bin/python3 - "$tmp/m.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
m = j["margin"]
assert j["method"] == "sv" and j["elected"] == m["reported_winners"]
assert m["kind"] == "exact" and m["value"] == m["lower"] == m["upper"] == 1626
assert m["unit"] == "ballots" and m["model"] == "change"
assert sum(c["papers"] for c in m["witness"]["changes"]) == 1626
assert m["proof"] == {"kind": "closed-form"} and m["strict"] == 1627
PY
then ok; else bad "sv margin JSON"; fi
status 0 "$T" margin -m fptp "$th"
status 2 "$T" margin --adds-only --deletes-only "$th"
status 2 "$T" margin --max-nodes 0 "$th"
status 2 "$T" margin --budget x "$th"
status 2 "$T" margin
status 1 "$T" margin -m stv-scottish --adds-only "$th"
status 1 "$T" margin -m sv --adds-only "$th"
status 2 "$T" raire --audit BRAVO "$th"
status 2 "$T" raire --audit MACRO --risk-limit 0.05 "$th"
status 2 "$T" raire --format shangrla "$th"
status 2 "$T" raire --format blt "$th"
status 2 "$T" raire --trim Best "$th"

# an IRV contest of the repository: problem, solution, check, shangrla
cat >"$tmp/e.blt" <<'BLT'
4 1
5000 3 2 1 0
1000 2 3 4 0
1500 3 1 2 0
4000 1 2 0
2000 4 1 2 0
0
"Alice"
"Bob"
"Chuan"
"Diego"
"guide"
BLT
status 0 "$T" raire "$tmp/e.blt"
if grep -q '"winner":2' "$tmp/out" && grep -q '"type":"OneOnMargin"' \
    "$tmp/out"; then ok; else bad "problem JSON: $(head -c 300 "$tmp/out")"; fi
status 0 "$T" raire --assertions -o "$tmp/s.json" "$tmp/e.blt"
status 0 "$T" raire --check "$tmp/s.json" "$tmp/e.blt"
status 0 "$T" raire --assertions --format shangrla "$tmp/e.blt"
if grep -q '"assertion_type":"' "$tmp/out"; then ok
else bad "shangrla: $(head -c 300 "$tmp/out")"; fi
echo '{"solution":{"Ok":{"assertions":[]}}}' >"$tmp/empty.json"
status 5 "$T" raire --check "$tmp/empty.json" "$tmp/e.blt"
if grep -q 'not sufficient' "$tmp/err"; then ok; else bad "empty: $(cat "$tmp/err")"; fi
echo '{"solution":{"Ok":{"assertions":[' >"$tmp/bad.json"
status 1 "$T" raire --check "$tmp/bad.json" "$tmp/e.blt"
if grep -q "bad.json:2:1:" "$tmp/err"; then ok; else bad "parse error: $(cat "$tmp/err")"; fi
status 0 "$T" margin "$tmp/e.blt"
if grep -q '^margin: [0-9]* ballots (exact; last-round [0-9]*)$' \
    "$tmp/out"; then ok; else bad "irv margin: $(cat "$tmp/out")"; fi

# an STV bound (audit.md 2.5): its witness, applied to the papers with
# the whole `to` ranking and counted again, elects the winners it names
cat >"$tmp/stv.blt" <<'BLT'
5 2
9 2 4 3 5 0
8 4 0
7 4 3 0
10 1 0
14 5 1 4 2 0
17 4 3 5 0
18 1 3 2 5 0
7 4 1 3 0
19 3 0
18 4 5 3 1 0
16 5 3 0
16 1 5 0
13 1 3 2 0
10 1 3 0
6 2 4 0
0
"A"
"B"
"C"
"D"
"E"
"stv witness"
BLT
status 0 "$T" margin -m stv-wigm --json "$tmp/stv.json" "$tmp/stv.blt"
if /usr/bin/python3 - "$tmp/stv.json" "$tmp/stv.blt" "$tmp/stv2.blt" \
    <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))["margin"]
assert m["kind"] == "upper_bound" and m["upper"] == 17 and m["lower"] == 1
w = m["witness"]
assert sorted(m["reported_winners"]) == ["A", "D"]
assert sorted(w["winners"]) == ["D", "E"] and not w["by_lot"]
lines = open(sys.argv[2]).read().split("\n")
names = [s.strip('"') for s in lines[17:22]]
papers = {}
for ln in lines[1:16]:
    f = ln.split()
    r = tuple(names[int(x) - 1] for x in f[1:-1])
    papers[r] = papers.get(r, 0) + int(f[0])
for c in w["changes"]:
    papers[tuple(c["from"])] -= c["papers"]
    assert papers[tuple(c["from"])] >= 0
    papers[tuple(c["to"])] = papers.get(tuple(c["to"]), 0) + c["papers"]
with open(sys.argv[3], "w") as o:
    o.write(lines[0] + "\n")
    for r, n in papers.items():
        if n:
            o.write("%d %s 0\n" % (n, " ".join(str(names.index(x) + 1)
                                              for x in r)))
    o.write("\n".join(lines[16:]))
PY
then ok; else bad "stv margin JSON"; fi
status 0 "$T" count -m stv-wigm "$tmp/stv2.blt"
if grep -q '^Elected, in order: D; E$' "$tmp/out" &&
    grep -q '^No ties\.$' "$tmp/out"; then ok
else bad "stv witness re-count: $(grep Elected "$tmp/out")"; fi
echo "$pass passed, $fail failed"
