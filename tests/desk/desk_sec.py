#!/usr/bin/python3
# desk_sec.py -- teller-desk's security and fault tests over HTTP on
# loopback (docs/desk.md §6, §11.2-11.3): X10 (a cookie write needs
# X-CSRF-Token; the observer listener takes no write), X4 (devices:
# `teller-desk device`, privileged logins from enrolled devices only),
# X5 (throttling grows to 60 s, the RO still gets in; the second is
# shortened by TELLER_DESK_THROTTLE_MS), X8 (append-only triggers, verify
# names a changed seq, an older backup fails --checkpoint), F3 (a full
# disk: 507, no row, writes resume after room is made) and X3 (TLS 1.2
# and 1.3 only, with gnutls-cli and certtool, skipped without them; and
# with init's local CA: the chain, the SANs, the fingerprint on F1 and
# S-24, the __Host- cookie, the plain listener of the CA and a redirect).
# Usage: desk_sec.py BUILD_DIR. Prints "N passed, N failed".
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

B = sys.argv[1] if len(sys.argv) > 1 else "build"
DESK = os.path.abspath(os.path.join(B, "teller-desk"))
HERE = os.path.dirname(os.path.abspath(__file__))
PLAN = os.path.join(HERE, "..", "..", "examples", "desk", "plan-mayor.json")
DEVICE = "8f3c1a9b7e2d4c6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5"
RO_PW = "correct-horse-battery-1"
passed = failed = 0
tmp = tempfile.mkdtemp(prefix="desk-sec-")


def finish():
    """The end of a desk test run: the scratch directory removed (kept,
    and said, with DESK_KEEP), the tally printed; the exit code."""
    if not os.environ.get("DESK_KEEP"):
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print("kept", tmp)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


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


class Server:
    """teller-desk serve DB on loopback; extra: more options, env: more
    environment; observe: also `teller-desk observe` (its own process,
    on the read model serve publishes, §6.1) on oport; wait: how long
    serve may take to listen."""

    def __init__(self, db, extra=(), env=None, observe=False,
                 local_ca=False, wait=5):
        self.db, self.extra, self.env = db, list(extra), env
        self.wait = wait        # seconds for serve to listen (a big book)
        self.observe, self.local_ca = observe, local_ca
        self.port = self.oport = None

    def start(self):
        for _ in range(20):
            self.port = free_port()
            args = [DESK, "serve", self.db, "--listen",
                    "127.0.0.1:%d" % self.port] + self.extra
            if "--tls-cert" not in self.extra and not self.local_ca:
                args.append("--insecure-http")
            if self.observe:
                self.rm = os.path.join(tmp, "rm-%d" % self.port)
                args += ["--read-model", self.rm]
            env = dict(os.environ)
            env.update(self.env or {})
            self.log = open(os.path.join(tmp, "serve.log"), "ab")
            self.proc = subprocess.Popen(args, stderr=self.log, env=env)
            for _ in range(int(self.wait / 0.05)):
                if self.proc.poll() is not None:
                    break
                try:
                    socket.create_connection(("127.0.0.1", self.port),
                                             1).close()
                    return self.start_observe() if self.observe else self
                except OSError:
                    time.sleep(0.05)
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            self.log.close()
            if self.proc.returncode == 2:
                break
        raise RuntimeError("teller-desk serve did not start")

    def start_observe(self):
        """observe READ_MODEL on its own port, up once it has a model
        (all clients here share 127.0.0.1: no per-address limit)."""
        self.oport = free_port()
        args = [DESK, "observe", self.rm, "--listen",
                "127.0.0.1:%d" % self.oport, "--per-ip-limit", "0"]
        if "--tls-cert" in self.extra:
            i = self.extra.index("--tls-cert")
            args += self.extra[i:i + 2]
            i = self.extra.index("--tls-key")
            args += self.extra[i:i + 2]
        else:
            args.append("--insecure-http")
        self.olog = open(os.path.join(tmp, "observe.log"), "ab")
        self.oproc = subprocess.Popen(args, stderr=self.olog)
        for _ in range(200):
            if self.oproc.poll() is not None:
                break
            try:
                if call(self.oport, "GET", "health")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("teller-desk observe did not start")

    def stop(self):
        if self.observe:
            self.oproc.send_signal(signal.SIGTERM)
            rc = self.oproc.wait(timeout=30)
            self.olog.close()
            check(rc == 0, "observe stops cleanly: exit %d" % rc)
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=30)
        self.log.close()
        check(rc == 0, "serve stops cleanly: exit %d" % rc)


def call(port, method, path, body=None, token=None, key=None,
         headers=None, raw_path=False):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    h = dict(headers or {})
    if token:
        h["Authorization"] = "Bearer " + token
    if key:
        h["Idempotency-Key"] = key
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        h.setdefault("Content-Type", "application/json")
    c.request(method, path if raw_path else "/api/v1/" + path, data, h)
    r = c.getresponse()
    raw = r.read()
    c.close()
    try:
        js = json.loads(raw) if raw else None
    except ValueError:
        js = raw
    return r.status, js, dict(r.getheaders())


