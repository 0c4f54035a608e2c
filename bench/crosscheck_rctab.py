#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# crosscheck_rctab.py -- an independent re-count, in a few lines of Python, of
# the synthetic generic-CSV IRV contest (../shared/bench/gen_cvr.py) under the
# RCTab rules of ../shared/docs/rctab.md sections 4.2-4.6 for its config
# (exhaustImmediately, one skipped rank allowed, write-ins eliminated first,
# a majority of the continuing votes), compared round by round with the
# tallies of teller rctab's summary.json. Usage: crosscheck_rctab.py CVR.csv
# summary.json; exits 1 if a round differs.
import csv, collections, json, sys
path, summary = sys.argv[1], sys.argv[2]
UWI = "Undeclared Write-ins"
pats = collections.Counter()
with open(path, newline="") as f:
    r = csv.reader(f)
    head = next(r)
    names = head[2:]
    for row in r:
        ranks = collections.defaultdict(list)
        for name, cell in zip(names, row[2:]):
            if cell.strip():
                ranks[int(cell)].append(UWI if name == "Write-In" else name)
        pats[tuple(sorted((k, tuple(v)) for k, v in ranks.items()))] += 1
cands = [n for n in names if n != "Write-In"] + [UWI]
cont = set(cands)
state = {p: None for p in pats}  # None / candidate / 'exhausted'
rounds = []
while True:
    tally = collections.Counter({c: 0 for c in cont})
    for p, n in pats.items():
        cur = state[p]
        if cur == "exhausted":
            continue
        if cur in cont:
            tally[cur] += n
            continue
        if not p:
            state[p] = "exhausted"; continue
        last = 0; new = "exhausted"
        for rank, who in p:
            if rank - last > 2:
                break
            last = rank
            if len(who) > 1:
                break
            if who[0] in cont:
                new = who[0]; break
        state[p] = new
        if new != "exhausted":
            tally[new] += n
    rounds.append(dict(tally))
    total = sum(tally.values())
    thr = total // 2 + 1
    if tally.get(UWI, 0) == 0:
        win = [c for c in cont if c != UWI and tally[c] >= thr]
        if win or len(cont) == 2:
            winner = max(cont, key=lambda c: tally[c]) if not win else win[0]
            break
    if tally.get(UWI, 0) > 0:
        cont.discard(UWI); continue
    low = min(tally[c] for c in cont)
    tied = [c for c in cont if tally[c] == low]
    assert len(tied) == 1, tied
    cont.discard(tied[0])
print("rounds", len(rounds), "winner", winner, rounds[-1])
s = json.load(open(summary))
ok = len(s["results"]) == len(rounds)
for i, (ours, theirs) in enumerate(zip(s["results"], rounds)):
    t = {k: int(float(v)) for k, v in ours["tally"].items()}
    th = {k: v for k, v in theirs.items()}
    if t != th:
        ok = False
        print("round", i + 1, "differs:", t, th)
print("teller summary.json agrees round by round:", ok)
sys.exit(0 if ok else 1)
