#!/usr/bin/python3
# desk_ops.py -- teller-desk's operations (docs/desk.md §4.2, §6.1,
# §6.4, §6.6) over loopback, with desk_sec.py's server and client:
# O1 `backup` copies the local CA's files beside the backup with their
# modes, `restore` puts them back and refuses a different CA in the
# way; O2 serve --backup-dir: a checked backup per period
# (TELLER_DESK_BACKUP_S), none while nothing changed, one at a contest
# transition, each a backup.made event with its chain head; a failing
# backup is an alarm on the MANAGER and ADMIN screens, serve goes on;
# O3 free disk below the floor (TELLER_DESK_DISK_FLOOR) is a warning on
# MANAGER and ADMIN screens; the ballast made by init, deleted by ADMIN
# only (S-24's form or POST ballast/delete), lifting a full disk's
# read-only state; O4 `tls DB renew`: a new server certificate from the
# same CA, refused while serve runs or for a name outside the CA's,
# serve's warning when it expires within 30 days; O5 the air-gap block
# survives a restart, and blocks account and device changes; O6 the
# certificate's expiry checked while serving, not only at start; O7
# --backup-keep prunes serve's own older backups, never the newest, a
# transition's or a file serve did not make; O8 serve's start-up check
# walks the chain from the last backup's checkpoint; O9 restore takes
# the target's lock; O10 write latency while serve backs up a large book
# (DESK_BIG_EVENTS padding events, bigbook.py).
# Usage: desk_ops.py BUILD_DIR. Prints "N passed, N failed".
import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import desk_sec as ds  # noqa: E402  (its B comes from sys.argv too)
import desk_net as dn  # noqa: E402
import bigbook  # noqa: E402
import threading  # noqa: E402

check, call, login = ds.check, ds.call, ds.login
DESK, RO_PW, DEVICE, ASSIGN = ds.DESK, ds.RO_PW, ds.DEVICE, ds.ASSIGN
ADMIN_PW = "admin-password-long-1"
MGR_PW = "mgr-password-long-1"
CLERK_PW = "clerk1-password-long"
CA_FILES = (".ca.pem", ".ca.key", ".server.pem", ".server.key")


def run(*args):
    return subprocess.run([DESK] + list(args), capture_output=True,
                          text=True)


def admin_plan():
    """plan-mayor with an ADMIN whose device is enrolled."""
    p = os.path.join(ds.tmp, "plan-admin.json")
    if not os.path.exists(p):
        with open(ds.PLAN) as f:
            plan = json.load(f)
        plan["users"].append({"username": "admin", "role": "admin",
                              "full_name": "Desk Admin",
                              "password": ADMIN_PW,
                              "must_change_password": False})
        plan["devices"][0]["roles"].append("admin")
        with open(p, "w") as f:
            json.dump(plan, f)
    return p


def new_book(name):
    db = os.path.join(ds.tmp, name)
    r = run("init", db, "--plan", admin_plan())
    assert r.returncode == 0, r.stderr
    return db


def events(db, action=None):
    return [e for e in ds.entries(db)
            if action is None or e["action"] == action]


def page(port, path, token, ca=None):
    h = {"Cookie": ("__Host-desk=" if ca else "desk=") + token}
    if ca:
        st, raw, _ = ds.tls_get(port, ca, path, headers=h)
        return st, raw
    st, raw, _ = call(port, "GET", path, headers=h, raw_path=True)
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    return st, raw if isinstance(raw, str) else json.dumps(raw)


def tls_login_ro(port, ca):
    """The RO's token, logged in over TLS with the CA ca ("" if not)."""
    st, js, _ = ds.tls_get(port, ca, "/api/v1/login", "POST",
                           json.dumps({"username": "ro", "password": RO_PW,
                                       "device": DEVICE}),
                           {"Content-Type": "application/json"})
    return json.loads(js)["token"] if st == 200 else ""


def mode(p):
    return stat.S_IMODE(os.stat(p).st_mode)


def last_event(db):
    con = sqlite3.connect(db)
    r = con.execute("SELECT seq, hash FROM event ORDER BY seq DESC"
                    " LIMIT 1").fetchone()
    con.close()
    return r


