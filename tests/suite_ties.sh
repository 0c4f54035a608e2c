#!/bin/sh
# suite_ties.sh -- `teller ties` (audit.md 7, 8.7) on hand-made ties whose
# probabilities are worked out below: a 2-way, a 3-way and a nested lot,
# the bulk-exclusion rule, a contest with no tie (probability 1/1), FPTP,
# --max-branches, the JSON shape, and every printed way re-counted with
# its --lot options to give what it claims. Run from the repository root
# with B set. Ends "N passed, N failed".
B=${B:-build}
T=$B/teller
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# same FILE TEXT: the file's lines are exactly TEXT
same() {
	if [ "$(cat "$1")" = "$2" ]; then ok
	else bad "$1: got:
$(cat "$1")
want:
$2"; fi
}

# replay FILE OUT: each line of OUT re-counted with its --lot options
# elects what the line says
replay() {
	while read -r pr rest; do
		case $pr in */*) ;; *) continue ;; esac
		who=$(echo "$rest" | sed 's/^elected: \([^(]*\) \(by\|(no\).*/\1/')
		lots=$(echo "$rest" | grep -o "\-\-lot '[^']*'" | tr -d "'" |
		    sed 's/--lot /--lot=/')
		# shellcheck disable=SC2086
		got=$("$T" count -m "$2" --no-seed $lots --json - "$1" |
		    sed -n 's/^  "elected": \[\(.*\)\],$/\1/p' | tr -d '"')
		if [ "$got" = "$who" ]; then ok
		else bad "$1: $lots elects '$got', not '$who'"; fi
	done <"$3"
}

# 2-way: B and C tie at 5, each the other's second choice; whoever is
# excluded lifts the other to 10 over A's 9.
cat >"$tmp/two.csv" <<'EOF'
# candidate: A
# candidate: B
# candidate: C
weight,rank1,rank2
9,A,
5,B,C
5,C,B
EOF
"$T" ties "$tmp/two.csv" >"$tmp/out" 2>"$tmp/err" && ok ||
    bad "two: exit $?: $(cat "$tmp/err")"
same "$tmp/out" "1/2 elected: C by --lot '1:B<C'
1/2 elected: B by --lot '1:C<B'"
replay "$tmp/two.csv" irv "$tmp/out"

# 3-way: B, C, D at 6 in a cycle (B>C>D, C>D>B, D>B>C) against A's 13:
# excluding one lifts the next in the cycle to 12, the third goes and the
# one after wins with 18; so each of B, C, D with 1/3.
cat >"$tmp/three.csv" <<'EOF'
# candidate: A
# candidate: B
# candidate: C
# candidate: D
weight,rank1,rank2,rank3
13,A,,
6,B,C,D
6,C,D,B
6,D,B,C
EOF
"$T" ties "$tmp/three.csv" >"$tmp/out" && ok || bad "three: exit $?"
same "$tmp/out" "1/3 elected: C by --lot '1:B<C<D'
1/3 elected: D by --lot '1:C<B<D'
1/3 elected: B by --lot '1:D<B<C'"
replay "$tmp/three.csv" irv "$tmp/out"

# nested: B and C tie at 2. Excluding B (to D) gives D 5 and D wins;
# excluding C (to B) leaves A and D tied at 3 at stage 2 (and at stage 1),
# a second lot: without D, B wins; without A (to D), D wins. D: 1/2 +
# 1/4 = 3/4, B: 1/4.
cat >"$tmp/nest.csv" <<'EOF'
# candidate: A
# candidate: B
# candidate: C
# candidate: D
weight,rank1,rank2,rank3
2,B,D,A
3,A,D,
3,D,,
2,C,B,
EOF
"$T" ties "$tmp/nest.csv" >"$tmp/out" && ok || bad "nest: exit $?"
same "$tmp/out" "3/4 elected: D by --lot '1:B<C'
1/4 elected: B by --lot '1:C<B' --lot '2:D<A'"
replay "$tmp/nest.csv" irv "$tmp/out"
"$T" ties --json "$tmp/n.json" "$tmp/nest.csv" && ok || bad "nest json"
same "$tmp/n.json" '{
  "complete": true,
  "branches": 5,
  "outcomes": [
    {"elected": ["D"], "probability": "3/4", "lots": [{"stage": 1, "tied": ["B", "C"], "order": ["B", "C"]}]},
    {"elected": ["B"], "probability": "1/4", "lots": [{"stage": 1, "tied": ["B", "C"], "order": ["C", "B"]}, {"stage": 2, "tied": ["A", "D"], "order": ["D", "A"]}]}
  ]
}'
"$T" ties --max-branches 2 --json - "$tmp/nest.csv" >"$tmp/out" && ok ||
    bad "max-branches exit $?"
