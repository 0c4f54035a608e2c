#!/bin/sh
# SPDX-License-Identifier: MIT
# suite_trace.sh -- `teller trace` on RCTab contests (audit.md 6, 8.7).
# The per-ballot paths are checked against RCTab's own published round
# tallies: replaying every ballot's --format rctab-audit lines must give
# each round's tally of RCTab's expected detailed report exactly, and the
# inactive ballots by reason. Then one ballot by --ballot-id and by
# --ranking, text and JSON, the usage errors and the ballot-file call
# site. Env: B (build dir, default build), SHARED (default ../shared).
B=${B:-build}
SHARED=${SHARED:-../shared}
D=$SHARED/data/rctab
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
TB=$B/teller
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

# --help: UK papers are never traceable; no elector number
if "$TB" trace --help >"$T/help" 2>&1 &&
    grep -q 'UK ballot papers are never traceable' "$T/help" &&
    grep -q '^teller never takes an elector number' "$T/help"; then
	ok
else
	bad "--help: $(cat "$T/help")"
fi
# usage: nothing to trace, both selectors, an RCTab config with -m
C0=$T/own.json
printf '{"cvrFileSources":[]}\n' >"$C0"
for args in "$C0" "--ballot-id 1 --ranking A $C0" "-m irv --ranking A $C0"
do
	# shellcheck disable=SC2086
	"$TB" trace $args >/dev/null 2>"$T/u.err"
	rc=$?
	if [ $rc -eq 2 ] && grep -q '^teller: trace: ' "$T/u.err"; then
		ok
	else
		bad "usage '$args': exit $rc $(cat "$T/u.err")"
	fi
done
# a ballot file goes to the pattern trace (cli/cmd_trace_pattern.c)
printf '2 1\n1 1 2 0\n0\n"A"\n"B"\n"T"\n' >"$T/t.blt"
"$TB" trace --pattern 0 "$T/t.blt" >"$T/b.out" 2>"$T/b.err"
rc=$?
if [ $rc -eq 0 ] && grep -q '^stage 1: counted for A' "$T/b.out"; then
	ok
else
	bad "ballot file: exit $rc $(cat "$T/b.err")"
fi
# kept as part of quota (audit.md 6): A's surplus of 1 over 100002
# papers has a transfer value of 0.00000 (r.48, truncated), so A's
# papers do not move: they stay with A, whole, as part of the quota
printf '3 2\n100002 1 2 0\n100000 2 0\n99998 3 0\n0\n"A"\n"B"\n"C"\n"Z"\n' \
    >"$T/z.blt"
"$TB" trace -m stv-scottish --ranking 'A>B' "$T/z.blt" >"$T/z.out" \
    2>"$T/z.err"
rc=$?
if [ $rc -eq 0 ] && grep -q '^stage 2: kept as part of quota (A), value 100002.00000, transfer value 1.00000$' \
    "$T/z.out" && grep -q '^stage 3: stayed with A, value 100002.00000' \
    "$T/z.out"; then
	ok
else
	bad "kept as part of quota: exit $rc $(cat "$T/z.out" "$T/z.err")"
fi
if "$TB" trace -m stv-scottish --format json --ranking 'A>B' "$T/z.blt" \
    2>/dev/null | grep -q '{ "stage": 2, "event": "kept as part of quota", "holder": "A", "value": "100002.00000", "transfer_value": "1.00000" }'; then
	ok
else
	bad "kept as part of quota: JSON"
fi
# papers that move at their holder's surplus are transferred, not kept
printf '3 2\n6 1 2 0\n2 2 0\n2 3 0\n0\n"A"\n"B"\n"C"\n"S"\n' >"$T/s.blt"
"$TB" trace -m stv-scottish --ranking 'A>B' "$T/s.blt" >"$T/z2.out" 2>&1
if ! grep -q 'kept' "$T/z2.out" &&
    grep -q '^stage 2: transferred to B, value 1.99998, transfer value 0.33333$' \
    "$T/z2.out"; then
	ok
else
	bad "kept as part of quota where nothing was kept: $(cat "$T/z2.out")"
fi

if [ ! -d "$D" ]; then
	echo "suite_trace: no $D, data cases skipped"
	echo "$pass passed, $fail failed"
	[ $fail -eq 0 ]
	exit
fi

