#!/usr/bin/python3
# desk_net.py -- teller-desk's network warnings (docs/desk.md §6.1, §6.4)
# over loopback, with desk_sec.py's server and client: N1 plain HTTP
# (--insecure-http): one insecure_http event per start naming the
# listen address, a red banner on every page, the cookie "desk" without
# Secure; N2 the air-gap check with a fake route table
# (TELLER_DESK_ROUTE_FILE) and a 1 s period (TELLER_DESK_AIRGAP_S), a
# listener off loopback: airgap.found once, the banner, count writes
# refused (503, §6.1) while reads work, the RO's override (a clerk's
# refused, a reason required), writes saved after; the route gone
# (airgap.cleared) and back (airgap.found again, writes refused again);
# verify and export -> import -> export byte for byte; N3 every
# listener on loopback: no check at all; N4 the IPv6 table (lo's
# unreachable ::/0 is no way out, a default route on eth0 is).
# Usage: desk_net.py BUILD_DIR. Prints "N passed, N failed".
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import desk_sec as ds  # noqa: E402  (its B comes from sys.argv too)

check, call, login = ds.check, ds.call, ds.login
DESK, RO_PW, DEVICE, ASSIGN = ds.DESK, ds.RO_PW, ds.DEVICE, ds.ASSIGN
CLERK_PW = "clerk1-password-long"

ROUTE_HDR = ("Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\t"
             "Mask\t\tMTU\tWindow\tIRTT\n")
ROUTE_LAN = ("eth0\t0009A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t"
             "0\n")
ROUTE_DEFAULT = ("eth0\t00000000\t0109A8C0\t0003\t0\t0\t0\t00000000\t0\t"
                 "0\t0\n")


def run(*args):
    return subprocess.run([DESK] + list(args), capture_output=True,
                          text=True)


def events(db, action=None):
    ev = ds.entries(db)
    return [e for e in ev if action is None or e["action"] == action]


def round_trip(tag, db):
    """verify; export -> import into a fresh book -> verify; the new
    book exports the same bytes."""
    check(run("verify", db).returncode == 0, "%s: verify passes" % tag)
    jf = os.path.join(ds.tmp, tag + ".jsonl")
    db2 = os.path.join(ds.tmp, tag + "-import.db")
    r1 = run("export", db, "-o", jf)
    r2 = run("import", db2, jf)
    check(r1.returncode == 0 and r2.returncode == 0 and
          run("verify", db2).returncode == 0,
          "%s: export -> import -> verify: %s %s"
          % (tag, r1.stderr, r2.stderr))
    r3 = run("export", db2)
    with open(jf) as f:
        check(r3.stdout == f.read(), "%s: the imported book exports the"
              " same bytes" % tag)


def page(port, path, cookie=None):
    h = {"Cookie": cookie} if cookie else {}
    st, raw, _ = ds.call(port, "GET", path, headers=h, raw_path=True)
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    return st, raw if isinstance(raw, str) else json.dumps(raw)


def n1_insecure():
    """N1: --insecure-http (§6.4): an insecure_http event per start with
    the listen address; the red banner (a class, no inline style) on
    the login page and a signed-in page; the cookie desk, no Secure."""
    db = ds.new_book("n1.db")
    srv = ds.Server(db).start()
    p = srv.port
    st, body = page(p, "/login")
    check(st == 200 and 'class="banner insecure"' in body and
          "PLAIN HTTP" in body and "style=" not in body,
          "N1: the login page carries the plain-HTTP banner: %d" % st)
    st, js, hd = login(p, "ro", RO_PW, DEVICE)
    tok = js["token"]
    st, body = page(p, "/?c=mayor", "desk=" + tok)
    check(st == 200 and 'class="banner insecure"' in body,
          "N1: a signed-in page carries the banner: %d" % st)
    st, css = page(p, "/static/desk.css")
    check(".banner.insecure" in css and "#b00020" in css,
          "N1: the banner's class is red in desk.css")
    # the browser login's cookie: named desk, without Secure
    import http.client
    c = http.client.HTTPConnection("127.0.0.1", p, timeout=30)
    c.request("POST", "/login", urllib.parse.urlencode(
        {"username": "clerk1", "password": CLERK_PW}),
        {"Content-Type": "application/x-www-form-urlencoded",
         "Origin": "http://127.0.0.1:%d" % p})
    r = c.getresponse()
    r.read()
    ck = r.getheader("Set-Cookie") or ""
    c.close()
    check(ck.startswith("desk=") and "Secure" not in ck and
          "HttpOnly" in ck and "SameSite=Strict" in ck,
          "N1: the cookie is desk without Secure: %r" % ck)
    srv.stop()
    srv.start()
    srv.stop()
    ev = events(db, "insecure_http")
    check(len(ev) == 2 and all(e["user"] is None and e["entry"] is None
                               for e in ev),
          "N1: one insecure_http event per start: %d" % len(ev))
    check(len(ev) == 2 and ev[0]["data"].get("listen") ==
          "127.0.0.1:%d" % p, "N1: the event names the listen address: %s"
          % (ev[0]["data"] if ev else None))
    starts = [e["seq"] for e in events(db, "server.start")]
    check(len(ev) == 2 and [e["seq"] - 1 for e in ev] == starts,
          "N1: each follows its server.start")
    round_trip("n1", db)