def o1_backup_ca():
    """O1: backup copies DB.ca.pem, .ca.key, .server.pem, .server.key
    beside the backup with the same modes; restore puts them back;
    a different CA file where restore would write: refused, nothing
    made."""
    db = new_book("o1.db")
    bdir = os.path.join(ds.tmp, "o1-backups")
    os.mkdir(bdir)
    r = run("backup", db, bdir)
    bk = r.stdout.split()[0] if r.returncode == 0 else ""
    check(r.returncode == 0 and os.path.exists(bk),
          "O1: backup: %s" % r.stderr)
    for sfx in CA_FILES:
        ok = os.path.exists(bk + sfx) and \
            open(bk + sfx, "rb").read() == open(db + sfx, "rb").read() \
            and mode(bk + sfx) == mode(db + sfx)
        check(ok, "O1: %s beside the backup, same bytes and mode" % sfx)
    check(mode(bk + ".ca.key") == 0o600 and
          mode(bk + ".server.key") == 0o600 and mode(bk) == 0o600,
          "O1: the keys and the copy of the book are 0600")
    out = os.path.join(ds.tmp, "o1-restored.db")
    r = run("restore", bk, out)
    check(r.returncode == 0 and run("verify", out).returncode == 0,
          "O1: restore: %s" % r.stderr)
    for sfx in CA_FILES:
        check(os.path.exists(out + sfx) and open(out + sfx, "rb").read()
              == open(db + sfx, "rb").read() and
              mode(out + sfx) == mode(db + sfx),
              "O1: restore puts %s back, same bytes and mode" % sfx)
    # the restored book serves with its CA: the terminals' CA works
    srv = ds.Server(out, local_ca=True).start()
    st, _, _ = ds.tls_get(srv.port, db + ".ca.pem", "/login")
    check(st == 200, "O1: the restored book serves with the same CA")
    srv.stop()
    # another CA where restore would put the backup's: refused
    out2 = os.path.join(ds.tmp, "o1-other.db")
    other = new_book("o1-x.db")
    shutil.copy(other + ".ca.pem", out2 + ".ca.pem")
    r = run("restore", bk, out2)
    check(r.returncode == 1 and not os.path.exists(out2) and
          "ca.pem" in r.stderr and not os.path.exists(out2 + ".ca.key"),
          "O1: a different CA in the way: refused, nothing made: %d %s"
          % (r.returncode, r.stderr.strip()))


def backups(bdir):
    return sorted(f for f in os.listdir(bdir) if f.endswith(".db"))


def o2_serve_backups():
    """O2: serve --backup-dir: a backup each period, checked, named after
    its last event, backup.made with that event's hash; none while
    nothing changed; one at a contest transition with a long period; a
    failing backup: an alarm on the MANAGER and ADMIN screens only, and
    serve goes on."""
    db = new_book("o2.db")
    bdir = os.path.join(ds.tmp, "o2-backups")
    os.mkdir(bdir)
    r = run("serve", db, "--listen", "127.0.0.1:1", "--insecure-http",
            "--backup-dir", os.path.join(ds.tmp, "no-such-dir"))
    check(r.returncode == 2 and "--backup-dir" in r.stderr,
          "O2: a missing --backup-dir: exit 2: %d %s"
          % (r.returncode, r.stderr.strip()))
    srv = ds.Server(db, ["--backup-dir", bdir],
                    env={"TELLER_DESK_BACKUP_S": "1"}).start()
    dn.wait_for(lambda: backups(bdir), "O2: serve makes a backup")
    time.sleep(3)
    made = backups(bdir)
    check(len(made) == 1, "O2: nothing changed, no second backup: %s"
          % made)
    ro = login(srv.port, "ro", RO_PW, DEVICE)[1]["token"]
    st = call(srv.port, "POST", "assignments", ASSIGN, ro)[0]
    check(st == 201, "O2: a write: %d" % st)
    dn.wait_for(lambda: len(backups(bdir)) == 2,
                "O2: a backup after a write, within the period")
    srv.stop()
    bm = events(db, "backup.made")
    check(len(bm) == 2, "O2: a backup.made per backup: %d" % len(bm))
    allev = {e["seq"]: e for e in ds.entries(db)}
    for e in bm:
        f = e["data"].get("file", "")
        seq, h = last_event(f) if os.path.exists(f) else (None, None)
        check(os.path.isabs(f) and seq == e["data"].get("seq") and
              h == e["data"].get("hash") and seq in allev and
              allev[seq]["hash"] == h and e["seq"] > seq,
              "O2: backup.made names %s, its last seq and chain head"
              % os.path.basename(f))
        check(run("verify", f).returncode == 0 and
              os.path.exists(f + ".ca.key"),
              "O2: the backup verifies, its CA beside it")
    check(not [f for f in os.listdir(bdir) if "partial" in f],
          "O2: no .partial file left")
    # a contest transition: a backup at once, though the period is long
    srv = ds.Server(db, ["--backup-dir", bdir],
                    env={"TELLER_DESK_BACKUP_S": "3600"}).start()
    ro = login(srv.port, "ro", RO_PW, DEVICE)[1]["token"]
    n0 = len(backups(bdir))
    st = call(srv.port, "POST", "assignments", {"user": "clerk2", "table":
              2, "role": "clerk"}, ro)[0]
    time.sleep(2.5)
    check(st == 201 and len(backups(bdir)) == n0,
          "O2: a write without a transition waits for the period")
    st, js, _ = call(srv.port, "POST", "plan/approve", {}, ro)
    check(st == 201, "O2: the plan approved (SETUP -> READY): %d %s"
          % (st, js))
    dn.wait_for(lambda: len(backups(bdir)) == n0 + 1,
                "O2: a backup at the contest transition")
    # a failing backup: the directory gone
    shutil.rmtree(bdir)
    st = call(srv.port, "POST", "assignments", {"user": "clerk2", "table":
              1, "role": "clerk"}, ro)[0]
    st, js, _ = call(srv.port, "POST", "poll/close", {}, ro)
    check(st == 201, "O2: the poll closed (a transition): %d %s"
          % (st, js))
    adm = login(srv.port, "admin", ADMIN_PW, DEVICE)[1]["token"]
    mgr = login(srv.port, "mgr", MGR_PW, DEVICE)[1]["token"]
    clerk = login(srv.port, "clerk1", CLERK_PW)[1]["token"]
    dn.wait_for(lambda: "BACKUP FAILED" in page(srv.port, "/admin?c=mayor",
                                                adm)[1],
                "O2: the failed backup on ADMIN's screen")
    check("BACKUP FAILED" in page(srv.port, "/?c=mayor", mgr)[1],
          "O2: ... and on the MANAGER's")
    check("BACKUP FAILED" not in page(srv.port, "/?c=mayor", clerk)[1],
          "O2: not on a clerk's")
    st = call(srv.port, "POST", "assignments", {"user": "clerk3", "table":
              2, "role": "clerk"}, ro)[0]
    check(st == 201, "O2: serve goes on after a failed backup: %d" % st)
    srv.stop()
    with open(os.path.join(ds.tmp, "serve.log"), "rb") as f:
        check(b"teller-desk: backup: " in f.read(),
              "O2: the failure said on stderr")
    check(run("verify", db).returncode == 0, "O2: the book verifies")