def login(port, user, pw, device=None):
    b = {"username": user, "password": pw}
    if device:
        b["device"] = device
    return call(port, "POST", "login", b)


def new_book(name):
    db = os.path.join(tmp, name)
    r = subprocess.run([DESK, "init", db, "--plan", PLAN],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return db


def entries(db):
    out = subprocess.run([DESK, "export", db], capture_output=True,
                         text=True).stdout.splitlines()
    return [json.loads(x) for x in out[1:]]


def n_entries(db):
    return len([e for e in entries(db) if e.get("entry") is not None])


ASSIGN = {"user": "clerk3", "table": 1, "role": "clerk"}


def why(js):
    try:
        return js["error"]["details"]["why"]
    except (KeyError, TypeError):
        return None


def x10_cookie():
    """X10: a cookie write to /api/v1/ without X-CSRF-Token is refused
    and saves nothing; with the token from GET session and this origin
    it is saved."""
    db = new_book("x10.db")
    base = n_entries(db)
    srv = Server(db).start()
    p = srv.port
    st, js, _ = login(p, "ro", RO_PW, DEVICE)
    tok = js["token"]
    ck = {"Cookie": "desk=" + tok}
    origin = "http://127.0.0.1:%d" % p
    st, js, _ = call(p, "GET", "session", headers=ck)
    check(st == 200 and isinstance(js["csrf"], str) and
          re.fullmatch("[0-9a-f]{64}", js["csrf"]) is not None,
          "X10: GET session by cookie gives a csrf token: %s" % js)
    csrf = js["csrf"] if st == 200 else ""
    st, js, _ = call(p, "GET", "session", token=tok)
    check(st == 200 and js["csrf"] is None, "bearer session: csrf null")
    for what, hd in (
            ("no token", dict(ck, Origin=origin)),
            ("a wrong token", dict(ck, Origin=origin,
                                   **{"X-CSRF-Token": "0" * 64})),
            ("a foreign Origin", dict(ck, Origin="http://127.0.0.1:1",
                                      **{"X-CSRF-Token": csrf})),
            ("cross-site", dict(ck, Origin=origin,
                                **{"X-CSRF-Token": csrf,
                                   "Sec-Fetch-Site": "same-site"}))):
        st, js, _ = call(p, "POST", "assignments", ASSIGN, headers=hd,
                         key="x10-" + what.replace(" ", "-"))
        check(st == 403 and why(js) == "csrf" and
              js["error"]["rule"] == "§6.3",
              "X10: cookie write with %s: 403 csrf (%d %s)" % (what, st, js))
    st, js, _ = call(p, "POST", "logout", {}, headers=ck)
    check(st == 403 and why(js) == "csrf",
          "X10: cookie logout without the token: 403")
    srv.stop()
    before = n_entries(db)
    check(before == base, "X10: the refused cookie writes saved nothing")
    srv.start()
    p = srv.port
    origin = "http://127.0.0.1:%d" % p
    hd = dict(ck, Origin=origin, **{"X-CSRF-Token": csrf})
    st, js, _ = call(p, "POST", "assignments", ASSIGN, headers=hd)
    check(st == 201, "X10: cookie write with the token: 201 (%d %s)"
          % (st, js))
    st, js, _ = call(p, "POST", "assignments", {"user": "clerk2", "table":
                     2, "role": "clerk"}, token=tok,
                     headers={"Cookie": "desk=nonsense"})
    check(st == 201, "with Authorization the cookie is ignored: %d" % st)
    srv.stop()
    check(n_entries(db) == before + 2,
          "X10: only the two allowed writes saved (%d -> %d)"
          % (before, n_entries(db)))


def x10_observer():
    """X10: no write at all on `teller-desk observe`; staff do not log
    in there (their hashes are not in its read model: 401)."""
    db = new_book("obs.db")
    before = n_entries(db)
    srv = Server(db, observe=True).start()
    p, o = srv.port, srv.oport
    st, js, _ = login(o, "ro", RO_PW, DEVICE)
    check(st == 401 and "token" not in (js or {}),
          "observer listener: an RO login refused (%d %s)" % (st, js))
    st, js, _ = login(o, "clerk1", "clerk1-password-long")
    check(st == 401, "observer listener: a clerk login refused")
    ro = login(p, "ro", RO_PW, DEVICE)[1]["token"]
    st, js, _ = call(o, "POST", "assignments", ASSIGN, token=ro)
    check(st == 403, "observer listener: an RO's write refused (%d)" % st)
    st, js, _ = call(o, "GET", "session", token=ro)
    check(st == 401, "observer listener: an RO's session not served")
    st, js, _ = login(o, "brown-ea", "agent-password-long-1")
    check(st == 200, "observer listener: an agent logs in (%d %s)"
          % (st, js))
    ag = js["token"] if st == 200 else ""
    st, js, _ = call(o, "GET", "session", token=ag)
    check(st == 200 and js["user"]["role"] == "agent",
          "observer listener: the agent's session")
    for path in ("assignments", "reauth", "password",
                 "contests/mayor/bundles"):
        st, js, _ = call(o, "POST", path, {}, token=ag)
        check(st == 403, "observer listener: POST %s refused (%d)"
              % (path, st))
    for path in ("/do", "/anything"):
        st, _, _ = call(o, "POST", path, {}, token=ro, raw_path=True)
        check(st == 403, "observer listener: form POST %s refused (%d)"
              % (path, st))
    for m in ("PUT", "DELETE", "PATCH"):
        st, _, _ = call(o, m, "assignments", {}, token=ro)
        check(st == 403, "observer listener: %s refused (%d)" % (m, st))
    st, js, _ = call(o, "POST", "logout", {}, token=ag)
    check(st == 204, "observer listener: logout (%d)" % st)
    st, js, _ = call(o, "GET", "health")
    check(st == 200, "observer listener: health")
    # The staff listener still writes.
    st, js, _ = call(p, "POST", "assignments", ASSIGN, token=ro)
    check(st == 201, "staff listener beside it writes (%d)" % st)
    srv.stop()
    check(n_entries(db) == before + 1,
          "observer listener saved nothing (%d -> %d)"
          % (before, n_entries(db)))


def device(db, *args):
    return subprocess.run([DESK, "device", db] + list(args),
                          capture_output=True, text=True)


def x4_devices():
    """X4 and `teller-desk device`: an RO login from a device not
    enrolled for ro is refused."""
    db = new_book("dev.db")
    r = device(db, "add", "table-1", "clerk", "supervisor")
    m = re.fullmatch(r"device table-1 ([0-9a-f]{64})\n", r.stdout)
    check(r.returncode == 0 and m is not None,
          "device add prints the token: %r" % r.stdout)
    t_clerk = m.group(1) if m else "0" * 64
    r = device(db, "add", "ro-desk", "ro")
    m = re.fullmatch(r"device ro-desk ([0-9a-f]{64})\n", r.stdout)
    t_ro = m.group(1) if m else "0" * 64
    check(device(db, "add", "ro-desk", "ro").returncode == 1,
          "device add: a name enrolled already is refused")
    check(device(db, "add", "x", "wizard").returncode == 1,
          "device add: an unknown role is refused")
    check(device(db, "frob").returncode == 2, "device: bad usage, exit 2")
    r = device(db, "list")
    check(r.returncode == 0 and "ro-desk ro\n" in r.stdout and
          "table-1 clerk supervisor\n" in r.stdout and
          t_ro not in r.stdout, "device list: %r" % r.stdout)
    con = sqlite3.connect(db)
    rows = con.execute("select * from device").fetchall()
    con.close()
    check(t_ro not in repr(rows) and t_clerk not in repr(rows),
          "device tokens stored hashed only")
    srv = Server(db).start()
    p = srv.port
    st, js, _ = login(p, "ro", RO_PW, t_clerk)
    check(st == 403 and why(js) == "device",
          "X4: RO from a device enrolled for clerk only: 403 (%d %s)"
          % (st, js))
    st, js, _ = login(p, "ro", RO_PW)
    check(st == 403 and why(js) == "device", "X4: RO without a device")
    st, js, _ = login(p, "ro", RO_PW, "ab" * 32)
    check(st == 403 and why(js) == "device", "X4: RO, unknown device")
    st, js, _ = login(p, "ro", RO_PW, t_ro)
    check(st == 200, "X4: RO from an enrolled ro device (%d)" % st)
    ro_tok = js["token"] if st == 200 else ""
    st, js, _ = login(p, "mgr", "mgr-password-long-1", DEVICE)
    mgr_tok = js["token"] if st == 200 else ""
    check(st == 200, "a manager from the plan's ro-laptop (%d)" % st)
    st, js, _ = login(p, "dro", "dro-password-long-1", t_ro)
    check(st == 403 and why(js) == "device",
          "X4: a device enrolled for ro does not host dro")
    st, js, _ = login(p, "clerk1", "clerk1-password-long")
    check(st == 200, "a clerk needs no device")
    c1_tok = js["token"] if st == 200 else ""
    srv.stop()
    r = device(db, "revoke", "ro-desk")
    check(r.returncode == 0, "device revoke")
    check(device(db, "revoke", "ro-desk").returncode == 1,
          "device revoke: no such device")
    srv.start()
    st, js, _ = call(srv.port, "GET", "session", token=ro_tok)
    check(st == 401, "X4: a revoked device's session ends at once (%d)" % st)
    for t, who in ((c1_tok, "clerk"), (mgr_tok, "manager")):
        st, js, _ = call(srv.port, "GET", "session", token=t)
        check(st == 200, "X4: a %s's session from elsewhere stays (%d)"
              % (who, st))
    st, js, _ = login(srv.port, "ro", RO_PW, t_ro)
    check(st == 403 and why(js) == "device",
          "X4: a revoked device is refused (%d)" % st)
    srv.stop()
    acts = [e["action"] for e in entries(db)]
    check("device.add" in acts and "device.revoke" in acts,
          "device changes are events in the chain")
    check(subprocess.run([DESK, "verify", db]).returncode == 0,
          "verify after device changes")


def x5_throttle():
    """X5: 20 wrong passwords: the delays grow 1, 2, 4 ... to 60
    (throttling seconds, shortened here to 10 ms by
    TELLER_DESK_THROTTLE_MS); no lockout: the RO still gets in."""
    db = new_book("thr.db")
    unit = 0.010
    srv = Server(db, env={"TELLER_DESK_THROTTLE_MS": "10"}).start()
    p = srv.port
    delays, wrong, t0 = {}, 0, time.time()
    while wrong < 20 and time.time() - t0 < 120:
        st, js, hd = login(p, "ro", "wrong-password-%d" % wrong, DEVICE)
        if st == 429:
            delays.setdefault(wrong, js["error"]["details"]["delay"])
            check(int(hd.get("Retry-After", "0")) >= 1,
                  "429 with Retry-After")
            time.sleep(int(hd.get("Retry-After", "1")) * unit)
            continue
        check(st == 401, "wrong password %d: 401 (%d)" % (wrong, st))
        wrong += 1
    want = dict((5 + i, min(60, 2 ** i)) for i in range(15))
    check(wrong == 20 and min(delays) >= 5 and
          all(want[k] == v for k, v in delays.items()) and
          delays.get(19) == 60 and len(delays) >= 10,
          "X5: delays after 5 failures grow 1, 2, 4 ... 60: %s" % delays)
    st, js, hd = login(p, "ro", RO_PW, DEVICE)
    check(st == 429 and js["error"]["details"]["delay"] == 60,
          "X5: at once the RO waits too (%d)" % st)
    time.sleep(60 * unit + 0.05)
    st, js, _ = login(p, "ro", RO_PW, DEVICE)
    check(st == 200, "X5: the RO still gets in afterwards (%d %s)"
          % (st, js))
    srv.stop()


def sq(db, sql):
    return subprocess.run(["sqlite3", db, sql], capture_output=True,
                          text=True)


def x8_tamper():
    """X8: the triggers stop an UPDATE in the sqlite3 shell; with them
    dropped, verify names the changed seq; an older backup fails
    verify --checkpoint."""
    if not shutil.which("sqlite3"):
        print("SKIP: X8 needs the sqlite3 shell (Debian sqlite3)")
        return
    db = new_book("x8.db")
    srv = Server(db).start()
    ro = login(srv.port, "ro", RO_PW, DEVICE)[1]["token"]
    for t in (1, 2):
        call(srv.port, "POST", "assignments", {"user": "clerk3", "table":
             t, "role": "clerk"}, token=ro)
    srv.stop()
    bdir = os.path.join(tmp, "backups")
    os.mkdir(bdir)
    r = subprocess.run([DESK, "backup", db, bdir], capture_output=True,
                       text=True)
    check(r.returncode == 0, "backup: %s" % r.stderr)
    old = r.stdout.split()[0] if r.returncode == 0 else ""
    srv.start()
    ro = login(srv.port, "ro", RO_PW, DEVICE)[1]["token"]
    st, js, _ = call(srv.port, "POST", "assignments", {"user": "clerk2",
                     "table": 2, "role": "clerk"}, token=ro)
    check(st == 201, "a later entry")
    srv.stop()
    ev = entries(db)
    last = ev[-1]
    target = [e for e in ev if e["action"] == "assignment.record"][0]
    cp = "%d:%s" % (last["seq"], last["hash"][:16])
    r = subprocess.run([DESK, "verify", db, "--checkpoint", cp],
                       capture_output=True, text=True)
    check(r.returncode == 0, "verify --checkpoint on the book: %s"
          % r.stderr)
    r = subprocess.run([DESK, "verify", old, "--checkpoint", cp],
                       capture_output=True, text=True)
    check(r.returncode == 5 and "seq %d" % last["seq"] in r.stderr,
          "X8: an older backup fails verify --checkpoint: %d %s"
          % (r.returncode, r.stderr))
    upd = ("UPDATE event SET line = replace(line, '\"table\":1',"
           " '\"table\":2') WHERE seq = %d;" % target["seq"])
    r = sq(db, upd)
    check(r.returncode != 0 and "append-only" in r.stderr,
          "X8: the trigger stops UPDATE in the sqlite3 shell: %s"
          % r.stderr.strip())
    r = sq(db, "DELETE FROM event WHERE seq = %d;" % target["seq"])
    check(r.returncode != 0 and "append-only" in r.stderr,
          "X8: the trigger stops DELETE too")
    check(subprocess.run([DESK, "verify", db]).returncode == 0,
          "book untouched after the refused changes")
    r = sq(db, "DROP TRIGGER event_nu; " + upd)
    check(r.returncode == 0, "X8: with the trigger dropped: %s" % r.stderr)
    r = subprocess.run([DESK, "verify", db], capture_output=True,
                       text=True)
    check(r.returncode == 5 and ("seq %d" % target["seq"]) in r.stderr,
          "X8: verify names the changed seq %d: %d %s"
          % (target["seq"], r.returncode, r.stderr.strip()))


def f3_disk_full():
    """F3: a full book (max_page_count just above its size): 507, no
    row, read-only; writes resume once room is made (here: served again
    without the limit, as after ADMIN deletes the ballast)."""
    db = new_book("f3.db")
    con = sqlite3.connect(db)
    pages = con.execute("pragma page_count").fetchone()[0]
    con.close()
    srv = Server(db, env={"TELLER_DESK_MAX_PAGES": str(pages + 6)}).start()
    p = srv.port
    ro = login(p, "ro", RO_PW, DEVICE)[1]["token"]
    acked, last = 0, None
    for i in range(400):
        st, js, _ = call(p, "POST", "assignments", ASSIGN, ro, "f3-%d" % i)
        last = (st, js)
        if st != 201:
            break
        acked += 1
    check(last[0] == 507 and last[1]["error"]["code"] == "not_saved" and
          "NOT SAVED" in last[1]["error"]["message"],
          "F3: 507 NOT SAVED (%s)" % (last,))
    check(call(p, "GET", "health")[1]["read_only"] is True,
          "F3: read-only")
    srv.stop()
    base = n_entries(new_book("f3-fresh.db"))
    check(n_entries(db) == base + acked, "F3: no row of the refused entry")
    srv = Server(db).start()
    p = srv.port
    check(call(p, "GET", "health")[1]["read_only"] is False,
          "F3: room made: writable again")
    ro = login(p, "ro", RO_PW, DEVICE)[1]["token"]
    st, js, _ = call(p, "POST", "assignments", ASSIGN, ro, "f3-%d" % acked)
    check(st == 201, "F3: the refused entry resent: 201 (%d)" % st)
    srv.stop()
    check(n_entries(db) == base + acked + 1 and
          subprocess.run([DESK, "verify", db]).returncode == 0,
          "F3: resumed, verify passes")


def x3_tls():
    """X3: TLS 1.0 and 1.1 refused, 1.2 and 1.3 accepted, the chain to
    the local CA (certtool and gnutls-cli from gnutls-bin)."""
    if not shutil.which("gnutls-cli") or not shutil.which("certtool"):
        print("SKIP: X3 needs gnutls-cli and certtool (Debian gnutls-bin)")
        return
    d = os.path.join(tmp, "tls")
    os.mkdir(d)

    def f(n):
        return os.path.join(d, n)

    open(f("ca.tmpl"), "w").write(
        'cn = "teller-desk test CA"\nca\ncert_signing_key\n'
        'expiration_days = 2\n')
    open(f("srv.tmpl"), "w").write(
        'cn = "localhost"\ndns_name = "localhost"\nip_address = '
        '"127.0.0.1"\ntls_www_server\nencryption_key\nsigning_key\n'
        'expiration_days = 2\n')
    for args in (
            ["--generate-privkey", "--key-type", "ecdsa", "--curve",
             "secp256r1", "--outfile", f("ca.key")],
            ["--generate-self-signed", "--load-privkey", f("ca.key"),
             "--template", f("ca.tmpl"), "--outfile", f("ca.pem")],
            ["--generate-privkey", "--key-type", "ecdsa", "--curve",
             "secp256r1", "--outfile", f("srv.key")],
            ["--generate-certificate", "--load-privkey", f("srv.key"),
             "--load-ca-certificate", f("ca.pem"), "--load-ca-privkey",
             f("ca.key"), "--template", f("srv.tmpl"), "--outfile",
             f("srv.pem")]):
        r = subprocess.run(["certtool"] + args, capture_output=True,
                           text=True)
        if r.returncode != 0:
            check(False, "certtool %s: %s" % (args[0], r.stderr))
            return
    db = new_book("tls.db")
    srv = Server(db, ["--tls-cert", f("srv.pem"), "--tls-key",
                      f("srv.key")]).start()

    def hello(vers):
        pri = "NORMAL:-VERS-ALL:+VERS-" + vers
        return subprocess.run(
            ["gnutls-cli", "--x509cafile", f("ca.pem"), "--priority", pri,
             "-p", str(srv.port), "localhost"], input="",
            capture_output=True, text=True, timeout=30)

    for vers, ok in (("TLS1.0", False), ("TLS1.1", False),
                     ("TLS1.2", True), ("TLS1.3", True)):
        r = hello(vers)
        good = r.returncode == 0 and "Handshake was completed" in r.stdout
        check(good == ok, "X3: %s %s (%d %s)" % (
            vers, "accepted" if ok else "refused", r.returncode,
            (r.stderr or r.stdout).strip().splitlines()[-1:]))
    r = hello("TLS1.3")
    check("certificate is trusted" in r.stdout,
          "X3: the chain to the local CA")
    # HTTPS answers with HSTS and the __Host- cookie.
    import ssl
    ctx = ssl.create_default_context(cafile=f("ca.pem"))
    c = http.client.HTTPSConnection("localhost", srv.port, context=ctx,
                                    timeout=30)
    c.request("GET", "/api/v1/health")
    r = c.getresponse()
    r.read()
    check(r.status == 200 and r.getheader("Strict-Transport-Security"),
          "X3: HTTPS health with HSTS")
    c.close()
    srv.stop()
    r = subprocess.run([DESK, "serve", db, "--listen", "127.0.0.1:1",
                        "--tls-cert", f("srv.pem")], capture_output=True,
                       text=True)
    check(r.returncode == 2, "--tls-cert without --tls-key: exit 2")


def hello(port, ca, vers, host="localhost"):
    """gnutls-cli's handshake at one TLS version, the CA file trusted."""
    return subprocess.run(
        ["gnutls-cli", "--x509cafile", ca, "--priority",
         "NORMAL:-VERS-ALL:+VERS-" + vers, "-p", str(port), host],
        input="", capture_output=True, text=True, timeout=30)


def tls_get(port, ca, path, method="GET", body=None, headers=None,
            host="localhost"):
    import ssl
    ctx = ssl.create_default_context(cafile=ca)
    c = http.client.HTTPSConnection(host, port, context=ctx, timeout=30)
    c.request(method, path, body, headers or {})
    r = c.getresponse()
    raw = r.read().decode("utf-8", "replace")
    c.close()
    return r.status, raw, r


def openssl(*args):
    return subprocess.run(["openssl"] + list(args), capture_output=True,
                          text=True).stdout


def x3_local_ca():
    """X3 with init's local CA (§6.4): the CA and a P-256 server
    certificate beside the book, keys 0600, SANs for localhost,
    127.0.0.1 and each --san; serve uses them by default; TLS 1.0 and
    1.1 refused; HSTS; the __Host-desk cookie with Secure; the CA's
    fingerprint on init's output, F1 and S-24 equal to openssl's; the
    plain listener serves the CA and a redirect, nothing else."""
    import ssl
    if not shutil.which("gnutls-cli") or not shutil.which("openssl"):
        print("SKIP: X3 (local CA) needs gnutls-cli and openssl")
        return
    d = os.path.join(tmp, "localca")
    os.mkdir(d)
    db = os.path.join(d, "count.db")
    ca, cakey = db + ".ca.pem", db + ".ca.key"
    crt, key = db + ".server.pem", db + ".server.key"
    r = subprocess.run([DESK, "init", db, "--plan", PLAN, "--san",
                        "desk.lan", "--san", "10.9.8.7"],
                       capture_output=True, text=True)
    check(r.returncode == 0, "local CA: init: %s" % r.stderr)
    m = re.search(r"^ca-sha256 ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})$",
                  r.stdout, re.M)
    fp = openssl("x509", "-noout", "-fingerprint", "-sha256", "-in",
                 ca).strip().split("=")[-1]
    check(m is not None and m.group(1) == fp and len(fp) == 95,
          "local CA: init prints openssl's SHA-256 fingerprint (%s, %s)"
          % (m and m.group(1), fp))
    for f in (cakey, key):
        check(os.stat(f).st_mode & 0o777 == 0o600, "local CA: %s 0600"
              % os.path.basename(f))
    check(openssl("verify", "-CAfile", ca, crt).strip().endswith(": OK"),
          "local CA: the server certificate chains to the CA")
    txt = openssl("x509", "-noout", "-text", "-in", crt)
    for want in ("DNS:desk.lan", "IP Address:10.9.8.7", "DNS:localhost",
                 "IP Address:127.0.0.1", "prime256v1",
                 "TLS Web Server Authentication"):
        check(want in txt, "local CA: the server certificate has %s" % want)
    check("CA:TRUE" in openssl("x509", "-noout", "-text", "-in", ca),
          "local CA: a CA certificate")
    # init refuses to replace another book's CA, and a bad --san.
    two = os.path.join(d, "two.db")
    open(two + ".ca.pem", "w").close()
    r = subprocess.run([DESK, "init", two, "--plan", PLAN],
                       capture_output=True, text=True)
    check(r.returncode == 1 and "exists already" in r.stderr and
          not os.path.exists(two), "local CA: init refuses to replace a"
          " CA file: %d %s" % (r.returncode, r.stderr.strip()))
    r = subprocess.run([DESK, "init", os.path.join(d, "three.db"),
                        "--plan", PLAN, "--san", "bad name"],
                       capture_output=True, text=True)
    check(r.returncode == 2 and not os.path.exists(
        os.path.join(d, "three.db")), "local CA: a bad --san: exit 2")
    rport = free_port()
    srv = Server(db, ["--http-redirect", "127.0.0.1:%d" % rport],
                 local_ca=True).start()
    p = srv.port
    for vers, ok in (("TLS1.0", False), ("TLS1.1", False),
                     ("TLS1.2", True), ("TLS1.3", True)):
        r = hello(p, ca, vers)
        good = r.returncode == 0 and "Handshake was completed" in r.stdout
        check(good == ok, "local CA: %s %s" % (
            vers, "accepted" if ok else "refused"))
        if ok:
            check("certificate is trusted" in r.stdout,
                  "local CA: %s chain to the CA" % vers)
    st, _, resp = tls_get(p, ca, "/api/v1/health")
    check(st == 200 and resp.getheader("Strict-Transport-Security"),
          "local CA: HTTPS health by name, with HSTS")
    st, _, _ = tls_get(p, ca, "/api/v1/health", host="127.0.0.1")
    check(st == 200, "local CA: HTTPS by IP address")
    for name, want in (("desk.lan", 200), ("10.9.8.7:443", 200),
                       ("other.lan", 421)):
        st, _, _ = tls_get(p, ca, "/api/v1/health", headers={"Host": name})
        check(st == want, "local CA: Host %s: %d (the certificate's names"
              " are allowed)" % (name, st))
    ctx = ssl.create_default_context(cafile=ca)
    for name, ok in (("desk.lan", True), ("other.lan", False)):
        s = socket.create_connection(("127.0.0.1", p), 10)
        try:
            ctx.wrap_socket(s, server_hostname=name).close()
            got = True
        except ssl.SSLCertVerificationError:
            got = False
        s.close()
        check(got == ok, "local CA: the SAN %s %s" % (
            name, "verifies" if ok else "does not"))
    # the browser's login: __Host-desk, Secure; S-24 and F1 show the
    # CA's fingerprint
    import urllib.parse
    origin = "https://localhost:%d" % p
    st, _, resp = tls_get(p, ca, "/login", "POST", urllib.parse.urlencode(
        {"username": "ro", "password": RO_PW, "device": DEVICE}),
        {"Origin": origin,
         "Content-Type": "application/x-www-form-urlencoded"})
    ck = resp.getheader("Set-Cookie") or ""
    check(st == 303 and ck.startswith("__Host-desk=") and
          "; Secure" in ck and "HttpOnly" in ck and "Path=/" in ck,
          "local CA: the __Host-desk cookie with Secure: %d %s" % (st, ck))
    cookie = ck.split(";")[0]
    st, body, _ = tls_get(p, ca, "/admin?c=mayor", headers={
        "Cookie": cookie})
    check(st == 200 and fp in body, "local CA: S-24 shows the CA's"
          " fingerprint: %d" % st)
    st, js, _ = tls_get(p, ca, "/api/v1/login", "POST", json.dumps(
        {"username": "ro", "password": RO_PW, "device": DEVICE}),
        {"Content-Type": "application/json"})
    tok = json.loads(js)["token"] if st == 200 else ""
    auth = {"Authorization": "Bearer " + tok,
            "Content-Type": "application/json"}
    st, _, _ = tls_get(p, ca, "/api/v1/plan/approve", "POST", "{}", auth)
    check(st in (200, 201), "local CA: plan approved: %d" % st)
    st, body, _ = tls_get(p, ca, "/api/v1/forms/F1?contest=mayor",
                          headers=auth)
    check(st == 200 and fp in body, "local CA: F1 shows the CA's"
          " fingerprint: %d" % st)
    # the plain listener: the CA, a redirect, nothing else
    c = http.client.HTTPConnection("127.0.0.1", rport, timeout=30)
    for meth, path, host, want in (
            ("GET", "/ca.pem", "localhost", 200),
            ("GET", "/ca.crt", "localhost", 200),
            ("GET", "/count", "localhost:%d" % rport, 301),
            ("POST", "/api/v1/login", "localhost", 405),
            ("GET", "/", "evil.example", 421)):
        c.request(meth, path, headers={"Host": host})
        r = c.getresponse()
        raw = r.read()
        check(r.status == want, "local CA: plain %s %s: %d" % (
            meth, path, r.status))
        if path == "/ca.pem":
            check(raw == open(ca, "rb").read(), "local CA: /ca.pem is"
                  " the CA certificate")
        if path == "/ca.crt":
            der = subprocess.run(["openssl", "x509", "-outform", "DER",
                                  "-in", ca], capture_output=True).stdout
            check(raw == der, "local CA: /ca.crt is its DER")
        if want == 301:
            check(r.getheader("Location") == "https://localhost:%d/count"
                  % p, "local CA: redirect to %s" %
                  r.getheader("Location"))
    c.close()
    srv.stop()
    # --insecure-http works as before, the CA files notwithstanding
    srv = Server(db).start()
    st, _, hd = call(srv.port, "GET", "health")
    check(st == 200 and "Strict-Transport-Security" not in hd,
          "local CA: --insecure-http still plain HTTP")
    srv.stop()
    for extra, rc, what in (
            (["--insecure-http", "--http-redirect", "127.0.0.1:1"], 2,
             "--http-redirect without TLS"),):
        r = subprocess.run([DESK, "serve", db, "--listen", "127.0.0.1:1"]
                           + extra, capture_output=True, text=True)
        check(r.returncode == rc, "local CA: %s: exit %d" % (
            what, r.returncode))
    # the self-test: a key that is not the certificate's
    shutil.copy(key, key + ".keep")
    shutil.copy(cakey, key)
    r = subprocess.run([DESK, "serve", db, "--listen", "127.0.0.1:1"],
                       capture_output=True, text=True)
    check(r.returncode == 1 and "pair" in r.stderr, "local CA: a key"
          " not the certificate's refused at start: %d %s" % (
              r.returncode, r.stderr.strip()))
    # no CA beside the book and no option: told what serve needs
    os.unlink(crt)
    r = subprocess.run([DESK, "serve", db, "--listen", "127.0.0.1:1"],
                       capture_output=True, text=True)
    check(r.returncode == 2 and "--insecure-http" in r.stderr,
          "local CA: none, no option: exit 2 %s" % r.stderr.strip())
    r = subprocess.run([DESK, "serve", os.path.join(d, "none.db"),
                        "--listen", "127.0.0.1:1"], capture_output=True,
                       text=True)
    check(r.returncode == 1 and "none.db" in r.stderr, "local CA: no book:"
          " exit 1 naming it: %d %s" % (r.returncode, r.stderr.strip()))


def x11_agent_contest():
    """§3.1: an agent reads its own contest only, on serve as on observe
    (a combined poll: mayor and a second contest on the same boxes)."""
    with open(PLAN) as f:
        plan = json.load(f)
    other = dict(plan["contests"][0], id="mayor2", name="Second contest")
    plan["contests"].append(other)
    for b in plan["boxes"]:
        b["polls"].append({"contest": "mayor2"})
    path = os.path.join(tmp, "plan-two.json")
    with open(path, "w") as f:
        json.dump(plan, f)
    db = os.path.join(tmp, "two.db")
    r = subprocess.run([DESK, "init", db, "--plan", path],
                       capture_output=True, text=True)
    check(r.returncode == 0, "a two-contest book (%s)" % r.stderr.strip())
    if r.returncode:
        return
    srv = Server(db, observe=True).start()
    st, js, _ = login(srv.port, "brown-ea", "agent-password-long-1")
    ag = js["token"] if st == 200 else ""
    st, js, _ = login(srv.oport, "brown-ea", "agent-password-long-1")
    oag = js["token"] if st == 200 else ""
    for port, tok, where in ((srv.port, ag, "serve"),
                             (srv.oport, oag, "observe")):
        for sub in ("", "/boxes", "/recounts", "/lots"):
            st, js, _ = call(port, "GET", "contests/mayor" + sub, token=tok)
            check(st == 200, "%s: the agent reads its contest%s (%d)"
                  % (where, sub, st))
            st, js, _ = call(port, "GET", "contests/mayor2" + sub,
                             token=tok)
            check(st == 403 and why(js) == "role",
                  "%s: another contest%s refused to the agent (%d)"
                  % (where, sub, st))
    ro = login(srv.port, "ro", RO_PW, DEVICE)[1]["token"]
    st, js, _ = call(srv.port, "GET", "contests/mayor2/boxes", token=ro)
    check(st == 200, "serve: the RO reads the second contest (%d)" % st)
    srv.stop()


def main():
    try:
        only = os.environ.get("DESK_ONLY")
        for t in (x10_cookie, x10_observer, x11_agent_contest,
                  x4_devices, x5_throttle,
                  x8_tamper, f3_disk_full, x3_tls, x3_local_ca):
            if only and t.__name__ != only:
                continue
            t0 = time.time()
            t()
            if os.environ.get("DESK_TIME"):
                print("%s: %.1f s" % (t.__name__, time.time() - t0))
    finally:
        rc = finish()
    return rc


if __name__ == "__main__":
    sys.exit(main())
