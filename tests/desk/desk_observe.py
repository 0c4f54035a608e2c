#!/usr/bin/python3
# desk_observe.py -- `teller-desk observe` as its own process, reading
# the read model `serve --read-model DIR` publishes (docs/desk.md §6.1,
# §9 intro, §3.4): the same answers as serve for agents, observers and
# screens; logins of those accounts only (a clerk, the RO refused); no
# write route; disclosure before and after the provisional release and
# the declaration (the read model grepped for the unreleased figures);
# publication within 2 s; observe killed and restarted (its sessions
# survive); serve killed (observe answers the last published state); a
# torn or altered model.json refused cleanly, the last good one kept;
# and `serve --observe`, the listener inside serve, still takes no write.
# Usage: desk_observe.py BUILD_DIR. Prints "N passed, N failed".
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import desk_api as da  # noqa: E402  (its helpers drive the count)

DESK = da.DESK
C = "contests/mayor/"
tmp = da.tmp
check = da.check
RO_PW = "correct-horse-battery-1"
AG = ("brown-ea", "agent-password-long-1")
OBS = ("obs", "obs-password-long-1")
HALL = ("hall", "hall-password-long-1")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(proc, port):
    for _ in range(200):
        if proc.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


class Serve:
    def __init__(self, db, rm):
        self.db, self.rm = db, rm

    def start(self):
        self.port = free_port()
        self.log = open(os.path.join(tmp, "serve.log"), "ab")
        self.proc = subprocess.Popen(
            [DESK, "serve", self.db, "--listen", "127.0.0.1:%d" % self.port,
             "--insecure-http", "--read-model", self.rm], stderr=self.log)
        assert wait_port(self.proc, self.port), "serve did not start"
        return self


class Observe:
    def __init__(self, rm, per_ip="0"):
        self.rm, self.per_ip = rm, per_ip
        self.port = free_port()

    def start(self):
        self.log = open(os.path.join(tmp, "observe.log"), "ab")
        self.proc = subprocess.Popen(
            [DESK, "observe", self.rm, "--listen",
             "127.0.0.1:%d" % self.port, "--insecure-http",
             "--per-ip-limit", self.per_ip], stderr=self.log)
        assert wait_port(self.proc, self.port), "observe did not start"
        return self

    def kill(self, sig=signal.SIGKILL):
        self.proc.send_signal(sig)
        rc = self.proc.wait(timeout=30)
        self.log.close()
        return rc


