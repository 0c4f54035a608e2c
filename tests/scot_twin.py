#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""scot_twin.py -- the Scottish preference-profile archive's comma-separated
twin of a BLT file counts exactly as the BLT file.

Usage: scot_twin.py TELLER BLT_DIR TMP_DIR [EVERY]

For every EVERY-th BLT file under BLT_DIR (sorted; default 6), writes its
twin into TMP_DIR the way the archive does (header "10,4,", ballot lines
"w,p1,p2," with no terminating 0 and no lone 0, "Candidate k","Name",
"Party" lines, the ward title in one of the archive's quotings, no final
newline), with the names and parties teller reads from the BLT file
(`teller profile`), then compares `teller count -m stv-scottish --json -`
of the two, apart from "inputs". Ends "N passed, N failed".
Standard library only.
"""
import json
import os
import subprocess
import sys


def unescape(s):
    """A name of a teller profile file (\\\\ \\t \\n \\r \\xHH escaped)."""
    out = []
    i = 0
    while i < len(s):
        c = s[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        d = s[i + 1]
        if d == "x":
            out.append(chr(int(s[i + 2:i + 4], 16)))
            i += 4
            continue
        out.append({"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}[d])
        i += 2
    return "".join(out)


def names_of(teller, blt):
    """Title and [(name, party)] as teller reads them from blt."""
    res = subprocess.run([teller, "profile", blt, "-o", "-"],
                         capture_output=True, check=True)
    title = ""
    cands = []
    for line in res.stdout.decode("utf-8").split("\n"):
        if line.startswith("title "):
            title = unescape(line[6:])
        elif line.startswith("c "):
            rest = line[2:].split(" ", 1)[1]
            name, party = rest.split("\t", 1)
            cands.append((unescape(name), unescape(party)))
    return title, cands


def ballots_of(blt):
    """The header numbers and the ballot lines (as lists of numbers)."""
    with open(blt, encoding="utf-8-sig") as f:
        lines = f.read().splitlines()
    header = None
    ballots = []
    for line in lines:
        line = line.split("#", 1)[0].strip().rstrip(",").strip()
        if not line:
            continue
        toks = line.replace(",", " ").split()
        if header is None:
            header = toks
            continue
        if toks == ["0"]:
            break
        if toks[-1] != "0":
            raise ValueError("%s: ballot without a terminating 0: %r"
                             % (blt, line))
        ballots.append(toks[:-1])
    return header, ballots


def q(s):
    return '"' + s.replace('"', '""') + '"'


def twin(teller, blt, out, style):
    header, ballots = ballots_of(blt)
    title, cands = names_of(teller, blt)
    rows = [",".join(header) + ","]
    rows += [",".join(b) + "," for b in ballots]
    for i, (name, party) in enumerate(cands, 1):
        rows.append("%s,%s,%s," % (q("Candidate %d" % i), q(name), q(party)))
    # the archive's quotings of the ward (and the "Ward",N form)
    rows.append([q(title) + ",", '""%s"",' % title,
                 '""""%s"" "",' % title, q(title) + ",%d" % (style + 1)]
                [style % 4])
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(rows))


def count(teller, path):
    res = subprocess.run([teller, "count", "-m", "stv-scottish", "--json",
                          "-", path], capture_output=True)
    if res.returncode != 0:
        return None, res.stderr.decode("utf-8", "replace").strip()
    doc = json.loads(res.stdout.decode("utf-8"))
    doc.pop("inputs", None)
    return doc, ""


def main():
    teller, blt_dir, tmp = sys.argv[1], sys.argv[2], sys.argv[3]
    every = int(sys.argv[4]) if len(sys.argv) > 4 else 6
    files = []
    for root, _dirs, names in os.walk(blt_dir):
        files += [os.path.join(root, n) for n in names if n.endswith(".blt")]
    files.sort()
    passed = failed = 0
    for i, blt in enumerate(files[::every]):
        out = os.path.join(tmp, os.path.basename(blt)[:-4] + ".csv")
        try:
            twin(teller, blt, out, i)
        except (ValueError, subprocess.CalledProcessError) as e:
            print("FAIL: %s: cannot write its twin: %s" % (blt, e))
            failed += 1
            continue
        a, ea = count(teller, blt)
        b, eb = count(teller, out)
        if a is None or b is None:
            print("FAIL: %s: %s %s" % (blt, ea, eb))
            failed += 1
        elif a != b:
            print("FAIL: %s: its twin counts differently" % blt)
            for k in sorted(set(a) | set(b)):
                if a.get(k) != b.get(k):
                    print("  %s: %.200r / %.200r" % (k, a.get(k), b.get(k)))
            failed += 1
        else:
            passed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
