#!/usr/bin/python3
# desk_accounts.py -- accounts and devices (docs/desk.md §6.2, §7, §9.4's
# events, §10) over loopback, with desk_sec.py's server and client and
# desk_ops.py's book (the mayor plan with an ADMIN):
# U1 each route's 201 and its event, no password or token in the
# journal; U2 401 and 403 (clerk, agent, manager adding an ro or a
# manager, ADMIN on a count route); U3 409 and 400 (a username taken in
# any case, a second ro, a bad pattern, §8's required members);
# U4 a new account logs in with the password shown once and must change
# it; U5 a disabled account's live session ends, its login fails;
# U6 a revoked device's sessions end; U7 a restart, `verify` and
# `import` reproduce the accounts (an added manager's entry naming an
# added clerk replays); U8 the commands user add|disable and device
# add|revoke share the rules; U9 S-24's forms (the password shown once
# on the answering page); U10 the air-gap block refuses the API's
# account and device changes; U11 an added observer account reaches
# `observe` by the read model, and a disabled one leaves it;
# U12 Idempotency-Key on these calls: the key's row is written in the
# change's own transaction (a row that cannot be written leaves no
# event), its answer the event without the secret.
# Usage: desk_accounts.py BUILD_DIR. Prints "N passed, N failed".
import json
import os
import re
import sqlite3
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import desk_sec as ds  # noqa: E402  (its B comes from sys.argv too)
import desk_net as dn  # noqa: E402
import desk_ops as do  # noqa: E402

check, call, login, why = ds.check, ds.call, ds.login, ds.why
DEVICE, RO_PW = ds.DEVICE, ds.RO_PW
ADMIN_PW, MGR_PW, CLERK_PW = do.ADMIN_PW, do.MGR_PW, do.CLERK_PW
CLERK9 = {"username": "clerk9", "full_name": "Nina Ode", "role": "clerk",
          "staff_no": "C09", "tables": [1, {"table": 2,
                                            "role": "supervisor"}]}
MGR9 = {"username": "mgr9", "full_name": "Pat Lane", "role": "manager"}


def journal(db):
    return subprocess.run([ds.DESK, "export", db], capture_output=True,
                          text=True).stdout


def tokens(p):
    adm = login(p, "admin", ADMIN_PW, DEVICE)[1]["token"]
    mgr = login(p, "mgr", MGR_PW, DEVICE)[1]["token"]
    return adm, mgr


def u1_routes(p, db, adm):
    """U1: each route 201 with its event; secrets only in the answer."""
    secrets = []
    st, js, _ = call(p, "POST", "users", CLERK9, adm)
    ok = st == 201 and re.fullmatch(r"[a-z]+(-[a-z]+){3}",
                                    js.get("password", ""))
    check(ok, "U1: POST users: 201 and a generated password: %d %s"
          % (st, js))
    secrets.append(js.get("password", "-") if ok else "-")
    st, js, _ = call(p, "POST", "users/clerk9/password", {}, adm)
    check(st == 201 and js.get("password") and js["password"] !=
          secrets[0], "U1: POST users/U/password: 201, a new one: %d %s"
          % (st, js))
    secrets.append(js.get("password", "-") if st == 201 else "-")
    st, js, _ = call(p, "POST", "devices", {"name": "kiosk1",
                                            "roles": ["manager"]}, adm)
    ok = st == 201 and re.fullmatch(r"[0-9a-f]{64}", js.get("token", ""))
    check(ok, "U1: POST devices: 201 and a 64-hex token: %d %s" % (st, js))
    secrets.append(js["token"] if ok else "-")
    st, js, _ = call(p, "POST", "users", {
        "username": "rc9", "full_name": "Rae Cole", "role": "receipt",
        "password": "given-password-long-9",
        "must_change_password": False}, adm)
    check(st == 201 and "password" not in js,
          "U1: a given password is not echoed: %d %s" % (st, js))
    st, js, _ = call(p, "POST", "users/rc9/disable", {}, adm)
    check(st == 201 and isinstance(js.get("event"), int),
          "U1: POST users/U/disable: 201 {event}: %d %s" % (st, js))
    ev = [e for e in do.events(db) if e["action"].startswith(("user.",
                                                             "device."))]
    acts = [e["action"] for e in ev]
    check(acts == ["user.add", "user.password", "device.add", "user.add",
                   "user.disable"], "U1: the events in order: %s" % acts)
    check(all(e["user"] == "admin" and e["role"] == "admin" and
              e["entry"] is None for e in ev),
          "U1: events (no entries) by admin")
    check(ev and ev[0]["data"].get("tables") == [
        {"table": 1, "role": "clerk"}, {"table": 2, "role": "supervisor"}]
          and ev[0]["data"].get("staff_no") == "C09",
          "U1: user.add's data normalised: %s" % (ev[0]["data"] if ev
                                                 else None))
    text = journal(db)
    check(not any(s in text for s in secrets) and "given-password-long-9"
          not in text and '"password":"' not in text,
          "U1: no password or token in the journal (J5)")
    return secrets


