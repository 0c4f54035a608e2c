#!/usr/bin/python3
# l2.py -- load test L2 of docs/desk.md §11.2 for teller-desk, over HTTP
# on loopback: 50 logins at once (all in within 30 s), then 50 clients
# at one instant, 20 times (p99 <= 1 s): 40 clerks reading, 10 writes
# by the RO (distinct Idempotency-Keys). Prints the figures; fails only
# on errors (a status other than 200/201, an acknowledged entry missing
# from the book, a duplicate), never on timing unless L2_STRICT=1: on a
# shared, loaded machine timing says little (bench/README.md).
# Usage: l2.py BUILD_DIR. Prints "N passed, N failed".
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

B = sys.argv[1] if len(sys.argv) > 1 else "build"
DESK = os.path.abspath(os.path.join(B, "teller-desk"))
HERE = os.path.dirname(os.path.abspath(__file__))
PLAN = os.path.join(HERE, "..", "..", "examples", "desk", "plan-mayor.json")
DEVICE = "8f3c1a9b7e2d4c6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5"
N, ROUNDS, WRITERS = 50, 20, 10
STRICT = os.environ.get("L2_STRICT") == "1"
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what, flush=True)


def call(port, method, path, body=None, token=None, key=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    h = {}
    if token:
        h["Authorization"] = "Bearer " + token
    if key:
        h["Idempotency-Key"] = key
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    c.request(method, "/api/v1/" + path, data, h)
    r = c.getresponse()
    raw = r.read()
    c.close()
    return r.status, json.loads(raw) if raw else None


def at_once(fn, n):
    """Run fn(i) in n threads released together; returns [(secs,
    result)]."""
    bar = threading.Barrier(n)
    out = [None] * n

    def one(i):
        bar.wait()
        t = time.monotonic()
        try:
            r = fn(i)
        except OSError as e:
            r = (0, str(e))
        out[i] = (time.monotonic() - t, r)

    th = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in th:
        t.start()
    for t in th:
        t.join()
    return out


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * len(xs) + 0.5)) - 1)]


def main():
    tmp = tempfile.mkdtemp(prefix="desk-l2-")
    plan = json.load(open(PLAN))
    for i in range(N):
        plan["users"].append({
            "username": "load%02d" % i, "full_name": "Load Clerk %d" % i,
            "role": "clerk", "staff_no": "L%02d" % i, "tables": [1],
            "password": "load-password-%02d" % i,
            "must_change_password": False})
    pf = os.path.join(tmp, "plan.json")
    json.dump(plan, open(pf, "w"))
    db = os.path.join(tmp, "l2.db")
    subprocess.run([DESK, "init", db, "--plan", pf], check=True,
                   capture_output=True)
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    log = open(os.path.join(tmp, "serve.log"), "wb")
    proc = subprocess.Popen([DESK, "serve", db, "--listen",
                             "127.0.0.1:%d" % port, "--insecure-http"],
                            stderr=log)
    try:
        for _ in range(200):
            try:
                if call(port, "GET", "health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.05)
        t0 = time.monotonic()
        res = at_once(lambda i: call(port, "POST", "login", {
            "username": "load%02d" % i,
            "password": "load-password-%02d" % i}), N)
        all_in = time.monotonic() - t0
        # A login still waiting for its hash when the connection's 30 s
        # timeout (§6.3) runs out is cut (status 0 here): on a loaded
        # machine that is a timing miss, so it is counted and retried.
        dropped = [i for i, r in enumerate(res) if r[1][0] == 0]
        for i in dropped:
            res[i] = (0, call(port, "POST", "login", {
                "username": "load%02d" % i,
                "password": "load-password-%02d" % i}))
        toks = [r[1][1]["token"] if r[1][0] == 200 else None for r in res]
        check(all(toks), "50 logins: all 200 (%s)" % sorted(set(
            r[1][0] for r in res)))
        print("L2 logins: 50 at once, all in after %.2f s (target 30 s);"
              " %d cut by the 30 s connection timeout and retried"
              % (all_in, len(dropped)))
        if STRICT:
            check(all_in <= 30 and not dropped,
                  "50 logins within 30 s: %.2f s" % all_in)
        ro = call(port, "POST", "login", {"username": "ro", "password":
                  "correct-horse-battery-1", "device": DEVICE})[1]["token"]
        lat, wlat, acked, bad = [], [], [], []

        def client(r, i):
            if i < WRITERS:
                return call(port, "POST", "assignments", {
                    "user": "clerk3", "table": 1 + (i % 2),
                    "role": "clerk"}, ro, "l2-%d-%d" % (r, i))
            return call(port, "GET", "election", token=toks[i])

        t0 = time.monotonic()
        for r in range(ROUNDS):
            for i, (secs, (st, js)) in enumerate(
                    at_once(lambda i: client(r, i), N)):
                lat.append(secs)
                if i < WRITERS:
                    wlat.append(secs)
                    if st == 201:
                        acked.append(js["entry"])
                if st not in (200, 201):
                    bad.append((st, js))
        wall = time.monotonic() - t0
        check(not bad, "L2: every request 200/201 (%d bad: %s)"
              % (len(bad), bad[:3]))
        print("L2 requests: %d rounds x %d clients (%d writes each) in"
              " %.1f s" % (ROUNDS, N, WRITERS, wall))
        print("L2 latency all: p50 %.3f s, p95 %.3f s, p99 %.3f s, max"
              " %.3f s (target p99 <= 1 s)" % (pct(lat, 50), pct(lat, 95),
                                              pct(lat, 99), max(lat)))
        print("L2 latency writes: p50 %.3f s, p95 %.3f s, p99 %.3f s"
              % (pct(wlat, 50), pct(wlat, 95), pct(wlat, 99)))
        if STRICT:
            check(pct(lat, 99) <= 1.0, "p99 <= 1 s: %.3f" % pct(lat, 99))
    finally:
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=60)
        log.close()
    check(rc == 0, "serve stops cleanly: %d" % rc)
    out = subprocess.run([DESK, "export", db], capture_output=True,
                         text=True).stdout.splitlines()
    book = [json.loads(x) for x in out[1:]]
    ents = [e["entry"] for e in book if e.get("action") ==
            "assignment.record" and e.get("device") != "init"]
    check(sorted(ents) == sorted(acked) and len(acked) == ROUNDS * WRITERS,
          "L2: the book holds every acknowledged write once (%d acked,"
          " %d in the book)" % (len(acked), len(ents)))
    check(subprocess.run([DESK, "verify", db]).returncode == 0,
          "L2: verify after the load")
    if os.environ.get("DESK_KEEP"):
        print("kept", tmp)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
