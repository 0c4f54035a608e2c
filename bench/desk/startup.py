#!/usr/bin/python3
# startup.py -- how long serve's start-up check (docs/desk.md §4.2) takes
# on a large book, walking the hash chain from seq 1 (no backup.made in
# the book) and from the last backup's checkpoint (one backup.made near
# the end): the same book but for that event and a server.start/stop.
# Each start is measured from launch to the listener accepting (wall),
# and in CPU seconds (user + system, from wait4, of start and a SIGTERM
# stop: less at the mercy of a busy machine), the median of RUNS;
# perf's instruction counter is not there on this machine. The book: SRC (e.g. a kept S15 book,
# DESK_KEEP=1 tests/desk/desk_s15.py), optionally padded with PAD
# chained session.login events (synthetic: say so with the figure).
# With BASE=PATH (a teller-desk from before the change), its start on
# the book with the checkpoint is measured too.
# Usage: startup.py BUILD_DIR SRC.db [PAD] [RUNS]. Prints the figures.
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(
    __file__)), "..", "..", "tests", "desk"))
from bigbook import pad  # noqa: E402
import desk_sec as ds  # noqa: E402  (free_port; its tmp removed at exit)

B = sys.argv[1]
SRC = sys.argv[2]
PAD = int(sys.argv[3]) if len(sys.argv) > 3 else 0
RUNS = int(sys.argv[4]) if len(sys.argv) > 4 else 3
DESK = os.path.abspath(os.path.join(B, "teller-desk"))


def serve(db, extra=(), env=None, desk=DESK):
    """Start serve on db: (the process, the seconds until it listens)."""
    port = ds.free_port()
    cmd = [desk, "serve", db, "--listen", "127.0.0.1:%d" % port,
           "--insecure-http"] + list(extra)
    e = dict(os.environ)
    e.update(env or {})
    t0 = time.time()
    p = subprocess.Popen(cmd, stderr=subprocess.DEVNULL, env=e)
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            break
        except OSError:
            if p.poll() is not None:
                raise RuntimeError("serve exited %d" % p.returncode)
            time.sleep(0.005)
    return p, time.time() - t0


def stop(p):
    """SIGTERM; the CPU seconds the process used."""
    p.send_signal(15)
    _, _, ru = os.wait4(p.pid, 0)
    p.returncode = 0
    return ru.ru_utime + ru.ru_stime


def measure(db, desk=DESK):
    walls, cpus = [], []
    for i in range(RUNS):
        p, secs = serve(db, desk=desk)
        cpus.append(stop(p))
        walls.append(secs)
    walls.sort()
    cpus.sort()
    return walls[len(walls) // 2], cpus[len(cpus) // 2]


def main():
    tmp = tempfile.mkdtemp(prefix="desk-startup-")
    try:
        base = os.path.join(tmp, "base.db")
        shutil.copy(SRC, base)
        if PAD:
            pad(base, PAD)
        walk, cp = os.path.join(tmp, "walk.db"), os.path.join(tmp, "cp.db")
        shutil.copy(base, walk)
        shutil.copy(base, cp)
        stop(serve(walk)[0])   # a server.start and stop, as cp gets
        bdir = os.path.join(tmp, "backups")
        os.mkdir(bdir)
        p, _ = serve(cp, ["--backup-dir", bdir],
                     {"TELLER_DESK_BACKUP_S": "1"})
        while not [f for f in os.listdir(bdir) if f.endswith(".db")]:
            time.sleep(0.2)
        time.sleep(0.5)
        stop(p)
        con = sqlite3.connect(cp)
        n, made = con.execute("SELECT max(seq), (SELECT max(seq) FROM"
                              " event WHERE action = 'backup.made')"
                              " FROM event").fetchone()
        con.close()
        mb = os.path.getsize(cp) / 1e6
        runs = [("from seq 1", walk, DESK), ("from the checkpoint", cp,
                                                DESK)]
        if os.environ.get("BASE"):
            runs.append(("before the change", cp, os.environ["BASE"]))
        for name, db, desk in runs:
            w, cpu = measure(db, desk)
            print("%s: %d events, %.1f MB%s: start %.3f s wall, %.3f s"
                  " CPU (median of %d; load average %s)"
                  % (name, n, mb, ", backup.made #%d" % made
                     if db == cp else "", w, cpu, RUNS,
                     os.getloadavg()[0]), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(ds.tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