if grep -q '"complete": false' "$tmp/out" &&
    grep -q '"branches": 2' "$tmp/out"; then ok
else bad "max-branches: $(cat "$tmp/out")"; fi
"$T" ties --max-branches 2 "$tmp/nest.csv" >"$tmp/out" && ok || bad "text"
if tail -n 1 "$tmp/out" | grep -q '^incomplete: stopped after 2 counts'
then ok; else bad "incomplete line: $(cat "$tmp/out")"; fi

# bulk exclusion: C and D tie at 3, 6 together below B's 9 and A's 10
# (which differ): both go next whatever the order; one way, two counts.
cat >"$tmp/bulk.csv" <<'EOF'
# candidate: A
# candidate: B
# candidate: C
# candidate: D
weight,rank1,rank2
10,A,
9,B,
3,C,B
3,D,A
EOF
"$T" ties --json - "$tmp/bulk.csv" >"$tmp/out" && ok || bad "bulk exit"
if grep -q '"branches": 2,' "$tmp/out" &&
    grep -q '"elected": \["A"\], "probability": "1/1"' "$tmp/out"; then ok
else bad "bulk: $(cat "$tmp/out")"; fi

# memo: C, D, E, F have no votes and A, B equal ones (so no bulk rule):
# 4 x 3 x 2 orders of exclusion, then a lot between A and B. The same
# state (stage, continuing, totals) is met again after C,D and D,C...:
# 1 + 4 + 12 + 12 + 2 = 31 counts, not 89.
printf '# candidate: A\n# candidate: B\n# candidate: C\n# candidate: D
# candidate: E\n# candidate: F\nweight,rank1\n5,A\n5,B\n' >"$tmp/memo.csv"
"$T" ties --json - "$tmp/memo.csv" >"$tmp/out" && ok || bad "memo exit"
if grep -q '"branches": 31,' "$tmp/out" &&
    [ "$(grep -c '"probability": "1/2"' "$tmp/out")" -eq 2 ]; then ok
else bad "memo: $(cat "$tmp/out")"; fi
"$T" ties "$tmp/memo.csv" >"$tmp/out" && ok || bad "memo text"
replay "$tmp/memo.csv" irv "$tmp/out"

# no tie: one outcome, probability 1/1, no lot
"$T" ties examples/tower-hamlets-2014/ballots.csv >"$tmp/out" && ok ||
    bad "no tie: exit $?"
same "$tmp/out" "1/1 elected: Lutfur RAHMAN (no lot)"
"$T" ties -m sv --json - examples/tower-hamlets-2014/ballots.csv \
    >"$tmp/out" && ok || bad "sv json"
if grep -q '"lots": \[\]' "$tmp/out" && grep -q '"branches": 1,' \
    "$tmp/out"; then ok; else bad "sv json: $(cat "$tmp/out")"; fi

# FPTP: an equality for the seat, a lot for the election
printf '# candidate: A\n# candidate: B\nweight,rank1\n10,A\n10,B\n' \
    >"$tmp/fp.csv"
"$T" ties -m fptp "$tmp/fp.csv" >"$tmp/out" && ok || bad "fptp exit"
same "$tmp/out" "1/2 elected: A by --lot '1:B<A'
1/2 elected: B by --lot '1:A<B'"
replay "$tmp/fp.csv" fptp "$tmp/out"

# ranked-pairs draws its tie-breaking ranking by one lot a place, kept
# as one tie: every way re-counts (the lots are all used)
"$T" ties -m ranked-pairs "$tmp/two.csv" >"$tmp/out" && ok ||
    bad "ranked-pairs exit $?"
[ "$(grep -c '^1/2 elected: [BC] by' "$tmp/out")" -eq 2 ] && ok ||
    bad "ranked-pairs: $(cat "$tmp/out")"
replay "$tmp/two.csv" ranked-pairs "$tmp/out"

# misuse
"$T" ties >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "no file: not 2"
"$T" ties --max-branches 0 "$tmp/fp.csv" >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "--max-branches 0: not 2"
"$T" ties "$tmp/none.csv" >/dev/null 2>&1
[ $? -eq 1 ] && ok || bad "missing file: not 1"
"$T" ties -m exhaustive "$tmp/fp.csv" "$tmp/fp.csv" >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "exhaustive (rounds merged): not 2"
printf '# candidate: A<B\n# candidate: C\nweight,rank1\n1,A<B\n1,C\n' \
    >"$tmp/lt.csv"
"$T" ties "$tmp/lt.csv" >/dev/null 2>"$tmp/err"
if [ $? -eq 1 ] && grep -q "has '<'" "$tmp/err"; then ok
else bad "a name with '<': $(cat "$tmp/err")"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