def u2_refused(p, adm, mgr):
    """U2: 401 without a session; 403 role for a clerk, an agent, the
    manager beyond staff roles; ADMIN still has no count powers."""
    body = dict(CLERK9, username="clerk8")
    st, js, _ = call(p, "POST", "users", body)
    check(st == 401, "U2: no token: 401 (%d)" % st)
    clerk = login(p, "clerk1", CLERK_PW)[1]["token"]
    agent = login(p, "brown-ea", "agent-password-long-1")[1]["token"]
    for who, tok in (("a clerk", clerk), ("an agent", agent)):
        for path, b in (("users", body), ("users/clerk2/disable", {}),
                        ("devices", {"name": "k", "roles": ["clerk"]})):
            st, js, _ = call(p, "POST", path, b, tok)
            check(st == 403 and why(js) == "role",
                  "U2: %s POST %s: 403 role (%d %s)" % (who, path, st, js))
    st, js, _ = call(p, "POST", "users", {"wizard": 1}, clerk)
    check(st == 403 and why(js) == "role", "U2: a clerk's bad body: 403"
          " before the body (§9.1 order): %d" % st)
    for role in ("ro", "dro", "manager", "admin"):
        st, js, _ = call(p, "POST", "users", {
            "username": "x" + role, "full_name": "X", "role": role}, mgr)
        check(st == 403 and why(js) == "role",
              "U2: the manager adding a %s: 403 (%d %s)" % (role, st, js))
    st, js, _ = call(p, "POST", "users/dro/password", {}, mgr)
    check(st == 403, "U2: the manager resetting the DRO's: 403 (%d)" % st)
    st, js, _ = call(p, "POST", "users", {
        "username": "rcpt8", "full_name": "R", "role": "receipt",
        "tables": None}, mgr)
    check(st == 201, "U2: the manager adds a receipt account (tables"
          " null: absent): %d %s" % (st, js))
    st, js, _ = call(p, "POST", "assignments", ds.ASSIGN, adm)
    check(st == 403 and why(js) == "role",
          "U2: ADMIN on a count route: still 403 (%d %s)" % (st, js))


def u3_rules(p, adm):
    """U3: §8's rules: 409 taken in any case or a second ro; 400 the
    pattern, tables, agent; 404 no such user or device."""
    cases = (
        (dict(CLERK9, username="CLERK1"), 409, "a username taken, other"
         " case"),
        (dict(CLERK9), 409, "clerk9 again"),
        ({"username": "ro2", "full_name": "R", "role": "ro"}, 409,
         "a second ro"),
        (dict(CLERK9, username="Bad User"), 400, "a bad pattern"),
        (dict(CLERK9, username="c"), 400, "one character"),
        ({"username": "clerk7", "full_name": "C", "role": "clerk"}, 400,
         "a clerk without tables"),
        ({"username": "ag7", "full_name": "A", "role": "agent"}, 400,
         "an agent without agent"),
        ({"username": "ag7", "full_name": "A", "role": "agent",
          "agent": "zz"}, 400, "an agent not in the register"),
        (dict(CLERK9, username="clerk7", tables=[9]), 400, "no table 9"),
        ({"username": "adm2", "full_name": "Alex Morgan", "role": "admin"},
         409, "the RO's name as an admin"),
        (dict(CLERK9, username="clerk7", wizard=1), 400, "an unknown"
         " member"),
        (dict(CLERK9, username="clerk7", tables="1"), 400, "tables not a"
         " list"),
    )
    for body, want, what in cases:
        st, js, _ = call(p, "POST", "users", body, adm)
        check(st == want and js["error"]["message"],
              "U3: %s: %d (%d %s)" % (what, want, st, js))
    st, js, _ = call(p, "POST", "users/nobody/disable", {}, adm)
    check(st == 404, "U3: disable no such user: 404 (%d)" % st)
    st, js, _ = call(p, "POST", "users/ro/disable", {}, adm)
    check(st == 409, "U3: the ro account is never disabled (%d)" % st)
    st, js, _ = call(p, "POST", "users/clerk2/disable", {"x": 1}, adm)
    check(st == 400, "U3: a disable body not {}: 400 (%d)" % st)
    st, js, _ = call(p, "POST", "devices/none/revoke", {}, adm)
    check(st == 404, "U3: revoke no such device: 404 (%d)" % st)
    st, js, _ = call(p, "POST", "devices", {"name": "kiosk1",
                                            "roles": ["clerk"]}, adm)
    check(st == 409, "U3: a device enrolled already: 409 (%d)" % st)
    st, js, _ = call(p, "POST", "devices", {"name": "k2",
                                            "roles": ["wizard"]}, adm)
    check(st == 400, "U3: a device for no role: 400 (%d)" % st)


