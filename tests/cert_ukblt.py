#!/usr/bin/python3
# cert_ukblt.py -- BLT files from the published UK results in
# $SHARED/data/uk (tests/suite_cert.sh): python3 cert_ukblt.py DIR OUT.
# Writes OUT/<id>.<method>.<seats>.blt: each FPTP and block contest with
# one paper a vote for its candidates' published totals (block totals are
# all that is published, so each paper marks one candidate), and each SV
# stage case of sv_edge_cases.json with its first preferences and the
# second preferences it gives (transfers_from_X). Standard library only.
import glob
import json
import os
import sys


def blt(path, title, seats, names, lines):
    with open(path, "w", encoding="utf-8") as f:
        f.write("%d %d\n" % (len(names), seats))
        for w, prefs in lines:
            if w > 0:
                f.write("%d %s 0\n" % (w, " ".join(str(p) for p in prefs)))
        f.write("0\n")
        for n in names:
            f.write('"%s"\n' % n.replace('"', "'"))
        f.write('"%s"\n' % title.replace('"', "'"))


def main():
    src, out = sys.argv[1:3]
    for path in sorted(glob.glob(os.path.join(src, "*.json"))):
        d = json.load(open(path, encoding="utf-8"))
        if d.get("system") in ("FPTP", "block"):
            names = [c["name"] for c in d["candidates"]]
            seats = int(d["seats"])
            lines = [(int(c["votes"]), [i + 1])
                     for i, c in enumerate(d["candidates"])]
            blt(os.path.join(out, "%s.%s.%d.blt" % (d["id"],
                d["system"].lower(), seats)), d["title"], seats, names,
                lines)
        for case in d.get("stage_cases", []):
            fp = case.get("first_prefs", case.get("votes"))
            if fp is None:
                continue
            names = sorted(fp)
            lines = []
            for i, n in enumerate(names):
                tr = case.get("transfers_from_" + n, {})
                for m, w in sorted(tr.items()):
                    lines.append((int(w), [i + 1, names.index(m) + 1]))
                lines.append((int(fp[n]) - sum(tr.values()), [i + 1]))
            blt(os.path.join(out, "%s.sv.1.blt" % case["id"]), case["id"],
                1, names, lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
