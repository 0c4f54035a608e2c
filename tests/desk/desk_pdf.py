#!/usr/bin/python3
# desk_pdf.py -- F21's "PDF where made" (docs/desk.md §6.6, §5 Printing,
# §11 B-tests) with Debian's chromium and pdftotext:
# P1 serve --export-dir --pdf-browser: POST exports (and serve's own at
#    VERIFIED) writes a tarball with documents/X.pdf beside each
#    documents/X.html, and pdf.txt; each PDF
#    is A4 on every page, its text (pdftotext) holds the page's figures
#    and its footer "#N · 16 hex"; the manifest and the export.made event
#    list every PDF; the tarball verifies;
# P2 export DB --tar --pdf-browser twice: the same bytes (the PDFs' dates
#    and tag numbers made the book's); without --pdf-browser no PDF and
#    no pdf.txt;
# P3 verify: a PDF changed is refused by the manifest; a PDF with no
#    page beside it is refused even with the manifest made again;
# P4 a browser that fails or hangs (TELLER_DESK_PDF_S): the export is
#    made, verifies, and says why in pdf.txt and the event's pdf_failed;
#    a hung one is stopped at the limit;
# P5 --pdf-browser must name a program by an absolute path; export's
#    needs --tar.
# Usage: desk_pdf.py BUILD_DIR. Prints "N passed, N failed" (a SKIP line
# and 0 passed, 0 failed without chromium or pdftotext).
import glob
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import time

CHROMIUM, PDFTOTEXT = "/usr/bin/chromium", "/usr/bin/pdftotext"
if not (os.access(CHROMIUM, os.X_OK) and os.access(PDFTOTEXT, os.X_OK)):
    print("SKIP: %s or %s not installed (scripts/deps.sh browser)"
          % (CHROMIUM, PDFTOTEXT))
    print("0 passed, 0 failed")
    sys.exit(0)

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import desk_api as da  # noqa: E402
import desk_export as dx  # noqa: E402

check, post, run, tmp = da.check, da.post, dx.run, da.tmp
FOOTER = re.compile(r"#\d+ \u00b7 [0-9a-f]{16}")


def members(path):
    return dict(dx.members(path))


def serve_with(srv, xdir, browser):
    """Server.start with --export-dir xdir --pdf-browser browser."""
    orig = da.subprocess.Popen

    def popen(args, **kw):
        if args[:2] == [da.DESK, "serve"]:
            args = args + ["--export-dir", xdir, "--pdf-browser", browser]
        return orig(args, **kw)
    da.subprocess.Popen = popen
    try:
        srv.start()
    finally:
        da.subprocess.Popen = orig


def verified(name, xdir, browser):
    """A fresh book served with --pdf-browser browser to VERIFIED; the
    RO's token."""
    db = os.path.join(tmp, name)
    r = run("init", db, "--plan", dx.plan())
    check(r.returncode == 0, "init: %s" % r.stderr[-300:])
    os.mkdir(xdir)
    da.SRV = da.Server(db)
    serve_with(da.SRV, xdir, browser)
    ro, mgr, rcpt, sup, c1, c2 = dx.staff_logins()
    da.verification(ro, mgr, sup, c1, c2, rcpt)
    return db, ro


def export_now(ro):
    """POST exports, waited on as long as the browser takes (a browser
    run per page: longer than desk_api's 60 s under load)."""
    import http.client
    c = http.client.HTTPConnection("127.0.0.1", da.SRV.port, timeout=900)
    c.request("POST", "/api/v1/exports", b"{}", {
        "Authorization": "Bearer " + ro,
        "Content-Type": "application/json"})
    r = c.getresponse()
    js = json.loads(r.read() or b"null")
    c.close()
    check(r.status == 201, "POST exports: %d %s" % (r.status,
                                                    json.dumps(js)[:200]))
    return js


def page_text(html):
    """The words of a page as a reader sees them (no tags, no style)."""
    html = re.sub(r"(?s)<(style|title|script)[^>]*>.*?</\1>", " ", html)
    text = re.sub(r"<[^>]+>", " ", html)
    for a, b in (("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"),
                 ("&quot;", '"'), ("&#39;", "'"), ("&nbsp;", " ")):
        text = text.replace(a, b)
    return text


def pdf_text(path):
    return subprocess.run([PDFTOTEXT, "-layout", path, "-"],
                          capture_output=True).stdout.decode()


def a4_pages(path):
    """The page sizes pdfinfo gives for every page, e.g. "(A4)"."""
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", path],
                         capture_output=True).stdout.decode()
    return re.findall(r"Page +\d+ size: .*", out)


