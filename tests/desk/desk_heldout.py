#!/usr/bin/python3
# desk_heldout.py -- a held-out mayoral replay (issue 14): a plan and an
# HTTP client written from docs/desk.md §8-§11 alone, not from our own
# plans or helpers, drive a whole SV count through /api/v1/ and check the
# contract as an outsider reads it. Usage: desk_heldout.py BUILD_DIR
# (SHARED names the shared data, default ../shared beside the repo).
# Prints "N passed, N failed"; "SKIP" when the shared data is absent.
#
# The count (heldout_plan.py): the Mayor of London 2021 figures / 40 as
# "Mayor of Thameside", ~66,000 papers in 40 boxes over 3 count areas and
# 6 tables, bundles of 50. Checked: verification with blind double entry,
# a recount, a within-tolerance and a confirmed variance (the DRO, re-
# authenticated); F6; mixing; suspension (423); doubtful trays rejected
# under heads by the DRO, an objection, allowed doubtful papers; 401,
# 403 (role, table, must_change_password), 409 (I7, I10, I14, I16,
# idempotency), 415, 400; kill -9 with bundles in flight (every 201 is in
# the book, nothing half-made, resent keys replay); F13; stage 2; the
# provisional result, the declaration and public results (empty until
# then) against the generated figures; the desk's F18 text against
# `teller count -m sv` over the same ballots; export -> import -> export
# byte-identical; a tampered journal refused.
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import desk_sec as ds  # noqa: E402  (its B comes from sys.argv too)
import heldout_plan as hp  # noqa: E402

B = sys.argv[1] if len(sys.argv) > 1 else "build"
DESK = os.path.abspath(os.path.join(B, "teller-desk"))
TELLER = os.path.abspath(os.path.join(B, "teller"))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
SHARED = os.environ.get("SHARED", os.path.join(ROOT, "..", "shared"))
THREADS = 4
C = "contests/mayor/"
tmp = tempfile.mkdtemp(prefix="heldout.")
DB = os.path.join(tmp, "count.db")
PORT = [0]
SRV = [None]
passed = failed = 0
KEYN = [0]
LOCK = threading.Lock()


def check(cond, what):
    global passed, failed
    with LOCK:
        if cond:
            passed += 1
        else:
            failed += 1
            print("FAIL:", what, flush=True)
    return cond


def call(method, path, body=None, tok=None, key=None, ctype=None,
         raw=None, host=None):
    """One request on a new connection: (status, parsed JSON or None,
    headers as a dict with lower-case names, raw bytes)."""
    c = http.client.HTTPConnection("127.0.0.1", PORT[0], timeout=120)
    h = {}
    if tok:
        h["Authorization"] = "Bearer " + tok
    if key:
        h["Idempotency-Key"] = key
    if host:
        h["Host"] = host
    data = raw
    if body is not None:
        data = json.dumps(body).encode()
    if data is not None:
        h["Content-Type"] = ctype or "application/json"
    try:
        c.request(method, "/api/v1/" + path, body=data, headers=h)
        r = c.getresponse()
        b = r.read()
        hd = {k.lower(): v for k, v in r.getheaders()}
    finally:
        c.close()
    js = None
    if b and hd.get("content-type", "").startswith("application/json"):
        js = json.loads(b)
    return r.status, js, hd, b


def next_key(tag):
    with LOCK:
        KEYN[0] += 1
        return "%s-%06d" % (tag, KEYN[0])


def post(tok, path, body, want=201, code=None, rule=None, why=None,
         what=None, key=None):
    """A write; checks the status and, for an error, the §9.1 shape."""
    st, js, hd, raw = call("POST", path, body, tok, key or next_key("h"))
    what = what or "POST %s %s" % (path, json.dumps(body)[:80])
    ok = check(st == want, "%s: %d, not %d: %s" % (what, st, want,
                                                   raw[:300]))
    if want == 201 and ok:
        check(isinstance(js.get("entry"), int) and "checkpoint" in js and
              "states" in js and isinstance(js.get("warnings"), list),
              "%s: the 201 envelope" % what)
    if want >= 400 and js is not None:
        err = js.get("error", {})
        check(set(err) >= {"code", "message"}, "%s: error shape %s" %
              (what, js))
        if code:
            check(err.get("code") == code, "%s: code %s, not %s" %
                  (what, err.get("code"), code))
        if rule:
            check(err.get("rule") == rule, "%s: rule %s, not %s (%s)" %
                  (what, err.get("rule"), rule, err.get("message")))
        if why:
            got = (err.get("details") or {}).get("why")
            check(got == why, "%s: why %s, not %s" % (what, got, why))
    return js or {}


