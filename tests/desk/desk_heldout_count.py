#!/usr/bin/python3
# desk_heldout_count.py -- the count half of desk_heldout.py: stage 1
# (doubtful trays, bundles from several client threads, kill -9 with
# requests in flight), F13, stage 2, the provisional result, the
# declaration and public results, the CLI's declaration over the same
# ballots, and the journal (export -> import -> export, a tampered
# journal). `m` is desk_heldout's module (call, post, check, ...).
import hashlib
import http.client
import json
import os
import queue
import re
import subprocess
import threading
import time

import heldout_plan as hp

C = "contests/mayor/"
KHAN = 13
BAILEY = 1
# doubtful papers allowed at stage 1: (area, position) -> papers
ALLOWED1 = {("north", KHAN): 3, ("south", 3): 2}
# stage 2, area central, from Berry (3): 2 allowed for Khan, 1 rejected
BERRY = 3
ALLOWED2 = {("central", BERRY, KHAN): 2,
            ("central", BERRY, "rejected_second:too_many"): 1}
HEADS = {"too_many": "voting for more than one candidate as to the first "
         "preference vote",
         "unmarked": "unmarked or void for uncertainty as to the first "
         "preference vote"}


def bundles_of(area, stage, source, dest, papers, table_pair, seq):
    """Bodies of one pile's bundles, bundle_size each, the last a part."""
    out = []
    while papers > 0:
        n = min(hp.BUNDLE, papers)
        papers -= n
        seq[0] += 1
        t = table_pair[seq[0] % 2]
        b = {"round": 1, "area": area, "table": t, "stage": stage,
             "slip": "%s%d-%d" % (area[0], stage, seq[0]), "papers": n,
             "counted_by": "CA%02d" % (seq[0] % 40),
             "checked_by": "CA%02d" % ((seq[0] + 1) % 40)}
        if stage == 1:
            b.update(kind="candidate", candidate=dest)
        else:
            b.update(kind="stage2", source=source, dest=dest)
        if n < hp.BUNDLE:
            b["part"] = True
        out.append(("clerk%d%s" % (t, "ab"[seq[0] % 2]), b))
    return out


def stage1_jobs(x):
    jobs = []
    for a, (aid, _, _, tabs) in enumerate(hp.AREAS):
        seq = [0]
        for p in range(x.cnt.n):
            n = x.cnt.afirst[a][p] - ALLOWED1.get((aid, p + 1), 0)
            jobs += bundles_of(aid, 1, None, p + 1, n, tabs, seq)
    return jobs


def stage2_jobs(x):
    jobs = []
    for a, (aid, _, _, tabs) in enumerate(hp.AREAS):
        seq = [0]
        for (e, k), v in sorted(x.cnt.apile[a].items(), key=str):
            v -= ALLOWED2.get((aid, e, k), 0)
            jobs += bundles_of(aid, 2, e, k, v, tabs, seq)
    return jobs


def doubtful(m, x, area, table, stage, papers, decision, source=None,
             object_to=None):
    body = {"round": 1, "area": area, "table": table, "stage": stage,
            "papers": papers, "description": "tray of papers: " +
            decision.get("why", "unclear marks"),
            "drawn_by": ["khan-ea"]}
    if source:
        body["source"] = source
    js = m.post(x.t["clerk%da" % table], C + "doubtful", body)
    d = {k: v for k, v in decision.items() if k != "why"}
    d.update(doubtful=js.get("entry"), agents_present=["nobody"])
    if object_to:
        m.post(x.t["dro"], C + "adjudications", d, 400, "unknown_reference",
               what="an unregistered agent present")
    d.update(agents_present=["khan-ea", "bailey-ca"])
    js = m.post(x.t["dro"], C + "adjudications", d)
    if object_to:
        o = m.post(x.t["mgr"], C + "objections", {
            "adjudication": js.get("entry"), "agent": object_to})
        m.check("objected" in str(o.get("endorsement", "")),
                "objection endorsement: %s" % o.get("endorsement"))
    return js