# every ballot's path against RCTab's round tallies ($2: rounds whose
# tallies are checked, "all" or "1" for multi-seat contests where
# winners keep part of each ballot)
replay() {
	c=$1
	cfg=$D/$c/${c}_config.json
	exp=$D/$c/${c}_expected_detailed_report.json
	if ! "$TB" trace --format rctab-audit "$cfg" >"$T/$c.log" \
	    2>"$T/$c.err"; then
		bad "$c: trace: $(cat "$T/$c.err")"
		return
	fi
	if /usr/bin/python3 - "$T/$c.log" "$exp" "$2" <<'PY'
import json, re, sys
from decimal import Decimal
log, exp, which = sys.argv[1], sys.argv[2], sys.argv[3]
pat = re.compile(r"^\[Round\] (\d+) \[CVR\] (.*?) \[(counted for|transferred to"
                 r"|became inactive)\] (.*?)( \[value\] ([0-9.]+))?$")
ev = {}
ids = []
for line in open(log, encoding="utf-8"):
    m = pat.match(line.rstrip("\n"))
    if not m:
        sys.exit("not an audit line: " + line)
    r, i, kind, det, _, v = m.groups()
    if i not in ev:
        ids.append(i)
    ev.setdefault(i, []).append((int(r), kind, det, Decimal(v or "1")))
if ids != sorted(ids, key=lambda s: s.encode()):
    sys.exit("ballots not sorted by id")
rep = json.load(open(exp, encoding="utf-8"))
reasons = {"overvote": "overvotes", "undervote": "skippedRankings",
           "no continuing candidates": "exhaustedChoices",
           "duplicate candidate": "repeatedRankings"}
for res in rep["results"]:
    r = res["round"]
    if which != "all" and r > int(which):
        break
    tally, gone = {}, {}
    for i, es in ev.items():
        held = None
        for (er, kind, det, v) in es:
            if er > r:
                break
            if kind == "became inactive":
                held = ("gone", det, v)
            else:
                held = ("cand", det, v)
        if held is None:
            continue
        d = tally if held[0] == "cand" else gone
        d[held[1]] = d.get(held[1], Decimal(0)) + held[2]
    want = {k: Decimal(x) for k, x in res["tally"].items()}
    got = {k: tally.get(k, Decimal(0)) for k in want}
    if got != want or any(k not in want for k in tally):
        sys.exit("round %d: tally %s, RCTab %s" % (r, tally, want))
    ib = res.get("inactiveBallots", {})
    for det, key in reasons.items():
        if key in ib and Decimal(ib[key]) != gone.get(det, Decimal(0)):
            sys.exit("round %d: %s %s, RCTab %s" % (r, key,
                     gone.get(det, 0), ib[key]))
PY
	then
		ok
	else
		bad "$c: replayed paths differ from RCTab's tallies"
	fi
}

replay generic_csv_test all
replay 2015_portland_mayor all
replay test_set_1_exhaust_at_overvote all
replay test_set_3_skipped_choice_exhaust all
replay test_set_6_duplicate_exhaust all
replay test_set_2_overvote_skip_to_next all
replay minneapolis_multi_seat_threshold 1

# a multi-seat contest: fractional values after a surplus
if grep -q ' \[value\] 0\.' "$T/minneapolis_multi_seat_threshold.log"; then
	ok
else
	bad "multi-seat: no fractional [value]"
fi

# one ballot by id: text and JSON (audit.md 8.7)
G=$D/generic_csv_test/generic_csv_test_config.json
ID=R_21yNGL1wKB5ZCPL
if "$TB" trace --ballot-id $ID "$G" >"$T/one.txt" 2>"$T/one.err" &&
    grep -q "^ballot $ID: " "$T/one.txt" &&
    grep -Eq '^1 +counted for +Undeclared Write-ins +1 +1$' "$T/one.txt" &&
    grep -Eq '^4 +transferred to +Lettuce +1 +1$' "$T/one.txt"; then
	ok
else
	bad "--ballot-id text: $(cat "$T/one.txt" "$T/one.err")"
fi
if "$TB" trace --ballot-id $ID --format json "$G" >"$T/one.json" &&
    /usr/bin/python3 - "$T/one.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d) == ["ranking", "papers", "rows"], list(d)
assert d["papers"] == "1"
assert d["ranking"] == ["Undeclared Write-ins", "Broccoli", "Cauliflower",
                        "Lettuce", "Cucumber"], d["ranking"]
rows = d["rows"]
assert [r["stage"] for r in rows] == [1, 2, 3, 4]
assert [r["event"] for r in rows] == ["counted for"] + ["transferred to"] * 3
assert [r["holder"] for r in rows] == ["Undeclared Write-ins", "Broccoli",
                                       "Cauliflower", "Lettuce"]
assert all(list(r) == ["stage", "event", "holder", "value",
                       "transfer_value"] for r in rows)
PY
then
	ok
else
	bad "--ballot-id json: $(cat "$T/one.json")"
fi
# its audit-log lines are those of the whole log
"$TB" trace --ballot-id $ID --format rctab-audit "$G" >"$T/one.log"
if grep " \[CVR\] $ID " "$T/generic_csv_test.log" | cmp -s - "$T/one.log"
then
	ok
else
	bad "--ballot-id rctab-audit"
fi
# by ranking: two ballots, staying with their holder, then moving
if "$TB" trace --ranking 'Cauliflower>Broccoli>Cucumber>Lettuce' \
    --format json "$G" >"$T/rk.json" && /usr/bin/python3 - "$T/rk.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["papers"] == "2", d["papers"]
ev = [(r["event"], r["holder"], r["value"]) for r in d["rows"]]
assert ev == [("counted for", "Cauliflower", "2"),
              ("stayed with", "Cauliflower", "2"),
              ("stayed with", "Cauliflower", "2"),
              ("transferred to", "Cucumber", "2")], ev
PY
then
	ok
else
	bad "--ranking: $(cat "$T/rk.json")"
fi
# a ballot that became non-transferable
E=$D/test_set_1_exhaust_at_overvote/test_set_1_exhaust_at_overvote_config.json
X=$(grep -m1 'became inactive\] overvote' \
    "$T/test_set_1_exhaust_at_overvote.log" | sed 's/.*\[CVR\] //;s/ \[.*//')
if [ -n "$X" ] && "$TB" trace --ballot-id "$X" "$E" >"$T/x.txt" &&
    grep -Eq '^[0-9]+ +non-transferable: overvote +- ' "$T/x.txt"; then
	ok
else
	bad "non-transferable: $X $(cat "$T/x.txt")"
fi
# no such ballot: exit 1, named
"$TB" trace --ballot-id no-such-id "$G" >/dev/null 2>"$T/n.err"
rc=$?
if [ $rc -eq 1 ] && grep -q "no ballot with id 'no-such-id'" "$T/n.err"
then
	ok
else
	bad "no such id: exit $rc $(cat "$T/n.err")"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
