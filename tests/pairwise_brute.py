#!/usr/bin/python3
# pairwise_brute.py -- brute-force reference for the Condorcet family and
# the positional methods (methods.md 5, 6), written from the definitions
# alone, independently of lib/: random small profiles (ties, truncated
# ballots, weights) are written as PrefLib .toi, counted by teller, and
# every result checked against sets computed by enumerating subsets,
# paths and orders. Usage: pairwise_brute.py TELLER N SEED. Prints one
# line per failure and ends "N passed, N failed".
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
from fractions import Fraction

NAMES = ["Ann", "Bob", "Cy", "Di", "Ed"]


def profile(rng):
    n = rng.randint(2, 5)
    ballots = []
    for _ in range(rng.randint(1, 10)):
        order = list(range(n))
        rng.shuffle(order)
        order = order[:rng.randint(1, n)]
        groups = []
        for c in order:
            if groups and rng.random() < 0.25:
                groups[-1].append(c)
            else:
                groups.append([c])
        ballots.append((rng.randint(1, 4), groups))
    return n, ballots


def write_toi(path, n, ballots):
    with open(path, "w") as f:
        f.write("# DATA TYPE: toi\n# NUMBER ALTERNATIVES: %d\n" % n)
        for i in range(n):
            f.write("# ALTERNATIVE NAME %d: %s\n" % (i + 1, NAMES[i]))
        for w, groups in ballots:
            parts = []
            for g in groups:
                s = ",".join(str(c + 1) for c in g)
                parts.append("{%s}" % s if len(g) > 1 else s)
            f.write("%d: %s\n" % (w, ",".join(parts)))


def level(groups, c):
    for i, g in enumerate(groups):
        if c in g:
            return i
    return len(groups)


def matrix(n, ballots):
    d = [[0] * n for _ in range(n)]
    for w, groups in ballots:
        for x in range(n):
            for y in range(n):
                if level(groups, x) < level(groups, y):
                    d[x][y] += w
    return d


def smith(n, d):
    for size in range(1, n + 1):
        for s in itertools.combinations(range(n), size):
            if all(d[a][b] > d[b][a] for a in s for b in range(n)
                   if b not in s):
                return set(s)


def schwartz(n, d):
    und = [set(s) for k in range(1, n + 1)
           for s in itertools.combinations(range(n), k)
           if not any(d[o][a] > d[a][o] for a in s for o in range(n)
                      if o not in s)]
    minimal = [s for s in und if not any(t < s for t in und)]
    return set().union(*minimal)


def argbest(vals, low=False):
    b = min(vals) if low else max(vals)
    return {i for i, v in enumerate(vals) if v == b}


def schulze(n, d, winning):
    def link(a, b):
        if d[a][b] <= d[b][a]:
            return None
        return d[a][b] if winning else d[a][b] - d[b][a]
    NONE = -1
    p = [[NONE] * n for _ in range(n)]
    for x in range(n):
        for y in range(n):
            if x == y:
                continue
            others = [c for c in range(n) if c not in (x, y)]
            for k in range(len(others) + 1):
                for mid in itertools.permutations(others, k):
                    path = (x,) + mid + (y,)
                    ls = [link(path[i], path[i + 1])
                          for i in range(len(path) - 1)]
                    if None not in ls:
                        p[x][y] = max(p[x][y], min(ls))
    return {x for x in range(n)
            if all(p[x][y] >= p[y][x] for y in range(n) if y != x)}


def ranked_pairs(n, d, winning, tbrc):
    pairs = [(x, y) for x in range(n) for y in range(n)
             if d[x][y] > d[y][x]]
    pos = {c: i for i, c in enumerate(tbrc)} if tbrc else None

    def key(pr):
        x, y = pr
        m = d[x][y] - d[y][x]
        k = (-d[x][y], -m) if winning else (-m,)
        if pos is None:
            return k
        return k + (pos[x], -pos[y])
    pairs.sort(key=key)
    locked = set()

    def reach(a, b, seen):
        if a == b:
            return True
        seen.add(a)
        return any(reach(y, b, seen) for (x, y) in locked
                   if x == a and y not in seen)
    for x, y in pairs:
        if not reach(y, x, set()):
            locked.add((x, y))
    return {c for c in range(n) if not any(y == c for _, y in locked)}


def equal_strengths(n, d, winning):
    ks = []
    for x in range(n):
        for y in range(n):
            if d[x][y] > d[y][x]:
                m = d[x][y] - d[y][x]
                ks.append((d[x][y], m) if winning else (m,))
    return len(ks) != len(set(ks))


def scores(n, ballots, kind):
    s = [Fraction(0)] * n
    for w, groups in ballots:
        m = sum(len(g) for g in groups)
        pos = 1
        rest = [c for c in range(n) if level(groups, c) == len(groups)]
        for g in groups + ([rest] if rest else []):
            k = len(g)
            ranked = g is not rest
            if kind == "borda":
                pts = [n - p for p in range(pos, pos + k)]
            elif kind == "borda-mbc":
                pts = [m - p + 1 if ranked else 0
                       for p in range(pos, pos + k)]
            else:
                pts = [Fraction(1, p) if ranked else 0
                       for p in range(pos, pos + k)]
            for c in g:
                s[c] += w * Fraction(sum(pts), k)
            pos += k
    return s


