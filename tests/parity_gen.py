#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# parity_gen.py -- write the same ballot papers, from a seed, in every input
# format that can express them, for tests/suite_parity.sh (issue 10 item 7):
# the count must be the same from every format.
#
# Usage: parity_gen.py --seed N --out DIR [--papers K] [--cands C]
#            [--seats 1,3] [--features LIST]
#
# A paper is a list of ranks; a rank is a list of candidates (several: an
# overvote, i.e. an equal ranking; none: a skipped rank) and a paper has an
# integer weight (the number of identical papers). The features, each of
# which the papers use at random, are:
#   blank     a paper with no mark at all
#   repeat    a candidate marked at more than one rank
#   overvote  several candidates at one rank
#   skip      an empty rank before a marked one (never a trailing one)
#   weights   weights above 1 (without it every weight is 1)
# --features (default: all; "none" or empty: none) keeps only the papers
# whose features are all listed; a paper with none of them (a plain
# ranking) is always kept, so the plain papers of a seed are the same
# whatever the features.
#
# The formats, and what each can express:
#   blt       everything: "W 0" blank, "-" skipped rank, "c1=c2" overvote,
#             a repeated number a repeat (doc/teller-formats.5).
#   rank.csv  ranked CSV, rank columns: everything ("A|B" overvote, an
#             empty cell a skipped rank, a name in two cells a repeat, a
#             row of empty cells a blank).
#   cand.csv  ranked CSV, candidate columns: no repeats (a candidate has
#             one cell, so one rank); skips are a gap in the rank numbers,
#             overvotes two candidates with one rank number.
#   toi       PrefLib 2022 .toi: no repeats (an order ranks each
#             alternative once) and no skipped ranks (an order has no rank
#             numbers); "{a,b}" ties; "W:" with an empty order a blank (the
#             PrefLib spec does not forbid it; teller reads it).
#   toc, soc  PrefLib complete orders, for the corpus "complete" below
#             (.soc: no ties either).
#   half1.csv, half2.csv  the papers of rank.csv split in two, for
#             `teller profile` of each and `teller merge` (the profile
#             formats themselves are made by the suite, with teller).
# So that every format is compared on the papers it can express, each
# seats directory holds up to four corpora ("variants"), each in every
# format that can express all of its papers:
#   full      all the papers: blt, rank.csv (+ cand.csv, toi if possible)
#   norepeat  the papers without a repeat: + cand.csv
#   strict    the papers without a repeat or a skip: + toi
#   complete  the papers marking every candidate once (ties allowed):
#             + toc (+ soc)
# A variant with no papers, or the papers of the one before it, is not
# written.
# For each seat number S, DIR/sS/VARIANT/ holds the files, all stating
# S seats (BLT header, "# seats:"; PrefLib cannot say, so pass -s), and
# DIR/MANIFEST has one line per corpus: "S VARIANT FILE..." (paths
# relative to DIR, the halves last).
import argparse
import os
import random
import sys

FEATURES = ("blank", "repeat", "overvote", "skip", "weights")
NAMES = ("Adams", "Baker Jones", "Chen", "Dubois", "Evans-Ng", "Fofana",
         "Garcia", "Holm", "Ito", "Jansen", "Kowalski", "Li")


def paper(rng, ncand):
    """One random paper: (ranks, weight), using every feature now and
    then."""
    w = 1
    if rng.random() < 0.4:
        w = rng.choice((2, 2, 3, 3, 4, 5, 7, 10, 25))
    if rng.random() < 0.07:
        return [], w
    # a plain ranking of some of the candidates, in random order
    order = list(range(ncand))
    rng.shuffle(order)
    n = rng.choice((1, 1, 2, 2, 2, 3, 3, 4, ncand))
    ranks = [[c] for c in order[:min(n, ncand)]]
    rest = order[min(n, ncand):]
    if rng.random() < 0.15 and rest:
        # an overvote: another candidate (or two) at one rank
        k = rng.randrange(len(ranks))
        ranks[k].append(rest.pop())
        if rest and rng.random() < 0.3:
            ranks[k].append(rest.pop())
        rng.shuffle(ranks[k])
    if rng.random() < 0.15:
        # a repeat: a candidate already marked, marked again later (alone,
        # or as part of an overvote)
        c = rng.choice([c for r in ranks for c in r])
        k = rng.randrange(len(ranks) + 1)
        if k < len(ranks) and c not in ranks[k] and rng.random() < 0.3:
            ranks[k].append(c)
        else:
            ranks.insert(k, [c])
    if rng.random() < 0.12:
        # a skipped rank before a marked one (a leading one too)
        ranks.insert(rng.randrange(len(ranks)), [])
    return ranks, w


