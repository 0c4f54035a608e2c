#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""irv_margin_ref.py -- an independent check of an exact IRV margin
(audit.md 2.4.3) with another solver and another formulation.

    python3 tests/irv_margin_ref.py [--b2] FILE.blt UPPER

Shows that no fewer than UPPER changed papers (the "change" model: a
paper's ranking replaced by any other) can change the IRV winner of
FILE.blt, or prints a cheaper complete elimination order. Shares no code
with teller: its own BLT reader and count, its own trajectory classes,
COIN-OR CBC (`cbc`, Debian coinor-cbc) instead of GLPK, and the
"target" formulation instead of teller's in/out one:

    y_c >= 0 papers ending in class c, sum y = N,
    for rounds r < j of the suffix: tally_r(pi[r]) <= tally_r(pi[j]),
    minimise sum_c max(0, y_c - n_c)  (as t_c >= y_c - n_c, t_c >= 0).

By default it also leaves out the cheap bound b2 altogether: a node is
pruned on its own LP bound only (rounded up after a 1e-6 tolerance), so
a b2 that pruned too much in teller would show here as a cheaper leaf.
That can take hours; --b2 adds this file's own b2 (audit.md 2.4.3) to
prune as teller does. Depth-first, no priority queue; progress on
standard error. Not run by make check (cbc is not a dependency);
doc/teller-audit.7 and audit-notes record its result for Coffs Harbour.
"""
import math
import os
import subprocess
import sys
import tempfile


def read_blt(path):
    with open(path, encoding="utf-8") as f:
        toks = f.read().split("\n")
    nc, _seats = (int(x) for x in toks[0].split()[:2])
    papers = {}
    i = 1
    while True:
        line = toks[i].split()
        i += 1
        if line == ["0"]:
            break
        if not line or line[0].startswith("-"):
            continue
        w = int(line[0])
        rk = []
        for x in line[1:]:
            if x == "0":
                break
            c = int(x) - 1
            if c not in rk:
                rk.append(c)
        key = tuple(rk)
        papers[key] = papers.get(key, 0) + w
    names = [toks[i + j].strip().strip('"') for j in range(nc)]
    return nc, names, papers


def tally(papers, cont):
    t = {c: 0 for c in cont}
    for rk, w in papers.items():
        for c in rk:
            if c in cont:
                t[c] += w
                break
    return t


def irv(nc, papers):
    """Winner and elimination order; raises on a tie for last."""
    cont = set(range(nc))
    order = []
    while len(cont) > 1:
        t = tally(papers, cont)
        lo = min(t.values())
        low = [c for c in cont if t[c] == lo]
        if len(low) > 1:
            raise SystemExit("a tie for last: not handled here")
        cont.discard(low[0])
        order.append(low[0])
    order.append(cont.pop())
    return order


def classes(papers, seq):
    """Papers per trajectory class (bit q: visits seq[q])."""
    pos = {c: q for q, c in enumerate(seq)}
    n = {}
    for rk, w in papers.items():
        m, cur = 0, -1
        for c in rk:
            q = pos.get(c, -1)
            if q > cur:
                m |= 1 << q
                cur = q
        n[m] = n.get(m, 0) + w
    return n


def first_from(m, r):
    m >>= r
    if m == 0:
        return -1
    return r + ((m & -m).bit_length() - 1)


def distance(papers, total, seq, integer, workdir):
    """DistanceTo(seq) by CBC: (value, or None if infeasible)."""
    k = len(seq)
    n = classes(papers, seq)
    ncls = 1 << k
    obj, cons = [], []
    for c in range(ncls):
        if n.get(c, 0) > 0:
            obj.append("t%d" % c)
            cons.append("c%d: t%d - y%d >= -%d" % (c, c, c, n[c]))
        else:
            obj.append("y%d" % c)
    cons.append("sum: " + " + ".join("y%d" % c for c in range(ncls)) +
                " = %d" % total)
    for r in range(k - 1):
        for j in range(r + 1, k):
            lhs = [c for c in range(ncls) if first_from(c, r) == r]
            rhs = [c for c in range(ncls) if first_from(c, r) == j]
            terms = " + ".join("y%d" % c for c in lhs)
            terms += "".join(" - y%d" % c for c in rhs)
            cons.append("r%d_%d: %s <= 0" % (r, j, terms))
    lp = ["Minimize", " obj: " + " + ".join(obj), "Subject To"]
    lp += [" " + x for x in cons]
    if integer:
        lp += ["General"] + [" y%d" % c for c in range(ncls)]
    lp.append("End")
    fn = os.path.join(workdir, "m.lp")
    with open(fn, "w") as f:
        f.write("\n".join(lp) + "\n")
    out = subprocess.run(["cbc", fn, "solve", "quit"], capture_output=True,
                         text=True, check=False).stdout
    for line in out.splitlines():
        if "Objective value:" in line:
            return float(line.split(":")[1])
        if line.startswith("Optimal - objective value"):
            return float(line.split()[-1])
        if "infeasible" in line.lower():
            return None
    raise SystemExit("cbc said nothing usable:\n" + out)


def b2(papers, nc, fp, seq):
    """Every e outside seq goes before every c in it, holding >= fp[e]
    while c holds <= the papers whose first member of seq + e is c."""
    best = 0
    for e in range(nc):
        if e in seq:
            continue
        t = tally(papers, set(seq) | {e})
        for c in seq:
            best = max(best, (fp[e] - t[c] + 1) // 2)
    return best


def main():
    args = sys.argv[1:]
    use_b2 = args[:1] == ["--b2"]
    if use_b2:
        args = args[1:]
    if len(args) != 2:
        raise SystemExit("usage: irv_margin_ref.py [--b2] FILE.blt UPPER")
    nc, names, papers = read_blt(args[0])
    upper = int(args[1])
    total = sum(papers.values())
    order = irv(nc, papers)
    w = order[-1]
    print("winner %s, %d papers, %d candidates, upper %d" %
          (names[w], total, nc, upper))
    lps = leaves = cut = 0
    best = upper
    fp = tally(papers, set(range(nc)))
    with tempfile.TemporaryDirectory() as d:
        stack = [[c] for c in range(nc) if c != w]
        while stack:
            seq = stack.pop()
            full = len(seq) == nc
            if use_b2 and not full and b2(papers, nc, fp, seq) >= best:
                cut += 1
                continue
            v = distance(papers, total, seq, full, d)
            lps += 1
            if lps % 100 == 0:
                print("%d lps, %d leaves, %d cut by b2, %d open, at %s" %
                      (lps, leaves, cut, len(stack), seq), file=sys.stderr)
            if v is None:
                continue
            lb = max(0, math.ceil(v - 1e-6))
            if full:
                leaves += 1
                if lb < best:
                    best = lb
                    print("cheaper: %d for order %s" %
                          (lb, [names[c] for c in seq]))
                continue
            if lb >= best:
                continue
            for c in range(nc):
                if c not in seq:
                    stack.append([c] + seq)
    print("lps %d, leaves %d, cut by b2 %d: margin %s %d" %
          (lps, leaves, cut, "=" if best == upper else "<", best))
    return 0 if best == upper else 1


if __name__ == "__main__":
    sys.exit(main())
