#!/usr/bin/python3
"""audit_check.py TELLER DATA -- conformance of `teller margin` and
`teller raire` on DATA (../shared/data/audit, audit.md 9). Independent of
teller's code: ballots are read from the RAIRE problem JSON, each margin
witness is applied and the count re-done here with every tie free, and
every assertion set is checked by walking the elimination-order suffix
tree here. Ends with "N passed, N failed"."""
import csv
import json
import os
import subprocess
import sys
import tempfile

TELLER, DATA = sys.argv[1], sys.argv[2]
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def run(*args):
    p = subprocess.run([TELLER] + list(args), capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def load_votes(path):
    j = json.load(open(path))
    return j["num_candidates"], [(v["n"], tuple(v["prefs"])) for v in j["votes"]]


def tally(votes, s):
    t = {c: 0 for c in s}
    for n, prefs in votes:
        for c in prefs:
            if c in s:
                t[c] += n
                break
    return t


def can_win(votes, nc):
    """Every IRV winner when each tie may go either way."""
    win, seen, stack = set(), set(), [frozenset(range(nc))]
    while stack:
        s = stack.pop()
        if len(s) == 1:
            win |= s
            continue
        t = tally(votes, s)
        lo = min(t.values())
        for c in s:
            if t[c] == lo and s - {c} not in seen:
                seen.add(s - {c})
                stack.append(s - {c})
    return win


def apply_witness(votes, changes, index):
    counts = {}
    for n, prefs in votes:
        counts[prefs] = counts.get(prefs, 0) + n
    total = 0
    for ch in changes:
        total += ch["papers"]
        if ch["from"] is not None:
            key = tuple(index[x] for x in ch["from"])
            if counts.get(key, 0) < ch["papers"]:
                return None, total
            counts[key] -= ch["papers"]
        if ch["to"] is not None:
            key = tuple(index[x] for x in ch["to"])
            if len(set(key)) != len(key) or not key:
                return None, total
            counts[key] = counts.get(key, 0) + ch["papers"]
    return [(n, p) for p, n in counts.items() if n > 0], total


def contradicts(a, sigma):
    """audit.md 3.1: does assertion a contradict suffix sigma?"""
    w, l = a["winner"], a["loser"]
    if a["type"] == "NEB":
        for c in reversed(sigma):
            if c == l:
                return True
            if c == w:
                return False
        return False
    s = set(a["continuing"])
    tail = sigma[-len(s):] if len(sigma) >= len(s) else sigma
    if any(c not in s for c in tail):
        return False
    return len(sigma) >= len(s) and sigma[len(sigma) - len(s)] == w


def sufficient(assertions, nc, winner):
    stack = [[c] for c in range(nc) if c != winner]
    while stack:
        sigma = stack.pop()
        if any(contradicts(a, sigma) for a in assertions):
            continue
        if len(sigma) == nc:
            return False
        stack.extend([c] + sigma for c in range(nc) if c not in sigma)
    return True


def assertion_margin(a, votes, nc):
    if a["type"] == "NEB":
        fp = tally(votes, set(range(nc)))[a["winner"]]
        return fp - tally(votes, {a["winner"], a["loser"]})[a["loser"]]
    t = tally(votes, set(a["continuing"]))
    return t[a["winner"]] - t[a["loser"]]


def margins(nsw):
    rows = list(csv.DictReader(open(os.path.join(nsw, "INDEX.tsv")),
                               delimiter="\t"))
    for r in rows:
        slug = r["slug"]
        blt = os.path.join(nsw, slug + ".blt")
        nc, votes = load_votes(os.path.join(nsw, slug + ".raire.json"))
        rc, out, err = run("margin", "--json", "-", blt)
        check(rc == 0, "%s: margin exit %d: %s" % (slug, rc, err))
        if rc != 0:
            continue
        res = json.loads(out)
        m = res["margin"]
        lrm = int(r["last_round_margin"])
        check(m["last_round_margin"] == lrm, "%s: last-round %s, not %d" %
              (slug, m["last_round_margin"], lrm))
        if r["published_margin"].isdigit():
            pub = int(r["published_margin"])
            check(m["kind"] == "exact" and m["value"] == pub,
                  "%s: %s %s, published %d" % (slug, m["kind"], m["value"], pub))
        else:  # Coffs Harbour: open (audit.md 9)
            check(2634 <= m["lower"] <= m["upper"] <= 2968,
                  "%s: [%s, %s] outside [2634, 2968]" %
                  (slug, m["lower"], m["upper"]))
        index = {c["name"]: i for i, c in enumerate(res["candidates"])}
        after, total = apply_witness(votes, m["witness"]["changes"], index)
        check(after is not None and total == m["upper"],
              "%s: witness takes papers that are not there" % slug)
        if after is None:
            continue
        won = can_win(after, nc)
        check(won != {int(r["winner_index"])},
              "%s: witness does not change the outcome" % slug)
        names = sorted(index[x] for x in m["witness"]["winners"])
        check(names == sorted(won), "%s: witness winners %s, recount %s" %
              (slug, names, sorted(won)))
        if m["proof"]["kind"] == "raire":
            a = [dict(x, winner=index[x["winner"]], loser=index[x["loser"]],
                      continuing=[index[c] for c in x.get("continuing", [])])
                 for x in m["proof"]["assertions"]]
            check(sufficient(a, nc, int(r["winner_index"])),
                  "%s: margin proof assertions not sufficient" % slug)
            check(2 * m["lower"] >= m["proof"]["min_margin_votes"],
                  "%s: lower bound below the RAIRE bound" % slug)


def raire_one(slug, blt, problem, args, want_margin, want_diff, tmp):
    nc, votes = load_votes(problem)
    rc, out, err = run("raire", "--assertions", *args, blt)
    check(rc == 0, "%s: raire exit %d: %s" % (slug, rc, err))
    if rc != 0:
        return
    sol = json.loads(out)["solution"]["Ok"]
    if want_margin is not None:
        check(sol["margin"] == want_margin, "%s: margin %s, published %s" %
              (slug, sol["margin"], want_margin))
    if want_diff is not None:
        check(abs(sol["difficulty"] - want_diff) <= 1e-9 * want_diff,
              "%s: difficulty %r, published %r" %
              (slug, sol["difficulty"], want_diff))
    a = [x["assertion"] for x in sol["assertions"]]
    check(all(assertion_margin(x["assertion"], votes, nc) == x["margin"] > 0
              for x in sol["assertions"]), "%s: an assertion's margin" % slug)
    check(sufficient(a, nc, sol["winner"]), "%s: assertions not sufficient"
          % slug)
    path = os.path.join(tmp, slug + ".sol.json")
    with open(path, "w") as f:
        f.write(out)
    audit = [] if "--audit" in args else ["--audit", "OneOnMargin"]
    rc, _, err = run("raire", "--check", path, *audit, *args, blt)
    check(rc == 0, "%s: --check of its own solution: %d %s" % (slug, rc, err))


def check_rejects(blt, out_json, tmp):
    """--check exits 5 on an empty set, on one margin altered, and with
    --audit on one difficulty altered."""
    sol = json.load(open(out_json))
    ok = sol["solution"]["Ok"]
    empty = dict(sol, solution={"Ok": dict(ok, assertions=[])})
    path = os.path.join(tmp, "empty.json")
    json.dump(empty, open(path, "w"))
    rc, _, err = run("raire", "--check", path, blt)
    check(rc == 5 and "not sufficient" in err, "--check empty set: %d %s" %
          (rc, err))
    bad = json.loads(json.dumps(sol))
    bad["solution"]["Ok"]["assertions"][0]["margin"] += 1
    json.dump(bad, open(path, "w"))
    rc, _, err = run("raire", "--check", path, blt)
    check(rc == 5 and "margin" in err, "--check altered margin: %d %s" %
          (rc, err))
    bad = json.loads(json.dumps(sol))
    bad["solution"]["Ok"]["assertions"][0]["difficulty"] *= 1 + 1e-7
    json.dump(bad, open(path, "w"))
    rc, _, err = run("raire", "--check", path, "--audit", "OneOnMargin", blt)
    check(rc == 5 and "difficulty" in err, "--check altered difficulty: "
          "%d %s" % (rc, err))
    rc, _, err = run("raire", "--check", path, blt)
    check(rc == 0, "--check without --audit looks at difficulty: %d %s" %
          (rc, err))
    bad = json.loads(json.dumps(sol))
    bad["solution"]["Ok"]["difficulty"] *= 1 + 1e-7
    json.dump(bad, open(path, "w"))
    rc, _, err = run("raire", "--check", path, "--audit", "OneOnMargin", blt)
    check(rc == 5 and "the solution" in err, "--check altered overall "
          "difficulty: %d %s" % (rc, err))
    rc, _, err = run("raire", "--check", out_json, "--audit", "MACRO",
                     "--risk-limit", "0.05", "--error-inflation", "1.1", blt)
    check(rc == 5 and "difficulty" in err, "--check under another audit: "
          "%d %s" % (rc, err))
    part = json.loads(json.dumps(sol))
    del part["solution"]["Ok"]["assertions"][-1]
    json.dump(part, open(path, "w"))
    rc, _, err = run("raire", "--check", path, blt)
    check(rc in (0, 5), "--check one assertion fewer: %d %s" % (rc, err))
    check((rc == 0) == sufficient(
        [x["assertion"] for x in part["solution"]["Ok"]["assertions"]],
        len(sol["metadata"]["candidates"]), ok["winner"]),
        "--check and the independent walk disagree")


def main():
    nsw = os.path.join(DATA, "nsw2021")
    margins(nsw)
    tmp = tempfile.mkdtemp()
    for r in csv.DictReader(open(os.path.join(nsw, "INDEX.tsv")),
                            delimiter="\t"):
        slug = r["slug"]
        blt = os.path.join(nsw, slug + ".blt")
        raire_one(slug, blt, os.path.join(nsw, slug + ".raire.json"),
                  ["--auditable", r["ballots"]], int(r["raire_margin_votes"]),
                  float(r["raire_difficulty"]), tmp)
        rc, _, err = run("raire", "--check",
                         os.path.join(nsw, slug + ".raire_out.json"),
                         "--audit", "OneOnMargin", "--auditable",
                         r["ballots"], blt)
        check(rc == 0, "%s: --check of the published solution: %d %s" %
              (slug, rc, err))
    guide = os.path.join(DATA, "raire-guide")
    for r in csv.DictReader(open(os.path.join(guide, "INDEX.tsv")),
                            delimiter="\t"):
        slug = r["slug"]
        blt = os.path.join(guide, slug + ".blt")
        d = r["published_difficulty"]
        raire_one("guide:" + slug, blt, os.path.join(guide, slug + ".raire.json"),
                  ["--auditable", r["ballots"]],
                  int(r["published_margin"]) if r["published_margin"].isdigit()
                  else None, float(d) if d != "-" else None, tmp)
        rc, _, err = run("raire", "--check",
                         os.path.join(guide, slug + ".assertions.json"),
                         "--audit", "OneOnMargin", "--auditable",
                         r["ballots"], blt)
        check(rc == 0, "guide %s: --check published: %d %s" % (slug, rc, err))
    rc, _, err = run("raire", "--check", os.path.join(guide,
                     "guide.raire_out.json"), "--audit", "OneOnMargin",
                     "--auditable", "13500", os.path.join(guide, "guide.blt"))
    check(rc == 0, "guide: --check published solution: %d %s" % (rc, err))
    paper = os.path.join(DATA, "raire-paper")
    blt = os.path.join(paper, "example12.blt")
    prob = os.path.join(paper, "example12-bravo.raire.json")
    for audit, args, want in (
            ("BRAVO", ["--risk-limit", "0.05"], 278.25),
            ("MACRO", ["--risk-limit", "0.05", "--error-inflation", "1.1"],
             44.49)):
        rc, out, err = run("raire", "--assertions", "--audit", audit,
                           "--auditable", "27000", "--trim", "None", *args, blt)
        check(rc == 0 and abs(json.loads(out)["solution"]["Ok"]["difficulty"]
                               - want) < 0.01,
              "example 12 %s: %s %s" % (audit, out[-200:], err))
    raire_one("example12", blt, prob, ["--auditable", "27000"], 4000, 6.75,
              tmp)
    check_rejects(os.path.join(nsw, "hunters-hill.blt"),
                  os.path.join(nsw, "hunters-hill.raire_out.json"), tmp)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


main()