def u12_idempotency(p, db, adm):
    """U12: Idempotency-Key (§9.1): a repeat gets the first answer again
    without its secret (shown once) and changes nothing; another body
    with the key is 409."""
    body = {"name": "kiosk7", "roles": ["clerk"]}
    st, js, _ = call(p, "POST", "devices", body, adm, key="dev-kiosk7")
    st2, js2, hd = call(p, "POST", "devices", body, adm, key="dev-kiosk7")
    check(st == 201 and st2 == 201 and hd.get("Idempotency-Replayed") ==
          "true" and js2 == {"event": js.get("event")},
          "U12: the repeat: the first answer, no token (%d %s, %d %s)"
          % (st, js, st2, js2))
    st, js, _ = call(p, "POST", "devices", dict(body, name="kiosk8"), adm,
                     key="dev-kiosk7")
    check(st == 409 and js["error"]["code"] == "idempotency_conflict",
          "U12: another body with the key: 409 (%d)" % st)
    n = [e["data"].get("name") for e in do.events(db, "device.add")]
    check(n.count("kiosk7") == 1 and "kiosk8" not in n,
          "U12: one device.add: %s" % n)
    st, js, _ = call(p, "POST", "users/clerk2/disable", {}, adm, key="b@d")
    check(st == 400, "U12: a bad key: 400 (%d)" % st)
    u12_one_transaction(p, db, adm)


def idem_rows(db, key):
    con = sqlite3.connect(db)
    r = con.execute("SELECT user, entry, response FROM idem WHERE key = ?",
                    (key,)).fetchall()
    con.close()
    return r


def u12_one_transaction(p, db, adm):
    """U12: the key's row and the event are one transaction: with the
    row refused (a trigger on idem), the change is not saved (503, no
    event, no account); without it, one event and the row keeping
    {"event"} (no password), which a repeat gets."""
    dev = [e["seq"] for e in do.events(db, "device.add")
           if e["data"].get("name") == "kiosk7"]
    check(idem_rows(db, "dev-kiosk7") == [("admin", 0, json.dumps(
        {"event": dev[0] if dev else -1}, separators=(",", ":")))],
          "U12: the row of POST devices keeps {event} (%s, %s)" % (
              idem_rows(db, "dev-kiosk7"), dev))
    con = sqlite3.connect(db)
    con.execute("CREATE TRIGGER t_no_idem BEFORE INSERT ON idem BEGIN"
                " SELECT RAISE(ABORT, 'U12'); END")
    con.commit()
    con.close()
    body = dict(CLERK9, username="clerk12", staff_no="C12")
    st, js, _ = call(p, "POST", "users", body, adm, key="user-clerk12")
    added = [e for e in do.events(db, "user.add")
             if e["data"].get("username") == "clerk12"]
    check(st == 503 and not added and not idem_rows(db, "user-clerk12"),
          "U12: the key's row refused: not saved, no user.add (%d %s, %d)"
          % (st, js, len(added)))
    con = sqlite3.connect(db)
    con.execute("DROP TRIGGER t_no_idem")
    con.commit()
    con.close()
    st, js, _ = call(p, "POST", "users", body, adm, key="user-clerk12")
    st2, js2, hd = call(p, "POST", "users", body, adm, key="user-clerk12")
    added = [e["seq"] for e in do.events(db, "user.add")
             if e["data"].get("username") == "clerk12"]
    check(st == 201 and "password" in js and added == [js.get("event")] and
          st2 == 201 and js2 == {"event": js.get("event")} and
          hd.get("Idempotency-Replayed") == "true",
          "U12: then saved once; the repeat gets {event} (%d %s, %d %s, %s)"
          % (st, sorted(js), st2, js2, added))
    st, js, _ = call(p, "POST", "users", body, adm, key="user-clerk12b")
    check(st == 409, "U12: the account exists after all (%d)" % st)