def req(port, method, path, body=None, token=None, headers=None,
        form=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    h = dict(headers or {})
    if token:
        h["Authorization"] = "Bearer " + token
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        h.setdefault("Content-Type", "application/json")
    if form is not None:
        data = form.encode()
        h["Content-Type"] = "application/x-www-form-urlencoded"
    c.request(method, path, data, h)
    r = c.getresponse()
    raw = r.read()
    c.close()
    return r.status, raw, {k.lower(): v for k, v in r.getheaders()}


def api(port, method, path, body=None, token=None, headers=None):
    st, raw, hd = req(port, method, "/api/v1/" + path, body, token, headers)
    try:
        js = json.loads(raw) if raw else None
    except ValueError:
        js = None
    return st, js, hd


def login(port, who):
    st, js, _ = api(port, "POST", "login", {"username": who[0],
                                            "password": who[1]})
    return st, js


def model_text(rm):
    with open(os.path.join(rm, "model.json"), encoding="utf-8") as f:
        return f.read()


def seq_of(port, tok):
    st, js, _ = api(port, "GET", "board", token=tok)
    return js["checkpoint"]["seq"] if st == 200 else None


def published(srv, ro, obs, otok, timeout=2.0):
    """Seconds until observe's board shows serve's checkpoint, or a
    later one (observe's own logins reach the book through serve, §6.5,
    and may move it meanwhile), or None after timeout."""
    want = seq_of(srv.port, ro)
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout + 3:
        got = seq_of(obs.port, otok)
        if got is not None and want is not None and got >= want:
            return time.monotonic() - t0
        time.sleep(0.05)
    return None


def new_book():
    with open(da.PLAN) as f:
        plan = json.load(f)
    plan["users"] += [
        {"username": OBS[0], "full_name": "Olu Observer", "role": "observer",
         "password": OBS[1], "must_change_password": False},
        {"username": HALL[0], "full_name": "Hall screen", "role": "screen",
         "password": HALL[1], "must_change_password": False}]
    p = os.path.join(tmp, "plan-observe.json")
    with open(p, "w") as f:
        json.dump(plan, f)
    db = os.path.join(tmp, "observe.db")
    r = subprocess.run([DESK, "init", db, "--plan", p], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr
    return db


CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src"
       " 'self'; connect-src 'self'; form-action 'self'; frame-ancestors"
       " 'none'; base-uri 'none'")
HEADERS = ("content-security-policy", "x-content-type-options",
           "referrer-policy", "permissions-policy", "cache-control",
           "content-type")


def same(srv, obs, stok, otok, path, what):
    """The same status, body and headers from serve and observe. The
    book may move between the two reads (observe's own logins reach it
    through serve, §6.5), and the model follows within 2 s: a loaded
    machine is given 15 s to agree."""
    t0 = time.monotonic()
    while True:
        a = api(srv.port, "GET", path, token=stok)
        b = api(obs.port, "GET", path, token=otok)
        if a[:2] == b[:2] or time.monotonic() - t0 > 15:
            break
        time.sleep(0.5)
    check(a[0] == b[0] and a[1] == b[1] and
          all(a[2].get(h) == b[2].get(h) for h in HEADERS),
          "%s: GET %s serve %d, observe %d%s" % (
              what, path, a[0], b[0], "" if a[1] == b[1] else
              " (bodies differ: %s / %s)" % (json.dumps(a[1])[:150],
                                             json.dumps(b[1])[:150])))


def logins_and_no_writes(srv, obs):
    st, _ = login(obs.port, ("clerk1", "clerk1-password-long"))
    check(st == 401, "observe: a clerk's login refused (%d)" % st)
    st, js, _ = api(obs.port, "POST", "login", {
        "username": "ro", "password": RO_PW, "device": da.DEVICE})
    check(st == 401 and "token" not in (js or {}),
          "observe: the RO's login refused (%d)" % st)
    st, _ = login(obs.port, (AG[0], "wrong-password-12"))
    check(st == 401, "observe: a wrong password refused (%d)" % st)
    toks = {}
    for who, role in ((AG, "agent"), (OBS, "observer"), (HALL, "screen")):
        st, js = login(obs.port, who)
        check(st == 200 and js["user"]["role"] == role,
              "observe: the %s logs in (%d %s)" % (role, st, js))
        toks[role] = js["token"] if st == 200 else ""
    ag = toks["agent"]
    st, js, _ = api(obs.port, "GET", "session", token=ag)
    check(st == 200 and js["user"]["username"] == AG[0] and
          js["csrf"] is None, "observe: the agent's session")
    for path in ("assignments", "reauth", "password", "users",
                 C + "bundles", C + "provisional"):
        st, js, _ = api(obs.port, "POST", path, {}, token=ag)
        check(st == 403 and js["error"]["rule"] == "§6.1",
              "observe: POST %s refused (%d)" % (path, st))
    for m in ("PUT", "DELETE", "PATCH"):
        st, _, _ = api(obs.port, m, "board", {}, token=ag)
        check(st == 403, "observe: %s refused (%d)" % (m, st))
    for path in ("/do", "/anything"):
        st, _, _ = req(obs.port, "POST", path, form="a=b")
        check(st == 403, "observe: form POST %s refused (%d)" % (path, st))
    st, js, _ = api(obs.port, "GET", "board")
    check(st == 401, "observe: no token, no board (%d)" % st)
    st, js, _ = api(obs.port, "GET", "board", token=ag,
                    headers={"Host": "evil.example"})
    check(st == 421, "observe: a foreign Host 421 (%d)" % st)
    st, js, _ = api(obs.port, "GET", "health")
    check(st == 200 and js["ok"] is True, "observe: health")
    return toks


def parity(srv, obs, ro, toks):
    stoks = {}
    for who, role in ((AG, "agent"), (OBS, "observer"), (HALL, "screen")):
        stoks[role] = da.login(who[0], who[1])
    t = published(srv, ro, obs, toks["agent"])
    check(t is not None and t <= 2.0,
          "published within 2 s of the logins (%s s)" % t)
    for path in ("election", "board", C.rstrip("/"), C + "boxes",
                 C + "boxes?box=M1", C + "verification", C + "recounts",
                 C + "lots", C + "provisional", C + "reconciliation",
                 C + "declaration", "public/results"):
        same(srv, obs, stoks["agent"], toks["agent"], path, "agent")
        same(srv, obs, stoks["observer"], toks["observer"], path,
             "observer")
    for path in ("board", "election", C + "boxes", C + "boxes?box=M1",
                 C + "boxes?box=NOPE-9"):
        same(srv, obs, stoks["screen"], toks["screen"], path, "screen")
    # a box not in the contest: serve's empty list, byte for byte (§9.3)
    for role in ("agent", "observer"):
        st = same_bytes(srv, obs, "/api/v1/" + C + "boxes?box=NOPE-9",
                        stoks[role], toks[role],
                        role + ", a box not in the contest")
        check(st == 200, "%s: a box not in the contest is 200 on observe"
              " (%d)" % (role, st))
    same(srv, obs, None, None, "health", "no session")
    # serve and observe share respond.c: the values themselves, not only
    # their agreement
    hd = api(obs.port, "GET", "board", token=toks["agent"])[2]
    check(hd.get("content-security-policy") == CSP and
          hd.get("x-content-type-options") == "nosniff" and
          hd.get("referrer-policy") == "no-referrer" and
          hd.get("permissions-policy") == "camera=(), microphone=(),"
          " geolocation=()" and hd.get("cache-control") == "no-store" and
          "strict-transport-security" not in hd,
          "observe: §6.3's headers (%s)" % hd)


def unreleased(rm, figures):
    """The figures found in the read model as numbers (JSON or HTML)."""
    text = model_text(rm)
    return [f for f in figures if re.search(
        r"(?<![0-9A-Za-z+/.,$])%s(?![0-9A-Za-z+/])" % f, text)]


def count_to_stage1(ro, mgr, sup, c1, c2, rcpt):
    da.verification(ro, mgr, sup, c1, c2, rcpt)
    n = 0
    for cand, total in ((1, 587), (2, 353), (3, 41), (4, 19)):
        while total:
            n += 1
            p = min(25, total)
            da.post(c1, C + "bundles", da.bundle("o-%d" % n, 1, cand, p))
            total -= p


def form_login(port, who):
    """A cookie session from the login form."""
    st, _, hd = req(port, "POST", "/login", form="username=%s&password=%s"
                    % who, headers={"Origin": "http://127.0.0.1:%d" % port})
    return hd.get("set-cookie", "").split(";")[0] if st == 303 else ""


def same_bytes(srv, obs, path, s_auth, o_auth, what):
    """The same status and body bytes from serve and observe; auth a
    bearer token (API) or a cookie (pages)."""
    def get(port, auth):
        h = {"Cookie": auth} if auth.startswith("desk=") else {
            "Authorization": "Bearer " + auth}
        return req(port, "GET", path, headers=h)
    # a form's footer may name the book's last checkpoint, and the
    # agent's pages are refreshed within 5 s of a move (§5): a loaded
    # machine is given 15 s to agree
    t0 = time.monotonic()
    while True:
        a, b = get(srv.port, s_auth), get(obs.port, o_auth)
        if a[:2] == b[:2] or time.monotonic() - t0 > 15:
            break
        time.sleep(0.5)
    check(a[0] == b[0] and a[1] == b[1] and
          a[2].get("content-type") == b[2].get("content-type"),
          "%s: GET %s serve %d, observe %d%s" % (
              what, path, a[0], b[0], "" if a[1] == b[1] else
              " (bodies differ)"))
    return b[0]


def not_before_release(obs, otok):
    """No version of F15 before the release, on either route; F12 (staff
    only) never."""
    for path in ("forms/F15?contest=mayor&version=1",
                 "forms/F15?contest=mayor", "forms/F12?contest=mayor"):
        st = api(obs.port, "GET", path, token=otok)[0]
        check(st in (403, 404), "observe: %s before the release: %d"
              % (path, st))
    ock = form_login(obs.port, AG)
    for path in ("/forms/F15?c=mayor&version=1", "/forms/F15?c=mayor",
                 "/forms/F12?c=mayor"):
        st = req(obs.port, "GET", path, headers={"Cookie": ock})[0]
        check(ock and st in (403, 404), "observe: %s before the release:"
              " %d" % (path, st))


def f6_version2(ro, db):
    """Section 2.4: the RO corrects M1's and M2's BPAs and counts in
    COUNTING, one paper moving from M2 to M1 (the total the recount
    reconciles with stays 1000); each BPA correction changed a variance,
    so both boxes are decided again (I5); F6 version 2."""
    lines = [json.loads(x) for x in journal(db).splitlines() if x.strip()]

    def last(action, box):
        return [x["entry"] for x in lines if x.get("action") == action and
                x["data"]["box"] == box][-1]
    for box, bpa, count in (("M1", 301, 304), ("M2", 249, 246)):
        da.post(ro, "entries/%d/correction" % last("bpa.enter", box), {
            "reason_code": "bpa_arithmetic", "reason_text": "BPA re-added",
            "data": {"box": box, "issued_to_voters": bpa}})
        da.post(ro, "entries/%d/correction" % last("count.enter", box), {
            "reason_code": "recount", "reason_text": "tally re-added",
            "data": {"box": box, "attempt": 0, "papers": count}})
        da.post(ro, C + "decisions", {"box": box, "outcome": "agreed"})
    js, _ = da.post(ro, C + "verification", {})
    check(js and js["version"] == 2, "F6 version 2")


def recount_to_version2(ro, mgr, sup, c1, db):
    """A full recount: round 2 entered as round 1, provisional version 2
    (and F6 version 2 on the way)."""
    js, _ = da.post(ro, C + "recount-requests", {
        "requester_name": "Tayo BELLO", "capacity": "candidate",
        "scope": "full", "grounds": "a check"})
    js, _ = da.post(ro, C + "recount-decisions", {
        "request": js["entry"] if js else 0, "decision": "granted",
        "scope": "full", "reason": "a check"})
    f6_version2(ro, db)
    n = 0
    for cand, total in ((1, 587), (2, 353), (3, 41), (4, 19)):
        while total:
            n += 1
            b = da.bundle("r2-%d" % n, 1, cand, min(25, total))
            b["round"] = 2
            da.post(c1, C + "bundles", b)
            total -= b["papers"]
    da.post(sup, C + "sheets/close", {"round": 2, "area": "main",
                                      "table": 1, "stage": 1})
    da.post(mgr, C + "rounds/2/close", {"stage": 1})
    js, _ = da.post(ro, C + "provisional", {"present": []})
    check(js and js["version"] == 2, "a recount: provisional version 2")


def older_versions(srv, obs, ro, toks):
    """Every version the agent may read is published: F15 version 1
    after version 2, F6 by version, on both routes, the same bytes as
    serve's for the agent."""
    stok = da.login(AG[0], AG[1])
    otok = toks["agent"] = login(obs.port, AG)[1]["token"]
    published(srv, ro, obs, otok)
    time.sleep(5)       # the agent's pages are refreshed within 5 s
    for path in ("/api/v1/" + C + "provisional?version=1",
                 "/api/v1/" + C + "verification?version=1",
                 "/api/v1/" + C + "verification?version=2",
                 "/api/v1/forms/F6?contest=mayor&version=2",
                 "/api/v1/forms/F15?contest=mayor&version=1",
                 "/api/v1/forms/F15?contest=mayor&version=2",
                 "/api/v1/forms/F6?contest=mayor&version=1",
                 "/api/v1/forms/F6?contest=mayor",
                 "/api/v1/forms/F11?contest=mayor&round=1",
                 "/api/v1/" + C + "rejected?round=1&version=1",
                 "/api/v1/forms/F11?contest=mayor&round=1&version=1"):
        st = same_bytes(srv, obs, path, stok, otok, "agent")
        check(st == 200, "observe: %s 200 (%d)" % (path, st))
    st = api(obs.port, "GET", "forms/F15?contest=mayor&version=3",
             token=otok)[0]
    check(st == 404, "observe: no version 3 yet (%d)" % st)
    # one session a user: the cookie logins end the bearer ones
    sck, ock = form_login(srv.port, AG), form_login(obs.port, AG)
    time.sleep(1.5)     # the logins reach the book (a new checkpoint)
    published(srv, ro, obs, toks["screen"])
    time.sleep(5)
    for path in ("/forms/F15?c=mayor&version=1",
                 "/forms/F15?c=mayor&version=2",
                 "/forms/F6?c=mayor&version=1",
                 "/forms/F6?c=mayor&version=2",
                 "/forms/F11?c=mayor&round=2",
                 "/forms/F11?c=mayor&round=2&version=1"):
        st = same_bytes(srv, obs, path, sck, ock, "agent's page")
        check(st == 200, "observe: %s 200 (%d)" % (path, st))


def disclosure(srv, obs, rm, ro, toks):
    mgr = da.login("mgr", "mgr-password-long-1", da.DEVICE)
    rcpt = da.login("rcpt", "rcpt-password-long-1")
    sup = da.login("sup1", "sup1-password-long-1")
    c1 = da.login("clerk1", "clerk1-password-long")
    c2 = da.login("clerk2", "clerk2-password-long")
    count_to_stage1(ro, mgr, sup, c1, c2, rcpt)
    ag = toks["agent"]
    t = published(srv, ro, obs, ag)
    check(t is not None and t <= 2.0, "bundles published within 2 s (%s)"
          % t)
    st, js, _ = api(srv.port, "GET", C + "reconciliation", token=ro)
    check(st == 200 and js["candidates"][0]["votes"] == 587,
          "serve: the RO sees 587 for A (%d)" % st)
    found = unreleased(rm, ("587", "353"))
    check(not found, "before the release: no running total in the read"
          " model (found %s)" % found)
    st, _, _ = api(obs.port, "GET", C + "provisional", token=ag)
    check(st == 404, "observe: no provisional before the release (%d)" % st)
    st, _, _ = api(obs.port, "GET", C + "reconciliation", token=ag)
    check(st == 403, "observe: reconciliation is not the agent's (%d)" % st)
    not_before_release(obs, ag)
    toks["agent"] = ag = login(obs.port, AG)[1]["token"]
    da.post(sup, C + "sheets/close", {"round": 1, "area": "main",
                                      "table": 1, "stage": 1})
    js, _ = da.post(mgr, C + "rounds/1/close", {"stage": 1})
    js, _ = da.post(ro, C + "provisional", {"present": []})
    t0 = time.monotonic()
    while time.monotonic() - t0 < 5:
        st, js, _ = api(obs.port, "GET", C + "provisional", token=ag)
        if st == 200:
            break
        time.sleep(0.05)
    t = time.monotonic() - t0
    check(st == 200 and js["candidates"][0]["first"] == 587 and t <= 2.0,
          "observe: the released provisional within 2 s (%d, %.2f s)"
          % (st, t))
    st, js, _ = api(obs.port, "GET", "public/results")
    check(st == 200 and js["contests"] == [],
          "observe: public results empty before the declaration")
    pub = json.loads(model_text(rm).partition("\n")[2])["routes"]["public"]
    # as a number: hashes and ETags in it may hold the digits
    found = re.search(r"(?<![0-9A-Za-z+/.,$])587(?![0-9A-Za-z+/])",
                      json.dumps(pub))
    check(not found, "the public part holds no figure (%s)"
          % (found and json.dumps(pub)[max(0, found.start() - 60):
                                       found.end() + 20]))
    st, js, _ = api(obs.port, "GET", "board", token=toks["screen"])
    check(st == 200 and js["contests"][0]["result"] is None,
          "observe: the hall board shows no figure before the declaration")
    recount_to_version2(ro, mgr, sup, c1, srv.db)
    older_versions(srv, obs, ro, toks)
    ag = toks["agent"] = login(obs.port, AG)[1]["token"]
    da.post(ro, C + "ready", {"version": 2, "note": "no request"})
    da.call("POST", "reauth", {"password": RO_PW}, ro)
    da.post(ro, C + "declaration", {"version": 2})
    t = published(srv, ro, obs, ag)
    st, js, _ = api(obs.port, "GET", "public/results/mayor")
    check(st == 200 and js["candidates"][0]["first"] == 587,
          "observe: the declared result public (%d)" % st)
    st, raw, hd = req(obs.port, "GET", "/public")
    check(st == 200 and b"587" in raw and
          hd.get("cache-control") == "no-cache",
          "observe: the public page after the declaration (%d)" % st)
    same(srv, obs, None, None, "public/results", "public")


def html(obs):
    origin = "http://127.0.0.1:%d" % obs.port
    st, raw, hd = req(obs.port, "POST", "/login", form="username=%s&"
                      "password=%s" % AG, headers={"Origin": origin})
    ck = hd.get("set-cookie", "").split(";")[0]
    check(st == 303 and hd.get("location") == "/agent" and
          ck.startswith("desk="), "observe: a form login (%d %s)"
          % (st, hd.get("location")))
    st, raw, hd = req(obs.port, "GET", "/agent", headers={"Cookie": ck})
    page = raw.decode("utf-8", "replace")
    m = re.search(r'action="/logout">.*?name="idem" value="([0-9a-f]+)".*?'
                  r'name="csrf" value="([0-9a-f]{64})"', page)
    check(st == 200 and m and "@@RM-" not in page and "Tayo Bello" in page,
          "observe: S-20 for the agent, its own logout form (%d)" % st)
    st, raw, hd = req(obs.port, "GET", "/hall", headers={"Cookie": ck})
    check(st == 200 and b"data-refresh" in raw, "observe: S-19 (%d)" % st)
    st, js, _ = api(obs.port, "POST", "logout", {}, headers={"Cookie": ck})
    check(st == 403, "observe: a cookie logout without X-CSRF-Token"
          " refused (%d)" % st)
    st, _, _ = req(obs.port, "POST", "/logout", form="form=logout&idem=%s&"
                   "csrf=%s" % ((m.group(1), "0" * 64) if m else ("", "")),
                   headers={"Cookie": ck, "Origin": origin})
    check(st == 403, "observe: a logout form with a wrong CSRF token"
          " refused (%d)" % st)
    if m:
        st, _, hd = req(obs.port, "POST", "/logout",
                        form="form=logout&idem=%s&csrf=%s" % m.groups(),
                        headers={"Cookie": ck, "Origin": origin})
        check(st == 303 and hd.get("location") == "/login",
              "observe: the logout form (%d)" % st)
    st, _, _ = api(obs.port, "GET", "session", headers={"Cookie": ck})
    check(st == 401, "observe: the session ended (%d)" % st)
    st, raw, hd = req(obs.port, "GET", "/agent")
    check(st == 303 and hd.get("location") == "/login",
          "observe: no session, to the login (%d)" % st)


def journal(db):
    r = subprocess.run([DESK, "export", db], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r.stdout


def from_observe(text, action, who):
    """The events of action that observe's listener spooled for who (the
    account, or the name tried)."""
    out = []
    for line in text.splitlines()[1:]:
        e = json.loads(line)
        d = e.get("data") or {}
        if (e["action"] == action and d.get("listener") == "observe" and
                who in (e["user"], d.get("username"))):
            out.append(e)
    return out


def settle(db, action, who, n, timeout=8.0):
    """Waits until the book holds n such events (or timeout); their
    number."""
    t0 = time.monotonic()
    while True:
        got = len(from_observe(journal(db), action, who))
        if got >= n or time.monotonic() - t0 > timeout:
            return got
        time.sleep(0.2)


def restart_serve(srv, meanwhile=None):
    srv.proc.send_signal(signal.SIGTERM)
    srv.proc.wait(timeout=60)
    srv.log.close()
    if meanwhile:
        meanwhile()
    new = Serve(srv.db, srv.rm).start()
    da.SRV = new
    return new


def audit_logins(srv, obs, db):
    """§6.5: observe's logins, failed logins and logouts reach the book's
    audit log through serve, once each, across a restart of serve."""
    time.sleep(2.5)     # what the earlier tests spooled is taken
    before = {a: len(from_observe(journal(db), a, OBS[0]))
              for a in ("session.login", "session.logout")}
    st, js = login(obs.port, OBS)
    tok = js["token"] if st == 200 else ""
    st2, _ = login(obs.port, ("nobody-audit-1", "some-password-12"))
    st3, _, _ = api(obs.port, "POST", "logout", {}, token=tok)
    check(st == 200 and st2 == 401 and st3 == 204,
          "observe: a login, a failed login, a logout (%d %d %d)"
          % (st, st2, st3))
    n_in = settle(db, "session.login", OBS[0], before["session.login"] + 1)
    n_out = settle(db, "session.logout", OBS[0],
                   before["session.logout"] + 1)
    n_bad = settle(db, "session.login_failed", "nobody-audit-1", 1)
    text = journal(db)
    ev = from_observe(text, "session.login", OBS[0])
    check(n_in == before["session.login"] + 1 and ev and
          ev[-1]["role"] == "observer" and ev[-1]["ip"] == "127.0.0.1",
          "the observe login in the journal once (%d, %d before)"
          % (n_in, before["session.login"]))
    check(n_out == before["session.logout"] + 1,
          "the observe logout in the journal once (%d)" % n_out)
    bad = from_observe(text, "session.login_failed", "nobody-audit-1")
    check(n_bad == 1 and bad[0]["user"] is None and
          bad[0]["data"]["username"] == "nobody-audit-1",
          "the failed observe login in the journal once (%d)" % n_bad)
    check(OBS[1] not in text and "some-password-12" not in text and
          tok and tok not in text, "no password or token in the journal")
    srv = restart_serve(srv, lambda: login(obs.port, (
        "nobody-audit-2", "some-password-12")))
    n2 = settle(db, "session.login_failed", "nobody-audit-2", 1)
    srv = restart_serve(srv)
    time.sleep(2.5)
    text = journal(db)
    check(n2 == 1 and len(from_observe(text, "session.login_failed",
                                       "nobody-audit-2")) == 1,
          "a failed login while serve was down: in the journal once")
    check(len(from_observe(text, "session.login", OBS[0])) == n_in and
          len(from_observe(text, "session.login_failed",
                           "nobody-audit-1")) == 1,
          "serve restarted twice: no event repeated")
    check(subprocess.run([DESK, "verify", db], capture_output=True)
          .returncode == 0, "the book verifies with observe's events")
    return srv


def forged_spool(srv, db):
    """A line observe did not write: refused on stderr, never written."""
    at = "2026-01-01T00:00:00.000Z"

    def line(o):
        return json.dumps(o, sort_keys=True, separators=(",", ":")) + "\n"
    ev = {"action": "session.login", "at": at, "ip": "127.0.0.1"}
    forged = [line(dict(ev, role="ro", user="ro")),
              line(dict(ev, role="agent", user="clerk1")),
              line(dict(ev, role="agent", user="ghost-user")),
              line(dict(ev, role="observer", user="obs",
                        password="x" * 12)),
              line(dict(ev, action="user.add", role="observer",
                        user="obs")),
              json.dumps(dict(ev, role="observer", user="obs")) + "\n",
              "this is not JSON\n",
              line(dict(ev, action="session.login_failed",
                        username="after-forged"))]
    n_obs = len(from_observe(journal(db), "session.login", OBS[0]))
    with open(os.path.join(srv.rm, "observe-events.jsonl"), "a") as f:
        f.write("".join(forged))
    settle(db, "session.login_failed", "after-forged", 1)
    text = journal(db)
    check(len(from_observe(text, "session.login_failed",
                           "after-forged")) == 1,
          "the good line after the forged ones written once")
    check(not any(from_observe(text, a, w) for a, w in (
        ("session.login", "ro"), ("session.login", "clerk1"),
        ("session.login", "ghost-user"), ("user.add", "obs")))
          and len(from_observe(text, "session.login", OBS[0])) == n_obs,
          "forged spool lines (staff role, unknown user, junk) not"
          " written")
    with open(os.path.join(tmp, "serve.log"), errors="replace") as f:
        log = f.read()
    n_said = log.count("refused, not written")
    check(n_said >= 7, "each forged line refused on serve's stderr (%d)"
          % n_said)
    # a refused line after the last written one; serve restarted: it is
    # not said again, and a good line after it is still written (the
    # examined offset, obspool.c)
    with open(os.path.join(srv.rm, "observe-events.jsonl"), "a") as f:
        f.write(forged[0])
    t0 = time.monotonic()
    while time.monotonic() - t0 < 10:
        with open(os.path.join(tmp, "serve.log"), errors="replace") as f:
            if f.read().count("refused, not written") > n_said:
                break
        time.sleep(0.2)
    n_said += 1
    srv = restart_serve(srv)
    with open(os.path.join(srv.rm, "observe-events.jsonl"), "a") as f:
        f.write(line(dict(ev, action="session.login_failed",
                          username="after-restart")))
    n = settle(db, "session.login_failed", "after-restart", 1)
    with open(os.path.join(tmp, "serve.log"), errors="replace") as f:
        log = f.read()
    check(n == 1 and log.count("refused, not written") == n_said,
          "serve restarted: the refused lines not said again (%d, %d"
          " before), the next good one written (%d)"
          % (log.count("refused, not written"), n_said, n))
    return srv


def unused_expiry(rm, db):
    """§6.5: a session nobody uses again is logged as expired by
    observe's sweep (idle 2 s here, TELLER_DESK_IDLE_S), once; the
    session a second login of the user ends is not (as serve)."""
    env = dict(os.environ, TELLER_DESK_IDLE_S="2")
    port = free_port()
    log = open(os.path.join(tmp, "observe-idle.log"), "ab")
    p = subprocess.Popen(
        [DESK, "observe", rm, "--listen", "127.0.0.1:%d" % port,
         "--insecure-http", "--sessions", os.path.join(tmp, "idle.db")],
        stderr=log, env=env)
    try:
        assert wait_port(p, port), "observe (idle 2 s) did not start"
        st1, _ = login(port, HALL)
        st2, _ = login(port, HALL)
        n = settle(db, "session.expired", HALL[0], 1, timeout=15)
        time.sleep(4)   # a second sweep and pickup: nothing more
        ev = from_observe(journal(db), "session.expired", HALL[0])
        check(st1 == 200 and st2 == 200 and n == 1 and len(ev) == 1 and
              ev[0]["ip"] == "127.0.0.1" and ev[0]["role"] == "screen",
              "an unused observe session expired: in the journal once,"
              " the one a new login ended not at all (%d %d %d)"
              % (st1, st2, len(ev)))
    finally:
        p.kill()
        p.wait()
        log.close()


def restarts(srv, obs, rm):
    st, js = login(obs.port, AG)    # the form login ended the last one
    ag = js["token"] if st == 200 else ""
    st, before, _ = api(obs.port, "GET", "board", token=ag)
    obs.kill()
    obs.start()
    st, js, _ = api(obs.port, "GET", "board", token=ag)
    check(st == 200 and js == before,
          "observe killed and restarted: the agent's session and board"
          " (%d)" % st)
    srv.proc.kill()
    srv.proc.wait()
    srv.log.close()
    st, js, _ = api(obs.port, "GET", "board", token=ag)
    check(st == 200 and js == before,
          "serve killed: observe answers the last published state (%d)"
          % st)
    good = open(os.path.join(rm, "model.json"), "rb").read()

    def put(data):
        with open(os.path.join(rm, "t"), "wb") as f:
            f.write(data)
        os.rename(os.path.join(rm, "t"), os.path.join(rm, "model.json"))
        time.sleep(0.7)

    flipped = bytearray(good)
    flipped[len(good) // 2] ^= 0x01
    for what, data in (("torn", good[:len(good) // 2]),
                       ("altered", bytes(flipped)), ("empty", b""),
                       ("not JSON", b"teller-desk read model 1 " +
                        b"0" * 64 + b"\n{")):
        put(data)
        st, js, _ = api(obs.port, "GET", "board", token=ag)
        check(st == 200 and js == before and obs.proc.poll() is None,
              "a %s model.json refused, the last good one kept (%d)"
              % (what, st))
    obs.kill()
    obs.start()
    st, js, _ = api(obs.port, "GET", "health")
    check(st == 503 and js["ok"] is False,
          "observe started on a bad model: health 503 (%d)" % st)
    st, js, _ = api(obs.port, "GET", "board", token=ag)
    check(st == 503 and js["error"]["code"] == "read_only",
          "observe without a model: 503 read_only (%d)" % st)
    put(good)
    st, js, _ = api(obs.port, "GET", "board", token=ag)
    check(st == 200 and js == before and obs.proc.poll() is None,
          "the good model back: observe answers again (%d)" % st)
    with open(obs.log.name, errors="replace") as f:
        log = f.read()
    check("SHA-256 does not hold" in log,
          "observe says why a model was refused")
    rc = obs.kill(signal.SIGTERM)
    check(rc == 0, "observe stops cleanly on SIGTERM (%d)" % rc)


def per_ip(rm):
    """§6.3: at most 8 connections from one address by default."""
    o = Observe(rm, "8").start()
    # each of the 8 answered once and kept open (keep-alive), so all 8
    # are held before the 9th comes, however loaded the machine; the
    # start-up probe's connection may still count for a moment, so a
    # set with one refused is closed and tried again
    held = False
    for _ in range(50):
        socks = []
        try:
            for _ in range(8):
                s = http.client.HTTPConnection("127.0.0.1", o.port,
                                               timeout=30)
                socks.append(s)
                s.request("GET", "/api/v1/health",
                          headers={"Host": "127.0.0.1"})
                s.getresponse().read()
            held = True
            break
        except (OSError, http.client.HTTPException):
            for s in socks:
                s.close()
            time.sleep(0.2)
    check(held, "observe: 8 connections from one address held")
    try:
        st = req(o.port, "GET", "/api/v1/health")[0]
    except (OSError, http.client.HTTPException):
        st = None
    check(st is None, "observe: a 9th connection from one address"
          " refused (%s)" % st)
    for s in socks:
        s.close()
    st = None
    for _ in range(50):     # until observe has seen them close
        time.sleep(0.1)
        try:
            st = req(o.port, "GET", "/api/v1/health")[0]
            break
        except (OSError, http.client.HTTPException):
            pass
    check(st == 200, "observe: answers once they are gone (%s)" % st)
    check(o.kill(signal.SIGTERM) == 0, "observe stops cleanly")


def inproc_listener():
    """serve --observe ADDR:PORT, the observer listener inside serve
    (a convenience for a training laptop), still takes no write."""
    db = os.path.join(tmp, "inproc.db")
    r = subprocess.run([DESK, "init", db, "--plan", da.PLAN],
                       capture_output=True, text=True)
    port, oport = free_port(), free_port()
    log = open(os.path.join(tmp, "inproc.log"), "ab")
    p = subprocess.Popen([DESK, "serve", db, "--listen",
                          "127.0.0.1:%d" % port, "--insecure-http",
                          "--observe", "127.0.0.1:%d" % oport], stderr=log)
    try:
        check(r.returncode == 0 and wait_port(p, oport),
              "serve --observe starts")
        st, js = login(oport, AG)
        check(st == 200, "serve --observe: the agent logs in (%d)" % st)
        tok = js["token"] if st == 200 else ""
        st, _, _ = api(oport, "POST", "assignments", {}, token=tok)
        check(st == 403, "serve --observe: no write (%d)" % st)
        st, _, _ = api(oport, "POST", "login", {
            "username": "ro", "password": RO_PW, "device": da.DEVICE})
        check(st == 403, "serve --observe: no RO login (%d)" % st)
    finally:
        p.send_signal(signal.SIGTERM)
        check(p.wait(timeout=30) == 0, "serve --observe stops cleanly")
        log.close()


def usage():
    r = subprocess.run([DESK, "observe", tmp, "--listen", "0.0.0.0:8443",
                        "--insecure-http"], capture_output=True, text=True)
    check(r.returncode == 2 and "loopback" in r.stderr,
          "observe: --insecure-http on loopback only")
    r = subprocess.run([DESK, "observe", tmp, "--listen", "127.0.0.1:8443"],
                       capture_output=True, text=True)
    check(r.returncode == 2, "observe: TLS or --insecure-http needed")


def main():
    db = new_book()
    rm = os.path.join(tmp, "rm")
    srv = Serve(db, rm).start()
    da.SRV = srv
    obs = Observe(rm).start()
    try:
        ro = da.login("ro", RO_PW, da.DEVICE)
        toks = logins_and_no_writes(srv, obs)
        parity(srv, obs, ro, toks)
        disclosure(srv, obs, rm, ro, toks)
        html(obs)
        srv = audit_logins(srv, obs, db)
        srv = forged_spool(srv, db)
        unused_expiry(rm, db)
        accounts = json.loads(model_text(rm).partition("\n")[2])[
            "accounts"]
        check(sorted(accounts) == sorted([AG[0], OBS[0], HALL[0]]),
              "the read model holds agent, observer and screen accounts"
              " only: %s" % sorted(accounts))
        per_ip(rm)
        restarts(srv, obs, rm)
        inproc_listener()
        usage()
    finally:
        for p in (srv.proc, obs.proc):
            if p.poll() is None:
                p.kill()
                p.wait()
    print("%d passed, %d failed" % (da.passed, da.failed))
    shutil.rmtree(tmp, ignore_errors=True)
    return 1 if da.failed else 0


if __name__ == "__main__":
    sys.exit(main())
