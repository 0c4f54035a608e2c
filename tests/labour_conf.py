#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""labour_conf.py -- conformance of `teller count -m college` with the
published Labour college figures (methods.md 9.1, 9.2), as far as the
published data allow: only totals and percentages are public, so ballots
are built whose first preferences give the published round-1 figures and
whose transfers are chosen (by a small search here) to meet the later
published totals; then teller counts them and the published figures are
asserted from its JSON.

Usage: labour_conf.py TELLER SHARED_DATA_UK_DIR TMPDIR
"""
import json
import os
import subprocess
import sys
from fractions import Fraction as F

passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what)


def half_up(x, dp=3):
    s = 10 ** dp
    n = (2 * x.numerator * s + x.denominator) // (2 * x.denominator)
    return F(n, s)


def points(counts, live, nsect):
    return F(100, nsect) * F(counts, live)


class Section:
    """A section's ballots as chains (preference lists) with counts; the
    pile of each candidate is the chains whose top continuing choice it
    is."""

    def __init__(self, sid, first):
        self.sid = sid
        self.chains = [([c], n) for c, n in first.items() if n > 0]

    def tally(self, cont):
        v = dict((c, 0) for c in cont)
        for ch, n in self.chains:
            top = next((c for c in ch if c in cont), None)
            if top is not None:
                v[top] += n
        return v

    def split(self, who, cont, to):
        """Extend the chains on who's pile: to[t] ballots each to t
        (continuing), the rest exhausted."""
        pile = [(i, n) for i, (ch, n) in enumerate(self.chains)
                if next((c for c in ch if c in cont or c == who),
                        None) == who]
        want = [(t, k) for t, k in to.items() if k > 0]
        out = [ch for ch in self.chains]
        new = []
        for i, n in pile:
            ch = self.chains[i][0]
            out[i] = None
            while n > 0 and want:
                t, k = want[0]
                m = min(n, k)
                new.append((ch + [t], m))
                n -= m
                if k == m:
                    want.pop(0)
                else:
                    want[0] = (t, k - m)
            if n > 0:
                new.append((ch, n))
        assert not want, "pile too small"
        self.chains = [c for c in out if c is not None] + new


def overall(sections, cont):
    tot = dict((c, F(0)) for c in cont)
    for s in sections:
        v = s.tally(cont)
        live = sum(v.values())
        for c in cont:
            tot[c] += points(v[c], live, len(sections))
    return tot


def search(sections, fixed, who, cont, target, tol, sect_target=None):
    """Choose to[s][t] for the sections not in fixed so that the overall
    points after who's exclusion are within tol of target (and section
    shares within their tolerance); coordinate descent on counts."""
    free = [s for s in sections if s.sid not in fixed]
    piles = dict((s.sid, s.tally(cont | {who})[who]) for s in sections)
    to = {}
    for s in free:
        # a first guess: the pile shared as the targets' gains
        to[s.sid] = dict((t, piles[s.sid] * 96 // 100 // len(cont))
                         for t in cont)
    for sid, d in fixed.items():
        to[sid] = d

    def err(to):
        tmp = []
        for s in sections:
            c = Section(s.sid, {})
            c.chains = list(s.chains)
            c.split(who, cont | {who}, to[s.sid])
            tmp.append(c)
        pts = overall(tmp, cont)
        e = max(abs(pts[t] - target[t]) / tol[t] for t in target)
        for (sid, t), (want, tl) in (sect_target or {}).items():
            c = next(x for x in tmp if x.sid == sid)
            v = c.tally(cont)
            e = max(e, abs(F(100 * v[t], sum(v.values())) - want) / tl)
        return e
    best = err(to)
    step = max(piles.values()) // 4
    while step >= 1 and best >= 1:
        moved = False
        for s in free:
            for t in cont:
                for d in (step, -step):
                    k = to[s.sid][t] + d
                    if k < 0 or sum(to[s.sid].values()) + d > piles[s.sid]:
                        continue
                    to[s.sid][t] = k
                    e = err(to)
                    if e < best:
                        best = e
                        moved = True
                    else:
                        to[s.sid][t] = k - d
        if not moved:
            step //= 2
    for s in sections:
        s.split(who, cont | {who}, to[s.sid])
    return best


def write_csv(path, title, cands, secs, sections):
    with open(path, "w") as f:
        f.write("# title: %s\n" % title)
        for c in cands:
            f.write("# candidate: %s\n" % c)
        for sid, w, name in secs:
            f.write("# section: %s | %s | %s\n" % (sid, w, name))
        f.write("section,weight," + ",".join(str(i + 1) for i in
                                              range(len(cands))) + "\n")
        for s in sections:
            for ch, n in s.chains:
                cells = ch + [""] * (len(cands) - len(ch))
                f.write("%s,%d,%s\n" % (s.sid, n, ",".join(cells)))


def count(teller, path):
    out = subprocess.run([teller, "count", "-m", "college", "--json", "-",
                          "-r", "none", path], capture_output=True, text=True)
    check(out.returncode == 0, "%s: exit %d %s" % (path, out.returncode,
                                                   out.stderr))
    return json.loads(out.stdout) if out.returncode == 0 else None


def first_counts(totals, pts, nsect, fixed):
    """Integer first preferences in a section of one of `totals` valid
    ballots giving each published round-1 point (3 places, half up)."""
    for total in totals:
        if any(half_up(points(k, total, nsect)) != pts[c]
               for c, k in fixed.items()):
            continue
        v = dict(fixed)
        for c in pts:
            if c in v:
                continue
            est = int(pts[c] * total * nsect / 100)
            v[c] = [k for k in range(est - 30, est + 30)
                    if half_up(points(k, total, nsect)) == pts[c]]
        rest = [c for c in pts if c not in fixed]

        def pick(i, used):
            if i == len(rest):
                return {} if used == total else None
            for k in v[rest[i]]:
                r = pick(i + 1, used + k)
                if r is not None:
                    r[rest[i]] = k
                    return r
            return None
        got = pick(0, sum(fixed.values()))
        if got is not None:
            got.update(fixed)
            return got
    raise SystemExit("no first preferences fit the published points")


def leader_2010(teller, data, tmp):
    d = json.load(open(os.path.join(data, "labour_leader_2010.json")))
    r1 = d["rounds"][0]
    cands = list(r1["overall_pct"])
    spts = r1["section_points"]
    dm, em, balls, burn, abb = ("David Miliband", "Ed Miliband",
                                "Ed Balls", "Andy Burnham", "Diane Abbott")
    # MPs/MEPs: 266 ballots, round 1 as published (PrefLib 00030)
    mps = Section("mps_meps", {dm: 111, em: 84, balls: 40, burn: 24,
                               abb: 7})
    # members 126,874 and affiliates 211,235 (the ranges of 9.1)
    mem = Section("members", first_counts(range(126873, 126877), dict(
        (c, F(str(spts[c]["members"]))) for c in cands), 3,
        {dm: 55905, em: 37980}))
    aff = Section("affiliates", first_counts(range(211232, 211240), dict(
        (c, F(str(spts[c]["affiliates"]))) for c in cands), 3,
        {dm: 58189, em: 87585}))
    secs = [mps, mem, aff]
    cont = set(cands)
    tol = lambda t, dp: dict((c, F(1, 2 * 10 ** dp)) for c in t)
    # round 2: Abbott's 7 MPs: 2 exhaust (264 live)
    cont.discard(abb)
    r2 = d["rounds"][1]["overall_pct"]
    t2 = dict((c, F(str(v))) for c, v in r2.items())
    tl2 = {dm: F(5, 1000), em: F(5, 1000), balls: F(5, 100),
           burn: F(5, 100)}
    search(secs, {"mps_meps": {dm: 1, em: 2, balls: 1, burn: 1}}, abb,
           cont, t2, tl2)
    # round 3: Burnham's 25 MPs all transfer (264 live)
    cont.discard(burn)
    t3 = dict((c, F(str(v))) for c, v in d["rounds"][2][
        "overall_pct"].items())
    tl3 = {dm: F(5, 1000), em: F(5, 1000), balls: F(5, 100)}
    search(secs, {"mps_meps": {dm: 10, em: 8, balls: 7}}, burn, cont, t3,
           tl3)
    # round 4: Balls' 48 MPs: 140 v 122 with 262 live
    cont.discard(balls)
    r4 = d["rounds"][3]
    t4 = dict((c, F(str(v))) for c, v in r4["overall_pct"].items())
    sp = r4["section_pct_approx"]
    st = {}
    for sid in ("members", "affiliates"):
        for c in (dm, em):
            st[(sid, c)] = (F(str(sp[sid][c])), F(5, 100))
    search(secs, {"mps_meps": {dm: 18, em: 28}}, balls, cont, t4,
           tol(t4, 2), st)
    path = os.path.join(tmp, "leader2010.csv")
    write_csv(path, d["title"], cands, [(s["id"], s["weight"], s["name"])
                                        for s in d["sections"]], secs)
    res = count(teller, path)
    if res is None:
        return
    st1 = res["stages"][0]["sections"]
    for c in cands:
        for x in st1:
            want = F(str(spts[c][x["id"]]))
            check(F(x["points"][c]) == want, "2010 round 1 %s %s: %s, "
                  "published %s" % (x["id"], c, x["points"][c], want))
    check(st1[0]["votes"][dm] == "111" and st1[0]["percent"][dm] ==
          "41.729" and st1[0]["points"][dm] == "13.910",
          "2010: 111 of 266 MPs is 41.729%, 13.910 points")
    check([s["subject"] for s in res["stages"][1:]] == [abb, burn, balls],
          "2010: exclusion order Abbott, Burnham, Balls")
    check(res["elected"] == [em], "2010: Ed Miliband elected")
    for i, rnd in enumerate(d["rounds"]):
        for c, v in rnd["overall_pct"].items():
            dp = len(str(v).split(".")[1]) if "." in str(v) else 0
            got = F(res["stages"][i]["votes"][c])
            lim = F(1, 2 * 10 ** dp) + F(5, 10000)
            check(abs(got - F(str(v))) <= lim, "2010 round %d %s: %s, "
                  "published %s" % (i + 1, c, got, v))
    last = res["stages"][3]["sections"]
    check(last[0]["votes"] == {dm: "140", em: "122"} and
          last[0]["valid"] == "262", "2010 round 4 MPs 140 v 122 of 262")
    check(last[0]["points"] == {dm: "17.812", em: "15.522"},
          "2010 round 4 MPs' points 17.812 v 15.522")
    for x in last[1:]:
        for c in (dm, em):
            got = F(x["percent"][c])
            want = F(str(sp[x["id"]][c]))
            check(abs(got - want) <= F(5, 100) + F(5, 10000),
                  "2010 round 4 %s %s: %s%%, published %s" % (
                      x["id"], c, got, want))


def london_2000(teller, data, tmp):
    d = json.load(open(os.path.join(data,
                                    "labour_london_mayor_selection_2000"
                                    ".json")))
    r1 = d["rounds"][0]
    cands = list(r1["overall_pct"])
    fd, kl, gj = "Frank Dobson", "Ken Livingstone", "Glenda Jackson"
    # 1 place per section leaves room: these fit every published figure
    # of round 1 (the elected section's 86.5 + 12.2 + 1.4 is 100.1)
    first = {"elected": {fd: 8647, kl: 1217, gj: 136},
             "members": {fd: 3530, kl: 5490, gj: 980},
             "affiliated": {fd: 2690, kl: 7100, gj: 210}}
    secs = [Section(s["id"], first[s["id"]]) for s in d["sections"]]
    t2 = dict((c, F(str(v))) for c, v in d["rounds"][1][
        "overall_pct"].items())
    search(secs, {}, gj, {fd, kl}, t2, {fd: F(5, 1000), kl: F(5, 1000)})
    path = os.path.join(tmp, "london2000.csv")
    write_csv(path, d["title"], cands, [(s["id"], s["weight"], s["name"])
                                        for s in d["sections"]], secs)
    res = count(teller, path)
    if res is None:
        return
    for c, v in r1["overall_pct"].items():
        check(abs(F(res["stages"][0]["votes"][c]) - F(str(v))) <=
              F(5, 100) + F(5, 10000), "2000 round 1 %s" % c)
    for x in res["stages"][0]["sections"]:
        check(x["weight"] == "1/3", "2000: three equal sections")
        for c in cands:
            check(abs(F(x["percent"][c]) - F(str(r1["section_pct"][c][
                x["id"]]))) <= F(5, 100), "2000 %s %s" % (x["id"], c))
    check(res["stages"][1]["subject"] == gj, "2000: Jackson excluded")
    check(res["elected"] == [fd], "2000: Dobson elected, not %s" %
          res["elected"])
    check(abs(F(res["stages"][1]["votes"][fd]) - F("51.53")) <=
          F(5, 1000) + F(5, 10000), "2000: Dobson 51.53")


def main():
    teller, data, tmp = sys.argv[1:4]
    leader_2010(teller, data, tmp)
    london_2000(teller, data, tmp)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