def stage1_doubtful(m, x):
    first = True
    for a, (aid, _, _, tabs) in enumerate(hp.AREAS):
        for head, n in sorted(x.cnt.arej[a].items()):
            k = 0
            while n > 0:
                tray = min(100, n)
                n -= tray
                k += 1
                doubtful(m, x, aid, tabs[k % 2], 1, tray,
                         {"decision": "rejected", "head": head,
                          "why": head.replace("_", " ")},
                         object_to="bailey-ca" if first else None)
                first = False
        for (area, p), n in ALLOWED1.items():
            if area == aid:
                doubtful(m, x, aid, tabs[0], 1, n, {"decision": "valid",
                                                    "positions": [p]})


def refusals1(m, x):
    """§9.5's refusals, as an outsider provokes them."""
    t1 = x.t["clerk1a"]
    b = {"round": 1, "area": "north", "table": 1, "stage": 1, "slip": "x1",
         "kind": "candidate", "candidate": KHAN, "papers": 51,
         "counted_by": "CA01", "checked_by": "CA02"}
    m.post(t1, C + "bundles", b, 409, "invariant", rule="I7",
           what="a bundle of 51 over bundle_size 50")
    m.post(t1, C + "bundles", dict(b, papers=50, checked_by="CA01"), 409,
           "invariant", rule="I7", what="counted_by = checked_by")
    m.post(x.t["clerk3a"], C + "bundles", dict(b, papers=50), 403,
           "forbidden", why="table", what="a clerk of table 3 at table 1")
    m.post(x.t["khan-ea"], C + "bundles", dict(b, papers=50), 403,
           "forbidden", what="an agent's bundle")
    m.post(t1, C + "bundles", dict(b, candidate=21, papers=50), 400,
           "unknown_reference", what="no candidate 21")
    m.post(t1, C + "bundles", dict(b, papers="50"), 400, "bad_request",
           what="papers as a string")
    m.post(t1, C + "bundles", dict(b, papers=50, area="east"), 400,
           "unknown_reference", what="no area east")
    st, js, _, _ = m.call("POST", C + "bundles", dict(
        b, papers=50, counted_by="x" * 70000), t1, "big-1")
    m.check(st == 413 and js and js["error"]["code"] == "too_large",
            "a body over 64 KiB: 413 too_large (%d)" % st)
    m.post(t1, C + "doubtful", {"round": 1, "area": "north", "table": 1,
                                "stage": 1, "papers": 1, "description":
                                "ballot 12345 marked"}, 400, "s66")
    m.post(t1, C + "doubtful", {"round": 1, "area": "north", "table": 1,
                                "stage": 1, "papers": 1, "description":
                                "a faint cross", "drawn_by": ["nobody"]},
           400, "unknown_reference", what="drawn by an unregistered agent")
    m.post(t1, C + "bundles", dict(b, papers=7, slip="w1"), 409,
           "unacknowledged_warning", what="a part bundle unflagged")
    js = m.post(t1, C + "bundles", dict(b, papers=7, slip="w1",
                                        acknowledge=["part_bundle"]),
                key="warned-1")
    m.check(js.get("warnings") == ["part_bundle"], "warning acknowledged: "
            "%s" % js.get("warnings"))
    st, js2, hd, _ = m.call("POST", C + "bundles", dict(
        b, papers=7, slip="w1", acknowledge=["part_bundle"]), t1, "warned-1")
    m.check(st == 201 and hd.get("idempotency-replayed") == "true" and
            js2.get("entry") == js.get("entry"), "a replayed key: the same "
            "201 and Idempotency-Replayed (%d %s)" % (st, hd))
    m.post(t1, C + "bundles", dict(b, papers=8, slip="w1"), 409,
           "idempotency_conflict", key="warned-1")
    m.post(t1, C + "bundles", dict(b, papers=8, part=True, slip="w1"), 409,
           "invariant", rule="I7", what="slip w1 used again")
    w = m.post(t1, "entries/%d/withdrawal" % js.get("entry", 0),
               {"reason_code": "duplicate"})
    e = m.get(x.t["ro"], "entries/%d" % js.get("entry", 0))
    m.check(e.get("superseded_by") == w.get("entry") and
            e.get("action") == "bundle.add", "entries/N: superseded_by the "
            "withdrawal (%s, %s)" % (e.get("superseded_by"), w.get("entry")))
    other = m.post(x.t["clerk1b"], C + "bundles", dict(b, papers=6, slip="w2",
                                                        part=True),
                   key="warned-1", what="another user's key of the same "
                   "name (keys are per user)")
    m.post(x.t["clerk1b"], "entries/%d/withdrawal" % other.get("entry", 0),
           {"reason_code": "other", "reason_text": "test paper"})


