#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""gen_vendor.py -- scaled-up vendor cast-vote records for the memory
benchmark of the RCTab CVR readers (bench/vendor.sh).

Takes a small real case of RCTab's regression suite, read in place from
$SHARED/data/rctab (nothing of it is committed), and writes a copy with N
ballots: the source's records replicated in order, ids made unique, plus an
RCTab config pointing at it. One format per run:

  dominion     CvrExport.json + the manifests (dominion_alaska)
  cdf-json     NIST CDF JSON (test_set_0_skipped_first_choice)
  cdf-xml      NIST CDF XML (unisyn_xml_cdf_city_mayor; other contests of
               each record are dropped to keep the file size sane)
  ess          ES&S .xlsx (2015_portland_mayor)
  clearballot  Clear Ballot CSV (clear_ballot_kansas_primary)
  hart         a folder of Hart XML files, one per ballot
               (hart_cedar_park_school_board)

Usage: gen_vendor.py --format F --ballots N --out DIR [--shared DIR]
Writes DIR/config.json and the CVR beside it. Python 3 standard library
only.
"""
import argparse
import copy
import csv
import io
import json
import os
import re
import shutil
import sys
import uuid
import zipfile

CASES = {
    "dominion": "dominion_alaska",
    "cdf-json": "test_set_0_skipped_first_choice",
    "cdf-xml": "unisyn_xml_cdf_city_mayor",
    "ess": "2015_portland_mayor",
    "clearballot": "clear_ballot_kansas_primary",
    "hart": "hart_cedar_park_school_board",
}

K = "@@K@@"  # placeholder for the record number in a template


def load_config(rctab, case):
    d = os.path.join(rctab, case)
    with open(os.path.join(d, case + "_config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    if len(cfg["cvrFileSources"]) != 1:
        sys.exit("gen_vendor: %s: expected one CVR source" % case)
    src = cfg["cvrFileSources"][0]["filePath"]
    src = os.path.normpath(os.path.join(d, src))
    return cfg, src


def write_config(cfg, out, cvr_rel):
    cfg = copy.deepcopy(cfg)
    cfg["cvrFileSources"][0]["filePath"] = cvr_rel
    o = cfg["outputSettings"]
    o["outputDirectory"] = "output"
    o["generateCdfJson"] = False
    o["tabulateByPrecinct"] = False
    o["tabulateByBatch"] = False
    with open(os.path.join(out, "config.json"), "w", encoding="utf-8") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")


def templates(texts):
    """Split each template text at the placeholder: (pieces) per record."""
    return [t.split(K) for t in texts]


def emit(f, tpl, k):
    """Write template tpl with every placeholder replaced by k."""
    s = str(k)
    f.write(s.join(tpl))


def gen_dominion(cfg, src, out, n):
    cvr = os.path.join(out, "cvr")
    os.makedirs(cvr, exist_ok=True)
    for name in sorted(os.listdir(src)):
        if name.startswith("CvrExport"):
            continue
        shutil.copyfile(os.path.join(src, name), os.path.join(cvr, name))
    with open(os.path.join(src, "CvrExport.json"), encoding="utf-8-sig") as f:
        doc = json.load(f)
    sess = doc.pop("Sessions")
    texts = []
    for s in sess:
        s = copy.deepcopy(s)
        s["RecordId"] = K
        texts.append(json.dumps(s, separators=(",", ":")).replace(
            '"' + K + '"', K))
    tpl = templates(texts)
    head = json.dumps(doc, separators=(",", ":"))[:-1]
    with open(os.path.join(cvr, "CvrExport.json"), "w", encoding="utf-8",
              buffering=1 << 20) as f:
        f.write(head + ',"Sessions":[')
        for k in range(n):
            if k:
                f.write(",")
            emit(f, tpl[k % len(tpl)], k + 1)
        f.write("]}")
    write_config(cfg, out, "cvr")


def gen_cdf_json(cfg, src, out, n):
    with open(src, encoding="utf-8-sig") as f:
        doc = json.load(f)
    texts = []
    for r in doc["CVR"]:
        r = copy.deepcopy(r)
        ids = {}
        for s in r.get("CVRSnapshot", []):
            if "@id" in s:
                ids[s["@id"]] = "%s-%s" % (s["@id"], K)
                s["@id"] = ids[s["@id"]]
        if r.get("CurrentSnapshotId") in ids:
            r["CurrentSnapshotId"] = ids[r["CurrentSnapshotId"]]
        if "BallotPrePrintedId" in r:
            r["BallotPrePrintedId"] = K
        if "UniqueId" in r:
            r["UniqueId"] = K
        texts.append(json.dumps(r, separators=(",", ":")))
    tpl = templates(texts)
    name = "cvr.json"
    with open(os.path.join(out, name), "w", encoding="utf-8",
              buffering=1 << 20) as f:
        f.write("{")
        first = True
        for key, val in doc.items():
            if not first:
                f.write(",")
            first = False
            f.write(json.dumps(key) + ":")
            if key != "CVR":
                f.write(json.dumps(val, separators=(",", ":")))
                continue
            f.write("[")
            for k in range(n):
                if k:
                    f.write(",\n")
                emit(f, tpl[k % len(tpl)], k + 1)
            f.write("]")
        f.write("}\n")
    write_config(cfg, out, name)


def gen_cdf_xml(cfg, src, out, n):
    with open(src, encoding="utf-8") as f:
        text = f.read()
    rx = re.compile(r"<((?:\w+:)?)CVR>.*?</\1CVR>", re.S)
    recs = list(rx.finditer(text))
    if not recs:
        sys.exit("gen_vendor: %s: no CVR elements" % src)
    head, tail = text[:recs[0].start()], text[recs[-1].end():]
    # The configured contest's ObjectId, to drop the others from records.
    want = cfg["cvrFileSources"][0]["contestId"]
    cid = None
    for m in re.finditer(r'<(?:\w+:)?Contest\b[^>]*ObjectId="([^"]+)"[^>]*>'
                         r'(.*?)</(?:\w+:)?Contest>', tail, re.S):
        nm = re.search(r"<(?:\w+:)?Name>(.*?)</(?:\w+:)?Name>", m.group(2))
        if nm and nm.group(1) == want:
            cid = m.group(1)
    crx = re.compile(r"\s*<((?:\w+:)?)CVRContest>.*?</\1CVRContest>", re.S)
    texts = []
    for m in recs:
        r = m.group(0)
        if cid is not None:
            r = crx.sub(lambda c: c.group(0) if re.search(
                r">%s<" % re.escape(cid), c.group(0)) else "", r)
        for v in set(re.findall(r'ObjectId="([^"]+)"', r)):
            r = r.replace('"%s"' % v, '"%s-%s"' % (v, K))
            r = r.replace(">%s<" % v, ">%s-%s<" % (v, K))
        r = re.sub(r"(<(?:\w+:)?UniqueId>)[^<]*", r"\g<1>" + K, r)
        r = re.sub(r"(<(?:\w+:)?BallotPrePrintedId>)[^<]*", r"\g<1>" + K, r)
        texts.append(r)
    tpl = templates(texts)
    sep = text[recs[0].end():recs[1].start()] if len(recs) > 1 else "\n"
    name = "cvr.xml"
    with open(os.path.join(out, name), "w", encoding="utf-8",
              buffering=1 << 20) as f:
        f.write(head)
        for k in range(n):
            if k:
                f.write(sep)
            emit(f, tpl[k % len(tpl)], k + 1)
        f.write(tail)
    write_config(cfg, out, name)


def gen_clearballot(cfg, src, out, n):
    with open(src, encoding="utf-8", newline="") as f:
        raw = f.read()
    nl = "\r\n" if "\r\n" in raw else "\n"
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    header, body = rows[0], [r for r in rows[1:] if r]
    idcol = header.index("BallotID") if "BallotID" in header else None
    name = "cvr.csv"
    with open(os.path.join(out, name), "w", encoding="utf-8", newline="",
              buffering=1 << 20) as f:
        w = csv.writer(f, lineterminator=nl)
        w.writerow(header)
        for k in range(n):
            r = list(body[k % len(body)])
            r[0] = str(k + 1)
            if idcol is not None:
                r[idcol] = "%s-%d" % (r[idcol], k + 1)
            w.writerow(r)
    write_config(cfg, out, name)


def gen_hart(cfg, src, out, n):
    cvr = os.path.join(out, "cvr")
    os.makedirs(cvr, exist_ok=True)
    texts = []
    for name in sorted(os.listdir(src)):
        with open(os.path.join(src, name), "rb") as f:
            t = f.read().decode("utf-8")
        t = re.sub(r"<CvrGuid>[^<]*</CvrGuid>", "<CvrGuid>" + K +
                   "</CvrGuid>", t)
        texts.append(t)
    tpl = templates(texts)
    for k in range(n):
        g = str(uuid.UUID(int=k + 1))
        with open(os.path.join(cvr, "%s.xml" % g), "w",
                  encoding="utf-8") as f:
            f.write(g.join(tpl[k % len(tpl)]))
    write_config(cfg, out, "cvr")


def gen_ess(cfg, src, out, n):
    first_row = int(cfg["cvrFileSources"][0]["firstVoteRowIndex"] or 2)
    zin = zipfile.ZipFile(src)
    sheet = "xl/worksheets/sheet1.xml"
    text = zin.read(sheet).decode("utf-8")
    a = text.index("<sheetData>") + len("<sheetData>")
    b = text.index("</sheetData>")
    head, tail = text[:a], text[b:]
    rows = re.findall(r"<row\b[^>]*/>|<row\b.*?</row>", text[a:b], re.S)
    hdr, texts = [], []
    for r in rows:
        num = int(re.search(r'\br="(\d+)"', r).group(1))
        if num < first_row:
            hdr.append(r)
            continue
        r = re.sub(r'(<row\b[^>]*?\br=")\d+"', r'\g<1>' + K + '"', r, 1)
        r = re.sub(r'(<c\b[^>]*?\br="[A-Z]+)\d+"', r'\g<1>' + K + '"', r)
        # column A holds the record number (a plain numeric cell)
        r = re.sub(r'(<c\b[^>]*?\br="A' + K + r'"(?:(?!t=)[^>])*>'
                   r'<v>)[^<]*', r'\g<1>' + "@@ID@@", r, 1)
        texts.append(r)
    if not texts:
        sys.exit("gen_vendor: %s: no data rows" % src)
    tpl = [t.split(K) for t in texts]
    last = first_row - 1 + n
    head = re.sub(r'(<dimension ref="[A-Z]+\d+:[A-Z]+)\d+"',
                  r'\g<1>%d"' % last, head)
    name = "cvr.xlsx"
    with zipfile.ZipFile(os.path.join(out, name), "w",
                         zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != sheet:
                zout.writestr(info.filename, zin.read(info.filename))
                continue
            with zout.open(sheet, "w", force_zip64=True) as f:
                w = io.BufferedWriter(f, 1 << 20)
                w.write(head.encode("utf-8"))
                for r in hdr:
                    w.write(r.encode("utf-8"))
                for k in range(n):
                    rn = str(first_row + k)
                    t = rn.join(tpl[k % len(tpl)])
                    w.write(t.replace("@@ID@@", str(k + 1)).encode("utf-8"))
                w.write(tail.encode("utf-8"))
                w.flush()
    write_config(cfg, out, name)


GEN = {
    "dominion": gen_dominion,
    "cdf-json": gen_cdf_json,
    "cdf-xml": gen_cdf_xml,
    "ess": gen_ess,
    "clearballot": gen_clearballot,
    "hart": gen_hart,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--format", required=True, choices=sorted(GEN))
    ap.add_argument("--ballots", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--shared", default=os.environ.get("SHARED",
                                                       "../shared"))
    a = ap.parse_args()
    if a.ballots < 1:
        sys.exit("gen_vendor: --ballots must be at least 1")
    rctab = os.path.join(a.shared, "data", "rctab")
    if not os.path.isdir(rctab):
        sys.exit("gen_vendor: %s not found" % rctab)
    cfg, src = load_config(rctab, CASES[a.format])
    os.makedirs(a.out, exist_ok=True)
    GEN[a.format](cfg, src, a.out, a.ballots)


if __name__ == "__main__":
    main()
