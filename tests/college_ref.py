#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""college_ref.py -- an independent reference for `teller count -m college`,
written from the rule text of methods.md 4.2 (and nothing of lib/): each
section tallied on its own by its ballots' highest continuing choice,
shares of its live ballots, points = 100 * (w_s / W) * share with W the
weights of the sections with live ballots; more than 50 points elects,
else the fewest points go (a tie: fewer points at the previous round,
then the one before; a tie left to a lot is not compared); two on 50
each: the same rule drops one. Exact with fractions.Fraction.

Usage: college_ref.py TELLER N SEED. Writes N random college elections
(CSV with '# section:' lines and a section column) to a temporary
directory, counts each, and compares rounds, per-section votes, percent
and points and the weighted totals. Prints "N passed, N failed".
"""
import json
import os
import random
import subprocess
import sys
import tempfile
from fractions import Fraction as F


def half_up(x, dp=3):
    """x >= 0 rounded half up to dp places, as text."""
    s = 10 ** dp
    n = (2 * x.numerator * s + x.denominator) // (2 * x.denominator)
    return "%d.%0*d" % (n // s, dp, n % s)


def weight_text(rng):
    k = rng.randrange(3)
    if k == 0:
        n = rng.randrange(1, 60)
        return str(n), F(n)
    if k == 1:
        n = rng.randrange(1, 100)
        return "0.%02d" % n, F(n, 100)
    a, b = rng.randrange(1, 9), rng.randrange(1, 9)
    return "%d/%d" % (a, b), F(a, b)


def make(rng):
    nc = rng.randrange(2, 7)
    cands = ["Cand %c" % chr(65 + i) for i in range(nc)]
    ns = rng.randrange(1, 5)
    secs = []
    for k in range(ns):
        wt, w = weight_text(rng)
        secs.append(("s%d" % k, wt, w))
    rows = []
    for k in range(ns):
        for _ in range(rng.randrange(1, 12)):
            m = rng.randrange(0, nc + 1)
            rank = rng.sample(range(nc), m)
            w = rng.choice([1, 1, 2, 3, 7, 50, 1000, rng.randrange(1, 9999)])
            rows.append((k, w, rank))
    return cands, secs, rows


def write_csv(path, cands, secs, rows):
    nc = len(cands)
    with open(path, "w") as f:
        for c in cands:
            f.write("# candidate: %s\n" % c)
        for sid, wt, _ in secs:
            f.write("# section: %s | %s | Section %s\n" % (sid, wt, sid))
        f.write("section,weight," + ",".join(str(i + 1)
                                              for i in range(nc)) + "\n")
        for k, w, rank in rows:
            cells = [cands[i] for i in rank] + [""] * (nc - len(rank))
            f.write("%s,%d,%s\n" % (secs[k][0], w, ",".join(cells)))


def reference(cands, secs, rows):
    """Rounds as dicts, or None when a lot would be needed."""
    nc = len(cands)
    cont = set(range(nc))
    hist = []
    rounds = []
    while True:
        live = {}
        votes = {}
        for k in range(len(secs)):
            votes[k] = [0] * nc
            live[k] = 0
        for k, w, rank in rows:
            top = next((c for c in rank if c in cont), None)
            if top is not None:
                votes[k][top] += w
                live[k] += w
        wsum = sum(secs[k][2] for k in live if live[k] > 0)
        pts = [F(0)] * nc
        sect = []
        for k in range(len(secs)):
            pc, pt = {}, {}
            for c in sorted(cont):
                if live[k] == 0:
                    pc[c] = pt[c] = F(0)
                    continue
                share = F(votes[k][c], live[k])
                pc[c] = 100 * share
                pt[c] = 100 * secs[k][2] / wsum * share
                pts[c] += pt[c]
            sect.append((live[k], votes[k], pc, pt))
        hist.append(pts)
        rnd = {"points": pts, "sections": sect, "cont": set(cont)}
        rounds.append(rnd)
        win = [c for c in cont if pts[c] > 50]
        if len(cont) == 1:
            win = list(cont)
        if win:
            rnd["elected"] = win[0]
            return rounds
        low = min(pts[c] for c in cont)
        tied = sorted(c for c in cont if pts[c] == low)
        for h in reversed(hist[:-1]):
            if len(tied) == 1:
                break
            lo = min(h[c] for c in tied)
            tied = [c for c in tied if h[c] == lo]
        if len(tied) > 1:
            return None
        if len(cont) == 2 and all(pts[c] == 50 for c in cont):
            other = (cont - {tied[0]}).pop()
            rnd["elected"] = other
            return rounds
        rnd["excluded"] = tied[0]
        cont.discard(tied[0])


def compare(res, ref, cands, secs):
    errs = []
    st = res["stages"]
    if len(st) != len(ref):
        return ["%d stages, reference %d" % (len(st), len(ref))]
    for i, (s, r) in enumerate(zip(st, ref)):
        for c in sorted(r["cont"]):
            name = cands[c]
            if s["votes"][name] != half_up(r["points"][c]):
                errs.append("round %d %s: points %s, reference %s" % (
                    i + 1, name, s["votes"][name], half_up(r["points"][c])))
            for k, (live, v, pc, pt) in enumerate(r["sections"]):
                x = s["sections"][k]
                if x["valid"] != str(live):
                    errs.append("round %d section %d: valid %s, ref %d" % (
                        i + 1, k, x["valid"], live))
                if x["votes"][name] != str(v[c]) or \
                        x["percent"][name] != half_up(pc[c]) or \
                        x["points"][name] != half_up(pt[c]):
                    errs.append("round %d section %d %s: %s %s %s, ref "
                                "%d %s %s" % (i + 1, k, name,
                                              x["votes"][name],
                                              x["percent"][name],
                                              x["points"][name], v[c],
                                              half_up(pc[c]),
                                              half_up(pt[c])))
        if "excluded" in r and (i + 1 >= len(st) or
                                st[i + 1]["subject"] != cands[r["excluded"]]):
            errs.append("round %d: excluded differs" % (i + 1))
    if res["elected"] != [cands[ref[-1]["elected"]]]:
        errs.append("elected %s, reference %s" % (
            res["elected"], cands[ref[-1]["elected"]]))
    return errs


def main():
    teller, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    passed = failed = skipped = 0
    with tempfile.TemporaryDirectory() as tmp:
        while passed + failed < n:
            cands, secs, rows = make(rng)
            ref = reference(cands, secs, rows)
            if ref is None or all(not rank for _, _, rank in rows):
                skipped += 1
                continue
            path = os.path.join(tmp, "c%d.csv" % (passed + failed))
            write_csv(path, cands, secs, rows)
            out = subprocess.run([teller, "count", "-m", "college",
                                  "--json", "-", "-r", "none", path],
                                 capture_output=True, text=True)
            if out.returncode != 0:
                # a section with no valid ballot at all is fine; no valid
                # ballot anywhere is exit 4
                print("FAIL %s: exit %d: %s" % (path, out.returncode,
                                                out.stderr.strip()))
                failed += 1
                continue
            errs = compare(json.loads(out.stdout), ref, cands, secs)
            if errs:
                failed += 1
                print("FAIL %s:\n  %s" % (path, "\n  ".join(errs[:5])))
                print(open(path).read())
            else:
                passed += 1
    print("(%d elections needing a lot skipped)" % skipped)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