def u4_first_login(p, pw):
    """U4: the shown password logs in; the account must change it."""
    st, js, _ = login(p, "clerk9", pw)
    check(st == 200 and js["user"]["must_change_password"] is True and
          js["user"]["tables"] == [{"table": 1, "role": "clerk"},
                                   {"table": 2, "role": "supervisor"}],
          "U4: clerk9 logs in with the password shown: %d %s" % (st, js))
    tok = js["token"] if st == 200 else ""
    st, js, _ = call(p, "GET", "election", token=tok)
    check(st == 403 and why(js) == "must_change_password",
          "U4: ... and must change it first (%d)" % st)
    st, js, _ = call(p, "POST", "password", {
        "old": pw, "new": "clerk9-password-long"}, tok)
    st2, _, _ = call(p, "GET", "election", token=tok)
    check(st == 204 and st2 == 200, "U4: changed, it reads (%d, %d)"
          % (st, st2))
    return tok


def u5_disable(p, adm, tok):
    """U5: disabling ends the live session; the login then fails."""
    st, js, _ = call(p, "POST", "users/clerk9/disable", {}, adm)
    check(st == 201, "U5: clerk9 disabled (%d %s)" % (st, js))
    st, js, _ = call(p, "GET", "session", token=tok)
    check(st == 401, "U5: its live session ended (%d)" % st)
    st, js, _ = login(p, "clerk9", "clerk9-password-long")
    check(st == 401, "U5: its login fails (%d)" % st)
    st, js, _ = call(p, "POST", "users/clerk9/disable", {}, adm)
    check(st == 409, "U5: disabled already: 409 (%d)" % st)


def u6_revoke(p, adm, token):
    """U6: a revoked device's sessions end at once."""
    st, js, _ = call(p, "POST", "users", MGR9, adm)
    pw = js.get("password", "") if st == 201 else ""
    st, js, _ = login(p, "mgr9", pw, token)
    tok = js["token"] if st == 200 else ""
    call(p, "POST", "password", {"old": pw, "new": "mgr9-password-long"},
         tok)
    st, js, _ = call(p, "GET", "session", token=tok)
    check(st == 200, "U6: mgr9 from the enrolled kiosk1 (%d)" % st)
    st, js, _ = call(p, "POST", "devices/kiosk1/revoke", {}, adm)
    check(st == 201, "U6: kiosk1 revoked (%d %s)" % (st, js))
    st, js, _ = call(p, "GET", "session", token=tok)
    check(st == 401, "U6: its session ended (%d)" % st)
    st, js, _ = login(p, "mgr9", "mgr9-password-long", token)
    check(st == 403 and why(js) == "device",
          "U6: its token no longer logs in (%d)" % st)


def u7_replay(db):
    """U7: an added manager's entry naming an added clerk survives a
    restart, verify and import (the same bytes exported)."""
    srv = ds.Server(db).start()
    p = srv.port
    st, js, _ = login(p, "mgr9", "mgr9-password-long", DEVICE)
    tok = js["token"] if st == 200 else ""
    st, js, _ = call(p, "POST", "assignments", {
        "user": "rcpt8", "table": 2, "role": "clerk"}, tok)
    check(st == 201, "U7: mgr9 (added) records an assignment of rcpt8"
          " (added): %d %s" % (st, js))
    srv.stop()
    srv = ds.Server(db).start()
    st, js, _ = login(srv.port, "mgr9", "mgr9-password-long", DEVICE)
    check(st == 200 and js["user"]["role"] == "manager",
          "U7: after a restart mgr9 logs in (%d)" % st)
    st, js, _ = login(srv.port, "clerk9", "clerk9-password-long")
    check(st == 401, "U7: ... and clerk9 is still disabled (%d)" % st)
    srv.stop()
    check(do.run("verify", db).returncode == 0, "U7: verify the book")
    jf = os.path.join(ds.tmp, "u7.jsonl")
    with open(jf, "w") as f:
        f.write(journal(db))
    check(do.run("verify", jf).returncode == 0, "U7: verify the journal")
    fresh = os.path.join(ds.tmp, "u7-import.db")
    r = do.run("import", fresh, jf)
    check(r.returncode == 0, "U7: import: %s" % r.stderr.strip())
    check(journal(fresh) == open(jf).read(),
          "U7: the imported book exports the same bytes")
    r = do.run("user", fresh, "password", "clerk9", "clerk9-password-new")
    con = ds.sq(fresh, "SELECT disabled FROM user WHERE username ="
                " 'clerk9'")
    check(r.returncode == 0 and con.stdout == "1\n",
          "U7: imported, clerk9 is still disabled: %r" % con.stdout)


