#!/usr/bin/python3
# desk_html.py -- teller-desk's screens over HTTP, without a browser
# (docs/desk.md §5, §6.3, §11.3; make check-browser drives the same in
# chromium): the §6.3 headers on every route (X1), the cookie's flags
# and its hashed row (X2), CSRF and Origin refusals that save nothing
# (B5), forbidden screens and their links (B4), escaping (B6), the form
# decoder's refusals, a refused form keeping its fields but never a
# password, logout, S-22 without cookie or script, and the print forms
# (§2.17), S-07, S-14 and S-25 before the count.
# Usage: desk_html.py BUILD_DIR. Prints "N passed, N failed".
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse

B = sys.argv[1] if len(sys.argv) > 1 else "build"
DESK = os.path.abspath(os.path.join(B, "teller-desk"))
HERE = os.path.dirname(os.path.abspath(__file__))
PLAN = os.path.join(HERE, "..", "browser", "desk-plan.json")
BLOCK_PLAN = os.path.join(HERE, "plan-block.json")
MAYOR_PLAN = os.path.join(HERE, "..", "..", "examples", "desk",
                          "plan-mayor.json")
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src"
       " 'self'; connect-src 'self'; form-action 'self'; frame-ancestors"
       " 'none'; base-uri 'none'")
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


tmp = tempfile.mkdtemp(prefix="desk-html-")
DB = os.path.join(tmp, "count.db")
PORT = free_port()
ORIGIN = "http://127.0.0.1:%d" % PORT


def req(method, path, body=None, headers=None, cookie=None):
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    h = dict(headers or {})
    if cookie:
        h["Cookie"] = "desk=" + cookie
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else \
            urllib.parse.urlencode(body).encode()
        h.setdefault("Content-Type", "application/x-www-form-urlencoded")
    c.request(method, path, data, h)
    r = c.getresponse()
    raw = r.read().decode("utf-8", "replace")
    hd = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    return r.status, raw, hd


def entry_line(entry):
    """The journal line of entry, parsed, or {}."""
    con = sqlite3.connect("file:%s?mode=ro" % DB, uri=True)
    r = con.execute("SELECT line FROM event WHERE entry = ?",
                    (entry,)).fetchone()
    con.close()
    return json.loads(r[0]) if r else {}


def events():
    con = sqlite3.connect("file:%s?mode=ro" % DB, uri=True)
    n = con.execute("SELECT count(*) FROM event").fetchone()[0]
    con.close()
    return n


def login(user, pw, device=None):
    f = {"username": user, "password": pw}
    if device:
        f["device"] = device
    st, body, hd = req("POST", "/login", f, {"Origin": ORIGIN})
    m = re.match(r"desk=([A-Za-z0-9_-]+); ", hd.get("set-cookie", ""))
    if st != 303 or not m:
        raise SystemExit("login %s: %d %s" % (user, st, body[:300]))
    return m.group(1), hd["set-cookie"]


def hidden(page, form, name):
    f = re.search(r'<form[^>]* id="f-%s".*?</form>' % form, page, re.S)
    m = f and re.search(r'name="%s" value="([^"]*)"' % name, f.group(0))
    return m.group(1) if m else None


def form_of(page, form):
    return {n: hidden(page, form, n) for n in ("form", "idem", "csrf", "c")}


def main():
    only = os.environ.get("DESK_ONLY")
    if only:
        # DESK_ONLY=withdraw_forms: just those books, for a quick run
        try:
            for name in only.split(","):
                other_book(BLOCK_PLAN if name in ("tally_queue_forms",
                                                  "f6_prompt_forms",
                                                  "unexpected_forms",
                                                  "stmt_prompt_forms")
                           else MAYOR_PLAN, globals()[name])
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return
    r = subprocess.run([DESK, "init", DB, "--plan", PLAN],
                       capture_output=True, text=True)
    check(r.returncode == 0, "init")
    serving(run)
    try:
        block_forms()
        for fn in (sv_run, forms_run, withdraw_forms, queue_forms,
                   decision_forms, backfill_forms, my_entries_forms):
            other_book(MAYOR_PLAN, fn)
        other_book(BLOCK_PLAN, tally_queue_forms)
        other_book(BLOCK_PLAN, f6_prompt_forms)
        other_book(BLOCK_PLAN, unexpected_forms)
        other_book(BLOCK_PLAN, stmt_prompt_forms)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def forms_no_js(c1):
    """S-07, S-14, S-25 and the forms before the count: 404 until a form
    is made, the print sheet, the issue form through the one path."""
    ro, _ = login("ro", "correct-horse-battery-1")
    st, body, hd = req("GET", "/static/print.css")
    check(st == 200 and hd["content-type"].startswith("text/css") and
          "@page{size:A4" in body and "table-header-group" in body and
          hd.get("content-security-policy") == CSP, "print.css: %d" % st)
    for f in ("F6", "F11", "F15", "F18", "F19", "F10", "F12", "F13",
              "F14", "F16", "F17", "F99", "F1%3Cb%3E"):
        st, body, hd = req("GET", "/forms/%s?c=west" % f, cookie=ro)
        want = 200 if f in ("F16", "F17") else 404
        check(st == want and hd.get("content-security-policy") == CSP and
              "<b>" not in body, "form %s before the count: %d" % (f, st))
    st, body, _ = req("GET", "/forms/F16?c=west", cookie=ro)
    check(re.search(r"from entries up to #\d+ \xb7 checkpoint #\d+ \xb7"
                    r" [0-9a-f]{16}</td>", body) is not None and
          "<script" not in body and 'href="/static/print.css"' in body,
          "F16: page and footer")
    st, body, _ = req("GET", "/forms/F17?c=west", cookie=ro)
    check("No lot has been drawn" in body and "Returning Officer" in body,
          "F17: statutory, signature block")
    st, body, _ = req("GET", "/print?c=west", cookie=ro)
    check(st == 200 and 'href="/forms/F17?c=west"' in body and
          'href="/forms/F12?c=west"' not in body and
          'href="/forms/F6?c=west"' not in body and "not made yet" in body
          and "F14" not in body, "S-25: print centre")
    st, body, _ = req("GET", "/reconciliation?c=west", cookie=ro)
    check(st == 200 and "Reconciled" not in body and
          "No reconciliation to show" in body, "S-14 before round 1: %d" % st)
    st, page, _ = req("GET", "/statement?c=west", cookie=ro)
    check(st == 200 and "not issued yet" in page and "Box W1" in page and
          hidden(page, "issue", "csrf"), "S-07: blockers and the form")
    n0 = events()
    st, body, _ = req("POST", "/do", form_of(page, "issue"),
                      {"Origin": ORIGIN}, cookie=ro)
    check(st == 409 and "Not saved" in body and events() == n0,
          "S-07: issue before verification refused: %d" % st)
    mgr, _ = login("mgr", "mgr-password-long-1")
    st, page, _ = req("GET", "/statement?c=west", cookie=mgr)
    check(st == 200 and 'id="f-issue"' not in page,
          "S-07: a manager previews, no issue form")
    # S-08 through the one form path; S-12, S-11, S-15 and their roles.
    st, page, _ = req("GET", "/mixing?c=west", cookie=mgr)
    check(st == 200 and hidden(page, "mixing", "csrf") and "Box" in page,
          "S-08: the mixing form")
    n0 = events()
    st, body, _ = req("POST", "/do", dict(form_of(page, "mixing"),
                      area="main", groups="W1 W2; W3<i>"),
                      {"Origin": ORIGIN}, cookie=mgr)
    check(st == 409 and "Not saved" in body and events() == n0 and
          'value="W1 W2; W3&lt;i&gt;"' in body,
          "S-08: mixing before verification refused, fields kept: %d" % st)
    sup, _ = login("sup1", "sup1-password-long-1")
    st, body, _ = req("GET", "/sheet?c=west&table=1&stage=1", cookie=sup)
    check(st == 200 and "No sheet" in body, "S-12 before the count: %d" % st)
    st, body, _ = req("GET", "/sheet?c=west&table=1%3Cb%3E", cookie=sup)
    check(st == 200 and "<b>" not in body, "S-12: a bad table: %d" % st)
    for s in ("/sheet", "/mixing", "/receipt", "/assign", "/variance"):
        check(req("GET", s + "?c=west", cookie=c1)[0] == 403,
              "B4: clerk %s" % s)
    st, body, _ = req("GET", "/tally?c=west", cookie=c1)
    check(st == 200 and "Not a block vote contest" in body and
          'id="f-tally"' not in body, "S-11 on an fptp contest")
    st, body, _ = req("GET", "/stage2?c=west", cookie=c1)
    check(st == 200 and "Not a Supplementary Vote" in body, "S-15 on fptp")
    hall, _ = login("hall", "hall-password-long-1")
    for s in ("/print", "/statement", "/forms/F12", "/agent", "/sheet",
              "/mixing", "/tally", "/stage2"):
        check(req("GET", s + "?c=west", cookie=hall)[0] == 403,
              "B4: screen role %s" % s)


def api_post(tok, path, body):
    """POST /api/v1/path (as bearer tok, if any): status and JSON."""
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    h = {"Content-Type": "application/json"}
    if tok:
        h["Authorization"] = "Bearer " + tok
    c.request("POST", "/api/v1/" + path, json.dumps(body).encode(), h)
    r = c.getresponse()
    js = json.loads(r.read() or b"null")
    c.close()
    return r.status, js


def api(tok, path, body):
    st, js = api_post(tok, path, body)
    check(st in (200, 201), "API %s: %d %s" % (path, st, js))
    return js