def tls_call(port, ca, method, path, body=None, token=None):
    h = {}
    if token:
        h["Authorization"] = "Bearer " + token
    data = None
    if body is not None:
        data = json.dumps(body)
        h["Content-Type"] = "application/json"
    st, raw, _ = ds.tls_get(port, ca, "/api/v1/" + path, method, data, h)
    try:
        return st, json.loads(raw) if raw else None
    except ValueError:
        return st, raw


def wait_for(cond, what, timeout=15):
    t = time.time()
    while time.time() - t < timeout:
        if cond():
            return True
        time.sleep(0.2)
    check(False, what)
    return False


def n2_airgap():
    """N2: the air-gap check (§6.1) with a fake route table."""
    db = ds.new_book("n2.db")
    ca = db + ".ca.pem"
    if not os.path.exists(ca):
        print("SKIP: N2 needs init's local CA")
        return
    rt = os.path.join(ds.tmp, "n2-route")
    with open(rt, "w") as f:
        f.write(ROUTE_HDR + ROUTE_LAN + ROUTE_DEFAULT)
    log = os.path.join(ds.tmp, "serve.log")
    rport = ds.free_port()
    # the plain redirect listener on 0.0.0.0: not every listener is on
    # loopback, so the check runs
    srv = ds.Server(db, ["--http-redirect", "0.0.0.0:%d" % rport],
                    local_ca=True,
                    env={"TELLER_DESK_ROUTE_FILE": rt,
                         "TELLER_DESK_AIRGAP_S": "1",
                         "TELLER_DESK_AIRGAP_NAME": ""}).start()
    p = srv.port

    def said(n):
        with open(log, "rb") as f:
            return f.read().count(b"on eth0; count writes are refused"
                                  b" until the RO overrides") >= n
    wait_for(lambda: said(1), "N2: serve says the route it found")
    st, js = tls_call(p, ca, "POST", "login", {"username": "ro",
                      "password": RO_PW, "device": DEVICE})
    ro = js["token"] if st == 200 else ""
    st, js = tls_call(p, ca, "POST", "login", {"username": "clerk1",
                      "password": CLERK_PW})
    clerk = js["token"] if st == 200 else ""
    check(ro and clerk, "N2: the RO and a clerk log in while blocked")
    st, body, _ = ds.tls_get(p, ca, "/login")
    check(st == 200 and 'class="banner airgap"' in body and
          "NOT AIR-GAPPED" in body and "refused" in body,
          "N2: the air-gap banner on the login page: %d" % st)
    st, js = tls_call(p, ca, "POST", "assignments", ASSIGN, ro)
    msg = js["error"]["message"] if isinstance(js, dict) and \
        "error" in js else ""
    check(st == 503 and js["error"]["code"] == "read_only" and
          js["error"].get("rule") == "§6.1" and "eth0" in msg and
          "override" in msg,
          "N2: a count write refused, naming the rule: %d %s" % (st, js))
    st, js = tls_call(p, ca, "GET", "session", None, ro)
    check(st == 200, "N2: reads still work: %d" % st)
    st, js = tls_call(p, ca, "POST", "airgap/override",
                      {"reason": "clerk says so"}, clerk)
    check(st == 403 and ds.why(js) == "role",
          "N2: a clerk's override refused: %d %s" % (st, js))
    st, js = tls_call(p, ca, "POST", "airgap/override", {}, ro)
    check(st == 400, "N2: an override without a reason: 400 (%d)" % st)
    st, js = tls_call(p, ca, "POST", "airgap/override",
                      {"reason": "  "}, ro)
    check(st == 400, "N2: an override with a blank reason: 400 (%d)" % st)
    st, js = tls_call(p, ca, "POST", "airgap/override",
                      {"reason": "the uplink is the printer's; IT"
                       " unplugs it at 23:00", "x": 1}, ro)
    check(st == 400, "N2: an override with a member too many: 400 (%d)"
          % st)
    st, js = tls_call(p, ca, "POST", "assignments", ASSIGN, ro)
    check(st == 503, "N2: still refused after the refused overrides")
    st, js = tls_call(p, ca, "POST", "airgap/override",
                      {"reason": "the uplink is the printer's; IT"
                       " unplugs it at 23:00"}, ro)
    check(st == 201 and isinstance(js, dict) and
          isinstance(js.get("event"), int),
          "N2: the RO overrides with a reason: %d %s" % (st, js))
    st, js = tls_call(p, ca, "POST", "airgap/override",
                      {"reason": "again"}, ro)
    check(st == 409, "N2: nothing left to override: 409 (%d)" % st)
    st, js = tls_call(p, ca, "POST", "assignments", ASSIGN, ro)
    check(st == 201, "N2: a write saved after the override: %d %s"
          % (st, js))
    st, body, _ = ds.tls_get(p, ca, "/login")
    check('class="banner airgap"' in body and "overridden" in body,
          "N2: the banner says the block is overridden")
    time.sleep(2.5)
    check(said(1) and not said(2),
          "N2: the route still there is not found again")
    # the route goes away: said, but the rule stays the override's
    with open(rt, "w") as f:
        f.write(ROUTE_HDR + ROUTE_LAN)

    def gone():
        with open(log, "rb") as f:
            return b"teller-desk: airgap: a default route (IPv4) on eth0" \
                b" is gone" in f.read()
    wait_for(gone, "N2: serve says the route went away")
    st, body, _ = ds.tls_get(p, ca, "/login")
    check("banner airgap" not in body,
          "N2: no air-gap banner once the route is gone")
    # and comes back: a new finding, writes refused again
    with open(rt, "w") as f:
        f.write(ROUTE_HDR + ROUTE_DEFAULT)
    wait_for(lambda: said(2), "N2: the route back is a new finding")
    st, js = tls_call(p, ca, "POST", "assignments", ASSIGN, ro)
    check(st == 503, "N2: writes refused again: %d" % st)
    # the RO's override on S-24's form (cookie, CSRF token, origin)
    ck = {"Cookie": "__Host-desk=" + ro}
    st, body, _ = ds.tls_get(p, ca, "/admin", headers=ck)
    form = re.search(r'<form[^>]*id="f-airgap".*?</form>', body, re.S)
    vals = dict(re.findall(r'name="(\w+)" value="([^"]*)"',
                           form.group(0))) if form else {}
    check(st == 200 and form and "csrf" in vals and "c" in vals,
          "N2: S-24 shows the RO the override form: %d" % st)
    vals["reason"] = "IT confirmed the uplink is unplugged at 23:00"
    st, _, r = ds.tls_get(p, ca, "/do", "POST",
                          urllib.parse.urlencode(vals), dict(ck, **{
                              "Content-Type":
                              "application/x-www-form-urlencoded",
                              "Origin": "https://localhost:%d" % p}))
    check(st == 303 and r.getheader("Location") == "/admin",
          "N2: the form's override saved: %d %s"
          % (st, r.getheader("Location")))
    st, js = tls_call(p, ca, "POST", "assignments", ASSIGN, ro)
    check(st == 201, "N2: writes saved after the form's override: %d"
          % st)
    srv.stop()
    acts = [e["action"] for e in events(db) if
            e["action"].startswith("airgap.")]
    check(acts == ["airgap.found", "airgap.override", "airgap.cleared",
                   "airgap.found", "airgap.override"],
          "N2: the events in order: %s" % acts)
    ov = events(db, "airgap.override")
    check(len(ov) == 2 and ov[0]["user"] == "ro" and
          ov[0]["role"] == "ro" and
          ov[0]["data"].get("reason", "").startswith("the uplink") and
          "eth0" in ov[0]["data"].get("found", ""),
          "N2: the override names the RO, the reason and the finding")
    fd = events(db, "airgap.found")
    check(fd and fd[0]["user"] is None and "eth0" in
          fd[0]["data"].get("found", ""),
          "N2: airgap.found is the server's and says what it found")
    fb = events(db, "request.forbidden")
    check(any(e["user"] == "clerk1" and e["data"].get("path") ==
              "/api/v1/airgap/override" for e in fb),
          "N2: the clerk's override logged as request.forbidden")
    round_trip("n2", db)