def u8_commands():
    """U8: `user DB add JSON|-`, `disable`, `password`; `device` add and
    revoke: the API's rules and events."""
    db = do.new_book("u8.db")
    r = do.run("user", db, "add", json.dumps(CLERK9))
    m = re.fullmatch(r"password clerk9 ([a-z-]+)\n", r.stdout)
    check(r.returncode == 0 and m, "U8: user add prints the password: %r"
          % r.stdout)
    r = do.run("user", db, "add", json.dumps(dict(CLERK9,
                                                  username="Clerk9")))
    check(r.returncode == 1 and "taken" in r.stderr,
          "U8: taken in another case: exit 1 (%s)" % r.stderr.strip())
    r = do.run("user", db, "add", '{"username": "x"')
    check(r.returncode == 1 and "argument:" in r.stderr,
          "U8: bad JSON: exit 1 with where (%s)" % r.stderr.strip())
    r = subprocess.run([ds.DESK, "user", db, "add", "-"], input=json.dumps(
        {"username": "ro3", "full_name": "R", "role": "ro"}),
        capture_output=True, text=True)
    check(r.returncode == 1 and "one ro" in r.stderr,
          "U8: a second ro from stdin: exit 1 (%s)" % r.stderr.strip())
    r = do.run("user", db, "frob", "x")
    check(r.returncode == 2, "U8: bad usage: exit 2")
    r = do.run("user", db, "disable", "clerk9")
    check(r.returncode == 0 and not r.stdout, "U8: user disable")
    r = do.run("user", db, "disable", "nobody")
    check(r.returncode == 1, "U8: disable no such user: exit 1")
    acts = [e["action"] for e in do.events(db) if e["action"].startswith(
        "user.")]
    check(acts == ["user.add", "user.disable"], "U8: events %s" % acts)
    check(m is None or m.group(1) not in journal(db),
          "U8: the password is not in the journal")
    check(do.run("verify", db).returncode == 0, "U8: verify")


def u9_forms(p, adm, db):
    """U9: S-24: the forms, the generated password on the answering
    page only, a refusal shown on S-24."""
    st, body = do.page(p, "/admin?c=mayor", adm)
    forms = {f: re.search(r'<form[^>]*id="f-%s".*?</form>' % f, body, re.S)
             for f in ("uadd", "upassword", "udisable", "dadd", "drevoke")}
    check(st == 200 and all(forms.values()),
          "U9: S-24 has the five forms: %s" % [k for k, v in forms.items()
                                               if not v])
    if not all(forms.values()):
        return

    def vals(f, **kw):
        v = dict(re.findall(r'name="(\w+)" value="([^"]*)"',
                            forms[f].group(0)))
        v.update(kw)
        return v

    import http.client
    import urllib.parse
    c = http.client.HTTPConnection("127.0.0.1", p, timeout=30)
    c.request("POST", "/do", urllib.parse.urlencode(vals(
        "uadd", username="sup9", full_name="Sam Nine", role="supervisor",
        tables="2")), {"Cookie": "desk=" + adm, "Content-Type":
                       "application/x-www-form-urlencoded",
                       "Origin": "http://127.0.0.1:%d" % p})
    r = c.getresponse()
    page = r.read().decode()
    c.close()
    m = re.search(r'<code id="once-value">([a-z-]+)</code>', page)
    check(r.status == 200 and m and "no-store" in r.getheader(
        "Cache-Control", ""), "U9: the new password on the answering page"
          " (%d)" % r.status)
    st, js, _ = login(p, "sup9", m.group(1) if m else "")
    check(st == 200, "U9: sup9 logs in with it (%d)" % st)
    st, body = do.page(p, "/admin?c=mayor", adm)
    check(m is None or m.group(1) not in body, "U9: not shown again")
    st, _, hd = do.form_post(p, adm, vals("udisable", username="sup9"))
    check(st == 303 and hd.get("Location") == "/admin",
          "U9: disable on S-24: 303 (%d)" % st)
    st, _, _ = do.form_post(p, adm, vals("drevoke", name="nothere"))
    check(st == 404, "U9: a refusal is shown (%d)" % st)
    acts = [e["action"] for e in do.events(db)
            if e["action"].startswith(("user.", "device."))][-2:]
    check(acts == ["user.add", "user.disable"], "U9: events %s" % acts)