def post_parallel(m, x, jobs, kill_after=None):
    """Posts jobs from THREADS threads; with kill_after, kill -9 the
    server once that many are acknowledged. Returns the jobs not known
    to be done (unanswered or never sent), each with its key."""
    q = queue.Queue()
    for j in jobs:
        q.put(j)
    stop = threading.Event()
    unknown = []
    acked = [0]

    def worker():
        while not stop.is_set():
            try:
                user, body, key = q.get_nowait()
            except queue.Empty:
                return
            try:
                st, js, _, raw = m.call("POST", C + "bundles", body,
                                        x.t[user], key)
            except (OSError, http.client.HTTPException):
                with m.LOCK:
                    unknown.append((user, body, key))
                stop.set()
                continue
            if m.check(st == 201, "bundle %s: %d %s" % (body["slip"], st,
                                                        raw[:200])):
                with m.LOCK:
                    x.acked[key] = (js["entry"], body)
                    acked[0] += 1
    th = [threading.Thread(target=worker) for _ in range(m.THREADS)]
    for t in th:
        t.start()
    if kill_after:
        while acked[0] < kill_after and any(t.is_alive() for t in th):
            time.sleep(0.005)
        m.SRV[0].kill()
        m.SRV[0].wait()
    for t in th:
        t.join()
    x.in_flight = len(unknown)
    while not q.empty():
        unknown.append(q.get_nowait())
    return unknown


def keyed(jobs, tag):
    return [(u, b, "%s-%s" % (tag, b["slip"])) for u, b in jobs]


def all_entries(m, x, first):
    out = []
    n = first
    while True:
        js = m.get(x.t["ro"], "entries?from=%d&limit=1000" % n)
        lines = js if isinstance(js, list) else js.get("entries", [])
        if not lines:
            return out
        out += lines
        n = lines[-1]["entry"] + 1


def after_kill(m, x, unknown, first):
    """Every 201 is in the book as sent; nothing else but unanswered
    requests, each at most once; resending them by key completes it."""
    m.SRV[0] = m.start_server()
    ok = 0
    for key, (entry, body) in x.acked.items():
        js = m.get(x.t["ro"], "entries/%d" % entry)
        ok += (js.get("action") == "bundle.add" and js.get("idem") == key and
               js.get("data", {}).get("slip") == body["slip"] and
               js.get("data", {}).get("papers") == body["papers"])
    m.check(ok == len(x.acked), "after kill -9: %d of %d acknowledged "
            "entries as sent" % (ok, len(x.acked)))
    left = {k for _, _, k in unknown}
    ents = [e for e in all_entries(m, x, first)
            if e.get("action") == "bundle.add" and
            str(e.get("idem")).startswith("s1-")]
    idems = [e.get("idem") for e in ents]
    nums = [e["entry"] for e in all_entries(m, x, 1)]
    m.check(nums == list(range(1, len(nums) + 1)), "after kill -9: entry "
            "numbers gapless 1..%d" % len(nums))
    stray = [k for k in idems if k not in x.acked and k not in left]
    m.check(not stray and len(idems) == len(set(idems)), "after kill -9:"
            " no entry but the acknowledged and the unanswered, none twice"
            " (%d stray)" % len(stray))
    replayed = 0
    for user, body, key in unknown:
        st, js, hd, raw = m.call("POST", C + "bundles", body, x.t[user], key)
        m.check(st == 201, "resent %s: %d %s" % (key, st, raw[:200]))
        replayed += hd.get("idempotency-replayed") == "true"
        x.acked[key] = (js.get("entry"), body)
    print("kill -9: %d acknowledged, %d in flight, %d not sent; resent by "
          "key: %d replayed" % (len(x.acked) - len(unknown), x.in_flight,
                                len(unknown) - x.in_flight, replayed),
          flush=True)