ROUTE6_LO = ("00000000000000000000000000000000 00 "
             "00000000000000000000000000000000 00 "
             "00000000000000000000000000000000 ffffffff 00000001 00000000"
             " 00200200       lo\n")
ROUTE6_LAN = ("fe800000000000000000000000000000 40 "
              "00000000000000000000000000000000 00 "
              "00000000000000000000000000000000 00000100 00000001 00000000"
              " 00000001     eth0\n")
ROUTE6_DEFAULT = ("00000000000000000000000000000000 00 "
                  "00000000000000000000000000000000 00 "
                  "fe800000000000000000000000000001 00000400 00000001"
                  " 00000000 00450003     eth0\n")


def n4_ipv6():
    """N4: the IPv6 table: the kernel's unreachable ::/0 on lo and a
    link-local route are no way out; a default route on eth0 is."""
    db = ds.new_book("n4.db")
    ca = db + ".ca.pem"
    if not os.path.exists(ca):
        print("SKIP: N4 needs init's local CA")
        return
    rt, rt6 = os.path.join(ds.tmp, "n4-route"), os.path.join(ds.tmp,
                                                               "n4-route6")
    with open(rt, "w") as f:
        f.write(ROUTE_HDR + ROUTE_LAN)
    with open(rt6, "w") as f:
        f.write(ROUTE6_LAN + ROUTE6_LO)
    srv = ds.Server(db, ["--http-redirect", "0.0.0.0:%d" % ds.free_port()],
                    local_ca=True,
                    env={"TELLER_DESK_ROUTE_FILE": rt,
                         "TELLER_DESK_ROUTE6_FILE": rt6,
                         "TELLER_DESK_AIRGAP_S": "1",
                         "TELLER_DESK_AIRGAP_NAME": ""}).start()
    p = srv.port
    time.sleep(2.5)
    st, js = tls_call(p, ca, "POST", "login", {"username": "ro",
                      "password": RO_PW, "device": DEVICE})
    ro = js["token"] if st == 200 else ""
    st, js = tls_call(p, ca, "POST", "assignments", ASSIGN, ro)
    check(st == 201, "N4: lo's unreachable ::/0 blocks nothing: %d" % st)
    with open(rt6, "w") as f:
        f.write(ROUTE6_LAN + ROUTE6_DEFAULT + ROUTE6_LO)

    def refused():
        return tls_call(p, ca, "POST", "assignments", ASSIGN, ro)[0] == 503
    wait_for(refused, "N4: an IPv6 default route on eth0 blocks writes")
    srv.stop()
    fd = events(db, "airgap.found")
    check(len(fd) == 1 and "IPv6" in fd[0]["data"].get("found", "") and
          "eth0" in fd[0]["data"].get("found", ""),
          "N4: airgap.found names the IPv6 route: %s"
          % [e["data"] for e in fd])