def o3_disk():
    """O3: below the floor a warning on MANAGER and ADMIN screens (not a
    clerk's); the ballast from init is 64 MiB; only ADMIN deletes it
    (the API and S-24's form), then 409; serve's start makes it again
    when there is room."""
    db = new_book("o3.db")
    bal = db + ".ballast"
    check(os.path.exists(bal) and os.path.getsize(bal) == 64 << 20 and
          os.stat(bal).st_blocks * 512 >= 64 << 20,
          "O3: init made a 64 MiB ballast, blocks allocated")
    srv = ds.Server(db, env={"TELLER_DESK_DISK_FLOOR": str(1 << 62),
                             "TELLER_DESK_DISK_S": "1"}).start()
    p = srv.port
    adm = login(p, "admin", ADMIN_PW, DEVICE)[1]["token"]
    mgr = login(p, "mgr", MGR_PW, DEVICE)[1]["token"]
    clerk = login(p, "clerk1", CLERK_PW)[1]["token"]
    st, body = page(p, "/admin?c=mayor", adm)
    check(st == 200 and "LOW DISK" in body and 'class="banner ops"' in
          body, "O3: the low-disk warning on ADMIN's screen: %d" % st)
    check("LOW DISK" in page(p, "/?c=mayor", mgr)[1],
          "O3: ... and on the MANAGER's")
    check("LOW DISK" not in page(p, "/?c=mayor", clerk)[1],
          "O3: not on a clerk's")
    form = re.search(r'<form[^>]*id="f-ballast".*?</form>', body, re.S)
    check(form is not None and "64 MiB" in body,
          "O3: S-24 shows ADMIN the ballast and its form")
    check('id="f-ballast"' not in page(p, "/admin?c=mayor", mgr)[1],
          "O3: no ballast form for the manager")
    st, js, _ = call(p, "POST", "ballast/delete", {}, mgr)
    check(st == 403 and os.path.exists(bal),
          "O3: the manager may not delete the ballast: %d" % st)
    st, js, _ = call(p, "POST", "ballast/delete", {"x": 1}, adm)
    check(st == 400 and os.path.exists(bal), "O3: a body not {}: 400")
    vals = dict(re.findall(r'name="(\w+)" value="([^"]*)"',
                           form.group(0))) if form else {}
    st, _, hd = form_post(p, adm, vals)
    check(st == 303 and hd.get("Location") == "/admin" and
          not os.path.exists(bal),
          "O3: ADMIN deletes the ballast on S-24: %d" % st)
    st, js, _ = call(p, "POST", "ballast/delete", {}, adm)
    check(st == 409, "O3: no ballast left: 409 (%d)" % st)
    st, body = page(p, "/admin?c=mayor", adm)
    check("Ballast: none" in body, "O3: S-24 says there is none")
    srv.stop()
    ev = events(db, "ballast.deleted")
    check(len(ev) == 1 and ev[0]["user"] == "admin" and
          ev[0]["data"].get("bytes") == 64 << 20,
          "O3: one ballast.deleted event by admin: %s"
          % [e["data"] for e in ev])
    fb = [e for e in events(db, "request.forbidden")
          if e["data"].get("path") == "/api/v1/ballast/delete"]
    check(len(fb) == 1 and fb[0]["user"] == "mgr",
          "O3: the manager's try logged as request.forbidden")
    with open(os.path.join(ds.tmp, "serve.log"), "rb") as f:
        check(b"LOW DISK" in f.read(), "O3: the warning said on stderr")
    # too little room: serve's start does not take it again
    srv = ds.Server(db, env={"TELLER_DESK_DISK_FLOOR": str(1 << 62)})
    srv.start()
    srv.stop()
    check(not os.path.exists(bal),
          "O3: below the floor, serve's start makes no ballast")
    srv = ds.Server(db, env={"TELLER_DESK_DISK_FLOOR": "0"}).start()
    st, body = page(srv.port, "/admin?c=mayor",
                    login(srv.port, "admin", ADMIN_PW, DEVICE)[1]["token"])
    check(os.path.exists(bal) and "LOW DISK" not in body,
          "O3: with room, serve's start makes the ballast again")
    srv.stop()
    check(run("verify", db).returncode == 0, "O3: the book verifies")