def close_stage(m, x, stage):
    for aid, _, _, tabs in hp.AREAS:
        for t in tabs:
            m.post(x.t[m.sup_of(t)], C + "sheets/close", {
                "round": 1, "area": aid, "table": t, "stage": stage})
    return m.post(x.t["mgr"], C + "rounds/1/close", {"stage": stage})


def stage1(m, x):
    refusals1(m, x)
    stage1_doubtful(m, x)
    jobs = keyed(stage1_jobs(x), "s1")
    first = x.first_entry
    unknown = post_parallel(m, x, jobs, kill_after=len(jobs) // 2)
    m.check(len(unknown) > 0, "the kill came with requests unanswered")
    after_kill(m, x, unknown, first)
    over = {"round": 1, "area": "north", "table": 1, "stage": 1,
            "slip": "over", "kind": "candidate", "candidate": KHAN,
            "papers": 1, "part": True, "counted_by": "CA01",
            "checked_by": "CA02"}
    m.post(x.t["clerk1a"], C + "bundles", over, 409, "invariant",
           rule="I10", what="a bundle over the verified papers of north")
    js = close_stage(m, x, 1)
    m.check(js.get("states", {}).get("mayor") == "STAGE1_DONE",
            "stage 1 closed: %s" % js.get("states"))


def want_f13(x):
    cnt = x.cnt
    return (cnt.papers(), cnt.valid(), cnt.first,
            sorted(p + 1 for p in cnt.remaining))


def check_f13(m, x):
    f = m.get(x.t["khan-ea"], C + "stage1")
    first = [c.get("votes") for c in sorted(f.get("first", []),
                                            key=lambda c: c["position"])]
    got = (f.get("papers"), f.get("valid"), first, f.get("remaining"))
    m.check(got == want_f13(x) and f.get("majority") is None,
            "F13: %s, want %s" % (got, want_f13(x)))
    rec = m.get(x.t["mgr"], C + "reconciliation?round=1&stage=1")
    m.check(rec.get("reconciled") is True and all(
        a.get("difference") == 0 for a in rec.get("areas", [])),
        "F12 reconciled in every area")
    m.get(x.t["clerk1a"], C + "stage1", 403)
    nothing_public(m, "at stage 1 done (F13 is not a public result)")


def stage2(m, x):
    m.post(x.t["dro"], C + "stage2", {"notice": "x"}, 403, "forbidden",
           why="delegation", what="a DRO without provisional_release")
    js = m.post(x.t["ro"], C + "stage2", {"notice": "Second count at 14:00"
                                          " in Hall B; agents told"})
    m.check(js.get("remaining") == [BAILEY, KHAN] and
            len(js.get("eliminated", [])) == 18, "stage 2: remaining %s" %
            js.get("remaining"))
    b = {"round": 1, "area": "central", "table": 3, "stage": 2,
         "slip": "bad2", "kind": "stage2", "source": KHAN, "dest": BAILEY,
         "papers": 5, "part": True, "counted_by": "CA01",
         "checked_by": "CA02"}
    t3 = x.t["clerk3a"]
    m.post(t3, C + "bundles", b, 409, "invariant", what="from a remaining "
           "candidate")
    m.post(t3, C + "bundles", dict(b, source=BERRY, dest=5), 409,
           "invariant", rule="I14", what="to an eliminated candidate")
    m.post(x.t["mgr"], C + "rounds/1/close", {"stage": 2}, 409,
           what="stage 2 closed with nothing sorted")
    doubtful(m, x, "central", 3, 2, 2, {"decision": "valid", "dest": KHAN},
             source=BERRY)
    doubtful(m, x, "central", 4, 2, 1, {"decision": "rejected",
                                        "head": "too_many"}, source=BERRY)
    unknown = post_parallel(m, x, keyed(stage2_jobs(x), "s2"))
    m.check(not unknown, "stage 2: every bundle answered")
    js = close_stage(m, x, 2)
    m.check("reconciliation" in js, "stage 2 closed: %s" % list(js))


def figures(r):
    """What the count must show, from a result object of §9.3."""
    c = sorted(r.get("candidates", []), key=lambda c: c["position"])
    rej = {h["head"]: h["papers"] for h in r.get("rejected", [])}
    return (r.get("papers"), r.get("valid"), rej,
            [(k.get("first"), k.get("second"), k.get("total"),
              k.get("elected")) for k in c],
            r.get("elected"), r.get("not_transferred"))


def want(x):
    cnt = x.cnt
    rej = {h: 0 for h in ("want of official mark", "writing or mark by "
                          "which the voter could be identified")}
    rej[HEADS["too_many"]] = cnt.rej["too_many"]
    rej[HEADS["unmarked"]] = cnt.rej["unmarked"] + cnt.rej["uncertain"]
    cands = []
    for p in range(cnt.n):
        if p in cnt.remaining:
            s = cnt.transfer[p + 1]
            cands.append((cnt.first[p], s, cnt.first[p] + s,
                          p + 1 == KHAN))
        else:
            cands.append((cnt.first[p], None, None, False))
    return (cnt.papers(), cnt.valid(), rej, cands, [KHAN], cnt.nt())


def nothing_public(m, when):
    st, js, hd, _ = m.call("GET", "public/results")
    m.check(st == 200 and js.get("contests") == [] and
            hd.get("cache-control") == "no-cache",
            "public results empty %s" % when)
    m.check(m.call("GET", "public/results/mayor")[0] == 404,
            "public result of the mayor 404 %s" % when)


def provisional(m, x):
    nothing_public(m, "at stage 2 closed")
    m.get(x.t["khan-ea"], C + "provisional", 404)
    m.post(x.t["ro"], C + "provisional", {"present": ["khan-ea", "nobody"]},
           400, "unknown_reference", what="an unregistered agent present")
    js = m.post(x.t["ro"], C + "provisional", {"present": ["khan-ea",
                                                           "bailey-ca"]})
    p = js.get("provisional", {})
    m.check(figures(p) == want(x), "provisional:\n %s\nwant\n %s" %
            (figures(p), want(x)))
    m.check(js.get("version") == 1, "version 1")
    nothing_public(m, "at the provisional result")
    bd = m.get(x.t["screen"], "board")
    k = (bd.get("contests") or [{}])[0]
    m.check(k.get("state") == "PROVISIONAL" and k.get("result") is None,
            "the hall board shows no figures before the declaration "
            "(show_totals_on_screen declared): %s" % k.get("result"))
    p = m.get(x.t["khan-ea"], C + "provisional")
    m.check(figures(p) == want(x), "the agent sees the released version")
    m.post(x.t["mgr"], C + "recount-requests", {
        "agent": "nobody", "requester_name": "Someone",
        "capacity": "counting_agent", "grounds": "none"}, 400,
        "unknown_reference", what="a request by an unregistered agent")
    x.req = m.post(x.t["mgr"], C + "recount-requests", {
        "agent": "bailey-ca", "requester_name": "Pat Quinn",
        "capacity": "counting_agent", "grounds": "the margin"})
    m.post(x.t["dro"], C + "ready", {"version": 1, "note": "x"}, 409,
           rule="I15", what="ready with a request pending")
    visibility(m, x)


def declare(m, x):
    m.post(x.t["ro"], C + "recount-decisions", {
        "request": x.req.get("entry"), "decision": "refused",
        "reason": "a margin of thousands; no grounds given"})
    m.post(x.t["clerk1a"], C + "declaration", {"version": 1}, 403,
           "forbidden", why="role")
    m.post(x.t["dro"], C + "declaration", {"version": 1}, 409,
           "wrong_state", what="declaring from PROVISIONAL")
    m.post(x.t["dro"], C + "ready", {"version": 1, "note": "agents had an "
                                     "hour"})
    nothing_public(m, "when ready to declare")
    m.get(x.t["khan-ea"], C + "declaration", 404)
    m.reauth(x.t["dro"], "dro")
    js = m.post(x.t["dro"], C + "declaration", {"version": 1})
    m.check(js.get("states", {}).get("mayor") == "DECLARED" and
            figures(js.get("declaration", {})) == want(x), "declared, "
            "the answer's declaration as generated")
    k = m.get(x.t["khan-ea"], "contests/mayor")
    ver = {a["id"]: a["verified"] for a in k.get("areas", [])}
    m.check(ver == {a[0]: x.cnt.apapers[i] for i, a in enumerate(hp.AREAS)}
            and k.get("remaining") == [BAILEY, KHAN] and
            k.get("released_version") == 1 and k.get("state") == "DECLARED",
            "contests/mayor: %s" % {q: k.get(q) for q in
                                    ("state", "remaining", "areas")})
    f11 = m.get(x.t["khan-ea"], C + "rejected?round=1")
    m.check(f11.get("total") == sum(x.cnt.rej.values()) and
            len(f11.get("heads", [])) == 4, "F11: %s" % f11)
    d = m.get(x.t["screen"], C + "declaration")
    m.check(figures(d) == want(x), "the declaration:\n %s" % (figures(d),))
    k = want(x)[3][KHAN - 1]
    text = d.get("text") or ""
    m.check("Sadiq Aman KHAN" in text and "{:,}".format(k[2]) in text,
            "F18 names and figures")
    x.decl_text = text
    inp = (d.get("result") or {}).get("inputs") or [{}]
    m.check(str(inp[0].get("path")).startswith("teller-desk:#") and
            d.get("checkpoint", {}).get("seq") is not None,
            "the declaration's result inputs and checkpoint")
    pub = m.get(None, "public/results")
    c = pub.get("contests") or [{}]
    num = x.cnt.papers() * 10000
    q, r = divmod(num, x.electorate)
    q += 1 if 2 * r >= x.electorate else 0
    turnout = "%d.%02d" % (q // 100, q % 100)
    m.check(figures(c[0]) == want(x) and c[0].get("electorate") ==
            x.electorate and c[0].get("turnout") == turnout,
            "public results: %s turnout %s (want %s)" %
            (figures(c[0]), c[0].get("turnout"), turnout))
    names = [k["name"] for k in c[0].get("candidates", [])]
    m.check(names[3:4] == ["Count BINFACE"] and len(names) == 20,
            "public candidates in ballot order: %s" % names[:4])
    m.post(x.t["clerk1a"], C + "bundles", {
        "round": 1, "area": "north", "table": 1, "stage": 1, "slip": "late",
        "kind": "candidate", "candidate": 1, "papers": 5, "part": True,
        "counted_by": "CA01", "checked_by": "CA02"}, 409, rule="I16")
    m.post(x.t["ro"], C + "declaration/corrections", {
        "said": "twenty-nine thousand", "corrected": "{:,}".format(k[2])})
    js = m.post(x.t["ro"], C + "close", {"packets": [
        {"description": "counted papers", "seal": "P-1"}]})
    m.check(js.get("states", {}).get("mayor") == "CLOSED", "closed")
    m.post(x.t["clerk1a"], C + "declaration", {"version": 1}, 403,
           "forbidden", why="role", what="a clerk declares when CLOSED")
    pub = m.get(None, "public/results")
    m.check(len(pub.get("contests", [])) == 1 and figures(
        pub["contests"][0]) == want(x), "public results after CLOSED")
    st, js, _, _ = m.call("POST", "announcements", {
        "code": "A7", "text": "The count is over"}, x.t["mgr"])
    m.check(st == 201, "a write without Idempotency-Key: %d" % st)
    e = m.get(x.t["ro"], "entries/%d" % (js or {}).get("entry", 0))
    m.check(isinstance(e.get("idem"), str) and e["idem"],
            "the desk made a key: %s" % e.get("idem"))
    st = m.call("POST", "logout", {}, x.t["khan-ea"])[0]
    m.check(st == 204, "logout: 204 (%d)" % st)
    m.get(x.t["khan-ea"], "election", 401)


def visibility(m, x):
    """§3.4 and §9.3 as an outsider reads them, after the release."""
    m.get(x.t["khan-ea"], C + "reconciliation?round=1&stage=1", 403)
    m.get(x.t["admin"], C + "provisional", 403)
    m.get(x.t["clerk1a"], C + "provisional", 403)
    st, js, _, _ = m.call("GET", "health", host="evil.example:1")
    m.check(st == 421 and js and js["error"]["code"] == "misdirected",
            "a foreign Host: 421 misdirected (%d)" % st)
    js = m.post(x.t["mgr"], "announcements", {"code": "A5", "text":
                                              "Provisional result shown"})
    m.check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z",
                         js.get("at", "")) is not None and
            re.fullmatch("[0-9a-f]{64}", js.get("checkpoint", {}).get(
                "hash", "")) is not None, "the envelope's time and "
            "checkpoint: %s" % js)