def get(tok, path, want=200):
    st, js, _, raw = call("GET", path, tok=tok)
    check(st == want, "GET %s: %d, not %d: %s" % (path, st, want, raw[:200]))
    return js or {}


def login(user, pw, device=None):
    body = {"username": user, "password": pw}
    if device:
        body["device"] = device
    st, js, _, raw = call("POST", "login", body)
    if not check(st == 200 and "token" in (js or {}), "login %s: %d %s" %
                 (user, st, raw[:200])):
        raise SystemExit("cannot log in " + user)
    return js["token"]


def start_server():
    """serve on a free loopback port through the desk suites' shared
    helper (desk_sec.Server); returns the process."""
    srv = ds.Server(DB).start()
    PORT[0] = srv.port
    return srv.proc


def pw(user):
    return hp.RO_PW if user == "ro" else user + "-long-password"


def reauth(tok, user):
    st = call("POST", "reauth", {"password": pw(user)}, tok)[0]
    check(st == 200, "reauth %s: %d" % (user, st))


class Ctx:
    """The test's view of the count: tokens, boxes, figures."""

    def __init__(self, cnt, cands, bx):
        self.cnt, self.cands, self.bx = cnt, cands, bx
        self.t = {}
        self.table_of = {}
        self.acked = {}          # idempotency key -> entry (201s)


def area_tables(area):
    return next(a[3] for a in hp.AREAS if a[0] == area)


def clerks(table):
    return ["clerk%d%s" % (table, k) for k in "ab"]


