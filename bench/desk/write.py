#!/usr/bin/python3
# write.py -- the writer's cost per write as the book grows: L1's plan
# and setup (tests/desk/desk_l1.py), then N bundles posted over its 10
# contests (one clerk each, as L1's clerks do), then serve restarted on
# the same book under `valgrind --tool=callgrind`, collecting only
# inside d_api (the request itself: session, idempotency, the action,
# its invariants, the COMMIT; not HTTP nor the replay at start), and R
# more bundles posted one by one: the instructions per write are
# printed. CALLGRIND=FILE keeps callgrind's output there (default: a
# temporary file, removed). Prints the figures (bench/README.md) and a
# FAIL line for each error.
# Usage: write.py BUILD_DIR [N [R]] (default 1000 100).
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "desk_l1", os.path.join(HERE, "..", "..", "tests", "desk", "desk_l1.py"))
L1 = importlib.util.module_from_spec(spec)
ARGS = list(sys.argv)
sys.argv = sys.argv[:2]
spec.loader.exec_module(L1)


def bundle(c, i):
    return ("contests/%s/bundles" % L1.cid(c),
            {"round": 1, "area": "main", "table": c + 1, "stage": 1,
             "papers": 50, "kind": "candidate", "candidate": 1 + i % 4,
             "slip": "s%d-%d" % (c, i), "counted_by": "CA",
             "checked_by": "CK"})


def main(n, r):
    tmp = tempfile.mkdtemp(prefix="desk-write-")
    out = os.environ.get("CALLGRIND") or os.path.join(tmp, "cg.out")
    pf = os.path.join(tmp, "plan.json")
    with open(pf, "w") as f:
        json.dump(L1.make_plan(), f)
    db = os.path.join(tmp, "b.db")
    subprocess.run([L1.DESK, "init", db, "--plan", pf], check=True,
                   capture_output=True)
    port = L1.free_port()
    log = open(os.path.join(tmp, "serve.log"), "wb")
    proc = subprocess.Popen([L1.DESK, "serve", db, "--listen",
                             "127.0.0.1:%d" % port, "--insecure-http"],
                            stderr=log)
    try:
        wait_up(port, 20)
        toks = L1.setup(port, port)
        cls = [L1.Client(port, toks["clerk%02d" % c]) for c in range(L1.NC)]
        t0 = time.monotonic()
        for i in range(n):
            c = i % L1.NC
            path, body = bundle(c, i // L1.NC)
            L1.post(cls[c], path, body, "b")
        print("%d bundles posted in %.0f s" % (n, time.monotonic() - t0),
              flush=True)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        log.close()
        log = open(os.path.join(tmp, "serve-cg.log"), "wb")
        proc = subprocess.Popen(
            ["valgrind", "--tool=callgrind", "--collect-atstart=no",
             "--toggle-collect=d_api", "--callgrind-out-file=" + out,
             L1.DESK, "serve", db, "--listen", "127.0.0.1:%d" % port,
             "--insecure-http"], stderr=log)
        wait_up(port, 900)
        for c in range(L1.NC):
            cls[c].c = None
        for i in range(r):
            c = i % L1.NC
            path, body = bundle(c, n // L1.NC + 1 + i // L1.NC)
            L1.post(cls[c], path, body, "b")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=600)
        log.close()
    print("instructions per write (callgrind, d_api, %d entries before):"
          " %.0f" % (n, callgrind_total(out) / r))
    if L1.failed:
        print("FAIL: %d errors" % L1.failed)
    shutil.rmtree(tmp, ignore_errors=True)


def wait_up(port, seconds):
    """Until serve on port answers its health, for at most seconds."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            if L1.Client(port).call("GET", "health")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)


def callgrind_total(path):
    """The Ir total of a callgrind output file."""
    with open(path) as f:
        for line in f:
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    return 0


if __name__ == "__main__":
    main(int(ARGS[2]) if len(ARGS) > 2 else 1000,
         int(ARGS[3]) if len(ARGS) > 3 else 100)
