#!/usr/bin/python3
# forms_dump.py -- print every form of docs/desk.md §2.17 (F1-F21) of
# every contest of a book, as the RO sees them through GET
# /api/v1/forms/F (§9.3), into a directory, one file per form and
# contest (the status line first). The desk runs on a copy of the book
# under libfaketime's frozen clock, so two desks (say a build before and
# after a change to the forms' reads) print the same bytes from the same
# book: diff -r the two directories (html_forms2.c's key reads were
# checked so). The desk listens on one port (FORMS_PORT, default 47311),
# as its start is an event of the book whose data names it. SHEETS=1
# also prints the supervisors' sheets (F9, GET contests/C/sheets, §9.3)
# of every round, stage and table 1-12 (entries and totals), each
# read twice: the first on the readers' model just loaded, the second
# after a login's write made it follow the book (pool.c).
# Usage: forms_dump.py TELLER_DESK BOOK OUT_DIR RO_PASSWORD [DEVICE]
import http.client
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

desk, book, out, pw = sys.argv[1:5]
device = sys.argv[5] if len(sys.argv) > 5 else None
tmp = tempfile.mkdtemp(prefix="forms-dump-")
db = os.path.join(tmp, "book.db")
con = sqlite3.connect(book)
con.execute("VACUUM INTO ?", (db,))
con.close()
port = int(os.environ.get("FORMS_PORT", "47311"))
# libfaketime preloaded (faketime(1) would fork the desk away from us)
env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0",
           LD_PRELOAD="/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
           FAKETIME="2026-05-08 03:00:00", DONT_FAKE_MONOTONIC="1")
proc = subprocess.Popen([desk, "serve", db, "--listen",
                         "127.0.0.1:%d" % port, "--insecure-http"],
                        stderr=subprocess.DEVNULL, env=env)


def req(method, path, body=None, tok=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    h = {"Content-Type": "application/json"}
    if tok:
        h["Authorization"] = "Bearer " + tok
    c.request(method, "/api/v1/" + path,
              json.dumps(body).encode() if body is not None else None, h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data


def dump_sheets(tok, contests):
    """Every sheet into OUT_DIR/sheetsA-C-R-S-T (status line first), as
    loaded (A 0) and again (A 1) after a write (a second login, whose
    token ends the first's session) was followed."""
    for again in (0, 1):
        if again:
            b = {"username": "ro", "password": pw}
            if device:
                b["device"] = device
            tok = json.loads(req("POST", "login", b)[1])["token"]
        n = 0
        for c in contests:
            for r in range(1, int(c.get("round") or 1) + 1):
                for s in (1, 2):
                    for t in range(1, 13):
                        st, data = req("GET", "contests/%s/sheets?round=%d"
                                       "&stage=%d&table=%d" % (c["id"], r, s,
                                                              t), tok=tok)
                        with open(os.path.join(out, "sheets%d-%s-%d-%d-%d" %
                                               (again, c["id"], r, s, t)),
                                  "wb") as fh:
                            fh.write(b"%d\n" % st + data)
                        n += st == 200
        print("%d sheets printed" % n)


try:
    for _ in range(200):
        try:
            if req("GET", "health")[0] == 200:
                break
        except OSError:
            time.sleep(0.05)
    b = {"username": "ro", "password": pw}
    if device:
        b["device"] = device
    st, data = req("POST", "login", b)
    if st != 200:
        raise SystemExit("login: %d %s" % (st, data[:200]))
    tok = json.loads(data)["token"]
    st, data = req("GET", "election", tok=tok)
    os.makedirs(out, exist_ok=True)
    n = 0
    for c in json.loads(data)["contests"]:
        for f in range(1, 22):
            st, data = req("GET", "forms/F%d?contest=%s" % (f, c["id"]),
                           tok=tok)
            with open(os.path.join(out, "%s-F%d.html" % (c["id"], f)),
                      "wb") as fh:
                fh.write(b"%d\n" % st + data)
            n += st == 200
    print("%d forms printed" % n)
    if os.environ.get("SHEETS"):
        dump_sheets(tok, json.loads(req("GET", "election", tok=tok)[1])
                    ["contests"])
finally:
    proc.terminate()
    proc.wait(timeout=30)
    shutil.rmtree(tmp, ignore_errors=True)