def cli_declaration(m, x):
    csv = os.path.join(m.tmp, "ballots.csv")
    with open(csv, "w") as f:
        f.write(x.cnt.ballots_csv("Mayor of Thameside", x.cands))
    r = subprocess.run([m.TELLER, "count", "-m", "sv", csv],
                       capture_output=True, text=True)
    m.check(r.returncode == 0, "teller count -m sv: " + r.stderr)
    # The CLI also reads the second preferences on the remaining
    # candidates' papers, which a count never sorts (LGA 2000 Sch.2 para
    # 3(5)): its "all valid papers" lines have no figure at the desk.
    lines = r.stdout.split("\n")
    cli = "\n".join(k for k in lines
                    if not k.startswith("  all valid papers: "))
    m.check(len(lines) - len(cli.split("\n")) == 5, "the CLI's five lines"
            " on all valid papers' second preferences")
    desk = x.decl_text
    if not m.check(cli == desk, "the desk's F18 = the CLI's declaration"
                   " (but the five lines)"):
        with open(os.path.join(m.tmp, "cli.txt"), "w") as f:
            f.write(cli)
        with open(os.path.join(m.tmp, "desk.txt"), "w") as f:
            f.write(desk)
        d = subprocess.run(["diff", os.path.join(m.tmp, "cli.txt"),
                            os.path.join(m.tmp, "desk.txt")],
                           capture_output=True, text=True).stdout
        print(d[:3000])