def o3_full_tmpfs():
    """O3 (F3 on a real full disk, as root): a book on a 96 MiB tmpfs,
    filled: 507, read-only; ADMIN deletes the ballast: writable again,
    the refused entry resent is saved, ballast.deleted in the book."""
    mnt = os.path.join(ds.tmp, "o3fs")
    os.mkdir(mnt)
    if os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=96m", "tmpfs", mnt],
            capture_output=True).returncode != 0:
        print("SKIP: O3 full disk needs root and a tmpfs mount")
        return
    srv = None
    try:
        db = os.path.join(mnt, "o3f.db")
        r = run("init", db, "--plan", admin_plan())
        check(r.returncode == 0 and os.path.exists(db + ".ballast"),
              "O3: a book and its ballast on the tmpfs: %s" % r.stderr)
        srv = ds.Server(db).start()
        p = srv.port
        ro = login(p, "ro", RO_PW, DEVICE)[1]["token"]
        adm = login(p, "admin", ADMIN_PW, DEVICE)[1]["token"]
        fd = os.open(os.path.join(mnt, "filler"), os.O_WRONLY |
                     os.O_CREAT, 0o600)
        try:
            while os.write(fd, b"\0" * 4096) > 0:
                pass
        except OSError:
            pass
        os.close(fd)
        last = None
        for i in range(2000):
            last = call(p, "POST", "assignments", ASSIGN, ro, "o3f-%d" % i)
            if last[0] != 201:
                break
        check(last[0] == 507 and call(p, "GET", "health")[1]["read_only"],
              "O3: the full disk: 507, read-only (%d)" % last[0])
        st, js, _ = call(p, "POST", "ballast/delete", {}, adm)
        check(st == 201 and not os.path.exists(db + ".ballast"),
              "O3: ADMIN deletes the ballast: %d %s" % (st, js))
        check(call(p, "GET", "health")[1]["read_only"] is False,
              "O3: writable again")
        st = call(p, "POST", "assignments", ASSIGN, ro, "o3f-%d" % i)[0]
        check(st == 201, "O3: the refused entry resent: 201 (%d)" % st)
        srv.stop()
        os.unlink(os.path.join(mnt, "filler"))
        check(len(events(db, "ballast.deleted")) == 1 and
              run("verify", db).returncode == 0,
              "O3: ballast.deleted in the book; verify passes")
    finally:
        if srv and srv.proc.poll() is None:
            srv.proc.kill()
            srv.proc.wait()
        subprocess.run(["umount", mnt])