def pdfs_checked(tar, what):
    """P1 each PDF beside its page: A4, its numbers and footer in its
    text, listed in the manifest; pdf.txt says each was made."""
    d = os.path.join(tmp, "x-" + what)
    os.mkdir(d)
    with tarfile.open(tar) as t:
        t.extractall(d)
    pages = sorted(glob.glob(os.path.join(d, "documents", "*.html")))
    man = open(os.path.join(d, "manifest.sha256")).read().splitlines()
    listed = dict((n, h) for h, n in (ln.split("  ", 1) for ln in man))
    said = open(os.path.join(d, "pdf.txt")).read()
    bad = []
    for p in pages:
        pdf = p[:-5] + ".pdf"
        name = os.path.relpath(pdf, d)
        if not os.path.exists(pdf):
            bad.append((name, "missing"))
            continue
        sizes = a4_pages(pdf)
        if not sizes or not all(s.endswith("(A4)") for s in sizes):
            bad.append((name, sizes[:2]))
        html = page_text(open(p).read())
        text = pdf_text(pdf)
        nums = set(re.findall(r"\d+", html)) - set(re.findall(r"\d+",
                                                              text))
        if nums:
            bad.append((name, "numbers not in the PDF", sorted(nums)[:5]))
        if FOOTER.search(html) and FOOTER.search(html).group(0) not in \
                text:
            bad.append((name, "footer", FOOTER.search(html).group(0)))
        if listed.get(name) != hashlib.sha256(
                open(pdf, "rb").read()).hexdigest():
            bad.append((name, "not in the manifest"))
        if "made %s\n" % name not in said:
            bad.append((name, "not in pdf.txt"))
    check(len(pages) >= 5 and not bad, "P1 %s: %d pages, each PDF A4 with"
          " its figures and footer, in the manifest: %s"
          % (what, len(pages), bad[:4]))
    check(any(FOOTER.search(pdf_text(p[:-5] + ".pdf")) for p in pages),
          "P1 %s: the footer #N · hex in the PDFs' text" % what)
    f6 = [p for p in pages if "-F6-" in p]
    check(f6 and "Mayor of Testborough" in pdf_text(f6[0][:-5] + ".pdf")
          and "agreed" in pdf_text(f6[0][:-5] + ".pdf"),
          "P1 %s: F6's PDF says the contest and the boxes agreed" % what)
    return listed


def served(xdir):
    """P1 serve's POST exports with the browser; the event lists the
    PDFs; the tarball verifies."""
    db, ro = verified("served.db", xdir, CHROMIUM)
    js = export_now(ro)
    f = js and js.get("file", "")
    check(f and os.path.exists(f), "P1 POST exports: %s"
          % json.dumps(js)[:200])
    listed = pdfs_checked(f, "POST exports")
    ev = [e["data"] for e in dx.events(db, "export.made")
          if e["data"]["file"] == f]
    names = ev and [m["name"] for m in ev[-1]["members"]]
    check(ev and "pdf_failed" not in ev[-1] and
          all(n in names for n in listed) and "pdf.txt" in names,
          "P1 export.made lists the PDFs and pdf.txt, no failure: %s"
          % (names or ev))
    r = run("verify", f)
    check(r.returncode == 0, "P1 the tarball with PDFs verifies: %s"
          % r.stderr[-300:])
    auto = []
    for _ in range(1500):  # serve's own export at VERIFIED, its thread's
        auto = [e["data"] for e in dx.events(db, "export.made")
                if e["data"].get("reason") == "VERIFIED"]
        if auto:
            break
        time.sleep(0.2)
    names = auto and [m["name"] for m in auto[0]["members"]]
    check(auto and len([n for n in names if n.endswith(".pdf")]) ==
          len([n for n in names if n.endswith(".html")]) > 0 and
          run("verify", auto[0]["file"]).returncode == 0,
          "P1 serve's own export at VERIFIED has the PDFs too: %s" % names)
    da.SRV.stop(signal.SIGINT)
    return db, f


def cli(db):
    """P2 export --tar --pdf-browser: the same bytes twice; without the
    option no PDF."""
    a, b = os.path.join(tmp, "p-a.tar"), os.path.join(tmp, "p-b.tar")
    for out in (a, b):
        r = run("export", db, "--tar", out, "--pdf-browser", CHROMIUM)
        check(r.returncode == 0, "P2 export --tar --pdf-browser: %s"
              % r.stderr[-300:])
    check(open(a, "rb").read() == open(b, "rb").read(),
          "P2 two exports with PDFs: the same bytes")
    c = os.path.join(tmp, "p-c.tar")
    r = run("export", db, "--tar", c)
    ms = members(c)
    check(r.returncode == 0 and not [n for n in ms if n.endswith(".pdf")]
          and "pdf.txt" not in ms and
          [n for n in ms if n.endswith(".html")],
          "P2 without --pdf-browser: no PDF, no pdf.txt")
    pa = members(a)
    check(all(pa[n] == ms[n] for n in ms if n != "manifest.sha256"),
          "P2 the PDFs change none of the other members")
    return a