def count_and_declare(x, m):
    stage1(m, x)
    check_f13(m, x)
    stage2(m, x)
    provisional(m, x)
    declare(m, x)
    cli_declaration(m, x)
    st, _, hd, body = m.call("GET", "export", tok=x.t["auditor"])
    m.check(st == 200 and hd.get("content-type", "").startswith(
        "application/x-ndjson"), "the auditor exports after CLOSED: %d" % st)
    x.api_export = body


def seal(ev):
    """§10's chain hash of one event line, as the spec writes it."""
    p = json.dumps({k: v for k, v in ev.items()
                    if k not in ("seq", "prev", "hash")}, sort_keys=True,
                   separators=(",", ":"), ensure_ascii=False).encode()
    return hashlib.sha256(b"teller-desk/1" + ev["seq"].to_bytes(8, "big") +
                          bytes.fromhex(ev["prev"]) +
                          len(p).to_bytes(4, "big") + p).hexdigest()


def outside_read(m, x, data):
    """The journal as §10 describes it, read by our own code."""
    lines = data.decode().split("\n")
    m.check(lines[-1] == "" and all(lines[:-1]), "LF-ended lines, none "
            "blank")
    head = json.loads(lines[0])
    plan = open(os.path.join(m.tmp, "plan.json"), "rb").read()
    m.check(head.get("format") == "teller-desk-journal/1" and
            head.get("plan_sha256") == hashlib.sha256(plan).hexdigest(),
            "the header: format and the plan file's SHA-256")
    prev, bad, canon = head.get("genesis"), [], 0
    for i, s in enumerate(lines[1:-1]):
        ev = json.loads(s)
        canon += s == json.dumps(ev, sort_keys=True, separators=(",", ":"),
                                 ensure_ascii=False)
        if ev["seq"] != i + 1 or ev["prev"] != prev or seal(ev) != ev["hash"]:
            bad.append(ev["seq"])
        prev = ev["hash"]
    m.check(not bad and canon == len(lines) - 2, "every line canonical and "
            "chained by §10's seal(): %d bad, %d of %d canonical" %
            (len(bad), canon, len(lines) - 2))
    for secret in (hp.DEVICE, "ab" * 32, hp.RO_PW, "-long-password",
                   "observer-"):
        m.check(secret.encode() not in data, "no secret in the journal: %s"
                % secret[:12])