def fmt(v, places):
    q = v * 10 ** places
    r = (q.numerator * 2 + q.denominator) // (2 * q.denominator)
    s = str(r).rjust(places + 1, "0")
    return s[:-places] + "." + s[-places:] if places else s


def run(teller, path, method, extra=()):
    p = subprocess.run([teller, "count", "-m", method, "--json", "-",
                        "-r", "none"] + list(extra) + [path],
                       capture_output=True, text=True)
    if p.returncode not in (0, 4):
        raise RuntimeError("%s exit %d: %s" % (method, p.returncode,
                                                p.stderr.strip()))
    return p.returncode, json.loads(p.stdout)


def check(teller, path, n, ballots, fail):
    d = matrix(n, ballots)
    name = {i: NAMES[i] for i in range(n)}
    sm, sw = smith(n, d), schwartz(n, d)
    cw = [x for x in range(n)
          if all(d[x][y] > d[y][x] for y in range(n) if y != x)]
    if not sw <= sm or (cw and sm != {cw[0]}):
        fail("reference: Condorcet winner / Schwartz / Smith inconsistent")

    def names(s):
        return sorted(name[c] for c in s)

    def one(method, want, extra=()):
        rc, r = run(teller, path, method, extra)
        got = r["elected"]
        want_pw = {name[x]: {name[y]: Fraction(d[x][y]) for y in range(n)
                             if y != x} for x in range(n)}
        got_pw = {x: {y: Fraction(v) for y, v in row.items()}
                  for x, row in r.get("pairwise", {}).items()}
        if method not in ("borda", "borda-mbc", "borda-dowdall") and \
                got_pw != want_pw:
            fail("%s: pairwise %s, want %s" % (method, r["pairwise"],
                                                want_pw))
        if sorted(r["smith"]) != names(sm) or \
                sorted(r["schwartz"]) != names(sw):
            fail("%s: smith/schwartz %s %s, want %s %s" % (
                method, r["smith"], r["schwartz"], names(sm), names(sw)))
        if len(got) != 1 or got[0] not in names(want):
            fail("%s %s: elected %s, want one of %s" % (
                method, " ".join(extra), got, names(want)))
        ties = [t for t in r["ties"] if t["kind"] == "election"]
        if len(want) > 1 and (not ties or
                              sorted(ties[0]["tied"]) != names(want)):
            fail("%s: tie not recorded among %s" % (method, names(want)))
        if len(want) == 1 and ties:
            fail("%s: a tie recorded with one winner" % method)
        return r
    rc, r = run(teller, path, "condorcet")
    if cw and (rc != 0 or r["elected"] != [name[cw[0]]]):
        fail("condorcet: %s, want %s" % (r["elected"], name[cw[0]]))
    if not cw and (rc != 4 or r["elected"] or
                   r.get("stopped") != "no Condorcet winner"):
        fail("condorcet: exit %d elected %s with no Condorcet winner" %
             (rc, r["elected"]))
    for meth, want in (("smith", sm), ("schwartz", sw)):
        rc, r = run(teller, path, meth)
        if sorted(r["elected"]) != names(want):
            fail("%s: %s, want %s" % (meth, r["elected"], names(want)))
    cop = [sum(2 if d[x][y] > d[y][x] else d[x][y] == d[y][x]
               for y in range(n) if y != x) for x in range(n)]
    one("copeland", argbest(cop))
    mm = [max([d[y][x] - d[x][y] for y in range(n) if y != x] + [0])
          for x in range(n)]
    one("minimax", argbest(mm, low=True))
    one("schulze", schulze(n, d, True))
    one("schulze", schulze(n, d, False), ("--strength", "margin"))
    for winning, extra in ((False, ()), (True, ("--strength", "winning"))):
        rc, r = run(teller, path, "ranked-pairs", extra)
        po = [t for t in r["ties"] if t["kind"] == "pair_order"]
        eq = equal_strengths(n, d, winning)
        if eq != bool(po):
            fail("ranked-pairs %s: TBRC drawn %s, equal pairs %s" % (
                extra, bool(po), eq))
        tbrc = [NAMES.index(c) for c in po[0]["tied"]] if po else None
        one("ranked-pairs", ranked_pairs(n, d, winning, tbrc), extra)
    for x in cw:
        for meth in ("copeland", "minimax", "schulze", "ranked-pairs"):
            rc, r = run(teller, path, meth)
            if r["elected"] != [name[x]]:
                fail("%s: does not elect the Condorcet winner" % meth)
    for meth, places in (("borda", 1), ("borda-mbc", 1),
                         ("borda-dowdall", 6)):
        s = scores(n, ballots, meth)
        rc, r = run(teller, path, meth)
        want = {name[c]: fmt(s[c], places) for c in range(n)}
        if r["stages"][0]["votes"] != want:
            fail("%s: scores %s, want %s" % (meth, r["stages"][0]["votes"],
                                              want))
        if len(r["elected"]) != 1 or \
                r["elected"][0] not in names(argbest(s)):
            fail("%s: elected %s" % (meth, r["elected"]))


def main():
    teller, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(count):
            n, ballots = profile(rng)
            path = os.path.join(tmp, "p%d.toi" % i)
            write_toi(path, n, ballots)
            errs = []
            try:
                check(teller, path, n, ballots, errs.append)
            except (RuntimeError, KeyError, ValueError) as e:
                errs.append(str(e))
            if errs:
                failed += 1
                print("FAIL profile %d (%s): %s" % (
                    i, ballots, "; ".join(errs[:3])))
            else:
                passed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
