#!/usr/bin/python3
# sheet.py -- the cost of the supervisors' sheet read (F9, GET
# contests/C/sheets) as the book grows: L1's plan and setup
# (tests/desk/desk_l1.py), then N bundles posted to table 1 of c01 and
# N/4 to each other table, then R sheet reads of table 1 timed one by
# one, and serve's CPU time (utime + stime, /proc) over them: perf's
# instruction counter is not available on every VM. PERF_REC=FILE also
# records serve over the reads (`perf record -e cpu-clock`). CALLGRIND=FILE
# counts instructions instead (where perf cannot): once the bundles are
# in, serve is restarted on the same book under `valgrind
# --tool=callgrind`, collecting only inside d_api_read (the read itself,
# not HTTP or the pool), and the instructions per read are printed.
# Prints the figures (bench/README.md) and a FAIL line for each error.
# Usage: sheet.py BUILD_DIR [N [R]] (default 1000 50).
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


def main(n, r):
    tmp = tempfile.mkdtemp(prefix="desk-sheet-")
    pf = os.path.join(tmp, "plan.json")
    with open(pf, "w") as f:
        json.dump(L1.make_plan(), f)
    db = os.path.join(tmp, "b.db")
    subprocess.run([L1.DESK, "init", db, "--plan", pf], check=True,
                   capture_output=True)
    port, oport = L1.free_port(), L1.free_port()
    log = open(os.path.join(tmp, "serve.log"), "wb")
    proc = subprocess.Popen([L1.DESK, "serve", db, "--listen",
                             "127.0.0.1:%d" % port, "--insecure-http"],
                            stderr=log)
    try:
        wait_up(port, 20)
        # observer logins go to the staff port here (no observe process)
        toks = L1.setup(port, port)
        t0 = time.monotonic()
        for c in range(L1.NC):
            cl = L1.Client(port, toks["clerk%02d" % c])
            for i in range(n if c == 0 else n // 4):
                body = {"round": 1, "area": "main", "table": c + 1,
                        "stage": 1, "papers": 50, "kind": "candidate",
                        "candidate": 1 + i % 4, "slip": "s%d-%d" % (c, i),
                        "counted_by": "CA", "checked_by": "CK"}
                L1.post(cl, "contests/%s/bundles" % L1.cid(c), body, "b")
        print("posted in %.0f s" % (time.monotonic() - t0), flush=True)
        sup = L1.Client(port, toks["sup00"])
        path = "contests/c01/sheets?round=1&stage=1&table=1"
        st, js = sup.call("GET", path)
        assert st == 200, (st, js)
        print("entries on the sheet:", len(js["entries"]))
        rec = None
        if os.environ.get("CALLGRIND"):
            proc, log = under_callgrind(proc, log, db, port, tmp)
        if os.environ.get("PERF_REC"):
            rec = subprocess.Popen(["perf", "record", "-q", "-e",
                                    "cpu-clock", "-o",
                                    os.environ["PERF_REC"], "-p",
                                    str(proc.pid)])
            time.sleep(0.5)
        cpu0 = L1.proc_stat(proc.pid)
        ts = []
        for _ in range(r):
            t = time.monotonic()
            st, _js = sup.call("GET", path)
            ts.append(time.monotonic() - t)
            assert st == 200
        cpu1 = L1.proc_stat(proc.pid)
        if rec:
            rec.send_signal(signal.SIGINT)
            rec.wait()
        ts.sort()
        print("sheet reads: %d, p50 %.1f ms, p95 %.1f ms" % (
            r, 1000 * ts[len(ts) // 2], 1000 * ts[int(0.95 * len(ts))]))
        print("serve CPU per read: %.2f ms" % (
            1000.0 * (cpu1[0] - cpu0[0]) / os.sysconf("SC_CLK_TCK") / r))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=600)
        log.close()
        if os.environ.get("CALLGRIND"):
            print("instructions per read (callgrind, d_api_read): %.0f" %
                  (callgrind_total(os.environ["CALLGRIND"]) / r))
        shutil.rmtree(tmp, ignore_errors=True)


def under_callgrind(proc, log, db, port, tmp):
    """serve stopped and started again on the same book and port under
    callgrind, collecting in d_api_read only; the sessions stay."""
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    log.close()
    log = open(os.path.join(tmp, "serve-cg.log"), "wb")
    proc = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--collect-atstart=no",
         "--toggle-collect=d_api_read",
         "--callgrind-out-file=" + os.environ["CALLGRIND"], L1.DESK,
         "serve", db, "--listen", "127.0.0.1:%d" % port,
         "--insecure-http"], stderr=log)
    wait_up(port, 600)
    return proc, log


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
         int(ARGS[3]) if len(ARGS) > 3 else 50)