def journal(x, m):
    desk = m.DESK
    j1 = os.path.join(m.tmp, "j1.jsonl")
    m.check(subprocess.run([desk, "export", m.DB, "-o", j1]).returncode == 0,
            "export")
    data = open(j1, "rb").read()
    outside_read(m, x, data)
    m.check(data.startswith(x.api_export), "GET export is the journal then")
    m.check(subprocess.run([desk, "verify", m.DB]).returncode == 0,
            "verify the book")
    m.check(subprocess.run([desk, "verify", j1]).returncode == 0,
            "verify the journal")
    db2 = os.path.join(m.tmp, "fresh.db")
    r = subprocess.run([desk, "import", db2, j1], capture_output=True,
                       text=True)
    m.check(r.returncode == 0, "import into a fresh book: " + r.stderr)
    out = subprocess.run([desk, "export", db2], capture_output=True).stdout
    m.check(out == data, "export -> import -> export byte-identical")
    lines = data.split(b"\n")
    k = next((i for i in range(len(lines) // 2, len(lines))
              if b'"action":"bundle.add"' in lines[i]), None)
    if not m.check(k is not None, "a bundle line in the journal's second "
                   "half"):
        return
    bad = list(lines)
    bad[k] = bad[k].replace(b'"papers":', b'"papers":1', 1)
    for name, body in (("tampered", b"\n".join(bad)),
                       ("dropped", b"\n".join(lines[:k] + lines[k + 1:]))):
        p = os.path.join(m.tmp, name + ".jsonl")
        open(p, "wb").write(body)
        r = subprocess.run([desk, "verify", p], capture_output=True,
                           text=True)
        m.check(r.returncode == 5 and ":%d:" % (k + 1) in r.stderr,
                "%s journal: verify exit 5 naming line %d (%d %s)" %
                (name, k + 1, r.returncode, r.stderr.strip()))
        db3 = os.path.join(m.tmp, name + ".db")
        r = subprocess.run([desk, "import", db3, p], capture_output=True,
                           text=True)
        m.check(r.returncode == 1 and not os.path.exists(db3),
                "%s journal: import refused, no book (%d %s)" %
                (name, r.returncode, r.stderr.strip()))