def sup_of(table):
    return "sup%d" % ((table + 1) // 2)


# ---------------------------------------------------------------- setup

def make_plan(x):
    path = os.path.join(tmp, "plan.json")
    pl = hp.plan(x.cnt, x.cands, x.bx, x.electorate)
    with open(path, "w") as f:
        json.dump(pl, f, indent=1)
    r = subprocess.run([DESK, "init", DB, "--plan", path],
                       capture_output=True, text=True)
    check(r.returncode == 0, "init: " + r.stderr)
    # one assignment per user table (in users order), 3 agents, 1 delegation
    n_assign = sum(len(u.get("tables", [])) for u in pl["users"])
    x.first_entry = n_assign + 3 + 1 + 1
    bad = dict(pl, election=dict(pl["election"], extra=1))
    with open(path + ".bad", "w") as f:
        json.dump(bad, f, indent=1)
    r = subprocess.run([DESK, "init", DB + ".bad", "--plan", path + ".bad"],
                       capture_output=True, text=True)
    check(r.returncode == 1 and not os.path.exists(DB + ".bad") and
          ("plan.json.bad:" in r.stderr), "an unknown key in the plan:"
          " exit 1 naming FILE:LINE:COL, no book: %d %s" %
          (r.returncode, r.stderr.strip()))
    return pl


def init_entries(x, pl):
    """§8: init's entries 1, 2, 3 ...: assignments (users order, then
    table order), agents, delegations, by the ro on device init."""
    want = []
    for u in pl["users"]:
        for t in u.get("tables", []):
            n = t["table"] if isinstance(t, dict) else t
            want.append(("assignment.record", u["username"], n))
    want += [("agent.appoint", a["id"], None) for a in pl["agents"]]
    want += [("delegation.record", d["dro"], None)
             for d in pl["delegations"]]
    js = get(x.t["ro"], "entries?from=1&limit=%d" % len(want))
    lines = js if isinstance(js, list) else js.get("entries", [])
    got = []
    for e in lines:
        d = e.get("data") or {}
        got.append((e.get("action"), d.get("user") or d.get("id") or
                    d.get("dro"), d.get("table")))
    check(got == want and [e.get("entry") for e in lines] ==
          list(range(1, len(want) + 1)), "init's entries in §8's order:"
          " %s" % got[:4])
    check(all(e.get("user") == "ro" and e.get("device") == "init"
              for e in lines), "init's entries by ro on device init")


def logins(x):
    for u in ("ro", "dro", "mgr", "admin"):
        x.t[u] = login(u, pw(u), hp.DEVICE)
    for u in ["rcpt", "sup1", "sup2", "sup3", "khan-ea", "screen",
              "auditor"] + [c for t in range(1, 7) for c in clerks(t)]:
        x.t[u] = login(u, pw(u))


def access_checks(x):
    st, js, _, _ = call("GET", "election")
    check(st == 401 and js["error"]["code"] == "unauthenticated",
          "401 unauthenticated without a token")
    st, js, _, _ = call("POST", "login", {"username": "ro",
                                          "password": "wrong-password-x",
                                          "device": hp.DEVICE})
    check(st == 401 and js["error"]["code"] == "bad_credentials",
          "401 bad_credentials")
    st, js, _, _ = call("POST", "login", {"username": "ro",
                                          "password": hp.RO_PW})
    check(st == 403 and js["error"].get("details", {}).get("why") ==
          "device", "the RO without an enrolled device: 403 device (%d)" % st)
    tok = login("obs", "observer-first-password")
    st, js, _, _ = call("GET", "election", tok=tok)
    check(st == 403 and js["error"].get("details", {}).get("why") ==
          "must_change_password", "must change the password first: %d" % st)
    st = call("POST", "password", {"old": "observer-first-password",
                                   "new": "observer-second-password"},
              tok)[0]
    check(st == 204, "password changed: 204 (%d)" % st)
    x.t["obs"] = tok
    st, js, _, _ = call("GET", "election", tok=tok)
    check(st == 200 and js["contests"][0]["state"] == "SETUP",
          "the observer reads the election")
    st, js, _, _ = call("GET", "session", tok=x.t["sup2"])
    tabs = sorted((t["table"], t["role"]) for t in js["user"]["tables"])
    check(tabs == [(3, "supervisor"), (4, "supervisor")] and
          js["csrf"] is None, "session: sup2's tables %s" % tabs)
    st, js, _, _ = call("GET", "session", tok=x.t["clerk3b"])
    tabs = sorted((t["table"], t["role"]) for t in js["user"]["tables"])
    check(tabs == [(3, "clerk"), (6, "supervisor")], "per-table roles %s"
          % tabs)
    st, js, _, _ = call("GET", "session", tok=x.t["dro"])
    check(sorted(js["user"]["powers"].get("mayor", [])) ==
          ["adjudicate", "declare", "verify_approve"], "the DRO's powers")
    st, _, _, _ = call("POST", "plan/approve", raw=b"{}", tok=x.t["ro"],
                       ctype="text/plain")
    check(st == 415, "415 for a write not in JSON (%d)" % st)
    post(x.t["ro"], "plan/approve", {"extra": 1}, 400, "bad_request")
    st, js, _, _ = call("POST", "plan/approve", tok=x.t["ro"],
                        raw=b'{"a":1,"a":1}')
    check(st == 400, "a duplicate member: 400 (%d)" % st)
    post(x.t["mgr"], "plan/approve", {}, 403, "forbidden", why="role")
    post(x.t["clerk1a"], C + "declaration", {"version": 1}, 403,
         "forbidden", why="role", what="a clerk declares in SETUP")
    reauth(x.t["ro"], "ro")
    st, js, _, _ = call("GET", "session", tok=x.t["ro"])
    check(st == 200 and isinstance(js.get("reauth_until"), str) and
          isinstance(js.get("expires_at"), str) and
          js["reauth_until"] <= js["expires_at"], "session: reauth_until "
          "and expires_at: %s" % js)
    post(x.t["ro"], C + "declaration", {"version": 1}, 409, "wrong_state",
         what="the RO declares in SETUP")
    post(x.t["khan-ea"], "announcements", {"code": "A1", "text": "x"}, 403,
         "forbidden", why="role")


def setup_writes(x):
    """§9.4's set-up calls after READY, each as an outsider sends it."""
    ro = x.t["ro"]
    body = {"object": "election", "key": None, "field": "venue",
            "value": "Thameside Exhibition Halls, Hall B"}
    post(x.t["mgr"], "config", body, 403, "forbidden", what="a manager's "
         "config change after READY")
    reauth(ro, "ro")
    js = post(ro, "config", dict(body, reason_text="the hall moved"))
    check(js.get("old") == "Thameside Exhibition Halls", "config: the old "
          "value %s" % js.get("old"))
    post(x.t["mgr"], "assignments", {"user": "clerk1a", "table": 9,
                                     "role": "clerk",
                                     "until": "2021-05-08T23:00:00Z"})
    post(ro, "agents", {"id": "porritt-ea", "contest": "mayor",
                        "candidate": 18, "capacity": "election_agent",
                        "name": "Jo Lane", "may_require_recount": True})
    post(ro, "delegations", {"dro": "dro", "powers": ["lot"], "contests":
                             ["mayor"], "instrument_ref": "TS/2021/7a"})
    st, js, _, raw = call("POST", "users", {
        "username": "clerk9", "full_name": "Nine", "role": "clerk",
        "tables": [9]}, x.t["mgr"], next_key("u"))
    if st == 404:       # §9.4's user events: not on this branch yet
        print("SKIP: POST users answers 404 (§9.4 events not routed)")
        return
    check(st == 201 and isinstance(js.get("event"), int) and
          len(js.get("password") or "") >= 12, "a user added by the "
          "manager: 201, its event and a generated password (%d %s)" %
          (st, raw[:200]))


def open_count(x):
    post(x.t["ro"], "plan/approve", {})
    setup_writes(x)
    for b in x.bx:
        if b[1] != "station":
            post(x.t["rcpt"], "receipts", {"box": b[0], "seals_intact": True,
                                           "packets": ["bpa"]},
                 what="postal receipt in READY")
    post(x.t["mgr"], "poll/close", {})
    late = x.bx[11][0]
    post(x.t["rcpt"], "boxes/escalate", {"box": late, "note": "PO chased"})
    for b in x.bx:
        if b[1] == "station":
            post(x.t["rcpt"], "receipts", {
                "box": b[0], "po_name": "PO " + b[2], "seals_intact": True,
                "seal_numbers": "S-%s" % b[2],
                "packets": ["bpa", "unused_and_spoilt", "marked_register"]})
    post(x.t["mgr"], "announcements", {"code": "A1", "text":
                                       "Verification begins"})


# --------------------------------------------------------- verification

def table_for(x, i, area):
    ts = area_tables(area)
    return ts[i % 2]


def box_entry(x, path, box, table, body, status="agreed"):
    a, b = clerks(table)
    js = post(x.t[a], path, dict(body, box=box))
    check(js.get("status") == "awaiting_second" and js.get("entry_no") == 1,
          "%s %s first entry: %s" % (path, box, js.get("status")))
    post(x.t[a], path, dict(body, box=box), 403, "forbidden",
         why="second_person", what="%s %s entry 2 by its author" %
         (path, box))
    js = post(x.t[b], path, dict(body, box=box))
    check(js.get("status") == (status or "agreed") and
          js.get("entry_no") == 2, "%s %s second entry: %s" %
          (path, box, js.get("status")))
    return js


def checks(x, box, table):
    for item in ("bpa_arithmetic", "unused_count", "other_packets",
                 "postal_not_added", "po_contacted", "boxes_issued"):
        post(x.t[sup_of(table) if table != 6 else "clerk3b"], C + "checks",
             {"box": box, "item": item, "result": "done"})


def verify_box(x, i, box):
    code, kind, _, area, papers = box
    table = table_for(x, i, area)
    x.table_of[code] = table
    sup = x.t[sup_of(table)]
    other = 1 if table >= 3 else 3
    post(x.t[sup_of(other)], "boxes/open",
         {"box": code, "table": table}, 403, "forbidden", why="table",
         what="another table's supervisor opens " + code)
    post(sup, "boxes/open", {"box": code, "table": table})
    bpa = papers + {0: 0, 1: 1, 12: 2}.get(i, 0)
    box_entry(x, C + "bpa", code, table, {"issued_to_voters": bpa})
    first = papers - 1 if i == 2 else papers
    js = box_entry(x, C + "counts", code, table, {"attempt": 0, "papers": first},
                   None)
    if first == bpa:
        check(js.get("box_state") == "AGREED", "%s agreed: %s" %
              (code, js.get("box_state")))
        approver = sup if table != 6 else x.t["clerk3b"]
        if table == 5:
            post(x.t["clerk3b"], C + "decisions", {"box": code, "outcome":
                                                   "agreed"}, 403,
                 "forbidden", why="table", what="a clerk supervising "
                 "table 6 approves at table 5")
        post(x.t[clerks(table)[0]], C + "decisions", {"box": code,
                                                  "outcome": "agreed"},
             403, "forbidden", what="a clerk approves " + code)
        js = post(approver, C + "decisions", {"box": code,
                                              "outcome": "agreed"})
        check(js.get("verified") == papers, "%s verified %s" %
              (code, js.get("verified")))
        return
    check(js.get("box_state") == "VARIANCE" and js.get("variance") ==
          first - bpa, "%s variance %s" % (code, js.get("variance")))
    checks(x, code, table)
    if i == 1:                        # |variance| 1 <= the plan's tolerance
        post(sup, C + "decisions", {"box": code, "outcome": "within_tolerance",
                                "explanation": "one paper short"}, 403,
             "forbidden", what="a supervisor within tolerance")
        reauth(x.t["dro"], "dro")
        post(x.t["dro"], C + "decisions", {"box": code,
                                       "outcome": "within_tolerance",
                                       "explanation": "one paper short"})
        return
    for attempt in (1, 2):
        if attempt == 1 and i == 2:
            post(sup, C + "decisions", {"box": code,
                                    "outcome": "agreed_on_recount"}, 409,
                 "invariant", rule="I4", what="approved before recounts")
        box_entry(x, C + "counts", code, table, {"attempt": attempt,
                                             "papers": papers}, None)
    if i == 2:
        post(sup, C + "decisions", {"box": code, "outcome": "agreed_on_recount"})
        return
    reauth(x.t["dro"], "dro")
    post(x.t["dro"], C + "decisions", {
        "box": code, "outcome": "variance_confirmed",
        "explanation": "two recounts agree; two papers never found"})


def verification(x):
    for i, b in enumerate(x.bx):
        verify_box(x, i, b)
    post(x.t["clerk1a"], C + "verification", {}, 403, "forbidden", why="role")
    js = post(x.t["dro"], C + "verification", {})
    check(js.get("states", {}).get("mayor") == "VERIFIED" and
          js.get("version") == 1 and "statement" in js, "F6 issued by "
          "the DRO: VERIFIED, version 1 and the statement")
    f6 = get(x.t["khan-ea"], C + "verification")
    post_total = sum(b[4] for b in x.bx if b[1] != "station")
    check(f6.get("total") == x.cnt.papers() and f6.get("postal_total") ==
          post_total and f6.get("station_total") == x.cnt.papers() -
          post_total, "F6 totals %s %s %s, want %d" %
          (f6.get("station_total"), f6.get("postal_total"), f6.get("total"),
           x.cnt.papers()))
    byb = {b["box"]: b for b in f6.get("boxes", [])}
    b1 = byb.get(x.bx[1][0], {})
    check(b1.get("outcome") == "within_tolerance" and b1.get("variance")
          == -1 and b1.get("verified") == x.bx[1][4], "F6 tolerance box %s"
          % b1)
    b12 = byb.get(x.bx[12][0], {})
    check(b12.get("outcome") == "variance_confirmed" and
          b12.get("bpa") == x.bx[12][4] + 2, "F6 confirmed variance %s" % b12)


def reads(x):
    """§9.3's shapes after verification, as an outsider reads them."""
    h = get(None, "health")
    check(set(h) >= {"ok", "read_only", "version"} and h["ok"] is True and
          h["read_only"] is False, "health: %s" % h)
    el = get(x.t["obs"], "election")
    k = (el.get("contests") or [{}])[0]
    check(el.get("poll_date") == "2021-05-06" and k.get("state") ==
          "VERIFIED" and k.get("suspended") is False and
          k.get("kind") == "sv", "election: %s" % el)
    code, _, _, area, papers = x.bx[2]
    bs = get(x.t["khan-ea"], "contests/mayor/boxes?box=" + code)
    b = bs[0] if isinstance(bs, list) and bs else {}
    check(len(bs) == 1 and b.get("area") == area and b.get("bpa") == papers
          and b.get("verified") == papers and b.get("outcome") ==
          "agreed_on_recount" and [c.get("papers") for c in
                                   b.get("counts", [])] ==
          [papers - 1, papers, papers], "an agent reads box %s: %s" %
          (code, b))
    get(x.t["clerk1a"], "export", 403)
    get(x.t["screen"], "contests/mayor/verification", 403)


def mixing(x):
    for a in hp.AREAS:
        codes = [b[0] for b in x.bx if b[3] == a[0]]
        st = [c for c in codes if "/" in c]
        pv = [c for c in codes if "/" not in c]
        post(x.t["mgr"], C + "mixing", {"area": a[0], "groups": [pv]}, 409,
             "invariant", rule="I6", what="postal boxes mixed alone")
        groups = [st[0:4], st[4:8], st[8:] + pv]
        post(x.t[sup_of(a[3][0])], C + "mixing", {"area": a[0],
                                                  "groups": groups})
    post(x.t["mgr"], "suspend", {"reason": "overnight", "seals": ["M-1"],
                                 "agents_sealed": ["nobody"]}, 400,
         "unknown_reference", what="a seal by an agent not registered")
    post(x.t["mgr"], "suspend", {"reason": "overnight", "seals":
                                 ["M-1", "M-2"], "agents_sealed":
                                 ["khan-ea"]})
    post(x.t["mgr"], C + "rounds", {}, 423, "suspended")
    post(x.t["mgr"], "resume", {"seals_intact": True, "note": "all intact"})
    js = post(x.t["mgr"], C + "rounds", {})
    check(js.get("round") == 1 and js["states"]["mayor"] == "COUNTING",
          "round 1: COUNTING")


def main():
    if not os.path.exists(os.path.join(SHARED, "data", "uk",
                                       "london_mayor_2021.json")):
        print("SKIP: no shared data at %s (set SHARED)" % SHARED)
        print("0 passed, 0 failed")
        return 0
    import desk_heldout_count as dc
    t0 = time.time()
    src = hp.published(SHARED)
    cnt = hp.Count(src)
    cands = hp.candidates(src)
    x = Ctx(cnt, cands, hp.boxes(cnt))
    x.electorate = hp.half_up(cnt.papers() * 1000, 422)
    try:
        pl = make_plan(x)
        SRV[0] = start_server()
        logins(x)
        init_entries(x, pl)
        access_checks(x)
        open_count(x)
        verification(x)
        reads(x)
        mixing(x)
        print("verified and mixed at %.0f s" % (time.time() - t0), flush=True)
        dc.count_and_declare(x, sys.modules[__name__])
        print("declared at %.0f s" % (time.time() - t0), flush=True)
        SRV[0].send_signal(signal.SIGTERM)
        check(SRV[0].wait(timeout=60) == 0, "serve stops cleanly")
        dc.journal(x, sys.modules[__name__])
    finally:
        if SRV[0] and SRV[0].poll() is None:
            SRV[0].kill()
            SRV[0].wait()
        if not os.environ.get("DESK_KEEP"):
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.rmtree(ds.tmp, ignore_errors=True)
        else:
            print("kept", tmp, ds.tmp)
    print("held-out replay took %.0f s (load average %.1f)" %
          (time.time() - t0, os.getloadavg()[0]))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