def serving(fn):
    """fn() while a desk serves DB on PORT (plain HTTP); stopped after."""
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") +
                           ":detect_leaks=0").lstrip(":")
    proc = subprocess.Popen([DESK, "serve", DB, "--listen",
                             "127.0.0.1:%d" % PORT, "--insecure-http"],
                            stderr=subprocess.DEVNULL, env=env)
    try:
        for _ in range(200):
            try:
                if req("GET", "/api/v1/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.05)
        fn()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def own_book(name, plan, fn):
    """fn() against a server of its own on a new book `name` from plan."""
    global PORT, ORIGIN, DB
    keep = PORT, ORIGIN, DB
    DB = os.path.join(tmp, name)
    PORT = free_port()
    ORIGIN = "http://127.0.0.1:%d" % PORT
    subprocess.run([DESK, "init", DB, "--plan", plan], capture_output=True)
    try:
        serving(fn)
    finally:
        PORT, ORIGIN, DB = keep


def other_book(plan, fn):
    """fn() against a second server with its own book from plan."""
    own_book("%s-%s.db" % (os.path.basename(plan), fn.__name__), plan, fn)


DEVICE = "8f3c1a9b7e2d4c6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5"


def api_login(u, pw):
    b = {"username": u, "password": pw}
    if u in ("ro", "mgr"):
        b["device"] = DEVICE  # plan-mayor.json's enrolled terminal
    st, js, _ = req("POST", "/api/v1/login", json.dumps(b).encode(),
                    {"Content-Type": "application/json"})
    return json.loads(js)["token"]


def to_counting(tok, contest, boxes, groups, mgr="ro", rcpt="ro"):
    """A book taken by the API to COUNTING: each (box, papers) received,
    opened at table 1 and verified by two clerks, the boxes mixed in
    groups, round 1 started (mgr the manager's token, rcpt receipt's)."""
    C = "contests/%s/" % contest
    api(tok["ro"], "plan/approve", {})
    api(tok[mgr], "poll/close", {})
    for b, n in boxes:
        api(tok[rcpt], "receipts", {"box": b, "seals_intact": True,
                                    "packets": []})
        api(tok["sup1"], "boxes/open", {"box": b, "table": 1})
        for u in ("clerk1", "clerk2"):
            api(tok[u], C + "bpa", {"box": b, "issued_to_voters": n})
            api(tok[u], C + "counts", {"box": b, "attempt": 0, "papers": n})
        api(tok["sup1"], C + "decisions", {"box": b, "outcome": "agreed"})
    api(tok["ro"], C + "verification", {})
    api(tok[mgr], C + "mixing", {"area": "main", "groups": groups})
    api(tok[mgr], C + "rounds", {})


MAYOR_PW = {"ro": "correct-horse-battery-1", "mgr": "mgr-password-long-1",
            "rcpt": "rcpt-password-long-1", "sup1": "sup1-password-long-1",
            "clerk1": "clerk1-password-long",
            "clerk2": "clerk2-password-long"}


def mayor_counting(n, tok=None):
    """plan-mayor.json's four boxes, n papers each, to COUNTING; the
    API tokens (MAYOR_PW's users logged in, unless given)."""
    tok = tok or {u: api_login(u, p) for u, p in MAYOR_PW.items()}
    to_counting(tok, "mayor", [(b, n) for b in ("M1", "M2", "M3", "PV1")],
                [["M1", "M2"], ["M3", "PV1"]], mgr="mgr", rcpt="rcpt")
    return tok


def sv_run():
    """S-15 and S-20 of an SV contest with no first-count majority: the
    RO starts the second count by its form; a clerk sorts the two
    eliminated piles by the stage-2 form (a destination as a position
    and as a code; a remaining source refused by I14, fields kept); an
    agent's view and print centre."""
    M = "contests/mayor/"
    pw = {"ro": "correct-horse-battery-1", "mgr": "mgr-password-long-1",
          "rcpt": "rcpt-password-long-1", "sup1": "sup1-password-long-1",
          "clerk1": "clerk1-password-long", "clerk2": "clerk2-password-long"}
    tok = {u: api_login(u, p) for u, p in pw.items()}
    mayor_counting(10, tok)
    for cand, n in ((1, 15), (2, 12), (3, 8), (4, 5)):
        api(tok["clerk1"], M + "bundles", {
            "round": 1, "area": "main", "table": 1, "stage": 1,
            "slip": "s%d" % cand, "kind": "candidate", "candidate": cand,
            "papers": n, "part": True, "counted_by": "A",
            "checked_by": "B"})
    api(tok["sup1"], M + "sheets/close", {"round": 1, "area": "main",
                                          "table": 1, "stage": 1})
    api(tok["mgr"], M + "rounds/1/close", {"stage": 1})
    ro, _ = login("ro", pw["ro"], DEVICE)
    st, page, _ = req("GET", "/stage2?c=mayor", cookie=ro)
    check(st == 200 and "STAGE1_DONE" in page and hidden(page, "stage2",
          "csrf") and 'id="f-bundle2"' not in page,
          "S-15: the RO's start form, no entry form")
    st, _, hd = req("POST", "/do", dict(form_of(page, "stage2"),
                    notice="Second count at 02:00, main hall"),
                    {"Origin": ORIGIN}, cookie=ro)
    check(st == 303 and "saved=" in hd.get("location", ""),
          "S-15: second count started: %d" % st)
    c1, _ = login("clerk1", pw["clerk1"])
    st, page, _ = req("GET", "/stage2?c=mayor", cookie=c1)
    check(st == 200 and "STAGE2" in page and 'id="f-stage2"' not in page,
          "S-15: the clerk's entry form")
    check('<p id="s2-keys" tabindex="0" data-from="3 4" data-to="1 2"'
          ' data-codes="N:no_second_preference S:second_same_as_first'
          ' E:second_for_eliminated T:rejected_second:too_many'
          ' U:rejected_second:uncertain">' in page and
          '<p id="s2-say" role="status" aria-live="polite">' in page and
          'id="bundle2-source" name="source"' in page and
          'id="bundle2-dest" name="dest"' in page and
          "<kbd>N, then a code letter</kbd>" in page,
          "S-15: the sorting keys' stop (3, 4 eliminated; 1, 2 remain),"
          " its live region and keys; the form's fields unchanged")
    b2 = dict(form_of(page, "bundle2"), round="1", stage="2", kind="stage2",
              area="main", table="1", part="1", counted_by="A",
              checked_by="B")
    st, body, _ = req("POST", "/do", dict(b2, slip="t0", source="1",
                      dest="2", papers="3"), {"Origin": ORIGIN}, cookie=c1)
    check(st == 409 and "I14" in body and 'value="t0"' in body,
          "S-15: a remaining source refused (I14): %d" % st)
    for slip, src, dest, n in (("t1", "3", "1", "5"), ("t2", "3",
                               "no_second_preference", "2"),
                               ("t3", "4", "2", "5")):
        st, page, _ = req("GET", "/stage2?c=mayor", cookie=c1)
        st, _, hd = req("POST", "/do", dict(b2, **form_of(page, "bundle2"),
                        slip=slip, source=src, dest=dest, papers=n),
                        {"Origin": ORIGIN}, cookie=c1)
        check(st == 303 and "saved=" in hd.get("location", ""),
              "S-15: bundle %s -> %s saved: %d" % (src, dest, st))
    st, js, _ = req("GET", "/api/v1/" + M + "sheets?round=1&stage=2&table=1",
                    headers={"Authorization": "Bearer " + tok["mgr"]})
    js = json.loads(js)
    check([(e["data"]["source"], e["data"]["dest"]) for e in js["entries"]]
          == [(3, 1), (3, "no_second_preference"), (4, 2)],
          "S-15: positions and codes as the API takes them: %s" % js)
    st, page, _ = req("GET", "/stage2?c=mayor", cookie=ro)
    check(st == 200 and re.search(
          r'<td class="n">3</td><td>[^<]*</td><td class="n">8</td><td'
          r' class="n">7</td><td class="n">1</td>', page) and re.search(
          r'<td class="n">4</td><td>[^<]*</td><td class="n">5</td><td'
          r' class="n">5</td><td class="n">0 \(done\)</td>', page) and
          "<td>remains</td>" in page,
          "S-15: the per-source meter (C 7 of 8 sorted, D all 5)")
    st, page, _ = req("GET", "/stage2?c=mayor", cookie=c1)
    check(st == 200 and "Left to sort" not in page,
          "S-15: no first preferences for a clerk (section 3.4)")
    objection_form(ro, tok)
    st, page, _ = req("GET", "/variance?c=mayor&box=M1", cookie=ro)
    check(st == 200 and 'value="not_received"' in page and
          'value="compensating"' in page and 'name="password"' in page,
          "S-06: the RO's outcomes, with re-authentication")
    check("Church Hall (p1)</caption>" in page and
          '<th scope="row">M3</th>' in page and
          '<th scope="row">M2</th>' not in page and
          "The place: counted 20, BPA 20, difference +0" in page,
          "S-06: the polling-place panel (M1 and M3 at p1)")
    st, page, _ = req("GET", "/audit?c=mayor", cookie=ro)
    check(st == 200 and "stage2.start" in page and "bundle.add" in page and
          "verification.issue" in page, "S-23: the entries")
    st, page, _ = req("GET", "/audit?c=mayor&action=stage2&user=%3Cb%3E",
                      cookie=ro)
    check(st == 200 and "No entry matches" in page and "<b>" not in page and
          'value="&lt;b&gt;"' in page, "S-23: filters, escaped")
    for qs, yes, no in (("table=1", "bundle.add", "stage2.start"),
                        ("table=2", "assignment.record", "bundle.add"),
                        ("contest=mayor&action=bundle", "bundle.add",
                         "stage2.start"),
                        ("contest=west", None, "bundle.add"),
                        ("from=2999", None, "bundle.add"),
                        ("to=2000", None, "bundle.add"),
                        ("from=2000&to=2999", "bundle.add", None)):
        st, page, _ = req("GET", "/audit?c=mayor&" + qs, cookie=ro)
        check(st == 200 and (yes is None or yes in page) and
              (no is None or no not in page) and
              (yes is not None or "No entry matches" in page),
              "S-23: the filter %s" % qs)
    st, page, _ = req("GET", "/audit?c=mayor&verify=1", cookie=ro)
    check(st == 200 and re.search(r"Chain verified: events 1 to \d+, head"
                                  r" [0-9a-f]{16}\.", page) is not None,
          "S-23: verify chain")
    st, page, _ = req("GET", "/audit?c=mayor&action=stage2", cookie=ro)
    check("stage2.start" in page and "bundle.add" not in page,
          "S-23: by action")
    check(req("GET", "/audit?c=mayor", cookie=c1)[0] == 403,
          "B4: clerk /audit")
    # GET /api/v1/forms/F (§9.3): the same pages for a bearer token.
    def form_api(f, t):
        return req("GET", "/api/v1/forms/" + f, headers={
            "Authorization": "Bearer " + t})
    st, body, hd = form_api("F6?contest=mayor", tok["mgr"])
    check(st == 200 and hd["content-type"].startswith("text/html") and
          "F6 Statement as to the result of verification" in body and
          re.search(r"checkpoint #\d+ \xb7 [0-9a-f]{16}", body) and
          hd.get("content-security-policy") == CSP, "API forms/F6: %d" % st)
    st, body, _ = form_api("F13?contest=mayor", tok["mgr"])
    check(st == 200 and "Statement after the first count" in body and
          "Remaining (positions): 1, 2" in body, "API forms/F13: %d" % st)
    for f, t, want, code in (("F15?contest=mayor", "mgr", 404, "not_found"),
                             ("F6", "mgr", 404, "not_found"),
                             ("F6?contest=nope", "mgr", 404, "not_found"),
                             ("F99?contest=mayor", "mgr", 404, "not_found"),
                             ("F15?contest=mayor&version=x", "mgr", 400,
                              "bad_request"),
                             ("F6?contest=mayor", "clerk2", 403,
                              "forbidden")):
        st, body, hd = form_api(f, tok[t])
        check(st == want and json.loads(body)["error"]["code"] == code,
              "API forms/%s as %s: %d %s" % (f, t, st, body[:200]))
    st, body, _ = req("GET", "/api/v1/forms/F6?contest=mayor")
    check(st == 401, "API forms without a token: %d" % st)
    st, body, _ = req("GET", "/forms/F13?c=mayor", cookie=ro)
    check(st == 200 and "Total of first preferences: 40" in body,
          "F13 page: %d" % st)
    ag, _ = login("brown-ea", "agent-password-long-1")
    st, page, _ = req("GET", "/agent?c=mayor", cookie=ag)
    check(st == 200 and "M1" in page and "No provisional result" in page and
          'href="/forms/F6?c=mayor"' in page and
          'href="/forms/F12' not in page and "Checkpoint #" in page,
          "S-20: the agent's boxes, F6 and no F12")
    for s in ("/boxes", "/statement", "/reconciliation", "/forms/F12"):
        check(req("GET", s + "?c=mayor", cookie=ag)[0] == 403,
              "B4: agent %s" % s)


FOOT = re.compile(r"from entries up to #\d+ \xb7 checkpoint #(\d+) \xb7"
                  r" ([0-9a-f]{16})</td>")


def send_form(ck, screen, form, fields, want=303):
    """Form `form` of screen (GET as cookie ck) sent with fields: the
    entry it saved (0 if none), the redirect's location, the answer."""
    st, pg, _ = req("GET", screen, cookie=ck)
    check(st == 200 and 'id="f-%s"' % form in pg,
          "%s offers form %s" % (screen, form))
    st, body, hd = req("POST", "/do", dict(form_of(pg, form), **fields),
                       {"Origin": ORIGIN}, cookie=ck)
    m = re.search(r"saved=(\d+)", hd.get("location", ""))
    check(st == want, "form %s: %d (want %d) %s" % (
          form, st, want, re.sub(r"\s+", " ", body)[-400:]
          if st != want else ""))
    return int(m.group(1)) if m else 0, hd.get("location", ""), body


def withdraw_forms():
    """Section 3.5 without JavaScript: a configuration change withdrawn
    and corrected by S-21's forms, a transfer corrected and withdrawn by
    S-04's; each a new entry superseding the one it replaces."""
    M = "contests/mayor/"
    pw = {"ro": "correct-horse-battery-1", "mgr": "mgr-password-long-1",
          "rcpt": "rcpt-password-long-1", "sup1": "sup1-password-long-1"}
    tok = {u: api_login(u, p) for u, p in pw.items()}

    line = entry_line

    def send(ck, screen, form, fields, want=303):
        return send_form(ck, screen, form, fields, want)[:2]

    api(tok["ro"], "plan/approve", {})
    ro, _ = login("ro", pw["ro"], DEVICE)
    n, _ = send(ro, "/progress?c=mayor", "config", {
        "object": "place", "key": "p2", "field": "name",
        "value": "Library", "reason_text": "signage"})
    w, _ = send(ro, "/progress?c=mayor", "wconfig", {
        "entry": str(n), "reason_code": "typo",
        "reason_text": "the old name was right"})
    ln = line(w)
    check(ln.get("action") == "entry.withdraw" and ln.get("supersedes") ==
          n, "S-21: the change withdrawn: %s" % ln)
    send(ro, "/progress?c=mayor", "cconfig", {
        "entry": str(n), "reason_code": "typo", "reason_text": "x",
        "object": "place", "key": "p2", "field": "name", "value": "Y"},
         want=404)
    n, _ = send(ro, "/progress?c=mayor", "config", {
        "object": "place", "key": "p2", "field": "name",
        "value": "Libary", "reason_text": "signage"})
    c, _ = send(ro, "/progress?c=mayor", "cconfig", {
        "entry": str(n), "reason_code": "typo", "reason_text": "spelling",
        "object": "place", "key": "p2", "field": "name",
        "value": "Library"})
    ln = line(c)
    check(ln.get("action") == "config.change" and ln.get("supersedes") ==
          n and ln["data"]["old"] != "Libary" and ln["data"]["value"] ==
          "Library", "S-21: the change corrected: %s" % ln)
    api(tok["mgr"], "poll/close", {})
    for b in ("M1", "M2"):
        api(tok["rcpt"], "receipts", {"box": b, "seals_intact": True,
                                      "packets": []})
        api(tok["sup1"], "boxes/open", {"box": b, "table": 1})
    c1, _ = login("clerk1", "clerk1-password-long")
    v = "/verify?c=mayor&box=M1"
    t, _ = send(c1, v, "transfer", {"from_box": "M1", "to_box": "M2",
                                    "papers": "2"})
    c, loc = send(c1, v, "ctransfer", {
        "entry": str(t), "reason_code": "typo", "box": "M1",
        "from_box": "M1", "to_box": "M2", "papers": "3"})
    ln = line(c)
    check(ln.get("action") == "transfer.record" and ln.get("supersedes") ==
          t and ln["data"]["papers"] == 3 and "box=M1" in loc,
          "S-04: the transfer corrected: %s" % ln)
    send(c1, v, "wtransfer", {"entry": "x", "reason_code": "typo",
                              "box": "M1"}, want=400)
    w, loc = send(c1, v, "wtransfer", {"entry": str(c),
                                       "reason_code": "wrong_box",
                                       "box": "M1"})
    ln = line(w)
    check(ln.get("action") == "entry.withdraw" and ln.get("supersedes") ==
          c and "box=M1" in loc, "S-04: the transfer withdrawn: %s" % ln)
    st, js, _ = req("GET", "/api/v1/" + M + "boxes?box=M2",
                    headers={"Authorization": "Bearer " + tok["sup1"]})
    check(st == 200, "boxes read: %d" % st)
    ro, _ = login("ro", pw["ro"], DEVICE)
    st, pg, _ = req("GET", "/adjudicate?c=mayor", cookie=ro)
    check(st == 200 and 'id="f-wobjection"' in pg and
          'id="f-cobjection"' in pg, "S-13: objection withdrawal and"
          " correction forms")


def unexpected_forms():
    """Section 2.1 without JavaScript: S-03 looks up a box code not in
    the plan and offers "Register an unexpected box" with the code; sent
    without a reason it is refused naming the rule, its fields kept;
    with one, the box is registered and received, and looked up again
    S-03 shows it with its reason."""
    tok = {"ro": api_login("ro", "correct-horse-battery-1")}
    api(tok["ro"], "plan/approve", {})
    api(tok["ro"], "poll/close", {})
    ro, _ = login("ro", "correct-horse-battery-1")
    st, pg, _ = req("GET", "/receipt?c=north&box=N7", cookie=ro)
    check(st == 200 and "No box N7 in the plan" in pg and
          re.search(r'id="unexpected-box"[^>]*value="N7"', pg) and
          re.search(r'id="unexpected-polls"[^>]*value="north"', pg) and
          '<option value="postal">' in pg,
          "S-03: an unknown code offers the unexpected box's form")
    f = {"box": "N7", "reason": " ", "kind": "station", "station": "N1",
         "polls": "north", "seals_intact": "1", "packets": "1",
         "po_name": "J. Smith"}
    _, _, body = send_form(ro, "/receipt?c=north&box=N7", "unexpected", f,
                           want=400)
    check("§2.1" in body and
          re.search(r'id="unexpected-po_name"[^>]*value="J. Smith"', body),
          "S-03: no reason: refused naming §2.1, fields kept")
    n, _, _ = send_form(ro, "/receipt?c=north&box=N7", "unexpected",
                        dict(f, reason="left at the hall by mistake"))
    con = sqlite3.connect("file:%s?mode=ro" % DB, uri=True)
    ln = con.execute("SELECT line FROM event WHERE entry = ?",
                     (n,)).fetchone()
    con.close()
    d = json.loads(ln[0])["data"] if ln else {}
    check(d.get("box") == "N7" and d.get("unexpected") == {
          "reason": "left at the hall by mistake", "kind": "station",
          "station": "N1", "polls": [{"contest": "north", "area": "main"}]}
          and d.get("packets") == ["bpa"] and d.get("seals_intact") is True,
          "S-03: the unexpected box's entry: %s" % d)
    st, pg, _ = req("GET", "/receipt?c=north&box=N7", cookie=ro)
    check(st == 200 and "Not in the plan: registered as unexpected" in pg
          and "left at the hall by mistake" in pg and "received" in pg,
          "S-03: N7 looked up again")


def f6_prompt_forms():
    """Section 2.4 without JavaScript: once the RO corrects a count after
    F6 is issued, S-02 prompts "F6 to re-issue - tell the agents" with
    the change and the re-issue form; sent, F6 is version 2 and the
    prompt goes."""
    pw = {"ro": "correct-horse-battery-1", "sup1": "sup1-password-long-1",
          "clerk1": "clerk1-password-long", "clerk2": "clerk2-password-long"}
    tok = {u: api_login(u, p) for u, p in pw.items()}
    to_counting(tok, "north", [("N1", 60), ("PV", 40)], [["N1", "PV"]])
    ro, _ = login("ro", pw["ro"])
    st, pg, _ = req("GET", "/", cookie=ro)
    check(st == 200 and "F6 to re-issue" not in pg, "S-02: no prompt yet")
    tok["ro"] = api_login("ro", pw["ro"])  # one session a user
    con = sqlite3.connect("file:%s?mode=ro" % DB, uri=True)
    n = con.execute("SELECT min(entry) FROM event WHERE line ->> 'action'"
                    " = 'count.enter'").fetchone()[0]
    con.close()
    api(tok["ro"], "entries/%d/correction" % n, {
        "reason_code": "recount", "reason_text": "tally re-added",
        "data": {"box": "N1", "attempt": 0, "papers": 59}})
    c1, _ = login("clerk1", pw["clerk1"])
    st, pg, _ = req("GET", "/", cookie=c1)
    check(st == 200 and "F6 to re-issue" not in pg, "S-02: a clerk is not"
          " prompted")
    ro, _ = login("ro", pw["ro"])
    st, pg, _ = req("GET", "/", cookie=ro)
    check(st == 200 and "Decide box N1 again" in pg, "S-02: N1's variance"
          " changed: decide it again")
    st, pg, _ = req("GET", "/statement?c=north", cookie=ro)
    check(st == 200 and "<p>Version 1, issued at" in pg and
          "Decide box N1 again" in pg and 'id="f-issue"' in pg,
          "S-07: version 1 and the re-issue prompt")
    con = sqlite3.connect("file:%s?mode=ro" % DB, uri=True)
    n = con.execute("SELECT min(entry) FROM event WHERE line ->> 'action'"
                    " = 'bpa.enter'").fetchone()[0]
    con.close()
    tok["ro"] = api_login("ro", pw["ro"])
    api(tok["ro"], "entries/%d/correction" % n, {
        "reason_code": "bpa_arithmetic", "reason_text": "BPA re-added",
        "data": {"box": "N1", "issued_to_voters": 59}})
    api(tok["ro"], "contests/north/decisions", {"box": "N1",
                                                "outcome": "agreed"})
    ro, _ = login("ro", pw["ro"])
    st, pg, _ = req("GET", "/", cookie=ro)
    check(st == 200 and "F6 to re-issue \u2014 tell the agents" in pg and
          'id="f-issue"' in pg and "<td>verified</td>" in pg and
          "Decide box" not in pg, "S-02: the RO is prompted to re-issue F6")
    st, _, hd = req("POST", "/do", form_of(pg, "issue"), {"Origin": ORIGIN},
                    cookie=ro)
    check(st == 303, "S-02: F6 re-issued: %d" % st)
    st, pg, _ = req("GET", "/", cookie=ro)
    check(st == 200 and "F6 to re-issue" not in pg, "S-02: prompt gone")
    st, pg, _ = req("GET", "/statement?c=north", cookie=ro)
    check(st == 200 and "<p>Version 2, issued at" in pg and
          "F6 to re-issue" not in pg, "S-07: version 2, no prompt")
    st, js, _ = req("GET", "/api/v1/contests/north/verification",
                    headers={"Authorization": "Bearer " +
                             api_login("ro", pw["ro"])})
    js = json.loads(js)
    check(js.get("version") == 2 and js.get("total") == 99,
          "F6 version 2 from S-02: %s" % js)


def stmt_prompt_forms():
    """Section 3.5 without JavaScript: once a figure of an issued F11
    changes (a doubtful paper found after stage 1 closed and rejected),
    S-02 tells the RO that F11 is re-issued as version 2, to tell the
    agents present, with the change and the printed version; a clerk
    is not told."""
    N = "contests/north/"
    pw = {"ro": "correct-horse-battery-1", "sup1": "sup1-password-long-1",
          "clerk1": "clerk1-password-long", "clerk2": "clerk2-password-long"}
    tok = {u: api_login(u, p) for u, p in pw.items()}
    to_counting(tok, "north", [("N1", 60), ("PV", 40)], [["N1", "PV"]])
    for slip in ("p1", "p2", "p3", "p4"):
        api(tok["clerk1"], N + "bundles", {
            "round": 1, "area": "main", "table": 1, "stage": 1,
            "slip": slip, "kind": "pattern", "pattern": [1, 2, 3],
            "papers": 24, "part": True, "counted_by": "A",
            "checked_by": "B"})
    api(tok["sup1"], N + "sheets/close", {"round": 1, "area": "main",
                                          "table": 1, "stage": 1})
    tok["ro"] = api_login("ro", pw["ro"])
    api(tok["ro"], N + "rounds/1/close", {"stage": 1})
    ro, _ = login("ro", pw["ro"])
    st, pg, _ = req("GET", "/", cookie=ro)
    check(st == 200 and "re-issued as version" not in pg,
          "S-02: F11 version 1, nothing to tell")
    tok["ro"] = api_login("ro", pw["ro"])
    d = api(tok["sup1"], N + "doubtful", {
        "round": 1, "area": "main", "table": 1, "stage": 1, "papers": 4,
        "description": "blank papers", "reason_text": "found late"})
    adj = api(tok["ro"], N + "adjudications", {
        "doubtful": d["entry"], "decision": "rejected", "head": "unmarked",
        "agents_present": []})
    ro, _ = login("ro", pw["ro"])
    st, pg, _ = req("GET", "/", cookie=ro)
    check(st == 200 and "F11 re-issued as version 2 \u2014 tell the agents"
          " present" in pg and "re-issued by entry #%d" % adj["entry"] in pg
          and 'href="/forms/F11?c=north&amp;round=1&amp;version=2"' in pg
          and "<td>total</td><td>0</td><td>4</td>" in pg,
          "S-02: the RO is told F11 is re-issued: %s" %
          re.sub(r"\s+", " ", pg)[:3000])
    st, pg, _ = req("GET", "/forms/F11?c=north&round=1&version=2",
                    cookie=ro)
    check(st == 200 and "Changed since version 1" in pg,
          "F11 version 2 printed: %d" % st)
    c1, _ = login("clerk1", pw["clerk1"])
    st, pg, _ = req("GET", "/", cookie=c1)
    check(st == 200 and "re-issued as version" not in pg,
          "S-02: a clerk is not told")


def tally_queue_forms():
    """S-02 for tally sheets (I20): two blind entries of a sheet that
    differ show on a supervisor's queue, not on a clerk's; the queue's
    withdrawal form (the API's entries/N/withdrawal) resolves it, and a
    new second entry agrees."""
    N = "contests/north/"
    pw = {"ro": "correct-horse-battery-1", "sup1": "sup1-password-long-1",
          "clerk1": "clerk1-password-long", "clerk2": "clerk2-password-long",
          "clerk3": "clerk3-password-long"}
    tok = {}
    for u, p in pw.items():
        st, js, _ = req("POST", "/api/v1/login", json.dumps(
            {"username": u, "password": p}).encode(),
            {"Content-Type": "application/json"})
        tok[u] = json.loads(js)["token"]
    to_counting(tok, "north", [("N1", 60), ("PV", 40)], [["N1", "PV"]])
    sheet = {"round": 1, "area": "main", "table": 1, "sheet": "T7",
             "papers": 10}
    e1 = api(tok["clerk1"], N + "tallies", dict(sheet, votes={"1": 6,
                                                               "4": 7}))
    e2 = api(tok["clerk2"], N + "tallies", dict(sheet, votes={"1": 6,
                                                               "4": 8}))
    check(e2.get("status") == "different", "S-02: the sheet's entries"
          " differ: %s" % e2)
    sup, _ = login("sup1", pw["sup1"])
    st, pg, _ = req("GET", "/?c=north", cookie=sup)
    rows = re.findall(r'<tr><td>north</td><th scope="row">T7</th><td '
                      r'class="n">1</td><td class="n">#(\d+) \((\d) of 2\)'
                      r'</td><td class="n">10</td><td>([^<]*)</td><td>'
                      r'([^<]*)</td></tr>', pg)
    check(st == 200 and 'id="tally-diffs"' in pg and 'id="f-wfig"' in pg
          and rows == [(str(e1["entry"]), "1", "1: 6, 4: 7", "clerk1"),
                       (str(e2["entry"]), "2", "1: 6, 4: 8", "clerk2")] and
          "No double-entry differences" not in pg,
          "S-02: the supervisor sees both entries of T7: %s %s" % (
              rows, re.sub(r"\s+", " ", pg)[-1200:]))
    c1, _ = login("clerk1", pw["clerk1"])
    st, pg1, _ = req("GET", "/?c=north", cookie=c1)
    check(st == 200 and 'id="tally-diffs"' not in pg1 and "T7" not in pg1
          and 'id="f-wfig"' not in pg1,
          "S-02: a clerk's queue shows no sheet difference (blind entry)")
    st, body, hd = req("POST", "/do", dict(form_of(pg, "wfig"),
                       entry=str(e2["entry"]), reason_code="typo"),
                       {"Origin": ORIGIN}, cookie=sup)
    m = re.search(r"saved=(\d+)", hd.get("location", ""))
    check(st == 303 and m, "S-02: the sheet entry withdrawn by the form:"
          " %d %s" % (st, body[-300:]))
    con = sqlite3.connect("file:%s?mode=ro" % DB, uri=True)
    ln = json.loads(con.execute("SELECT line FROM event WHERE entry = ?",
                                (int(m.group(1)) if m else 0,)).fetchone()
                    [0] if m else "{}")
    con.close()
    check(ln.get("action") == "entry.withdraw" and ln.get("supersedes") ==
          e2["entry"] and ln.get("user") == "sup1",
          "S-02: the API's withdrawal: %s" % ln)
    st, pg, _ = req("GET", "/?c=north", cookie=sup)
    check('id="tally-diffs"' not in pg and "No double-entry differences"
          in pg, "S-02: the sheet's difference is resolved")
    js = api(tok["clerk3"], N + "tallies", dict(sheet, votes={"1": 6,
                                                              "4": 7}))
    check(js.get("status") == "agreed", "S-02: the new entry 2 agrees: %s"
          % js)


def my_entries_forms():
    """S-10's "my last 20 entries": clerk1's 25 bundles give the newest
    20, newest first, with number, slip, candidate as on the ballot and
    papers; a corrected one struck through with why; clerk2's bundle is
    not among them. Ctrl+Z's correction form holds the last one."""
    M = "contests/mayor/"
    tok = mayor_counting(20)
    pw = MAYOR_PW

    def bundle(who, slip, cand):
        return api(tok[who], M + "bundles", {
            "round": 1, "area": "main", "table": 1, "stage": 1,
            "slip": slip, "kind": "candidate", "candidate": cand,
            "papers": 2, "part": True, "counted_by": "A",
            "checked_by": "B"})["entry"]
    mine = []
    for i in range(25):
        mine.append(bundle("clerk1", "k%02d" % i, 1 + i % 4))
        if i == 12:
            other = bundle("clerk2", "z99", 2)
    # entry k20 (position 1) corrected by clerk1: superseded, with why
    fixed = api(tok["clerk1"], "entries/%d/correction" % mine[20], {
        "reason_code": "wrong_candidate", "reason_text": "slip misread",
        "data": {"round": 1, "area": "main", "table": 1, "stage": 1,
                 "slip": "k20", "kind": "candidate", "candidate": 2,
                 "papers": 2, "part": True, "counted_by": "A",
                 "checked_by": "B"}})["entry"]
    c1, _ = login("clerk1", pw["clerk1"])
    st, pg, _ = req("GET", "/bundles?c=mayor", cookie=c1)
    tb = re.search(r'<table id="mine".*?</table>', pg, re.S)
    rows = re.findall(r'<tr><th scope="row">(?:<del>)?#(\d+)', tb.group(0)
                      if tb else "")
    want = [fixed] + mine[::-1]
    check(st == 200 and [int(r) for r in rows] == want[:20],
          "S-10: my last 20 entries, newest first: %s want %s" % (
              rows, want[:20]))
    check(tb and "z99" not in tb.group(0) and "#%d<" % other not in
          tb.group(0), "S-10: another clerk's bundle is not listed")
    check(tb and re.search(r'<tr><th scope="row">#%d</th><td>k24</td><td>'
                           r'1 [^<]+</td><td class="n">2</td><td>Current'
                           % mine[24], tb.group(0)) is not None,
          "S-10: a row: number, slip, candidate as on the ballot, papers")
    check(tb and re.search(r'<tr><th scope="row"><del>#%d</del></th><td>'
                           r'<del>k20</del></td><td><del>1 [^<]+</del></td>'
                           r'<td class="n"><del>2</del></td><td>Corrected'
                           r' by #%d \(clerk1, [0-9T:.-]+Z\):'
                           r' wrong_candidate \u2014 slip misread<'
                           % (mine[20], fixed), tb.group(0)) is not None,
          "S-10: the corrected entry struck through, with why: %s" % (
              tb.group(0)[:1500] if tb else pg[-1500:]))
    check('id="cbundle-entry"' in pg and re.search(
          r'id="cbundle-entry"[^>]*value="%d"' % fixed, pg) is not None,
          "S-10: Ctrl+Z's correction holds my last entry")
    c2, _ = login("clerk2", pw["clerk2"])
    st, pg2, _ = req("GET", "/bundles?c=mayor", cookie=c2)
    tb2 = re.search(r'<table id="mine".*?</table>', pg2, re.S)
    check(st == 200 and tb2 and "#%d<" % other in tb2.group(0) and
          "k24" not in tb2.group(0), "S-10: clerk2 sees its own entry only")


def queue_forms():
    """Section 2.3 without JavaScript: B3's double-entry difference
    resolved on the supervisor's queue (S-02) by the withdrawal form (the
    API's entries/N/withdrawal), and S-06's compensating errors sent as
    box.decide with the place (S1c: M1 BPA 300 counted 302, M3 BPA 280
    counted 278, both at p1)."""
    M = "contests/mayor/"
    pw = {"ro": "correct-horse-battery-1", "mgr": "mgr-password-long-1",
          "rcpt": "rcpt-password-long-1", "sup1": "sup1-password-long-1",
          "clerk1": "clerk1-password-long", "clerk2": "clerk2-password-long"}
    tok = {u: api_login(u, p) for u, p in pw.items()}

    def post(who, path, body, want=201):
        st, js = api_post(tok[who], path, body)
        check(st == want, "POST %s as %s: %d (want %d) %s" % (
              path, who, st, want, str(js)[:300]))
        return js

    line = entry_line

    def boxes():
        st, js, _ = req("GET", "/api/v1/" + M + "boxes", headers={
            "Authorization": "Bearer " + tok["mgr"]})
        return {b["box"]: b for b in json.loads(js)}

    post("ro", "plan/approve", {})
    post("mgr", "poll/close", {})
    for b in ("M1", "M2", "M3"):
        post("rcpt", "receipts", {"box": b, "seals_intact": True,
                                  "packets": []})
        post("sup1", "boxes/open", {"box": b, "table": 1})
    for b, bpa, n1, n2 in (("M1", 300, 302, 303), ("M2", 100, 100, 100),
                           ("M3", 280, 278, 278)):
        for u in ("clerk1", "clerk2"):
            post(u, M + "bpa", {"box": b, "issued_to_voters": bpa})
        post("clerk1", M + "counts", {"box": b, "attempt": 0,
                                      "papers": n1})
        last = post("clerk2", M + "counts", {"box": b, "attempt": 0,
                                             "papers": n2})
    wrong = last
    # B3: M1's two counts differ (302, 303): the supervisor's queue
    # shows both entries; the form withdraws the wrong one.
    con = sqlite3.connect("file:%s?mode=ro" % DB, uri=True)
    e1, e2 = [r[0] for r in con.execute(
        "SELECT entry FROM event WHERE action = 'count.enter' AND"
        " line ->> '$.data.box' = 'M1' ORDER BY seq")]
    con.close()
    del wrong
    sup, _ = login("sup1", pw["sup1"])
    st, pg, _ = req("GET", "/?c=mayor", cookie=sup)
    check(st == 200 and 'id="f-wfig"' in pg and
          re.search(r'<th scope="row">M1</th><td class="n">1</td><td>'
                    r'Count, attempt 0</td><td class="n">#%d \(2 of 2\)'
                    r'</td><td class="n">303</td><td>clerk2</td>' % e2, pg)
          and "#%d (1 of 2)" % e1 in pg and ">M3<" not in pg,
          "B3: the queue shows M1's differing entries: %s" %
          re.sub(r"\s+", " ", pg)[-1500:])
    c1, _ = login("clerk1", pw["clerk1"])
    st, pg1, _ = req("GET", "/?c=mayor", cookie=c1)
    check(st == 200 and 'id="f-wfig"' not in pg1 and "303" not in pg1,
          "B3: a clerk's queue has no differences (blind entry)")
    st, body, hd = req("POST", "/do", dict(form_of(pg, "wfig"), entry=str(e2),
                       reason_code="typo"), {"Origin": ORIGIN}, cookie=sup)
    m = re.search(r"saved=(\d+)", hd.get("location", ""))
    check(st == 303 and m, "B3: the withdrawal saved: %d %s" % (
          st, body[-300:]))
    ln = line(int(m.group(1))) if m else {}
    check(ln.get("action") == "entry.withdraw" and ln.get("supersedes") ==
          e2 and ln.get("user") == "sup1",
          "B3: the entry is the API's withdrawal: %s" % ln)
    st, pg, _ = req("GET", "/?c=mayor", cookie=sup)
    check("No double-entry differences" in pg and 'id="f-wfig"' not in pg,
          "B3: the difference is resolved")
    tok["clerk1"] = api_login("clerk1", pw["clerk1"])
    post("clerk1", M + "counts", {"box": "M1", "attempt": 0,
                                  "papers": 302}, want=403)
    js = post("clerk2", M + "counts", {"box": "M1", "attempt": 0,
                                       "papers": 302})
    check(js.get("status") == "agreed" and js.get("box_state") ==
          "VARIANCE", "B3: the second entry agrees: %s" % js)
    # S-06: compensating errors at p1 (M1 +2, M3 -2), by the RO's form.
    ro, _ = login("ro", pw["ro"], DEVICE)
    st, pg, _ = req("GET", "/variance?c=mayor&box=M1", cookie=ro)
    check(st == 200 and hidden(pg, "vcomp", "place") == "p1" and
          hidden(pg, "vcomp", "outcome") == "compensating" and
          '<option value="compensating">' not in pg and
          "difference +0 \u2014 it balances" in pg,
          "S-06: the place's compensating form")
    f = dict(form_of(pg, "vcomp"), box="M1", place="p1",
             outcome="compensating", explanation="M3 papers in M1's count")
    st, body, _ = req("POST", "/do", dict(f, password="wrong-password-1"),
                      {"Origin": ORIGIN}, cookie=ro)
    check(st == 401 and "Not saved" in body and
          boxes()["M1"]["state"] != "VERIFIED",
          "S-06: a wrong password: %d" % st)
    st, pg, _ = req("GET", "/variance?c=mayor&box=M1", cookie=ro)
    st, body, hd = req("POST", "/do", dict(f, **form_of(pg, "vcomp"),
                       password=pw["ro"]), {"Origin": ORIGIN}, cookie=ro)
    m = re.search(r"saved=(\d+)", hd.get("location", ""))
    check(st == 303 and m and "box=M1" in hd.get("location", ""),
          "S-06: compensating saved: %d %s" % (st, body[-400:]))
    ln = line(int(m.group(1))) if m else {}
    check(ln.get("action") == "box.decide" and ln.get("data") == {
          "place": "p1", "outcome": "compensating",
          "explanation": "M3 papers in M1's count"},
          "S-06: the entry names the place: %s" % ln)
    bx = boxes()
    check([(bx[b]["state"], bx[b]["outcome"], bx[b]["verified"]) for b in
           ("M1", "M2", "M3")] == [("VERIFIED", "compensating", 302),
                                   ("AGREED", None, None),
                                   ("VERIFIED", "compensating", 278)],
          "S-06: M1 and M3 verified at their counts: %s" % bx)
    st, body = req("GET", "/api/v1/" + M + "verification",
                   headers={"Authorization": "Bearer " + tok["mgr"]})[:2]
    check(st == 404, "F6 not issued yet: %d" % st)
    # J1: the place's decision replays in a fresh book.
    st, exp, _ = req("GET", "/api/v1/export", headers={
        "Authorization": "Bearer " + tok["mgr"]})
    jf, db2 = os.path.join(tmp, "queue.jsonl"), os.path.join(tmp, "q2.db")
    with open(jf, "w") as fh:
        fh.write(exp)
    r = subprocess.run([DESK, "import", db2, jf], capture_output=True,
                       text=True)
    check(st == 200 and r.returncode == 0, "J1: the journal imports: %d %s"
          % (r.returncode, r.stderr))


def decision_forms():
    """Section 3.5 for verification outcomes without JavaScript: S-06
    shows a box's decisions with their history and, to the RO, withdraws
    one (a reason_text required) and corrects one; S-07 lists the
    contest's decisions and withdraws one; each is the API's
    entries/N/withdrawal or correction; a supervisor and the manager see
    the history but no form."""
    M = "contests/mayor/"
    tok = {u: api_login(u, p) for u, p in MAYOR_PW.items()}
    line = entry_line

    def m2():
        # a session of its own (one session a user)
        st, js, _ = req("GET", "/api/v1/" + M + "boxes?box=M2", headers={
            "Authorization": "Bearer " + api_login("mgr", MAYOR_PW["mgr"])})
        return [b for b in json.loads(js) if b["box"] == "M2"][0]

    send = send_form

    api(tok["ro"], "plan/approve", {})
    api(tok["mgr"], "poll/close", {})
    api(tok["rcpt"], "receipts", {"box": "M2", "seals_intact": True,
                                  "packets": []})
    api(tok["sup1"], "boxes/open", {"box": "M2", "table": 1})
    for u in ("clerk1", "clerk2"):
        api(tok[u], M + "bpa", {"box": "M2", "issued_to_voters": 100})
        cnt = api(tok[u], M + "counts", {"box": "M2", "attempt": 0,
                                         "papers": 100})["entry"]
    d1 = api(tok["sup1"], M + "decisions", {"box": "M2",
                                            "outcome": "agreed"})["entry"]
    ro, _ = login("ro", MAYOR_PW["ro"], DEVICE)
    v = "/variance?c=mayor&box=M2"
    st, pg, _ = req("GET", v, cookie=ro)
    m = re.search(r'id="wdecision-entry"[^>]*value="(\d+)"', pg)
    check(st == 200 and '<th scope="row">#%d</th><td>M2</td><td>agreed'
          '</td>' % d1 in pg and "<td>sup1</td>" in pg and "Stands" in pg
          and m and int(m.group(1)) == d1 and 'id="f-cdecision"' in pg,
          "S-06: the decision, its state and the forms: %s" %
          re.sub(r"\s+", " ", pg)[-1500:])
    n0 = events()
    _, _, body = send(ro, v, "wdecision", {"entry": str(d1), "box": "M2",
                                           "reason_code": "typo"}, want=400)
    check(events() == n0 and "reason_text" in body and
          m2()["outcome"] == "agreed", "S-06: no withdrawal without a"
          " reason_text (section 3.5)")
    w, loc, _ = send(ro, v, "wdecision", {
        "entry": str(d1), "box": "M2", "reason_code": "other",
        "reason_text": "decided before the BPA was re-added"})
    ln = line(w)
    check(ln.get("action") == "entry.withdraw" and ln.get("supersedes") ==
          d1 and ln.get("user") == "ro" and "box=M2" in loc,
          "S-06: the decision withdrawn by the API's entry: %s %s" %
          (ln, loc))
    bx = m2()
    check(bx["outcome"] is None and bx["verified"] is None and
          bx["state"] == "AGREED", "S-06: M2 undecided again: %s" % bx)
    st, pg, _ = req("GET", v, cookie=ro)
    check("<del>agreed</del>" in pg and "Withdrawn by #%d (ro, " % w in pg
          and "other \u2014 decided before the BPA was re-added" in pg,
          "S-06: the withdrawal in the history: %s" %
          re.sub(r"\s+", " ", pg)[-1500:])
    d2 = api(tok["sup1"], M + "decisions", {"box": "M2",
                                            "outcome": "agreed"})["entry"]
    c, loc, _ = send(ro, v, "cdecision", {
        "entry": str(d2), "box": "M2", "outcome": "agreed",
        "explanation": "BPA re-checked at the table",
        "reason_code": "other", "reason_text": "explanation left out"})
    ln = line(c)
    check(ln.get("action") == "box.decide" and ln.get("supersedes") == d2
          and ln.get("data") == {"box": "M2", "outcome": "agreed",
                                 "explanation": "BPA re-checked at the"
                                 " table"} and "box=M2" in loc,
          "S-06: the decision corrected by the API's entry: %s" % ln)
    # S-07: the contest's decisions, each with its history.
    st, pg, _ = req("GET", "/statement?c=mayor", cookie=ro)
    check(st == 200 and "Withdrawn by #%d" % w in pg and
          "Corrected by #%d (ro, " % c in pg and
          '<th scope="row">#%d</th>' % c in pg and
          'id="f-swdecision"' in pg and 'id="f-scdecision"' in pg,
          "S-07: the decisions and their history")
    for who in ("mgr", "sup1"):
        ck, _ = login(who, MAYOR_PW[who], DEVICE if who == "mgr" else None)
        scr = "/statement?c=mayor" if who == "mgr" else v
        st, pg, _ = req("GET", scr, cookie=ck)
        check(st == 200 and "Corrected by #%d" % c in pg and
              "decision\"" not in pg.replace('id="f-vdecide"', ""),
              "%s: the history, no withdrawal or correction form" % who)
    ro, _ = login("ro", MAYOR_PW["ro"], DEVICE)
    w2, loc, _ = send(ro, "/statement?c=mayor", "swdecision", {
        "entry": str(c), "reason_code": "other",
        "reason_text": "M2 to be recounted"})
    ln = line(w2)
    check(ln.get("action") == "entry.withdraw" and ln.get("supersedes") ==
          c and loc.startswith("/statement?c=mayor&saved=%d" % w2) and
          m2()["outcome"] is None, "S-07: the decision withdrawn: %s %s" %
          (ln, loc))
    # After F6's issue (section 2.4): the forms stay for the RO; a
    # decision withdrawn makes its box to be decided again before the
    # re-issue.
    tok = {u: api_login(u, p) for u, p in MAYOR_PW.items()}
    d3 = api(tok["sup1"], M + "decisions", {"box": "M2",
                                            "outcome": "agreed"})["entry"]
    for b in ("M1", "M3", "PV1"):
        api(tok["rcpt"], "receipts", {"box": b, "seals_intact": True,
                                      "packets": []})
        api(tok["sup1"], "boxes/open", {"box": b, "table": 1})
        for u in ("clerk1", "clerk2"):
            api(tok[u], M + "bpa", {"box": b, "issued_to_voters": 50})
            api(tok[u], M + "counts", {"box": b, "attempt": 0,
                                       "papers": 50})
        api(tok["sup1"], M + "decisions", {"box": b, "outcome": "agreed"})
    api(tok["ro"], M + "verification", {})
    ro, _ = login("ro", MAYOR_PW["ro"], DEVICE)
    w3, loc, _ = send(ro, "/statement?c=mayor", "swdecision", {
        "entry": str(d3), "reason_code": "other",
        "reason_text": "M2's BPA misread"})
    ln = line(w3)
    st, pg, _ = req("GET", "/statement?c=mayor", cookie=ro)
    check(ln.get("action") == "entry.withdraw" and ln.get("supersedes") ==
          d3 and ln.get("states") == {"mayor": "VERIFIED"} and
          m2()["outcome"] is None and "Decide box M2 again" in pg and
          "Withdrawn by #%d (ro, " % w3 in pg,
          "S-07 after F6's issue: the decision withdrawn, M2 to decide"
          " again: %s" % ln)
    # S-06 (section 2.3, 3.5): a decision that no longer stands once a
    # counted figure is corrected after it -- struck through, and said.
    d4 = api(api_login("ro", MAYOR_PW["ro"]), M + "decisions",
             {"box": "M2", "outcome": "agreed"})["entry"]
    fix = api(api_login("ro", MAYOR_PW["ro"]), "entries/%d/correction" % cnt,
              {"reason_code": "recount", "reason_text": "two papers found"
               " stuck together", "data": {"box": "M2", "attempt": 0,
                                          "papers": 98}})
    ro, _ = login("ro", MAYOR_PW["ro"], DEVICE)
    st, pg, _ = req("GET", v, cookie=ro)
    row = re.search(r'<tr><th scope="row">#%d</th>.*?</tr>' % d4, pg)
    row = row.group(0) if row else ""
    check(st == 200 and fix.get("verified") == 98 and
          m2()["outcome"] is None and "<del>agreed</del>" in row and
          "No longer stands: a figure changed since" in row and
          "Stands" not in row.replace("No longer stands", ""),
          "S-06: decision #%d no longer stands after the count's"
          " correction: %s" % (d4, row))


def backfill_forms():
    """S-21's back-fill backlog (section 2.16, S14): entries taken in
    from paper (paper_time, flagged backfilled) by action with their
    paper times; the backlog lists the back-filled figures whose double
    entry has not agreed, and falls to zero once it has."""
    M = "contests/mayor/"
    pw = {"ro": "correct-horse-battery-1", "mgr": "mgr-password-long-1",
          "rcpt": "rcpt-password-long-1", "sup1": "sup1-password-long-1",
          "clerk1": "clerk1-password-long", "clerk2": "clerk2-password-long"}
    tok = {u: api_login(u, p) for u, p in pw.items()}
    for who, path, body in (
            ("ro", "plan/approve", {}), ("mgr", "poll/close", {}),
            ("rcpt", "receipts", {"box": "M1", "seals_intact": True,
                                  "packets": []}),
            ("rcpt", "receipts", {"box": "M2", "seals_intact": True,
                                  "packets": []}),
            ("sup1", "boxes/open", {"box": "M1", "table": 1}),
            ("sup1", "boxes/open", {"box": "M2", "table": 1})):
        api(tok[who], path, body)
    ro, _ = login("ro", pw["ro"], DEVICE)

    def s21():
        st, pg, _ = req("GET", "/progress?c=mayor", cookie=ro)
        check(st == 200, "S-21: %d" % st)
        m = re.search(r"Back-fill backlog: (\d+) back-filled", pg)
        return (int(m.group(1)) if m else None), pg

    n, pg = s21()
    check(n == 0 and "No entry has been taken in from paper" in pg,
          "S-21: no back-fill yet")
    # live entries are no back-fill
    api(tok["clerk1"], M + "bpa", {"box": "M2", "issued_to_voters": 50})
    api(tok["clerk1"], M + "bpa", {"box": "M1", "issued_to_voters": 120,
                                   "paper_time": "2026-05-08T00:40:00Z"})
    js = api(tok["clerk1"], M + "counts", {
        "box": "M1", "attempt": 0, "papers": 120,
        "paper_time": "2026-05-08T00:55:00Z"})
    n, pg = s21()
    check(n == 2 and re.search(
          r'<tr><td class="n">%d</td><td>count.enter</td><td>M1</td><td>'
          r'2026-05-08T00:55:00Z</td><td>[^<]+</td><td>awaiting its second'
          r' entry</td></tr>' % js["entry"], pg) and
          re.search(r'<th scope="row">bpa.enter</th><td class="n">1</td>'
                    r'<td>2026-05-08T00:40:00Z</td>', pg) and
          ">M2<" not in pg,
          "S-21: two back-filled figures awaiting their second entry: %s" %
          re.sub(r"\s+", " ", pg)[-1500:])
    api(tok["clerk2"], M + "bpa", {"box": "M1", "issued_to_voters": 120,
                                   "paper_time": "2026-05-08T00:41:00Z"})
    api(tok["clerk2"], M + "counts", {"box": "M1", "attempt": 0,
                                      "papers": 121,
                                      "paper_time": "2026-05-08T00:56:00Z"})
    n, pg = s21()
    check(n == 2 and pg.count("the two entries differ") == 2 and
          re.search(r'<th scope="row">count.enter</th><td class="n">2</td>'
                    r'<td>2026-05-08T00:55:00Z</td><td>2026-05-08T00:56:00Z'
                    r'</td>', pg),
          "S-21: the differing counts stay in the backlog")
    con = sqlite3.connect("file:%s?mode=ro" % DB, uri=True)
    e2 = con.execute("SELECT max(entry) FROM event WHERE action ="
                     " 'count.enter'").fetchone()[0]
    con.close()
    api(tok["sup1"], "entries/%d/withdrawal" % e2, {"reason_code": "typo"})
    api(tok["clerk2"], M + "counts", {"box": "M1", "attempt": 0,
                                      "papers": 120,
                                      "paper_time": "2026-05-08T00:56:00Z"})
    n, pg = s21()
    check(n == 0 and 'id="backlog"' not in pg and
          re.search(r'<th scope="row">count.enter</th><td class="n">3</td>',
                    pg), "S-21: the backlog falls to zero")


def forms_run():
    """The forms of §2.17 that read the book directly (F1-F5, F7-F9,
    F20, F21), F6's unused, spoilt and tendered figures and F15's
    reconciliation line, through a whole SV count with a first-count
    majority: each 404 before its state, its figures from the entries
    made, its footer's checkpoint, and who may see it (§3.4)."""
    M = "contests/mayor/"
    pw = {"ro": "correct-horse-battery-1", "mgr": "mgr-password-long-1",
          "rcpt": "rcpt-password-long-1", "sup1": "sup1-password-long-1",
          "clerk1": "clerk1-password-long", "clerk2": "clerk2-password-long",
          "brown-ea": "agent-password-long-1"}
    tok = {u: api_login(u, p) for u, p in pw.items()}

    def form(f, who, q=""):
        st, body, hd = req("GET", "/api/v1/forms/%s?contest=mayor%s" %
                           (f, q), headers={"Authorization": "Bearer " +
                                            tok[who]})
        return st, body

    def post(who, path, body, want=201):
        st, js = api_post(tok[who], path, body)
        check(st == want, "POST %s as %s: %d %s" % (path, who, st,
              str(js)[:300]))
        return js

    def page(f, who, q="", want=200):
        st, body = form(f, who, q)
        check(st == want, "%s%s as %s: %d (want %d) %s" % (f, q, who, st,
              want, body[:200] if st != want else ""))
        if want == 200:
            check(FOOT.search(body) is not None, "%s: footer" % f)
        return body

    def bpa_form(bd):
        """S-04's BPA form, every head of the account (issued to the
        station too), by clerk2's browser; its token again after."""
        ck, _ = login("clerk2", pw["clerk2"])
        st, pg, _ = req("GET", "/verify?c=mayor&box=" + bd["box"],
                        cookie=ck)
        check(st == 200 and 'id="bpa-issued_to_station"' in pg,
              "S-04: the BPA form asks for the papers issued to the"
              " station")
        st, _, hd = req("POST", "/do", dict(form_of(pg, "bpa"), **{
                        k: str(v) for k, v in bd.items()}),
                        {"Origin": ORIGIN}, cookie=ck)
        check(st == 303 and "saved=" in hd.get("location", ""),
              "S-04: the BPA form saved: %d" % st)
        con = sqlite3.connect("file:%s?mode=ro" % DB, uri=True)
        line = con.execute("SELECT line FROM event WHERE action ="
                           " 'bpa.enter' ORDER BY seq DESC").fetchone()
        con.close()
        check(line and json.loads(line[0])["data"].get(
              "issued_to_station") == bd["issued_to_station"],
              "S-04: the form's entry has issued_to_station: %s" %
              (line and line[0][:300]))
        tok["clerk2"] = api_login("clerk2", pw["clerk2"])

    for f in ("F1", "F2", "F3", "F4", "F5", "F7", "F8", "F9", "F20"):
        page(f, "ro", want=404)
    post("ro", "plan/approve", {})
    body = page("F1", "ro")
    con = sqlite3.connect("file:%s?mode=ro" % DB, uri=True)
    seq, h = con.execute("SELECT seq, hash FROM event WHERE action ="
                         " 'plan.approve'").fetchone()
    con.close()
    st, exp, _ = req("GET", "/api/v1/export", headers={
        "Authorization": "Bearer " + tok["ro"]})
    genesis = json.loads(exp.split("\n")[0])["genesis"]
    m = FOOT.search(body)
    check("F1 Count plan" in body and "Jane ASHBY" in body and
          "Green Party" in body and "Huw DAVIES" in body and
          "Testborough Leisure Centre" in body and
          "<td>PV1</td><td>postal</td>" in body and "Kim Shah" in body and
          "Tayo Bello" in body and genesis in body and
          "<td>dro</td><td>verify_approve, adjudicate</td><td>RO letter"
          in body and
          m and int(m.group(1)) == seq and h.startswith(m.group(2)) and
          "tolerance above zero" not in body and "Returning Officer" not
          in body, "F1: the plan, the genesis, plan.approve's checkpoint")
    check(body.index("Jane ASHBY") < body.index("Tom BROWN") <
          body.index("Ann CLARKE"), "F1: ballot order")
    page("F1", "brown-ea")
    page("F1", "clerk1", want=403)
    page("F2", "ro", want=404)
    post("mgr", "poll/close", {})
    body = page("F2", "rcpt")
    check("Expected boxes not received: M1, M2, M3, PV1." in body,
          "F2: nothing received yet")
    page("F4", "ro", "&box=M1", want=404)
    post("rcpt", "receipts", {"box": "M1", "seals_intact": True,
                              "po_name": "Pat Jones", "seal_numbers":
                              "A1 A2", "packets": ["bpa", "tendered"]})
    post("rcpt", "boxes/escalate", {"box": "M3", "note": "PO phoned"})
    for b in ("M2", "M3", "PV1"):
        post("rcpt", "receipts", {"box": b, "seals_intact": True,
                                  "packets": []})
    body = page("F2", "brown-ea")
    check("<td>M1</td><td>received</td><td>Pat Jones</td><td>yes</td>"
          "<td>A1 A2</td><td>bpa, tendered</td>" in body and
          "not received: chased" in body and "PO phoned" in body and
          body.index("PO phoned") < body.index("<td>M3</td><td>received") and
          "Expected boxes not received: none." in body, "F2: the log")
    page("F2", "clerk1", want=403)
    page("F3", "ro", want=404)
    post("sup1", "boxes/open", {"box": "M1", "table": 1})
    body = page("F4", "brown-ea", "&box=M1")
    check("Ballot box M1" in body and "Pat Jones" in body and
          "Ballot box M2" not in body and "RECEIVED" not in body,
          "F4: the record card")
    page("F4", "ro", "&box=ZZ", want=404)
    page("F4", "clerk1", want=403)
    # M1: both entries give every head; M2: the tendered figures differ;
    # M3: counted 101 against a BPA of 100.
    heads = {"M1": (100, 10, 5, 1, 2), "M2": (60, 0, 0, 0, 1),
             "M3": (100, 0, 0, 0, 0), "PV1": (30, 0, 0, 0, 0)}
    for b, (n, ist, un, sp, te) in heads.items():
        if b != "M1":
            post("sup1", "boxes/open", {"box": b, "table": 1})
        for u in ("clerk1", "clerk2"):
            bd = {"box": b, "issued_to_voters": n}
            if ist:
                bd.update(issued_to_station=n + un + sp + te, unused=un,
                          spoilt=sp, tendered=te)
            if b == "M2":
                bd["tendered"] = te if u == "clerk1" else 3
            if b == "M1" and u == "clerk2":
                bpa_form(bd)
            else:
                post(u, M + "bpa", bd)
            post(u, M + "counts", {"box": b, "attempt": 0,
                                   "papers": 101 if b == "M3" else n})
    body = page("F3", "sup1")
    check(re.search(r"<td>M1</td><td class=\"n\">\d+</td><td class=\"n\">"
                    r"1</td><td>[^<]+</td><td>clerk1</td><td class=\"n\">"
                    r"100</td><td class=\"n\">108</td><td class=\"n\">5"
                    r"</td><td class=\"n\">1</td><td class=\"n\">2</td>"
                    r"<td>current</td>", body) is not None and
          "<td>clerk2</td>" in body, "F3: the entries as typed")
    check("<td>PV1</td>" not in page("F3", "ro", "&box=M1"),
          "F3: one box")
    page("F3", "brown-ea", want=403)
    page("F3", "clerk1", want=403)
    page("F5", "ro", "&box=M1", want=404)
    body = page("F5", "ro")
    check("Box M3" in body and "Box M1" not in body and
          body.count("not recorded") == 6, "F5: the variance, no check yet")
    post("sup1", M + "checks", {"box": "M3", "item": "bpa_arithmetic",
                                "result": "done", "note": "adds up"})
    body = page("F5", "sup1", "&box=M3")
    check(body.count("not recorded") == 5 and "adds up" in body,
          "F5: a check recorded")
    page("F5", "brown-ea", want=403)
    for item in ("unused_count", "other_packets", "postal_not_added",
                 "po_contacted", "boxes_issued"):
        post("sup1", M + "checks", {"box": "M3", "item": item,
                                    "result": "done"})
    for a in (1, 2):
        for u in ("clerk1", "clerk2"):
            post(u, M + "counts", {"box": "M3", "attempt": a,
                                   "papers": 101})
    for b in ("M1", "M2", "PV1"):
        post("sup1", M + "decisions", {"box": b, "outcome": "agreed"})
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    c.request("POST", "/api/v1/reauth", json.dumps(
        {"password": pw["ro"]}).encode(), {"Content-Type":
                                           "application/json",
                                           "Authorization": "Bearer " +
                                           tok["ro"]})
    check(c.getresponse().status == 200, "reauth")
    c.close()
    post("ro", M + "decisions", {"box": "M3", "outcome":
                                 "variance_confirmed",
                                 "explanation": "one paper too many"})
    body = page("F5", "ro", "&box=M3")
    check("variance_confirmed" in body and "one paper too many" in body,
          "F5: the outcome")
    page("F7", "ro", want=404)
    post("ro", M + "verification", {})
    body = page("F6", "ro")
    check("unused, spoilt and tendered papers" in body and
          re.search(r"<td>M1</td><td class=\"n\">108</td><td class=\"n\">"
                    r"5</td><td class=\"n\">1</td><td class=\"n\">2</td>",
                    body) and "<td>entries differ</td>" in body and
          re.search(r"Total</th><td class=\"n\">108</td><td class=\"n\">5"
                    r"</td><td class=\"n\">1</td><td>entries differ</td>",
                    body), "F6: unused, spoilt, tendered")
    body = page("F7", "brown-ea")
    check("Total tendered ballot papers: entries differ." in body and
          "entries differ" in body and "Returning Officer" in body,
          "F7: the tendered papers")
    page("F7", "clerk1", want=403)
    page("F8", "ro", want=404)
    post("mgr", M + "mixing", {"area": "main",
                               "groups": [["M1", "M2"], ["M3", "PV1"]]})
    body = page("F8", "brown-ea")
    check("<td>M1, M2</td>" in body and "<td>M3, PV1</td>" in body,
          "F8: the groups")
    page("F8", "clerk1", want=403)
    page("F9", "sup1", want=404)
    post("mgr", M + "rounds", {})
    # bundles of at most 25: 291 papers, 150 first preferences for 1
    slips = 0
    for cand, n in ((1, 150), (2, 71), (3, 50), (4, 20)):
        while n > 0:
            k = min(n, 25)
            slips += 1
            post("clerk1", M + "bundles", {
                "round": 1, "area": "main", "table": 1, "stage": 1,
                "slip": "b%d" % slips, "kind": "candidate",
                "candidate": cand, "papers": k, "part": k < 25,
                "counted_by": "A", "checked_by": "B"})
            n -= k
    body = page("F9", "sup1")
    check("Table 1, round 1, stage 1" in body and "b1: candidate 1" in
          body and "Papers on the sheet: 291." in body and
          "Jane ASHBY" in body, "F9: the sheet")
    check("Votes on the sheet" not in page("F9", "clerk1"),
          "F9: a clerk, no votes")
    page("F9", "brown-ea", want=403)
    check("Papers on the sheet: 0." in page("F9", "sup1", "&table=2"),
          "F9: an empty sheet")
    page("F9", "sup1", "&table=9", want=404)
    post("sup1", M + "sheets/close", {"round": 1, "area": "main",
                                      "table": 1, "stage": 1})
    post("mgr", M + "rounds/1/close", {"stage": 1})
    post("ro", M + "provisional", {"present": ["a1"]})
    body = page("F15", "brown-ea")
    check("ballot papers counted 291 against 291 verified (F6);"
          " difference 0: reconciled." in body, "F15: reconciliation")
    page("F20", "ro", want=404)
    post("ro", M + "ready", {"version": 1, "note": "none asked"})
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    c.request("POST", "/api/v1/reauth", json.dumps(
        {"password": pw["ro"]}).encode(), {"Content-Type":
                                           "application/json",
                                           "Authorization": "Bearer " +
                                           tok["ro"]})
    check(c.getresponse().status == 200, "reauth")
    c.close()
    post("ro", M + "declaration", {"version": 1})
    page("F20", "ro", want=404)
    post("ro", M + "close", {"packets": [
        {"description": "Counted ballot papers", "seal": "S-101"},
        {"description": "Rejected ballot papers", "seal": "S-102"}]})
    body = page("F20", "mgr")
    check("<td>Counted ballot papers</td><td>S-101</td>" in body and
          "<td>S-102</td>" in body and "Returning Officer" in body,
          "F20: the packets")
    page("F20", "brown-ea", want=403)
    body = page("F21", "ro")
    st, exp, _ = req("GET", "/api/v1/export", headers={
        "Authorization": "Bearer " + tok["ro"]})
    sha = hashlib.sha256(exp.encode()).hexdigest()
    check(st == 200 and "<td>%s</td>" % sha in body and
          "No F21 export has been made" in body and
          "contest.close" in body and
          "verification.issue" in body, "F21: the journal's SHA-256, no"
          " tarball yet")
    page("F21", "brown-ea", want=403)
    page("F21", "clerk1", want=403)
    ro, _ = login("ro", pw["ro"], DEVICE)
    st, body, _ = req("GET", "/print?c=mayor", cookie=ro)
    check(st == 200 and all('href="/forms/%s?c=mayor"' % f in body for f in
          ("F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "F20",
           "F21")), "S-25: the new forms")
    st, body, _ = req("GET", "/forms/F4?c=mayor&box=M3", cookie=ro)
    check(st == 200 and "Ballot box M3" in body and "Recount 2" in body,
          "F4 page by cookie: %d" % st)
    # S-24: accounts, devices (never a token), the RO's register.
    st, body, _ = req("GET", "/admin?c=mayor", cookie=ro)
    check(st == 200 and "<td>clerk1</td><td>Ola Nowak</td>" in body and
          "<td>ro-laptop</td><td>ro dro manager</td><td>set</td>" in body
          and DEVICE not in body and "RO letter of appointment" in body and
          "<td>a1</td><td>Tayo Bello</td><td>mayor</td>" in body and
          "Free disk beside the book" in body and
          re.search(r"Exports made: [1-9]", body), "S-24 for the RO")
    st, body, _ = req("GET", "/", cookie=ro)
    check('href="/admin' in body, "S-24: the RO's link")
    c1, _ = login("clerk1", pw["clerk1"])
    check(req("GET", "/admin?c=mayor", cookie=c1)[0] == 403,
          "B4: clerk /admin")
    check('href="/admin' not in req("GET", "/", cookie=c1)[1],
          "B4: no link to /admin for a clerk")
    mgr, _ = login("mgr", pw["mgr"], DEVICE)
    st, body, _ = req("GET", "/admin?c=mayor", cookie=mgr)
    check(st == 200 and "Agent register" in body, "S-24 for the manager")


def objection_form(ro, tok):
    """S-13: a stage-2 paper rejected by the adjudication form, then an
    agent's objection by the objection form; the rejected papers listed
    as endorsed."""
    js = api(tok["clerk2"], "contests/mayor/doubtful", {
        "round": 1, "area": "main", "table": 1, "stage": 2, "source": 3,
        "papers": 1, "description": "two second preferences"})
    st, page, _ = req("GET", "/adjudicate?c=mayor", cookie=ro)
    st, _, hd = req("POST", "/do", dict(form_of(page, "adjudicate"),
                    doubtful=str(js["entry"]), decision="rejected",
                    head="uncertain", agents_present="a1"),
                    {"Origin": ORIGIN}, cookie=ro)
    m = re.search(r"saved=(\d+)", hd.get("location", ""))
    check(st == 303 and m, "S-13: rejected by the form: %d" % st)
    st, page, _ = req("GET", "/adjudicate?c=mayor", cookie=ro)
    check(st == 200 and 'id="f-objection"' in page and
          "Rejected papers, as endorsed" in page and
          "rejection objected to" not in page, "S-13: the rejected papers")
    st, body, _ = req("POST", "/do", dict(form_of(page, "objection"),
                      adjudication=m.group(1) if m else "0", agent="a9"),
                      {"Origin": ORIGIN}, cookie=ro)
    check(st == 400 and "no agent a9" in body and 'value="a9"' in body,
          "S-13: an unknown agent refused, fields kept: %d" % st)
    st, page, _ = req("GET", "/adjudicate?c=mayor", cookie=ro)
    st, _, hd = req("POST", "/do", dict(form_of(page, "objection"),
                    adjudication=m.group(1) if m else "0", agent="a1"),
                    {"Origin": ORIGIN}, cookie=ro)
    check(st == 303 and "saved=" in hd.get("location", ""),
          "S-13: objection saved: %d" % st)
    st, page, _ = req("GET", "/adjudicate?c=mayor", cookie=ro)
    check("rejected \u2014 rejection objected to" in page,
          "S-13: endorsed rejection objected to")
    st, page, _ = req("GET", "/forms/F10?c=mayor", cookie=ro)
    check(st == 200 and ">Endorsement</th>" in page and
          "rejected \u2014 rejection objected to" in page,
          "F10 prints the endorsement: %d" % st)
    st, page, _ = req("GET", "/forms/F11?c=mayor", cookie=ro)
    check(st == 200 and "Rejections objected to" not in page,
          "F11: a stage-2 rejection is not a rejected paper: %d" % st)


def block_forms():
    """S-03, S-08, S-09, S-11 and S-12 of a 3-seat block vote through the
    HTML forms (the API does the rest up to verification): a receipt, an
    assignment, mixing; a pattern bundle; a bad
    pattern refused by I7 with its fields kept; a tally sheet entered
    twice blind (the v<position> fields as the votes); a bad vote; the
    sheet shown and closed by its supervisor."""
    own_book("block.db", BLOCK_PLAN, block_run)


def block_run():
    N = "contests/north/"
    tok = {}
    for u, pw in (("ro", "correct-horse-battery-1"),
                  ("sup1", "sup1-password-long-1"),
                  ("clerk1", "clerk1-password-long"),
                  ("clerk2", "clerk2-password-long")):
        st, js, _ = req("POST", "/api/v1/login", json.dumps(
            {"username": u, "password": pw}).encode(),
            {"Content-Type": "application/json"})
        tok[u] = json.loads(js)["token"]
    api(tok["ro"], "plan/approve", {})
    api(tok["ro"], "poll/close", {})
    # S-03 and S-09 by the RO's forms; then the RO's API token again.
    ro, _ = login("ro", "correct-horse-battery-1")
    st, page, _ = req("GET", "/receipt?c=north", cookie=ro)
    check(st == 200 and "PV" in page, "S-03: the boxes")
    check(re.search(r'Overdue boxes.*<th scope="row">N1</th><td>'
                    r'2026-05-07T21:40:00Z</td><td class="n">\d+</td>'
                    r'<td>no</td>', page, re.S) is not None and
          '<th scope="row">PV</th><td>2026' not in page,
          "S-03: N1 overdue against its expected arrival")
    st, page, _ = req("GET", "/receipt?c=north&box=N1", cookie=ro)
    check(st == 200 and "box of station N1 (Hall A) at Hall" in page and
          "contests: North Ward" in page and "not received yet" in page and
          re.search(r'id="receipt-box"[^>]*value="N1"', page) is not None,
          "S-03: the box code looked up: station, place, contests")
    # S-03's keys (html_keys.c) act on this markup; the no-JS form stays
    check('<ul id="packet-list" data-packets="bpa unused_and_spoilt'
          ' tendered tendered_votes_list corresponding_number_list'
          ' marked_register certificates_of_employment postal_handed_in">'
          in page and '<li><kbd>6</kbd> marked_register<span id="packet-6'
          '-on"></span></li>' in page and '<p id="receipt-say" role='
          '"status" aria-live="polite"></p>' in page and
          'id="receipt-packets" name="packets"' in page and
          'id="receipt-seals_intact" name="seals_intact" type="checkbox"'
          in page and "<kbd>Y, N</kbd>" in page,
          "S-03: the packet checklist, its live region and keys; the"
          " form's fields unchanged")
    st, page, _ = req("GET", "/receipt?c=north&box=ZZ9", cookie=ro)
    check(st == 200 and "No box ZZ9 in the plan" in page,
          "S-03: an unknown box code")
    st, _, hd = req("POST", "/do", dict(form_of(page, "receipt"), box="PV",
                    seals_intact="1", packets="1 3"),
                    {"Origin": ORIGIN}, cookie=ro)
    check(st == 303 and "saved=" in hd.get("location", ""),
          "S-03: receipt recorded: %d" % st)
    con = sqlite3.connect("file:%s?mode=ro" % DB, uri=True)
    ln = con.execute("SELECT line FROM event WHERE action ="
                     " 'receipt.record' ORDER BY seq DESC").fetchone()
    con.close()
    check(ln and json.loads(ln[0])["data"]["packets"] == ["bpa", "tendered"],
          "S-03: packets by number keys: %s" % (ln and ln[0][:200]))
    st, page, _ = req("GET", "/assign?c=north", cookie=ro)
    st, _, hd = req("POST", "/do", dict(form_of(page, "assign"),
                    user="clerk3", table="1", role="clerk"),
                    {"Origin": ORIGIN}, cookie=ro)
    check(st == 303 and "saved=" in hd.get("location", ""),
          "S-09: assignment recorded: %d" % st)
    st, js, _ = req("POST", "/api/v1/login", json.dumps(
        {"username": "ro", "password": "correct-horse-battery-1"}).encode(),
        {"Content-Type": "application/json"})
    tok["ro"] = json.loads(js)["token"]
    api(tok["ro"], "receipts", {"box": "N1", "seals_intact": True,
                                "packets": []})
    for b, n in (("N1", 60), ("PV", 40)):
        api(tok["sup1"], "boxes/open", {"box": b, "table": 1})
        for u in ("clerk1", "clerk2"):
            api(tok[u], N + "bpa", {"box": b, "issued_to_voters": n})
            api(tok[u], N + "counts", {"box": b, "attempt": 0, "papers": n})
    api(tok["sup1"], N + "decisions", {"box": "PV", "outcome": "agreed"})
    # S-06: the supervisor decides N1 by its form, offered only its
    # outcomes.
    sup, _ = login("sup1", "sup1-password-long-1")
    st, page, _ = req("GET", "/variance?c=north&box=N1", cookie=sup)
    check(st == 200 and "AGREED" in page and '<option value="agreed">' in
          page and 'value="compensating"' not in page and
          'value="not_received"' not in page and 'name="password"' not in
          page, "S-06: the box")
    st, _, hd = req("POST", "/do", dict(form_of(page, "vdecide"), box="N1",
                    outcome="agreed"), {"Origin": ORIGIN}, cookie=sup)
    check(st == 303 and "box=N1" in hd.get("location", ""),
          "S-06: decided: %d %s" % (st, hd.get("location")))
    st, page, _ = req("GET", "/variance?c=north&box=N1", cookie=sup)
    check("VERIFIED" in page, "S-06: verified")
    api(tok["ro"], N + "verification", {})
    # S-08 by the supervisor's form.
    st, page, _ = req("GET", "/mixing?c=north", cookie=sup)
    st, _, hd = req("POST", "/do", dict(form_of(page, "mixing"),
                    area="main", groups="N1, PV"), {"Origin": ORIGIN},
                    cookie=sup)
    check(st == 303 and "saved=" in hd.get("location", ""),
          "S-08: mixing recorded: %d" % st)
    api(tok["ro"], N + "rounds", {})
    c1, _ = login("clerk1", "clerk1-password-long")
    st, page, _ = req("GET", "/tally?c=north", cookie=c1)
    check(st == 200 and 'name="v6"' in page and hidden(page, "tally",
          "csrf"), "S-11: one field per candidate")
    pat = dict(form_of(page, "pattern"), round="1", stage="1",
               kind="pattern", area="main", table="1", slip="p1",
               pattern="1 2 3", papers="25", counted_by="A", checked_by="B")
    st, _, hd = req("POST", "/do", pat, {"Origin": ORIGIN}, cookie=c1)
    check(st == 303 and "saved=" in hd.get("location", ""),
          "S-11: pattern bundle saved: %d" % st)
    st, page, _ = req("GET", "/tally?c=north", cookie=c1)
    bad = dict(pat, **form_of(page, "pattern"))
    st, body, _ = req("POST", "/do", dict(bad, slip="p2", pattern="1 1"),
                      {"Origin": ORIGIN}, cookie=c1)
    check(st == 409 and "I7" in body and 'value="1 1"' in body and
          'value="p2"' in body, "S-11: I7 refusal keeps the fields: %d" % st)
    sheet = dict(round="1", area="main", table="1", sheet="T1",
                 papers="20", v1="10", v4="15", v2="5", v5="12")
    st, page, _ = req("GET", "/tally?c=north", cookie=c1)
    st, body, _ = req("POST", "/do", dict(sheet, **form_of(page, "tally"),
                      v3="x"), {"Origin": ORIGIN}, cookie=c1)
    check(st == 400 and "votes must be whole numbers" in body,
          "S-11: a bad vote: %d" % st)
    st, page, _ = req("GET", "/tally?c=north", cookie=c1)
    st, _, hd = req("POST", "/do", dict(sheet, **form_of(page, "tally")),
                    {"Origin": ORIGIN}, cookie=c1)
    check(st == 303 and "st=awaiting_second" in hd.get("location", ""),
          "S-11: tally entry 1: %d %s" % (st, hd.get("location")))
    c2, _ = login("clerk2", "clerk2-password-long")
    st, page, _ = req("GET", "/tally?c=north", cookie=c2)
    st, _, hd = req("POST", "/do", dict(sheet, **form_of(page, "tally")),
                    {"Origin": ORIGIN}, cookie=c2)
    check(st == 303 and "st=agreed" in hd.get("location", ""),
          "S-11: tally entry 2 agrees: %d %s" % (st, hd.get("location")))
    # S-12: the sheet, then closed.
    st, page, _ = req("GET", "/sheet?c=north&table=1&stage=1", cookie=sup)
    check(st == 200 and "Papers on the sheet: 45." in page and
          "tally.enter" in page and "bundle.add" in page,
          "S-12: the sheet's entries and papers")
    st, _, hd = req("POST", "/do", dict(form_of(page, "sheet"), round="1",
                    stage="1", table="1", area="main"), {"Origin": ORIGIN},
                    cookie=sup)
    check(st == 303 and "saved=" in hd.get("location", ""),
          "S-12: sheet closed: %d" % st)
    st, page, _ = req("GET", "/sheet?c=north&table=1&stage=1", cookie=sup)
    check("Closed for areas: main" in page, "S-12: shown closed")
    ro, _ = login("ro", "correct-horse-battery-1")
    st, page, _ = req("GET", "/progress?c=north", cookie=ro)
    check(st == 200 and re.search(r'<th scope="row">1</th><td>[^<]*'
                                  r'\(supervisor\)[^<]*</td><td class="n">3'
                                  r'</td><td class="n">45</td><td class="n">'
                                  r'(\d+\.\d|\u2014)</td>', page) and
          "COUNTING" in page, "S-21: the table's staff, entries, papers and"
          " rate")
    check(re.search(r"\d+ papers left(; too few entries| at [\d.]+ papers a"
                    r" minute: projected finish of stage 1 \d{4}-)", page)
          or "Every verified paper" in page, "S-21: the projected finish")
    check(req("GET", "/progress?c=north", cookie=sup)[0] == 403,
          "B4: supervisor /progress")


def run():
    # X1: the headers on every route, logged in or not.
    c1, sc = login("clerk1", "clerk1-password-long")
    for path, ck in (("/", None), ("/", c1), ("/login", None),
                     ("/verify?c=west", c1), ("/boxes", c1), ("/hall", c1),
                     ("/public", None), ("/static/desk.css", None),
                     ("/static/desk.js", None), ("/nope", None),
                     ("/api/v1/health", None)):
        st, _, hd = req("GET", path, cookie=ck)
        check(hd.get("content-security-policy") == CSP and
              hd.get("x-content-type-options") == "nosniff" and
              hd.get("referrer-policy") == "no-referrer" and
              "camera=()" in hd.get("permissions-policy", "") and
              hd.get("cache-control") in ("no-store", "no-cache"),
              "X1: headers of %s (%d): %s" % (path, st, hd))
    st, body, hd = req("GET", "/", cookie=c1)
    check(st == 200 and hd["cache-control"] == "no-store" and
          hd["content-type"].startswith("text/html"), "X1: / no-store")
    scripts = re.findall(r"<script[^>]*>[^<]*</script>", body)
    check(body.count("<script") == len(scripts) and
          all(x == '<script src="/static/desk.js" defer></script>'
              for x in scripts) and " style=" not in body and
          not re.search(r"<[^>]*\son[a-z]+=", body),
          "X1: no inline script, style or handler")
    # X2: the cookie and its row.
    check(re.fullmatch(r"desk=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict;"
                       r" Path=/", sc) is not None, "X2: flags: " + sc)
    con = sqlite3.connect("file:%s?mode=ro" % DB, uri=True)
    rows = con.execute("SELECT token_hash, kind FROM session WHERE user ="
                       " 'clerk1'").fetchall()
    con.close()
    check(rows == [(hashlib.sha256(c1.encode()).hexdigest(), "cookie")],
          "X2: only the token's SHA-256 is stored: %s" % rows)
    st, body, hd = req("POST", "/login", {"username": "clerk1",
                       "password": "wrong-password-123"}, {"Origin": ORIGIN})
    check(st == 401 and "set-cookie" not in hd and "Not saved" in body and
          "wrong-password-123" not in body, "S-01: a wrong password: %d" % st)
    st, _, hd = req("POST", "/login", {"username": "clerk1",
                    "password": "clerk1-password-long"},
                    {"Origin": "http://127.0.0.1:1"})
    check(st == 403 and "set-cookie" not in hd, "S-01: login from another"
          " origin: %d" % st)
    c1, _ = login("clerk1", "clerk1-password-long")

    # B4: a clerk's forbidden screens and links.
    st, body, _ = req("GET", "/", cookie=c1)
    for s in ("/boxes", "/adjudicate", "/provisional", "/lot",
              "/declaration"):
        check(req("GET", s + "?c=west", cookie=c1)[0] == 403,
              "B4: clerk %s" % s)
        check('href="%s' % s not in body, "B4: link to %s" % s)
    check('href="/verify' in body and 'href="/bundles' in body,
          "B4: the clerk's links")
    st, _, hd = req("GET", "/verify?c=west")
    check(st == 303 and hd.get("location") == "/login", "no session: login")
    # B4 for the screens S-07, S-14, S-20, S-25 and the forms (§2.17).
    for s in ("/statement", "/reconciliation", "/agent", "/print",
              "/forms/F6", "/forms/F11", "/forms/F12", "/forms/F15"):
        check(req("GET", s + "?c=west", cookie=c1)[0] == 403,
              "B4: clerk %s" % s)
        check('href="%s' % s not in body, "B4: link to %s" % s)
    st, _, hd = req("GET", "/forms/F6?c=west")
    check(st == 303 and hd.get("location") == "/login",
          "forms: no session: login")
    forms_no_js(c1)

    # B6: the hostile full name is escaped.
    c2, _ = login("clerk2", "clerk2-password-long")
    st, body, _ = req("GET", "/", cookie=c2)
    check("&quot;&gt;&lt;script&gt;window.__y=1&lt;/script&gt;" in body and
          "<script>window" not in body, "B6: the name is escaped")

    # B5: refusals save nothing; the control with the token saves.
    ro, _ = login("ro", "correct-horse-battery-1")
    st, page, _ = req("GET", "/declaration?c=west", cookie=ro)
    check(st == 200 and hidden(page, "declare", "csrf"), "S-18 form")
    st, page, _ = req("GET", "/boxes?c=west", cookie=ro)
    f = form_of(page, "open")
    good = dict(f, box="W1", table="1")
    n0 = events()
    for what, body, hd in (
            ("no Origin, Referer or Sec-Fetch-Site", good, {}),
            ("another origin", good, {"Origin": "http://127.0.0.1:1"}),
            ("cross-site", good, {"Origin": "null",
                                  "Sec-Fetch-Site": "cross-site"}),
            ("same-site", good, {"Sec-Fetch-Site": "same-site",
                                 "Origin": ORIGIN}),
            ("Referer of another origin", good,
             {"Referer": "http://127.0.0.1:1/"}),
            ("no token", dict(good, csrf=""), {"Origin": ORIGIN}),
            ("a wrong token", dict(good, csrf="0" * 64), {"Origin": ORIGIN}),
            ("another form's token", dict(good, form="decide"),
             {"Origin": ORIGIN}),
            ("another key", dict(good, idem="x"), {"Origin": ORIGIN})):
        st, _, _ = req("POST", "/do", body, hd, cookie=ro)
        check(st == 403, "B5: %s -> %d" % (what, st))
    st, _, _ = req("POST", "/do", good, {"Origin": ORIGIN}, cookie=c1)
    check(st == 403, "B5: another session's token -> %d" % st)
    check(events() == n0, "B5: nothing was saved")
    # Origin: null (Referrer-Policy: no-referrer) with same-origin.
    st, body, hd = req("POST", "/do", good, {"Origin": "null",
                       "Sec-Fetch-Site": "same-origin"}, cookie=ro)
    check(st == 409 and "Not saved" in body, "control: reached the action"
          " (%d): %s" % (st, body[-300:]))
    # A refused form: the message, its fields kept, never a password.
    st, page, _ = req("GET", "/declaration?c=west", cookie=ro)
    f = form_of(page, "declare")
    st, body, _ = req("POST", "/do", dict(f, version="1",
                      password="hunter2-SECRET-x"), {"Origin": ORIGIN},
                      cookie=ro)
    check(st == 401 and "wrong password" in body and
          "hunter2-SECRET-x" not in body, "S-18: wrong password: %d" % st)
    st, page, _ = req("GET", "/boxes?c=west", cookie=ro)
    f = form_of(page, "open")
    st, body, _ = req("POST", "/do", dict(f, box="W1<b>", table="one"),
                      {"Origin": ORIGIN}, cookie=ro)
    check(st == 400 and "table must be a whole number" in body and
          'value="W1&lt;b&gt;"' in body, "a bad number: %d" % st)
    check(events() == n0, "nothing was saved")
    # The form decoder.
    for what, raw in (("a bad escape", b"form=open&box=%zz"),
                      ("a cut escape", b"form=open&box=%4"),
                      ("a NUL", b"form=open&box=%00"),
                      ("not UTF-8", b"form=open&box=%ff%fe")):
        st, _, _ = req("POST", "/do", raw, {"Origin": ORIGIN}, cookie=ro)
        check(st == 400, "decoder: %s -> %d" % (what, st))
    st, _, _ = req("POST", "/do", b"a=" + b"x" * 70000, {"Origin": ORIGIN},
                   cookie=ro)
    check(st in (400, 413), "decoder: 70 KB -> %d" % st)
    # An entry through a form: 303 to the screen, the entry's number.
    st, page, _ = req("GET", "/boxes?c=west", cookie=ro)
    st, body, _ = req("POST", "/do", dict(form_of(page, "open"), box="W1",
                      table="1"), {"Origin": ORIGIN}, cookie=ro)
    check(st == 409, "open before the poll closes: 409 (%d)" % st)

    # S-01: a first login must change the password first.
    c3, _ = login("clerk3", "clerk3-first-password")
    for path in ("/", "/verify?c=west", "/hall"):
        st, _, hd = req("GET", path, cookie=c3)
        check(st == 303 and hd.get("location") == "/password",
              "must change: %s -> %d %s" % (path, st, hd.get("location")))
    st, page, _ = req("GET", "/password", cookie=c3)
    f = form_of(page, "password")
    check(st == 200 and f["csrf"], "S-01: the password form")
    st, body, _ = req("POST", "/do", dict(f, old="clerk3-first-password",
                      new="short"), {"Origin": ORIGIN}, cookie=c3)
    check(st == 400 and "12 characters" in body and "clerk3-first" not in
          body, "a short password refused: %d" % st)
    st, _, hd = req("POST", "/do", dict(f, old="clerk3-first-password",
                    new="clerk3-second-password"), {"Origin": ORIGIN},
                    cookie=c3)
    check(st == 303 and hd.get("location") == "/password?changed=1",
          "password changed: %d %s" % (st, hd.get("location")))
    st, body, _ = req("GET", "/", cookie=c3)
    check(st == 200 and "West Ward" in body, "then the queue")

    # S-22: no cookie, no script.
    st, body, hd = req("GET", "/public")
    check(st == 200 and "set-cookie" not in hd and "<script" not in body and
          hd["cache-control"] == "no-cache" and "No result" in body,
          "S-22 before the declaration")
    # Logout.
    st, page, _ = req("GET", "/", cookie=c2)
    m = re.search(r'action="/logout">.*?name="idem" value="([0-9a-f]+)".*?'
                  r'name="csrf" value="([0-9a-f]+)"', page, re.S)
    st, _, hd = req("POST", "/logout", {"form": "logout", "idem": m.group(1),
                    "csrf": "1" * 64}, {"Origin": ORIGIN}, cookie=c2)
    check(st == 403, "logout needs its token")
    st, _, hd = req("POST", "/logout", {"form": "logout", "idem": m.group(1),
                    "csrf": m.group(2)}, {"Origin": ORIGIN}, cookie=c2)
    check(st == 303 and "Max-Age=0" in hd.get("set-cookie", ""),
          "logout clears the cookie")
    check(req("GET", "/", cookie=c2)[2].get("location") == "/login",
          "the old cookie is dead")


main()
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