def u10_airgap():
    """U10: an air-gap finding not overridden refuses the API's account
    and device changes (503, §6.1), nothing changed."""
    db = do.new_book("u10.db")
    ca = db + ".ca.pem"
    rt = os.path.join(ds.tmp, "u10-route")
    with open(rt, "w") as f:
        f.write(dn.ROUTE_HDR + dn.ROUTE_LAN + dn.ROUTE_DEFAULT)
    srv = ds.Server(db, ["--http-redirect", "0.0.0.0:%d" % ds.free_port()],
                    local_ca=True,
                    env={"TELLER_DESK_ROUTE_FILE": rt,
                         "TELLER_DESK_AIRGAP_S": "1",
                         "TELLER_DESK_AIRGAP_NAME": ""}).start()
    p = srv.port
    dn.wait_for(lambda: do.events_live(db), "U10: airgap.found")
    st, js = dn.tls_call(p, ca, "POST", "login", {
        "username": "admin", "password": ADMIN_PW, "device": DEVICE})
    adm = js["token"] if st == 200 else ""
    for path, b in (("users", CLERK9), ("users/clerk1/password", {}),
                    ("users/clerk1/disable", {}),
                    ("devices", {"name": "k9", "roles": ["clerk"]}),
                    ("devices/ro-laptop/revoke", {})):
        st, js = dn.tls_call(p, ca, "POST", path, b, adm)
        check(st == 503 and js["error"].get("rule") == "§6.1",
              "U10: POST %s refused while blocked: %d %s" % (path, st, js))
    srv.stop()
    r = do.run("user", db, "add", json.dumps(CLERK9))
    check(r.returncode == 1 and "§6.1" in r.stderr,
          "U10: `user add` refused while blocked (%s)" % r.stderr.strip())
    acts = [e["action"] for e in do.events(db)
            if e["action"].startswith(("user.", "device."))]
    check(acts == [], "U10: nothing changed: %s" % acts)


def u11_observe():
    """U11: an added observer account reaches `observe` through the read
    model; disabled, its observer session ends and it logs in no more."""
    db = do.new_book("u11.db")
    srv = ds.Server(db, observe=True).start()
    adm = login(srv.port, "admin", ADMIN_PW, DEVICE)[1]["token"]
    st, js, _ = call(srv.port, "POST", "users", {
        "username": "ec.obs", "full_name": "E C", "role": "observer",
        "password": "observer-password-9", "must_change_password": False},
        adm)
    check(st == 201, "U11: an observer account added (%d %s)" % (st, js))
    box = {}

    def obs_login():
        st, js, _ = login(srv.oport, "ec.obs", "observer-password-9")
        box["tok"] = js["token"] if st == 200 else None
        return st == 200

    dn.wait_for(obs_login, "U11: the observer logs in on observe")
    check(box.get("tok") is not None, "U11: on observe")
    st, js, _ = call(srv.port, "POST", "users/ec.obs/disable", {}, adm)
    check(st == 201, "U11: disabled (%d)" % st)
    dn.wait_for(lambda: call(srv.oport, "GET", "session",
                             token=box.get("tok"))[0] == 401,
                "U11: its observer session ends")
    st, js, _ = login(srv.oport, "ec.obs", "observer-password-9")
    check(st == 401, "U11: its observe login fails (%d)" % st)
    srv.stop()


def main():
    try:
        db = do.new_book("u.db")
        srv = ds.Server(db).start()
        p = srv.port
        adm, mgr = tokens(p)
        secrets = u1_routes(p, db, adm)
        u2_refused(p, adm, mgr)
        u3_rules(p, adm)
        u12_idempotency(p, db, adm)
        tok = u4_first_login(p, secrets[1])
        u5_disable(p, adm, tok)
        u6_revoke(p, adm, secrets[2])
        u9_forms(p, adm, db)
        srv.stop()
        u7_replay(db)
        u8_commands()
        u10_airgap()
        u11_observe()
    finally:
        rc = ds.finish()
    return rc


if __name__ == "__main__":
    sys.exit(main())