def features(ranks, w):
    """The features a paper uses."""
    f = set()
    marks = [c for r in ranks for c in r]
    if not marks:
        f.add("blank")
    if len(set(marks)) < len(marks):
        f.add("repeat")
    if any(len(r) > 1 for r in ranks):
        f.add("overvote")
    if any(not r for r in ranks):
        f.add("skip")
    if w > 1:
        f.add("weights")
    return f


def papers_for(seed, npapers, ncand, keep):
    rng = random.Random(seed)
    out = []
    for _ in range(npapers):
        ranks, w = paper(rng, ncand)
        if "weights" not in keep:
            w = 1
        f = features(ranks, w)
        if f <= keep:
            out.append((ranks, w, f))
    return out


def blt_quote(s):
    return '"' + s.replace('"', '""') + '"'


def write_blt(path, title, names, seats, papers):
    with open(path, "w") as f:
        f.write("%d %d\n" % (len(names), seats))
        for ranks, w, _ in papers:
            cells = ["=".join(str(c + 1) for c in r) if r else "-"
                     for r in ranks]
            f.write(" ".join([str(w)] + cells + ["0"]) + "\n")
        f.write("0\n")
        for n in names:
            f.write(blt_quote(n) + "\n")
        f.write(blt_quote(title) + "\n")


def csv_head(f, title, names, seats):
    f.write("# title: %s\n# seats: %d\n" % (title, seats))
    for n in names:
        f.write("# candidate: %s\n" % n)


def write_rank_csv(path, title, names, seats, papers):
    nr = max([len(r) for r, _, _ in papers] + [1])
    with open(path, "w") as f:
        csv_head(f, title, names, seats)
        f.write(",".join(["weight"] + ["rank%d" % (k + 1)
                                       for k in range(nr)]) + "\n")
        for ranks, w, _ in papers:
            cells = ["|".join(names[c] for c in r) for r in ranks]
            cells += [""] * (nr - len(cells))
            f.write(",".join([str(w)] + cells) + "\n")


def write_cand_csv(path, title, names, seats, papers):
    with open(path, "w") as f:
        csv_head(f, title, names, seats)
        f.write(",".join(["weight"] + list(names)) + "\n")
        for ranks, w, _ in papers:
            cells = [""] * len(names)
            for k, r in enumerate(ranks):
                for c in r:
                    assert cells[c] == "", "a repeat in cand.csv"
                    cells[c] = str(k + 1)
            f.write(",".join([str(w)] + cells) + "\n")


def write_preflib(path, title, names, papers):
    """PrefLib 2022: .toi, or .toc/.soc (the extension says which) for
    papers that rank every candidate (without ties for .soc)."""
    with open(path, "w") as f:
        f.write("# FILE NAME: %s\n" % os.path.basename(path))
        f.write("# TITLE: %s\n" % title)
        f.write("# DATA TYPE: %s\n" % path[-3:])
        f.write("# NUMBER ALTERNATIVES: %d\n" % len(names))
        f.write("# NUMBER VOTERS: %d\n" % sum(w for _, w, _ in papers))
        f.write("# NUMBER UNIQUE ORDERS: %d\n" % len(papers))
        for k, n in enumerate(names):
            f.write("# ALTERNATIVE NAME %d: %s\n" % (k + 1, n))
        for ranks, w, _ in papers:
            cells = []
            for r in ranks:
                assert r, "a skipped rank in PrefLib"
                if len(r) == 1:
                    cells.append(str(r[0] + 1))
                else:
                    cells.append("{" + ",".join(str(c + 1)
                                                for c in r) + "}")
            f.write("%d: %s\n" % (w, ",".join(cells)))