def form_post(port, tok, vals):
    import http.client
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("POST", "/do", urllib.parse.urlencode(vals), {
        "Cookie": "desk=" + tok,
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": "http://127.0.0.1:%d" % port})
    r = c.getresponse()
    r.read()
    c.close()
    return r.status, None, dict(r.getheaders())


def o4_renew():
    """O4: tls renew: a new server certificate and key from the same CA
    (its bytes and fingerprint kept), the names of the old one; refused
    while serve runs; a name outside the CA's refused, nothing changed;
    --days 10: serve warns on stderr and in a banner; terminals with
    the CA still connect; a tls.renew event."""
    db = new_book("o4.db")
    ca = db + ".ca.pem"
    ca_before = open(ca, "rb").read()
    srv_before = open(db + ".server.pem", "rb").read()
    srv = ds.Server(db, local_ca=True).start()
    r = run("tls", db, "renew")
    check(r.returncode != 0 and "in use" in r.stderr and
          open(db + ".server.pem", "rb").read() == srv_before,
          "O4: refused while serve holds the book: %d %s"
          % (r.returncode, r.stderr.strip()))
    srv.stop()
    r = run("tls", db, "renew", "--san", "other.example")
    check(r.returncode == 1 and "other.example" in r.stderr and
          open(db + ".server.pem", "rb").read() == srv_before,
          "O4: a name outside the CA's: refused: %s" % r.stderr.strip())
    r = run("tls", db, "renew", "--days", "0")
    check(r.returncode == 2, "O4: --days 0: usage (%d)" % r.returncode)
    r = run("tls", db, "renew", "--days", "10")
    out = dict(ln.split(" ", 1) for ln in r.stdout.splitlines() if " " in ln)
    check(r.returncode == 0 and open(ca, "rb").read() == ca_before and
          open(db + ".server.pem", "rb").read() != srv_before and
          mode(db + ".server.key") == 0o600,
          "O4: renewed, the CA kept: %s" % r.stderr)
    fp = subprocess.run(["openssl", "x509", "-noout", "-fingerprint",
                         "-sha256", "-in", ca], capture_output=True,
                        text=True).stdout.strip().split("=")[-1] \
        if shutil.which("openssl") else out.get("ca-sha256")
    check(out.get("ca-sha256") == fp, "O4: the CA's fingerprint kept")
    ev = events(db, "tls.renew")
    check(len(ev) == 1 and "localhost" in ev[0]["data"].get("names", []) and
          "127.0.0.1" in ev[0]["data"].get("names", []),
          "O4: a tls.renew event with the old names: %s"
          % [e["data"] for e in ev])
    srv = ds.Server(db, local_ca=True).start()
    st, body, _ = ds.tls_get(srv.port, ca, "/login")
    check(st == 200, "O4: a terminal with the CA connects: %d" % st)
    tok = tls_login_ro(srv.port, ca)
    st, body = page(srv.port, "/?c=mayor", tok, ca)
    check("SERVER CERTIFICATE EXPIRES ON" in body,
          "O4: the RO's screen warns of the expiry")
    srv.stop()
    with open(os.path.join(ds.tmp, "serve.log"), "rb") as f:
        check(b"EXPIRES ON" in f.read(), "O4: serve says so on stderr")
    r = run("tls", db, "renew")
    srv = ds.Server(db, local_ca=True).start()
    st, body = page(srv.port, "/login", "", ca)
    srv.stop()
    with open(os.path.join(ds.tmp, "serve.log"), "rb") as f:
        log = f.read()
    check(r.returncode == 0 and log.count(b"EXPIRES ON") == 1,
          "O4: renewed for 397 days: no warning")
    check(run("verify", db).returncode == 0, "O4: the book verifies")


def o5_airgap_restart():
    """O5: an airgap.found not overridden still blocks after a restart
    (count writes, password changes, the user and device commands);
    the route gone at the restart is airgap.cleared, the block stays;
    the RO's override lifts it for good."""
    db = new_book("o5.db")
    ca = db + ".ca.pem"
    rt = os.path.join(ds.tmp, "o5-route")
    with open(rt, "w") as f:
        f.write(dn.ROUTE_HDR + dn.ROUTE_LAN + dn.ROUTE_DEFAULT)
    env = {"TELLER_DESK_ROUTE_FILE": rt, "TELLER_DESK_AIRGAP_S": "1",
           "TELLER_DESK_AIRGAP_NAME": ""}

    def server():
        return ds.Server(db, ["--http-redirect", "0.0.0.0:%d"
                              % ds.free_port()], local_ca=True,
                         env=env).start()

    srv = server()
    dn.wait_for(lambda: events_live(db), "O5: airgap.found")
    srv.stop()
    # the route is gone when serve starts again: the block stays
    with open(rt, "w") as f:
        f.write(dn.ROUTE_HDR + dn.ROUTE_LAN)
    srv = server()
    p = srv.port
    st, js = dn.tls_call(p, ca, "POST", "login", {
        "username": "ro", "password": RO_PW, "device": DEVICE})
    ro = js["token"] if st == 200 else ""
    st, js = dn.tls_call(p, ca, "POST", "assignments", ASSIGN, ro)
    check(st == 503 and js["error"].get("rule") == "§6.1",
          "O5: after a restart count writes are still refused: %d" % st)
    st, body = page(p, "/login", "", ca)
    check("banner airgap" in body, "O5: the banner after the restart")
    st, js = dn.tls_call(p, ca, "POST", "password", {
        "old": RO_PW, "new": "a-new-password-long-2"}, ro)
    check(st == 503 and js["error"].get("rule") == "§6.1",
          "O5: a password change refused while blocked: %d %s" % (st, js))
    srv.stop()
    for args in (("device", db, "add", "kiosk9", "clerk"),
                 ("device", db, "revoke", "ro-laptop"),
                 ("user", db, "password", "clerk1", "another-password-9")):
        r = run(*args)
        check(r.returncode == 1 and "§6.1" in r.stderr,
              "O5: `%s` refused while blocked: %d %s"
              % (" ".join(args[:1] + args[2:3]), r.returncode,
                 r.stderr.strip()))
    check(run("device", db, "list").returncode == 0,
          "O5: device list still works")
    acts = [e["action"] for e in events(db)
            if e["action"].startswith(("airgap.", "device.", "user."))]
    check(acts == ["airgap.found", "airgap.cleared"],
          "O5: nothing changed, the finding and its clearing: %s" % acts)
    srv = server()
    p = srv.port
    st, js = dn.tls_call(p, ca, "POST", "login", {
        "username": "ro", "password": RO_PW, "device": DEVICE})
    ro = js["token"] if st == 200 else ""
    st, js = dn.tls_call(p, ca, "POST", "airgap/override",
                         {"reason": "the uplink was the printer's"}, ro)
    check(st == 201, "O5: the RO overrides after the restart: %d" % st)
    srv.stop()
    srv = server()
    p = srv.port
    st, js = dn.tls_call(p, ca, "POST", "login", {
        "username": "ro", "password": RO_PW, "device": DEVICE})
    ro = js["token"] if st == 200 else ""
    st, js = dn.tls_call(p, ca, "POST", "assignments", ASSIGN, ro)
    check(st == 201, "O5: overridden, a restart takes writes: %d" % st)
    srv.stop()
    r = run("device", db, "add", "kiosk9", "clerk")
    check(r.returncode == 0, "O5: overridden, a device enrolled: %s"
          % r.stderr)
    check(run("verify", db).returncode == 0, "O5: the book verifies")


def serve_log_from(at):
    """serve.log's text from byte at (the servers append to it)."""
    with open(os.path.join(ds.tmp, "serve.log"), "rb") as f:
        f.seek(at)
        return f.read().decode("utf-8", "replace")


def serve_log_size():
    p = os.path.join(ds.tmp, "serve.log")
    return os.path.getsize(p) if os.path.exists(p) else 0


def o6_cert_expiry_live():
    """O6: the certificate's expiry is checked while serving: a server
    certificate with 30 days and 20 s left (tls renew under the
    test-only TELLER_DESK_TLS_VALID_S) is no warning at start; with the
    check every second (TELLER_DESK_TLS_CHECK_S, an hour by default)
    the banner comes on the RO's screen, and the warning once on
    stderr, when it crosses the 30-day line, without a restart."""
    db = new_book("o6.db")
    ca = db + ".ca.pem"
    env = dict(os.environ, TELLER_DESK_TLS_VALID_S=str(30 * 86400 + 20))
    r = subprocess.run([DESK, "tls", db, "renew"], capture_output=True,
                       text=True, env=env)
    check(r.returncode == 0, "O6: renewed short: %s" % r.stderr)
    at = serve_log_size()
    srv = ds.Server(db, local_ca=True,
                    env={"TELLER_DESK_TLS_CHECK_S": "1"}).start()
    tok = tls_login_ro(srv.port, ca)
    st, body = page(srv.port, "/?c=mayor", tok, ca)
    check(st == 200 and "SERVER CERTIFICATE" not in body and
          "EXPIRES ON" not in serve_log_from(at),
          "O6: 30 days and seconds left at start: no warning")
    dn.wait_for(lambda: "SERVER CERTIFICATE EXPIRES ON" in
                page(srv.port, "/?c=mayor", tok, ca)[1],
                "O6: the banner comes while serving", timeout=40)
    time.sleep(2)
    srv.stop()
    check(serve_log_from(at).count("EXPIRES ON") == 1,
          "O6: said once on stderr, not every check: %r"
          % serve_log_from(at)[-300:])
    check(run("verify", db).returncode == 0, "O6: the book verifies")


def o7_backup_keep():
    """O7: serve --backup-keep 2: after each backup serve's own backups
    beyond the newest two go, with their CA files; the one made at a
    contest transition (backup.made "transition": true) stays; a
    `teller-desk backup` copy and a stranger's file in the directory
    stay; --backup-keep without --backup-dir, or not a number: exit
    2."""
    db = new_book("o7.db")
    bdir = os.path.join(ds.tmp, "o7-backups")
    os.mkdir(bdir)
    for bad in (["--backup-keep", "2"],
                ["--backup-dir", bdir, "--backup-keep", "-1"],
                ["--backup-dir", bdir, "--backup-keep", "two"]):
        r = run("serve", db, "--listen", "127.0.0.1:1", "--insecure-http",
                *bad)
        check(r.returncode == 2 and "--backup-keep" in r.stderr,
              "O7: %s: exit 2: %d %s" % (" ".join(bad), r.returncode,
                                          r.stderr.strip()))
    r = run("backup", db, bdir)
    manual = r.stdout.split()[0] if r.returncode == 0 else ""
    stranger = os.path.join(bdir, "count-999999.db")
    with open(stranger, "w") as f:
        f.write("not a backup serve made\n")
    srv = ds.Server(db, ["--backup-dir", bdir, "--backup-keep", "2"],
                    env={"TELLER_DESK_BACKUP_S": "1"}).start()
    ro = login(srv.port, "ro", RO_PW, DEVICE)[1]["token"]
    n = [0]

    def made():
        return len(events_live_all(db, "backup.made"))

    def write_and_wait(path, body):
        n0 = made()
        st = call(srv.port, "POST", path, body, ro)[0]
        check(st == 201, "O7: POST %s: %d" % (path, st))
        dn.wait_for(lambda: made() > n0, "O7: a backup after POST %s"
                    % path)
        n[0] += 1

    dn.wait_for(lambda: made() == 1, "O7: the first backup")
    write_and_wait("plan/approve", {})      # a transition
    for u, t in (("clerk2", 2), ("clerk2", 1), ("clerk3", 2)):
        write_and_wait("assignments", {"user": u, "table": t,
                                       "role": "clerk"})
    time.sleep(1.5)
    srv.stop()
    bm = events(db, "backup.made")
    files = [e["data"]["file"] for e in bm]
    trans = [e["data"]["file"] for e in bm if e["data"].get("transition")]
    left = set(os.path.join(bdir, f) for f in backups(bdir))
    check(len(bm) == 5 and len(trans) == 1 and trans[0] == files[1],
          "O7: five backups, the second a transition's: %s"
          % [(os.path.basename(e["data"]["file"]),
              e["data"].get("transition")) for e in bm])
    want = set(files[-2:]) | set(trans) | {manual, stranger}
    check(left == want, "O7: the newest two, the transition's, the"
          " CLI's and the stranger's left: %s"
          % sorted(os.path.basename(f) for f in left))
    gone = [f for f in files if f not in want]
    check(len(gone) == 2 and not [f for f in gone for sfx in CA_FILES
                                  if os.path.exists(f + sfx)],
          "O7: the pruned ones' CA files gone with them")
    check(all(os.path.exists(f + ".ca.pem") for f in want - {stranger}),
          "O7: the kept ones keep their CA files")
    check(all(run("verify", f).returncode == 0 for f in files[-2:]),
          "O7: the kept backups verify")
    with open(os.path.join(ds.tmp, "serve.log"), "rb") as f:
        check(f.read().count(b"pruned (--backup-keep 2)") == 2,
              "O7: each pruning said on stderr")
    check(run("verify", db).returncode == 0, "O7: the book verifies")


def o8_start_from_checkpoint():
    """O8: serve's start-up check (§4.2) walks the hash chain from the
    last backup.made's checkpoint: a byte flipped in a line after it
    (a login's ip: the line still replays) starts serve read-only naming
    that seq; the same flip before it is not seen at start (the events
    before it are replayed, their hashes left to verify: the man page
    says so) and verify names it; with no backup.made the walk starts
    at seq 1 and the early flip is caught at start."""
    db = new_book("o8.db")
    bdir = os.path.join(ds.tmp, "o8-backups")
    os.mkdir(bdir)
    srv = ds.Server(db).start()     # a login before any backup
    login(srv.port, "ro", RO_PW, DEVICE)
    srv.stop()
    srv = ds.Server(db, ["--backup-dir", bdir],
                    env={"TELLER_DESK_BACKUP_S": "1"}).start()
    dn.wait_for(lambda: events_live_all(db, "backup.made"),
                "O8: a backup")
    srv.stop()
    srv = ds.Server(db).start()      # no backups: events after the last
    ro = login(srv.port, "ro", RO_PW, DEVICE)[1]["token"]
    st = call(srv.port, "POST", "assignments", ASSIGN, ro)[0]
    srv.stop()
    bm = events(db, "backup.made")[-1]
    cp = bm["data"]["seq"]
    logins = [e["seq"] for e in events(db, "session.login")]
    before = [q for q in logins if q <= cp]
    after = [q for q in logins if q > bm["seq"]]
    check(st == 201 and before and after and
          run("verify", db).returncode == 0,
          "O8: logins before checkpoint #%d and after: %s" % (cp, logins))
    if not (before and after):
        return

    def flipped(name, seq):
        """A copy of the book, the ip of event seq's line changed in the
        file (canonical JSON: "ip" comes after "hash" in the line)."""
        p = os.path.join(ds.tmp, name)
        shutil.copy(db, p)
        h = [e for e in events(p) if e["seq"] == seq][0]["hash"]
        with open(p, "rb") as f:
            raw = bytearray(f.read())
        at = raw.find(('"hash":"%s","idem"' % h).encode())
        ip = raw.find(b'"ip":"127.0.0.1"', at, at + 200)
        assert at >= 0 and ip > at, "seq %d's ip not found" % seq
        raw[ip + 14] = ord("2")
        with open(p, "wb") as f:
            f.write(raw)
        return p

    def health(p):
        at = serve_log_size()
        srv = ds.Server(p).start()
        st, js, _ = call(srv.port, "GET", "health")
        srv.stop()
        return (js or {}).get("read_only"), serve_log_from(at)

    late = flipped("o8-late.db", after[-1])
    ro_, log = health(late)
    check(ro_ is True and ("seq %d" % after[-1]) in log and
          ("checkpoint, #%d" % cp) in log,
          "O8: flipped after the checkpoint: read-only, seq %d named: %s"
          % (after[-1], log.strip()[-400:]))
    early = flipped("o8-early.db", before[0])
    ro_, log = health(early)
    check(ro_ is False and "read-only" not in log,
          "O8: flipped before the checkpoint: not seen at start: %s"
          % log.strip()[-300:])
    r = run("verify", early)
    check(r.returncode == 5 and ("seq %d" % before[0]) in r.stderr,
          "O8: ... verify names seq %d: %s" % (before[0], r.stderr.strip()))
    # the same flip in a book without backups: caught at start
    plain = flipped("o8-plain.db", before[0])
    con = sqlite3.connect(plain)
    con.executescript("DROP TRIGGER event_nd; DELETE FROM event WHERE"
                      " seq >= %d;" % bm["seq"])
    con.close()
    ro_, log = health(plain)
    check(ro_ is True and ("seq %d" % before[0]) in log,
          "O8: no backup.made: walked from seq 1, seq %d named"
          % before[0])


def o9_restore_lock():
    """O9: restore claims its target under the lock serve takes (§7):
    into a book a running serve holds it refuses, exit 1 "in use",
    nothing written (the book and its CA files byte for byte); while it
    restores, a serve on the target refuses; of two restores at once
    into one new path exactly one succeeds, the other exits 1 and the
    book restored verifies."""
    db = new_book("o9.db")
    bdir = os.path.join(ds.tmp, "o9-backups")
    os.mkdir(bdir)
    r = run("backup", db, bdir)
    bk = r.stdout.split()[0] if r.returncode == 0 else ""
    srv = ds.Server(db, local_ca=True).start()
    before = {p: open(p, "rb").read() for p in
              [db] + [db + sfx for sfx in CA_FILES]}
    r = run("restore", bk, db)
    srv.stop()
    check(r.returncode == 1 and "in use" in r.stderr and
          "nothing written" in r.stderr,
          "O9: restore into a served book: exit 1, in use: %d %s"
          % (r.returncode, r.stderr.strip()))
    check(all(open(p, "rb").read() == v for p, v in before.items()
              if p != db) and run("verify", db).returncode == 0,
          "O9: ... the book verifies, its CA files untouched")
    for k in range(3):
        out = os.path.join(ds.tmp, "o9-twice-%d.db" % k)
        ps = [subprocess.Popen([DESK, "restore", bk, out],
                               stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
              for _ in range(2)]
        res = [(p.wait(), p.stderr.read()) for p in ps]
        codes = sorted(c for c, _ in res)
        errs = " ".join(e.strip() for c, e in res if c)
        check(codes == [0, 1] and ("in use" in errs or
                                   "exists already" in errs),
              "O9: two restores at once: one done, one refused: %s"
              % res)
        check(run("verify", out).returncode == 0,
              "O9: ... the restored book verifies")
    # a serve started on the target while restore holds it: refused
    # (restore is held by a stopped process between claim and copy:
    # SIGSTOP as soon as the claimed file appears)
    out = os.path.join(ds.tmp, "o9-held.db")
    p = subprocess.Popen([DESK, "restore", bk, out],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    while not os.path.exists(out) and p.poll() is None:
        pass
    os.kill(p.pid, 19)
    r = run("serve", out, "--listen", "127.0.0.1:%d" % ds.free_port(),
            "--insecure-http")
    os.kill(p.pid, 18)
    p.wait()
    check(r.returncode != 0 and "in use" in r.stderr,
          "O9: serve on a book being restored refuses: %d %s"
          % (r.returncode, r.stderr.strip()[-200:]))
    check(p.returncode == 0 and run("verify", out).returncode == 0,
          "O9: ... and the restore goes on to a sound book")


def p95(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(0.95 * len(xs)))] if xs else 0.0


def o10_backup_latency():
    """O10: writes while serve backs up a large book (DESK_BIG_EVENTS
    chained padding events, 60000 by default: some 30 MB) do not stall
    for the whole backup: serve copies 64 pages per hold of its lock.
    One client writes back to back; the writes that overlap the backup
    (from its .partial file appearing to its final name) are timed, and
    so are writes with no backup running. Prints both p95s and the
    backup's length; checks loosely (a busy shared machine): writes are
    saved while the copy runs (none would be if the copy held the lock
    throughout), and none takes over 2 s."""
    db = new_book("o10.db")
    bigbook.pad(db, int(os.environ.get("DESK_BIG_EVENTS", "60000")))
    bdir = os.path.join(ds.tmp, "o10-backups")
    os.mkdir(bdir)
    srv = ds.Server(db, ["--backup-dir", bdir, "--backup-keep", "0"],
                    env={"TELLER_DESK_BACKUP_S": "3600"}, wait=300).start()
    ro = login(srv.port, "ro", RO_PW, DEVICE)[1]["token"]
    times, stop, window = [], threading.Event(), {}

    def writer():
        while not stop.is_set():
            t0 = time.time()
            st = call(srv.port, "POST", "assignments", ASSIGN, ro)[0]
            times.append((t0, time.time(), st))

    def watch():
        """The backup's start (its .partial file made), the copy's end
        (the .partial as big as the book was), the end (its name)."""
        size = os.path.getsize(db)
        while "end" not in window and not stop.is_set():
            names = os.listdir(bdir)
            part = [n for n in names if n.endswith(".partial")]
            if "start" not in window and part:
                window["start"] = time.time()
            try:
                if part and "copied" not in window and os.path.getsize(
                        os.path.join(bdir, part[0])) >= 0.9 * size:
                    window["copied"] = time.time()
            except OSError:
                pass
            if [n for n in names if n.endswith(".db")]:
                window["end"] = time.time()
            time.sleep(0.002)

    w = threading.Thread(target=writer)
    w.start()
    time.sleep(3)                     # writes with no backup running
    quiet_end = time.time()
    wt = threading.Thread(target=watch)
    wt.start()
    # a contest transition: a backup at once (the period is an hour)
    st = call(srv.port, "POST", "plan/approve", {}, ro)[0]
    dn.wait_for(lambda: "end" in window, "O10: the backup made",
                timeout=600)
    time.sleep(0.5)
    stop.set()
    w.join()
    wt.join()
    srv.stop()
    a, z = window.get("start", 0), window.get("end", 0)
    c = window.get("copied", z)
    quiet = [e - b for b, e, _ in times if e <= quiet_end]
    during = [e - b for b, e, _ in times if b < z and e > a]
    in_copy = [e for b, e, _ in times if a < e < c]
    bad = [s for _, _, s in times if s != 201]
    print("O10: %.0f MB book, backup %.2f s (copy %.2f s, then its"
          " check); writes without a backup: %d, p95 %.3f s; during it:"
          " %d, p95 %.3f s, max %.3f s; %d saved while the copy ran"
          " (load average %.1f)"
          % (os.path.getsize(db) / 1e6, z - a, c - a, len(quiet),
             p95(quiet), len(during), p95(during), max(during or [0]),
             len(in_copy), os.getloadavg()[0]), flush=True)
    check(st == 201 and not bad, "O10: every write saved: %s"
          % (bad[:5],))
    # held for the whole copy, serve would save none until it ended
    check(len(in_copy) >= 2, "O10: writes saved while the copy runs"
          " (a slice at a time): %d" % len(in_copy))
    check(max(during or [0]) < 2.0, "O10: no write stalls 2 s during the"
          " backup: max %.3f s" % max(during or [0]))


def events_live_all(db, action):
    con = sqlite3.connect(db)
    r = con.execute("SELECT line FROM event WHERE action = ?",
                    (action,)).fetchall()
    con.close()
    return r


def events_live(db):
    con = sqlite3.connect(db)
    n = con.execute("SELECT count(*) FROM event WHERE action ="
                    " 'airgap.found'").fetchone()[0]
    con.close()
    return n > 0


def main():
    try:
        only = os.environ.get("DESK_ONLY")
        for t in (o1_backup_ca, o2_serve_backups, o3_disk, o3_full_tmpfs,
                  o4_renew, o5_airgap_restart, o6_cert_expiry_live,
                  o7_backup_keep, o8_start_from_checkpoint,
                  o9_restore_lock, o10_backup_latency):
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
