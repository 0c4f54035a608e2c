#!/usr/bin/python3
# bigbook.py -- a large book for the desk's tests and benches: n chained
# session.login events appended to a book (each hashed as docs/desk.md
# §6.5 says, canonical JSON), straight into its event table: a
# synthetic padding, cheap to replay, that makes a book as big as a
# long count's without a long count. Not a module of the desk.
import hashlib
import json
import sqlite3


def canon(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)


def chain_hash(prev, seq, payload):
    p = payload.encode()
    return hashlib.sha256(b"teller-desk/1" + seq.to_bytes(8, "big") +
                          bytes.fromhex(prev) + len(p).to_bytes(4, "big") +
                          p).hexdigest()


def pad(db, n):
    """n session.login events after the last, chained as §6.5 says."""
    con = sqlite3.connect(db)
    seq, line = con.execute("SELECT seq, line FROM event ORDER BY seq"
                            " DESC LIMIT 1").fetchone()
    prev = json.loads(line)["hash"]
    rows = []
    for i in range(n):
        seq += 1
        ev = {"action": "session.login", "at": "2030-01-01T00:00:00.000Z",
              "backfilled": False, "contest": None, "data": {},
              "device": None, "entry": None, "idem": None,
              "ip": "127.0.0.1", "paper_time": None, "reason_code": None,
              "reason_text": None, "role": "ro", "states": {},
              "supersedes": None, "user": "ro", "warnings": []}
        h = chain_hash(prev, seq, canon(ev))
        ev.update(seq=seq, prev=prev, hash=h)
        rows.append((seq, None, "session.login", canon(ev), h))
        prev = h
    con.executemany("INSERT INTO event VALUES (?, ?, ?, ?, ?)", rows)
    con.commit()
    con.close()