def main():
    ap = argparse.ArgumentParser(description="Write the same random "
                                 "ballot papers in every format that can "
                                 "express them.")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", required=True, help="directory to write")
    ap.add_argument("--papers", type=int, default=40,
                    help="papers drawn before --features filters them "
                    "(default 40)")
    ap.add_argument("--cands", type=int, default=0,
                    help="candidates (default: 4 to 6, from the seed)")
    ap.add_argument("--seats", default="1,2",
                    help="comma list of seat numbers (default 1,2)")
    ap.add_argument("--features", default=",".join(FEATURES),
                    help="comma list of %s, or none (default: all)"
                    % ", ".join(FEATURES))
    a = ap.parse_args()
    keep = set(x for x in a.features.split(",") if x and x != "none")
    if keep - set(FEATURES):
        ap.error("unknown feature(s): %s"
                 % ", ".join(sorted(keep - set(FEATURES))))
    ncand = a.cands or random.Random(a.seed * 7919 + 1).randint(4, 6)
    if not 2 <= ncand <= len(NAMES):
        ap.error("--cands must be 2..%d" % len(NAMES))
    try:
        seats = [int(s) for s in a.seats.split(",")]
    except ValueError:
        ap.error("--seats: a comma list of numbers")
    names = NAMES[:ncand]
    title = "Parity seed %d" % a.seed
    allp = papers_for(a.seed, a.papers, ncand, keep)
    variants = []
    for v, drop in (("full", set()),
                    ("norepeat", {"repeat"}),
                    ("strict", {"repeat", "skip"}),
                    ("complete", {"repeat", "skip", "blank"})):
        ps = [p for p in allp if not p[2] & drop]
        if v == "complete":
            ps = [p for p in ps
                  if sum(len(r) for r in p[0]) == ncand]
        if not ps or variants and ps == variants[-1][1]:
            continue
        used = set().union(*[p[2] for p in ps])
        can = []
        if "repeat" not in used:
            can.append("cand")
            if "skip" not in used:
                can.append("toi")
        if v == "complete":
            can.append("toc")
            if "overvote" not in used:
                can.append("soc")
        variants.append((v, ps, can))
    os.makedirs(a.out, exist_ok=True)
    man = []
    for s in seats:
        for v, ps, can in variants:
            rel = "s%d/%s" % (s, v)
            d = os.path.join(a.out, rel)
            os.makedirs(d, exist_ok=True)
            files = ["p.blt", "rank.csv"]
            write_blt(os.path.join(d, "p.blt"), title, names, s, ps)
            write_rank_csv(os.path.join(d, "rank.csv"), title, names, s,
                           ps)
            if "cand" in can:
                write_cand_csv(os.path.join(d, "cand.csv"), title, names,
                               s, ps)
                files.append("cand.csv")
            for x in ("toi", "toc", "soc"):
                if x in can:
                    write_preflib(os.path.join(d, "p." + x), title,
                                  names, ps)
                    files.append("p." + x)
            h = len(ps) // 2
            write_rank_csv(os.path.join(d, "half1.csv"), title, names, s,
                           ps[:h])
            write_rank_csv(os.path.join(d, "half2.csv"), title, names, s,
                           ps[h:])
            files += ["half1.csv", "half2.csv"]
            man.append("%d %s %s" % (s, v, " ".join(rel + "/" + x
                                                      for x in files)))
    with open(os.path.join(a.out, "MANIFEST"), "w") as f:
        f.write("\n".join(man) + "\n")
    n = {v: len(ps) for v, ps, _ in variants}
    sys.stderr.write("parity_gen: seed %d, %d candidates, papers %s\n"
                     % (a.seed, ncand, n))


if __name__ == "__main__":
    main()