def tampered(good):
    """P3 a changed PDF, a PDF with no page: refused by name."""
    ms = dx.members(good)
    pdf = [n for n, d in ms if n.endswith(".pdf")][0]
    x = os.path.join(tmp, "p-x.tar")
    flip = [(n, d if n != pdf else d[:-40] + bytes([d[-40] ^ 1]) +
             d[-39:]) for n, d in ms]
    dx.build(x, flip)
    dx.refused(x, [pdf, "changed"], "P3 a PDF's byte changed")
    stray = ms + [("documents/stray-F1.pdf", ms[[n for n, _ in ms].index(
        pdf)][1])]
    dx.build(x, [(n, d) for n, d in stray if n != "manifest.sha256"],
             manifest=True)
    dx.refused(x, ["documents/stray-F1.pdf", "not a document"],
               "P3 a PDF with no page beside it, the manifest made again")


def broken(db):
    """P4 a browser that fails, one that hangs: the export made all the
    same, the failure said."""
    x = os.path.join(tmp, "p-false.tar")
    r = run("export", db, "--tar", x, "--pdf-browser", "/bin/false")
    ms = members(x) if os.path.exists(x) else {}
    said = ms.get("pdf.txt", b"").decode()
    check(r.returncode == 0 and not [n for n in ms if n.endswith(".pdf")]
          and re.search(r"failed documents/\S+\.pdf: /bin/false exit 1",
                        said) and "not tried" in said and
          b"/bin/false exit 1" in r.stderr and
          run("verify", x).returncode == 0,
          "P4 a failing browser: the export made, pdf.txt says so: %s %s"
          % (r.returncode, said[:300]))
    hang = os.path.join(tmp, "hang.sh")
    with open(hang, "w") as f:
        f.write("#!/bin/sh\nsleep 300 &\nsleep 300\n")
    os.chmod(hang, 0o755)
    x = os.path.join(tmp, "p-hang.tar")
    t0 = time.time()
    r = subprocess.run([da.DESK, "export", db, "--tar", x, "--pdf-browser",
                        hang], capture_output=True,
                       env=dict(os.environ, TELLER_DESK_PDF_S="1"))
    took = time.time() - t0
    said = members(x).get("pdf.txt", b"").decode() if \
        os.path.exists(x) else ""
    left = subprocess.run(["pgrep", "-f", "sleep 300"],
                          capture_output=True).stdout
    check(r.returncode == 0 and 1 <= took < 20 and
          "no PDF within 1 s" in said and not left,
          "P4 a hung browser stopped at TELLER_DESK_PDF_S, its children"
          " too: %.1f s, %s, left %s" % (took, said[-200:], left))


def served_failing(xdir):
    """P4 serve's export with a failing browser: pdf_failed in the
    event."""
    db, ro = verified("failing.db", xdir, "/bin/false")
    js = export_now(ro)
    ev = [e["data"] for e in dx.events(db, "export.made")
          if js and e["data"]["file"] == js.get("file")]
    pf = ev and ev[-1].get("pdf_failed")
    check(pf and "/bin/false exit 1" in pf[0] and
          all("not tried" in p for p in pf[1:]),
          "P4 export.made's pdf_failed: %s" % pf)
    da.SRV.stop(signal.SIGINT)


def options(db):
    """P5 the option's refusals."""
    r = run("export", db, "--tar", os.path.join(tmp, "n.tar"),
            "--pdf-browser", "chromium")
    check(r.returncode == 2 and b"absolute path" in r.stderr,
          "P5 a relative --pdf-browser: usage, exit 2")
    r = run("export", db, "--pdf-browser", CHROMIUM)
    check(r.returncode == 2 and b"needs --tar" in r.stderr,
          "P5 export --pdf-browser without --tar: exit 2")
    r = run("serve", db, "--pdf-browser", "/nonexistent/chromium")
    check(r.returncode == 2 and b"--pdf-browser" in r.stderr,
          "P5 serve --pdf-browser with no such program: exit 2")


def main():
    try:
        db, f = served(os.path.join(tmp, "media"))
        options(db)
        a = cli(db)
        pdfs_checked(a, "export --tar")
        tampered(a)
        broken(db)
        served_failing(os.path.join(tmp, "media2"))
    finally:
        if da.SRV.proc and da.SRV.proc.poll() is None:
            da.SRV.proc.kill()
        if not os.environ.get("DESK_PDF_KEEP"):
            shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (da.passed, da.failed))
    return 1 if da.failed else 0


if __name__ == "__main__":
    sys.exit(main())
