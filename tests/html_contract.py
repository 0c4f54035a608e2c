#!/usr/bin/python3
"""html_contract.py PAGE.html RESULT.json -- check an HTML report against
the markup contract of docs/reports.md section 11, and its additions M1-M6
for the methods of methods.md (lib/rep_html_matrix.c), and the result
JSON it was written from. Prints each breach; exits 1 if any, 0 if none.
Stdlib only: a small tree over html.parser."""
import html.parser
import json
import re
import sys
from decimal import Decimal

VOID = {"meta", "br", "hr", "img", "input", "link", "col", "wbr", "area",
        "base", "source"}
BANNED = {"script", "link", "base", "iframe", "object", "embed"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.kids = []
        self.text_parts = []

    def text(self):
        out = []
        for k in self.kids:
            out.append(k if isinstance(k, str) else k.text())
        return "".join(out)

    def ctext(self):
        return re.sub(r"\s+", " ", self.text()).strip()

    def walk(self):
        for k in self.kids:
            if isinstance(k, Node):
                yield k
                yield from k.walk()

    def find(self, pred):
        return [n for n in self.walk() if pred(n)]

    def cls(self):
        return self.attrs.get("class", "").split()


class Tree(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#doc", [], None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        n = Node(tag, [(k, v or "") for k, v in attrs], self.cur)
        self.cur.kids.append(n)
        if tag not in VOID:
            self.cur = n

    def handle_startendtag(self, tag, attrs):
        n = Node(tag, [(k, v or "") for k, v in attrs], self.cur)
        self.cur.kids.append(n)

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.kids.append(data)


def shows(text, s):
    """Does text show decimal string s (thousands separators allowed)?"""
    return s in text.replace(",", "")


def check(page, res, errs):
    t = Tree()
    t.feed(open(page, encoding="utf-8").read())
    doc = t.root
    allnodes = list(doc.walk())
    e = errs.append
    htm = [n for n in allnodes if n.tag == "html"]
    if not htm or not htm[0].attrs.get("lang"):
        e("1: <html lang> missing or empty")
    csp = [n for n in allnodes if n.tag == "meta" and
           n.attrs.get("http-equiv", "").lower() ==
           "content-security-policy"]
    if not csp or "default-src 'none'" not in csp[0].attrs.get("content",
                                                               ""):
        e("2: no CSP meta with default-src 'none'")
    for n in allnodes:
        if n.tag in BANNED:
            e("2: banned element <%s>" % n.tag)
        if n.tag in ("img", "image"):
            src = n.attrs.get("src", n.attrs.get("href", ""))
            if not src.startswith("data:"):
                e("2: <%s> with a non-data source" % n.tag)
        for a in n.attrs:
            if a.startswith("on"):
                e("2: event attribute %s" % a)
    h1 = [n for n in allnodes if n.tag == "h1"]
    if len(h1) != 1 or res["title"] not in h1[0].ctext():
        e("3: not exactly one <h1> holding the title")
    mains = [n for n in allnodes if n.tag == "main"]
    if len(mains) != 1:
        e("3: not exactly one <main>")
        return
    ids = [n.attrs["id"] for n in allnodes if "id" in n.attrs]
    for i in set(ids):
        if ids.count(i) > 1:
            e("4: id %r not unique" % i)
    main = mains[0]
    byid = {n.attrs["id"]: n for n in allnodes if "id" in n.attrs}
    decl(main, byid, res, e)
    table(byid, res, e)
    stages(byid, res, e)
    flow(byid, res, e)
    crosstab(byid, res, e)
    methods(byid, res, e)


def decl(main, byid, res, e):
    secs = main.find(lambda n: n.tag == "section")
    if not secs or secs[0].attrs.get("id") != "declaration":
        e("5: section#declaration is not the first section in <main>")
        return
    d = secs[0]
    if not d.find(lambda n: n.tag == "h2"):
        e("5: section#declaration has no <h2>")
    txt = d.ctext()
    for name in res["elected"]:
        if name not in txt:
            e("5: declaration lacks %r" % name)
    if res["elected"] and "elected" not in txt:
        e("5: declaration lacks 'elected'")
    if res["method"] in ("fptp", "block", "sv") and res["elected"] and \
            "duly elected" not in txt:
        e("5: declaration lacks 'duly elected'")
    # electorate and turnout in the declaration when the JSON has them
    for key, want in (("electorate", res.get("electorate")),
                      ("turnout", res.get("turnout"))):
        if want is None:
            continue
        m = d.find(lambda n: n.attrs.get("data-" + key) == str(want))
        if len(m) != 1 or not shows(m[0].ctext(), str(want)):
            e("5: declaration lacks %s %s" % (key, want))
    if res["rejected"]:
        rj = byid.get("rejected")
        if rj is None or rj.tag != "section":
            e("6: no section#rejected")
            return
        for k, v in res["rejected"].items():
            m = rj.find(lambda n: n.attrs.get("data-reason") == k and
                        n.attrs.get("data-votes") == v)
            if len(m) != 1 or not shows(m[0].ctext(), v):
                e("6: rejected %r = %s not shown once" % (k, v))


def cells(tr):
    return tr.find(lambda n: n.tag == "td" and "data-stage" in n.attrs)


def table(byid, res, e):
    tb = byid.get("stages")
    nums = [s["number"] for s in res["stages"]]
    if tb is None or tb.tag != "table":
        e("7: no table#stages")
        return
    cap = tb.find(lambda n: n.tag == "caption")
    if not cap or not cap[0].ctext():
        e("7: table#stages has no caption")
    for n in nums:
        if len(tb.find(lambda x: x.tag == "th" and x.attrs.get("scope") ==
                       "col" and x.attrs.get("data-stage") == str(n))) != 1:
            e("7: no single th[data-stage=%d]" % n)
    rows = tb.find(lambda n: n.tag == "tr" and "data-candidate" in n.attrs
                   and n.parent.tag == "tbody")
    for c in res["candidates"]:
        name = c["name"]
        mine = [r for r in rows if r.attrs["data-candidate"] == name]
        if len(mine) != 1:
            e("8: %r has %d rows" % (name, len(mine)))
            continue
        r = mine[0]
        th = r.find(lambda n: n.tag == "th" and n.attrs.get("scope") ==
                    "row")
        if not th or name not in th[0].ctext():
            e("8: %r row has no th[scope=row] with its name" % name)
        want = "elected" if name in res["elected"] else "excluded" \
            if name in res["excluded"] else "not-elected"
        if r.attrs.get("data-status") != want:
            e("8: %r data-status %r, want %r" %
              (name, r.attrs.get("data-status"), want))
        word = {"elected": ["elected"], "excluded": ["excluded",
                                                     "eliminated"]}
        if want in word and not any(w in r.ctext() for w in word[want]):
            e("8: %r row does not say %s" % (name, want))
        ex = None
        for s in res["stages"]:
            if name in s["excluded"]:
                ex = s["number"]
        for s in res["stages"]:
            v = s["votes"][name]
            m = [x for x in cells(r) if x.attrs["data-stage"] ==
                 str(s["number"])]
            if len(m) != 1 or m[0].attrs.get("data-votes") != v:
                e("9: %r stage %d cell wrong" % (name, s["number"]))
                continue
            zero_ok = ex is not None and ex <= s["number"] and \
                Decimal(v) == 0
            if not shows(m[0].ctext(), v) and not zero_ok:
                e("9: %r stage %d shows %r, not %s" %
                  (name, s["number"], m[0].ctext(), v))
    foot(tb, res, e)


def foot(tb, res, e):
    keys = [("non-transferable", "non_transferable")]
    if res["decimal_places"] > 0:
        keys.append(("loss-by-fractions", "loss_by_fractions"))
    for row, key in keys:
        tr = tb.find(lambda n: n.tag == "tr" and
                     n.attrs.get("data-row") == row)
        if len(tr) != 1:
            e("10: no single tr[data-row=%s]" % row)
            continue
        for s in res["stages"]:
            m = [x for x in cells(tr[0]) if x.attrs["data-stage"] ==
                 str(s["number"])]
            if len(m) != 1 or m[0].attrs.get("data-votes") != s[key] or \
                    not shows(m[0].ctext(), s[key]):
                e("10: %s stage %d wrong" % (row, s["number"]))


def stages(byid, res, e):
    for s in res["stages"]:
        n = s["number"]
        sec = byid.get("stage-%d" % n)
        if sec is None or sec.tag != "section":
            e("11: no section#stage-%d" % n)
            continue
        hs = sec.find(lambda x: x.tag in ("h2", "h3", "h4"))
        if not hs or not re.search(r"\b(Stage|Round) %d\b" % n,
                                   hs[0].ctext()):
            e("11: stage %d heading" % n)
        svgs = sec.find(lambda x: x.tag == "svg" and "stage-chart" in
                        x.cls())
        if len(svgs) != 1 or svgs[0].attrs.get("role") != "img":
            e("11: stage %d: not one svg.stage-chart role=img" % n)
            continue
        svg = svgs[0]
        lab = svg.attrs.get("aria-labelledby", "").split()
        if not lab or not any(byid.get(i) is not None and
                              byid[i].tag == "title" and byid[i].ctext()
                              for i in lab):
            e("11: stage %d chart has no named title" % n)
        need = [s["subject"]] if s.get("subject") else []
        need += s["elected"] + s["excluded"]
        ps = sec.find(lambda x: x.tag == "p" and "narrative" in x.cls())
        if not any(all(nm in p.ctext() for nm in need) for p in ps):
            e("12: stage %d narrative lacks a name of %r" % (n, need))
        bars(svg, s, e)


def bars(svg, s, e):
    ratio = None
    found = []
    for name, v in s["votes"].items():
        if Decimal(v) == 0:
            continue
        m = svg.find(lambda x: x.attrs.get("data-candidate") == name and
                     x.attrs.get("data-votes") == v)
        if len(m) != 1 or m[0].tag != "rect":
            e("13: stage %d: %r has %d bars" % (s["number"], name, len(m)))
            continue
        found.append((Decimal(v), Decimal(m[0].attrs.get("width", "0"))))
    if not found:
        return
    big = max(found, key=lambda p: p[1])
    ratio = big[1] / big[0]
    for v, w in found:
        if abs(v * ratio - w) > Decimal("1.5"):
            e("13: stage %d: bar of %s is %s wide, not %s" %
              (s["number"], v, w, v * ratio))


def flow(byid, res, e):
    if len(res["stages"]) < 2:
        return
    f = byid.get("flow")
    if f is None or f.tag != "svg" or f.attrs.get("role") != "img" or \
            not f.find(lambda x: x.tag == "title"):
        e("14: no svg#flow role=img with a title")
        return
    prev = None
    for s in res["stages"]:
        if prev is not None and "valid" in s:
            # a round of the exhaustive ballot (its own "valid"): a new
            # ballot, so no transfers are known and no band may say any
            for b in f.find(lambda x: x.attrs.get("data-stage") ==
                            str(s["number"])):
                e("14: stage %d is a new ballot but has a band" %
                  s["number"])
        elif prev is not None:
            want = sum(max(Decimal(s["votes"][c]) - Decimal(prev["votes"][c]),
                           0) for c in s["votes"])
            want += Decimal(s["non_transferable"]) - \
                Decimal(prev["non_transferable"])
            want += Decimal(s["loss_by_fractions"]) - \
                Decimal(prev["loss_by_fractions"])
            got = Decimal(0)
            for b in f.find(lambda x: x.attrs.get("data-stage") ==
                            str(s["number"])):
                if b.attrs.get("data-from") == b.attrs.get("data-to"):
                    continue
                if not b.find(lambda x: x.tag == "title"):
                    e("14: stage %d band without a title" % s["number"])
                got += Decimal(b.attrs.get("data-votes", "0"))
            if got != want:
                e("14: stage %d bands carry %s, moved %s" %
                  (s["number"], got, want))
        prev = s


def crosstab(byid, res, e):
    if res["method"] != "sv" or len(res["stages"]) < 2:
        return
    ct = byid.get("crosstab")
    if ct is None or ct.tag != "table" or \
            not ct.find(lambda x: x.tag == "caption"):
        e("15: no table#crosstab with a caption")
        return
    s1, s2 = res["stages"][0], res["stages"][1]
    cell = {}
    for c in res["candidates"]:
        tr = ct.find(lambda x: x.tag == "tr" and
                     x.attrs.get("data-first") == c["name"])
        if len(tr) != 1:
            e("15: %r has %d rows" % (c["name"], len(tr)))
            continue
        row = 0
        for td in tr[0].find(lambda x: x.tag == "td" and
                             "data-second" in x.attrs):
            v = Decimal(td.attrs.get("data-votes", "0"))
            cell[(c["name"], td.attrs["data-second"])] = v
            row += v
        if row > Decimal(s1["votes"][c["name"]]):
            e("15: row %r sums over its first preferences" % c["name"])
    elim = s2["excluded"]
    for x in s2["votes"]:
        if x in elim or Decimal(s2["votes"][x]) == 0:
            continue
        gain = Decimal(s2["votes"][x]) - Decimal(s1["votes"][x])
        got = sum(cell.get((f, x), Decimal(0)) for f in elim)
        if got != gain:
            e("15: cross-table gives %r %s, stage 2 gain %s" %
              (x, got, gain))


def matrix(byid, res, key, e):
    """M1 (pairwise) and M3 (paths): table#KEY from res[KEY]."""
    tab = byid.get(key)
    if tab is None or tab.tag != "table" or \
            not tab.find(lambda x: x.tag == "caption" and x.ctext()):
        e("M1: no table#%s with a caption" % key)
        return
    names = [c["name"] for c in res["candidates"]]
    cols = [x.attrs.get("data-against") for x in tab.find(
        lambda x: x.tag == "th" and x.attrs.get("scope") == "col")]
    if cols != names:
        e("M1: %s columns %r" % (key, cols))
    for x in names:
        tr = tab.find(lambda n: n.tag == "tr" and
                      n.attrs.get("data-for") == x)
        if len(tr) != 1 or not tr[0].find(
                lambda n: n.tag == "th" and n.attrs.get("scope") == "row"
                and x in n.ctext()):
            e("M1: %s: not one row of %r" % (key, x))
            continue
        for y, v in res[key][x].items():
            td = tr[0].find(lambda n: n.tag == "td" and
                            n.attrs.get("data-against") == y)
            if len(td) != 1:
                e("M1: %s[%r][%r]: %d cells" % (key, x, y, len(td)))
            elif v is None:
                if "data-value" in td[0].attrs:
                    e("M3: %s[%r][%r] is null" % (key, x, y))
            elif td[0].attrs.get("data-value") != v or \
                    not shows(td[0].ctext(), v):
                e("M1: %s[%r][%r] is not %s" % (key, x, y, v))


def col_values(row, cols):
    """{col: data-value} of td[data-col] in row."""
    return {td.attrs["data-col"]: td.attrs.get("data-value")
            for td in row.find(lambda n: n.tag == "td" and
                               n.attrs.get("data-col") in cols)}


def methods(byid, res, e):
    """M1-M6: the pairwise methods' and the college's tables."""
    if "pairwise" in res:
        matrix(byid, res, "pairwise", e)
    if res.get("paths") is not None:
        matrix(byid, res, "paths", e)
    for key in ("smith", "schwartz"):
        if key not in res:
            continue
        el = byid.get(key)
        got = [] if el is None else [
            n.attrs["data-member"] for n in el.find(
                lambda n: "data-member" in n.attrs)]
        if got != res[key]:
            e("M2: #%s holds %r, not %r" % (key, got, res[key]))
    if res.get("locked") is not None:
        tab = byid.get("locked")
        rows = [] if tab is None else tab.find(
            lambda n: n.tag == "tr" and "data-winner" in n.attrs)
        got = [(r.attrs["data-winner"], r.attrs.get("data-loser"),
                r.attrs.get("data-value"), r.attrs.get("data-locked"))
               for r in rows]
        want = [(p["winner"], p["loser"], p["margin"],
                 "true" if p["locked"] else "false")
                for p in res["locked"]]
        if got != want:
            e("M4: table#locked %r, not %r" % (got, want))
    if res.get("sections"):
        tab = byid.get("sections")
        for sd in res["sections"]:
            tr = [] if tab is None else tab.find(
                lambda n: n.tag == "tr" and
                n.attrs.get("data-section") == sd["id"])
            if len(tr) != 1 or \
                    col_values(tr[0], ("valid",)).get("valid") != sd["valid"]:
                e("M6: section %r not shown with valid %s" %
                  (sd["id"], sd["valid"]))
    for s in res["stages"]:
        sec = byid.get("stage-%d" % s["number"])
        for sd in s.get("sections", []):
            tabs = [] if sec is None else sec.find(
                lambda n: n.tag == "table" and
                n.attrs.get("data-section") == sd["id"] and
                "college" in n.cls())
            if len(tabs) != 1 or not tabs[0].find(
                    lambda n: n.tag == "caption" and
                    sd["name"] in n.ctext()):
                e("M5: stage %d: no table of section %r" %
                  (s["number"], sd["id"]))
                continue
            for name, v in sd["votes"].items():
                tr = tabs[0].find(lambda n: n.tag == "tr" and
                                  n.attrs.get("data-for") == name)
                want = {"votes": v, "percent": sd["percent"][name],
                        "points": sd["points"][name]}
                if len(tr) != 1 or col_values(tr[0], want) != want:
                    e("M5: stage %d section %r: %r not %r" %
                      (s["number"], sd["id"], name, want))


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: html_contract.py PAGE.html RESULT.json\n")
        return 2
    res = json.load(open(sys.argv[2], encoding="utf-8"))
    errs = []
    check(sys.argv[1], res, errs)
    for x in errs:
        print("%s: %s" % (sys.argv[1], x))
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