def n3_loopback():
    """N3: every listener on loopback (tests, training): no check, so a
    default route blocks nothing."""
    db = ds.new_book("n3.db")
    rt = os.path.join(ds.tmp, "n3-route")
    with open(rt, "w") as f:
        f.write(ROUTE_HDR + ROUTE_DEFAULT)
    srv = ds.Server(db, observe=True,
                    env={"TELLER_DESK_ROUTE_FILE": rt,
                         "TELLER_DESK_AIRGAP_S": "1",
                         "TELLER_DESK_AIRGAP_NAME": ""}).start()
    time.sleep(2.5)
    ro = login(srv.port, "ro", RO_PW, DEVICE)[1]["token"]
    st = call(srv.port, "POST", "assignments", ASSIGN, ro)[0]
    check(st == 201, "N3: on loopback a write is saved: %d" % st)
    st, body = page(srv.port, "/login")
    check("banner airgap" not in body, "N3: no air-gap banner")
    srv.stop()
    check(not [e for e in events(db) if e["action"].startswith("airgap.")],
          "N3: no airgap event on loopback")


def main():
    try:
        only = os.environ.get("DESK_ONLY")
        for t in (n1_insecure, n2_airgap, n3_loopback, n4_ipv6):
            if only and t.__name__ != only:
                continue
            t()
    finally:
        if not os.environ.get("DESK_KEEP"):
            shutil.rmtree(ds.tmp, ignore_errors=True)
        else:
            print("kept", ds.tmp)
    print("%d passed, %d failed" % (ds.passed, ds.failed))
    return 1 if ds.failed else 0


if __name__ == "__main__":
    sys.exit(main())
