#!/usr/bin/python3
# desk_config.py -- config.change's gaps (docs/desk.md §9.4, §3.5, §8,
# §2.3) over loopback, on plan-block.json with a second station and box:
# G1 a change that gave a value the plan never had (the election's
# venue, a table's name, a box's expected arrival) withdrawn: the value
# is absent again, not "" nor a refusal; G2 a box's record (station,
# kind, expected_arrival) changed, the rest refused naming §8; fixed
# once the box is verified (I4, I5); G3 a block contest's seats changed
# before counting, the pattern check (I7) and the tally bound (I8) then
# use them; fixed once counting begins (I7); G4 §2.3's bound between a
# transfer and a count taken after it: a receiving box's count includes
# the papers moved in, a count taken before papers were moved out held
# them; G5 all of it after a restart, through `verify` and through
# export and import (the same bytes). On a second contest south (areas
# east, west): H1 a box's polls and its kind between station and postal
# changed in SETUP, bad values refused (400, §8); H2 a poll added to an
# opened box brings south to VERIFYING and takes its figures, a poll
# with entries stays (I1); H3 a decided box's polls and kind fixed (I4,
# I5); H4 north's boxes fixed once its F6 is issued (I5) and mixed (I6);
# H6 south verified (F6 shows the changed kinds apart) and mixed with
# its boxes as changed; H5 all of it again after a restart and import,
# and through observe's readers' model; H7 a box does not join a polling
# place whose boxes were verified as compensating errors (I4).
# Usage: desk_config.py BUILD_DIR. Prints "N passed, N failed".
import json
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import desk_sec as ds  # noqa: E402  (its B comes from sys.argv too)

check = ds.check
N = "contests/north/"
PWS = {"ro": "correct-horse-battery-1", "sup1": "sup1-password-long-1",
       "clerk1": "clerk1-password-long", "clerk2": "clerk2-password-long",
       "clerk3": "clerk3-password-long"}
OBS_PW = "observer-password-long"


def plan():
    """plan-block.json with a station N2 and its box N2 (north), and a
    contest south of two areas with one box S1 (east) at N2."""
    with open(os.path.join(ds.HERE, "plan-block.json")) as f:
        p = json.load(f)
    p["stations"].append({"code": "N2", "name": "Hall B", "place": "p1"})
    p["boxes"].append({"code": "N2", "kind": "station", "station": "N2",
                       "polls": [{"contest": "north"}]})
    p["contests"].append({
        "id": "south", "name": "South Ward", "kind": "fptp", "seats": 1,
        "regime": "lepar2006", "areas": [{"id": "east", "name": "East"},
                                         {"id": "west", "name": "West"}],
        "candidates": [{"position": 1, "surname": "AB", "forenames": "A"},
                       {"position": 2, "surname": "CD", "forenames": "C"}]})
    p["boxes"].append({"code": "S1", "kind": "station", "station": "N2",
                       "polls": [{"contest": "south", "area": "east"}]})
    p["users"].append({"username": "obs", "full_name": "Olu Observer",
                       "role": "observer", "password": OBS_PW,
                       "must_change_password": False})
    path = os.path.join(ds.tmp, "plan-config.json")
    with open(path, "w") as f:
        json.dump(p, f)
    return path


LIVE = []


class Desk:
    """A served book and its users' tokens."""

    def __init__(self, db, observe=False):
        self.db = db
        self.srv = ds.Server(db, observe=observe).start()
        LIVE.append(self)
        self.t = {u: ds.login(self.srv.port, u, pw)[1]["token"]
                  for u, pw in PWS.items()}

    def call(self, who, method, path, body=None):
        return ds.call(self.srv.port, method, path, body, self.t[who])

    def post(self, who, path, body, want=201, rule=None, what=None):
        st, js, _ = self.call(who, "POST", path, body)
        ok = st == want and (not rule or js["error"].get("rule") == rule)
        if ok and rule:
            ok = rule in js["error"]["message"]
        check(ok, "%s: %s %s -> %d %s (want %d %s)" % (
            what or path, path, json.dumps(body)[:90], st,
            json.dumps(js)[:300], want, rule or ""))
        return js if isinstance(js, dict) else {}

    def f1(self):
        """F1 as the RO prints it (HTML)."""
        st, raw, _ = self.call("ro", "GET", "forms/F1?contest=north")
        return raw.decode() if st == 200 and isinstance(raw, bytes) else ""

    def venue(self):
        m = re.search(r"<p>Venue: (.*?)\. Close of poll", self.f1())
        return m.group(1) if m else None

    def old(self, obj, key, field, probe):
        """What config says a field holds now ({"old"}, null: absent),
        the probing change withdrawn again."""
        js = self.post("ro", "config", cfg(obj, key, field, probe,
                                           reason_text="probe"),
                       what="probe %s %s" % (obj, field))
        if "entry" in js:
            withdraw(self, js["entry"], "probe withdrawn")
        return js.get("old", 0)

    def box(self, code, c=N):
        st, js, _ = self.call("ro", "GET", c + "boxes?box=" + code)
        return js[0] if st == 200 and js else {}

    def state(self, c):
        st, js, _ = self.call("ro", "GET", "contests/" + c)
        return js.get("state") if st == 200 else None

    def form(self, f, c, box=None):
        st, raw, _ = self.call("ro", "GET", "forms/%s?contest=%s%s" % (
            f, c, "&box=" + box if box else ""))
        return raw.decode() if st == 200 and isinstance(raw, bytes) else ""

    def seats(self):
        st, js, _ = self.call("ro", "GET", "contests/north")
        return js.get("seats") if st == 200 else None

    def stop(self):
        LIVE.remove(self)
        self.srv.stop()


def cfg(obj, key, field, value, **kw):
    return dict({"object": obj, "key": key, "field": field, "value": value},
                **kw)


def withdraw(d, e, what, **kw):
    return d.post("ro", "entries/%d/withdrawal" % e, dict(
        {"reason_code": "typo", "reason_text": "not so"}, **kw), what=what)


def g1_absent(d):
    """G1: a value the plan never had, set by config and withdrawn, is
    absent again: config's next {"old"} is null (not ""), F1 prints none."""
    js = d.post("ro", "config", cfg("election", None, "venue", "Town Hall"),
                what="G1: the venue set")
    check(js.get("old", 0) is None, "G1: its old value null: %s" % js)
    js = withdraw(d, js["entry"], "G1: the venue's change withdrawn")
    check(js.get("action") == "entry.withdraw", "G1: withdrawn: %s" % js)
    check(d.old("election", None, "venue", "Hall") is None,
          "G1: the venue absent again")
    js = d.post("ro", "config", cfg("table", "1", "name", "Ward table"),
                what="G1: table 1 named")
    check(js.get("old", 0) is None, "G1: table 1 had no name: %s" % js)
    withdraw(d, js["entry"], "G1: the table's name withdrawn")
    check(d.old("table", "1", "name", "T") is None,
          "G1: table 1 nameless again")
    d.post("ro", "config", cfg("election", None, "name", None), 400,
           what="G1: a required name is not null")
    d.post("ro", "config", cfg("election", None, "venue", "Hall"),
           what="G1: a venue again")
    js = d.post("ro", "config", cfg("election", None, "venue", None),
                what="G1: a venue removed by null")
    check(js.get("old") == "Hall" and d.old("election", None, "venue",
                                            "Hall") is None,
          "G1: null is absent: %s" % js)


def g2_box_setup(d):
    """G2: a box's station, kind and expected arrival change in SETUP;
    the rest is refused naming §8."""
    js = d.post("ro", "config", cfg("box", "N1", "station", "N2"),
                what="G2: N1 to station N2")
    check(js.get("old") == "N1" and d.box("N1").get("station") == "N2",
          "G2: N1 at N2: %s %s" % (js, d.box("N1")))
    d.post("ro", "config", cfg("box", "N1", "station", "N9"), 400,
           what="G2: no station N9")
    d.post("ro", "config", cfg("box", "PV", "station", "N1"), 400,
           rule="§8", what="G2: a postal box has no station")
    js = d.post("ro", "config", cfg("box", "N1", "kind", "postal"),
                what="G2: a station box made postal")
    check(js.get("old") == {"kind": "station", "station": "N2"} and
          d.box("N1").get("station") is None, "G2: N1 postal, no station:"
          " %s %s" % (js, d.box("N1")))
    js = d.post("ro", "config", cfg("box", "N1", "kind", {
        "kind": "station", "station": "N2"}), what="G2: N1 a station's again")
    check(js.get("old") == "postal" and d.box("N1").get("station") == "N2",
          "G2: N1 at N2 again: %s" % d.box("N1"))
    d.post("ro", "config", cfg("box", "PV", "kind", "station"), 400,
           rule="§8", what="G2: a postal box does not become a station's")
    d.post("ro", "config", cfg("box", "N1", "polls", []), 400,
           what="G2: a box carries a poll at least")
    d.post("ro", "config", cfg("box", "ZZ", "station", "N1"), 400,
           what="G2: no box ZZ")
    js = d.post("ro", "config", cfg("box", "PV", "kind", "postal_handed_in"),
                what="G2: PV handed in")
    check(js.get("old") == "postal" and d.box("PV").get("kind") ==
          "postal_handed_in", "G2: PV's kind: %s" % d.box("PV"))
    d.post("ro", "config", cfg("box", "N2", "expected_arrival", "22:00"),
           400, what="G2: a bad time")
    js = d.post("ro", "config", cfg("box", "N2", "expected_arrival",
                                    "2026-05-07T22:00:00Z"),
                what="G2: N2's arrival")
    check(js.get("old", 0) is None, "G2: N2 had no arrival: %s" % js)
    withdraw(d, js["entry"], "G2: N2's arrival withdrawn")
    check(d.old("box", "N2", "expected_arrival", "2026-05-07T22:30:00Z")
          is None, "G2: N2 has no arrival again")


def g3_seats_setup(d):
    """G3: a block contest's seats, 1..100, changed before counting."""
    d.post("ro", "config", cfg("contest", "north", "seats", 0), 400,
           what="G3: no seats")
    js = d.post("ro", "config", cfg("contest", "north", "seats", 2),
                what="G3: north elects 2")
    check(js.get("old") == 3 and d.seats() == 2,
          "G3: seats 2: %s %s" % (js, d.seats()))


def enter(d, box, kind, n, who=("clerk1", "clerk2"), want=201, rule=None,
          what=None):
    es = []
    for w in who:
        body = {"box": box, "issued_to_voters": n} if kind == "bpa" else \
            {"box": box, "attempt": 0, "papers": n,
             "acknowledge": ["variance_large"]}
        es.append(d.post(w, N + ("bpa" if kind == "bpa" else "counts"), body,
                         want, rule, what or "%s %s" % (kind, box)))
    return es


def g4_transfers(d):
    """G4: 5 papers of N2 found in N1 are moved before either is counted
    (N1 held 65 with a BPA of 60; N2 25 with a BPA of 30). A count taken
    after the transfer: N2's must include the 5 (§2.3), N1's excludes
    them; an entry taken before it and agreed after must have held them."""
    for b, n in (("N1", 60), ("N2", 30), ("PV", 40)):
        d.post("ro", "receipts", {"box": b, "seals_intact": True,
                                  "packets": []})
        d.post("sup1", "boxes/open", {"box": b, "table": 1})
        enter(d, b, "bpa", n)
    one = enter(d, "N1", "count", 3, who=("clerk1",))[0]
    xf = d.post("clerk1", N + "transfers", {"from_box": "N1", "to_box": "N2",
                                            "papers": 5},
                what="G4: 5 papers N1 -> N2 before N1 is counted")
    enter(d, "N1", "count", 3, who=("clerk2",), want=409, rule="§2.3",
          what="G4: N1's count of 3 taken before 5 left it")
    d.post("clerk1", "entries/%d/withdrawal" % one["entry"],
           {"reason_code": "typo"}, what="G4: the entry of 3 withdrawn")
    enter(d, "N2", "count", 4, who=("clerk3",), want=409, rule="§2.3",
          what="G4: N2's count of 4 after 5 moved in")
    enter(d, "N1", "count", 60)
    enter(d, "N2", "count", 30)
    enter(d, "PV", "count", 40)
    for b in ("N1", "N2", "PV"):
        s = d.box(b)
        check(s.get("state") == "AGREED" and s.get("variance") == 0,
              "G4: %s agreed, the transfer not added again: %s" % (b, s))
    d.post("clerk1", N + "transfers", {"from_box": "N1", "to_box": "N2",
                                       "papers": 61}, 409, rule="§2.3",
           what="G4: more papers than N1's count")
    return xf["entry"]


def g2_box_decided(d):
    """G2: station and kind fixed once a poll of the box is decided;
    the arrival and, before that, the kind may still change (RO, a
    reason, after READY)."""
    d.post("ro", "config", cfg("box", "PV", "kind", "postal",
                               reason_text="an opening session's"),
           what="G2: PV's kind in VERIFYING")
    for b in ("N1", "N2", "PV"):
        d.post("sup1", N + "decisions", {"box": b, "outcome": "agreed"},
               what="G2: %s decided" % b)
    d.post("ro", "config", cfg("box", "N1", "station", "N1",
                               reason_text="back"), 409, rule="I4",
           what="G2: N1's station once verified")
    d.post("ro", "config", cfg("box", "PV", "kind", "postal_handed_in",
                               reason_text="x"), 409, rule="I5",
           what="G2: PV's kind once verified")
    d.post("ro", "config", cfg("box", "N1", "expected_arrival", None,
                               reason_text="arrived"),
           what="G2: an arrival still changes")


S = "contests/south/"


def polls(d, box, value, want=201, rule=None, what=None, **kw):
    return d.post("ro", "config", cfg("box", box, "polls", value, **kw),
                  want, rule, what)


def h1_setup(d):
    """H1: a box's polls and its kind between station and postal change
    in SETUP; bad values are refused with 400 naming §8 where it is the
    plan's rule (every contest has a box, a contest once in a box)."""
    polls(d, "S1", [{"contest": "north"}], 400, "§8",
          "H1: S1 is south's only box")
    polls(d, "N2", "north, south", 400, what="H1: south has two areas")
    polls(d, "N2", [{"contest": "north"}, {"contest": "north"}], 400, "§8",
          "H1: a contest once")
    polls(d, "N2", [{"contest": "zz"}], 400, what="H1: no contest zz")
    polls(d, "N2", [{"contest": "south", "area": "zz"}], 400,
          what="H1: no area zz")
    polls(d, "N2", 5, 400, "§8", "H1: polls are an array")
    js = polls(d, "N2", "north, south/west", what="H1: N2 carries south"
               " (the form's text)")
    check(js.get("old") == [{"contest": "north", "area": "main"}] and
          d.box("N2", S).get("area") == "west",
          "H1: N2 in south's west: %s %s" % (js, d.box("N2", S)))
    withdraw(d, js.get("entry", 0), "H1: N2's polls withdrawn")
    check(d.box("N2", S) == {} and d.box("N2").get("area") == "main",
          "H1: N2 north's only again: %s" % d.box("N2", S))
    js = d.post("ro", "config", cfg("box", "S1", "kind", "postal"),
                what="H1: S1 postal")
    check(js.get("old") == {"kind": "station", "station": "N2"} and
          d.box("S1", S).get("kind") == "postal" and
          d.box("S1", S).get("station") is None, "H1: S1 postal: %s %s" %
          (js, d.box("S1", S)))
    d.post("ro", "config", cfg("box", "S1", "kind", "station"), 400, "§8",
           what="H1: a station box needs its station")
    d.post("ro", "config", cfg("box", "S1", "kind", {
        "kind": "station", "station": "N9"}), 400, what="H1: no station N9")
    js = d.post("ro", "config", cfg("box", "S1", "kind", "station:N1"),
                what="H1: S1 a station box at N1 (the form's text)")
    check(js.get("old") == "postal" and d.box("S1", S).get("station") ==
          "N1" and d.box("S1", S).get("kind") == "station",
          "H1: S1 at N1: %s" % d.box("S1", S))


def h2_opened(d):
    """H2: in VERIFYING a poll added to an opened box brings its contest
    (RECEIVING) to VERIFYING as box.open does, its figures are entered;
    a poll with entries stays (I1); an undecided box turns postal."""
    check(d.state("south") == "RECEIVING", "H2: south still RECEIVING")
    polls(d, "N2", [{"contest": "north"}], 400, rule=None,
          what="H2: a change after READY needs a reason")
    js = polls(d, "N2", [{"contest": "north"}, {"contest": "south",
                                                "area": "west"}],
               what="H2: opened N2 carries south", reason_text="ballot")
    check(js.get("states") == {"north": "VERIFYING", "south": "VERIFYING"}
          and d.state("south") == "VERIFYING",
          "H2: south VERIFYING: %s" % js.get("states"))
    for w in ("clerk1", "clerk2"):
        d.post(w, S + "bpa", {"box": "N2", "issued_to_voters": 20},
               what="H2: N2's BPA for south")
    check(d.box("N2", S).get("bpa") == 20 and d.box("N2").get("bpa") == 30,
          "H2: N2's BPAs apart: %s %s" % (d.box("N2", S), d.box("N2")))
    polls(d, "N2", [{"contest": "north"}], 409, "I1",
          "H2: south's poll of N2 has entries", reason_text="x")
    js = d.post("ro", "config", cfg("box", "S1", "kind", "postal",
                                    reason_text="an opening session's"),
                what="H2: S1 postal in VERIFYING")
    check(js.get("old") == {"kind": "station", "station": "N1"},
          "H2: S1 was at N1: %s" % js)


def h3_decided(d):
    """H3: a verified box's polls and kind are fixed (I4, I5)."""
    polls(d, "N1", [{"contest": "south", "area": "east"}], 409, "I4",
          "H3: north's decided poll of N1 stays", reason_text="x")
    d.post("ro", "config", cfg("box", "N1", "kind", "postal",
                               reason_text="x"), 409, rule="I5",
           what="H3: N1's kind once verified")


def h4_issued(d, tag, mixed):
    """H4: once north's F6 is issued its boxes are fixed (I5), once its
    area is mixed too (I6): no box joins or leaves it."""
    polls(d, "S1", "south/east, north", 409, "I6" if mixed else "I5",
          "%s: S1 does not join north" % tag, reason_text="x")


def h5_again(d, tag):
    """H5: the polls and kinds changed, as the book replayed shows them
    (a restart, import); F1 and F4 of south show N2."""
    n2, s1 = d.box("N2", S), d.box("S1", S)
    st, f6, _ = d.call("ro", "GET", S + "verification")
    check(n2.get("area") == "west" and n2.get("bpa") == 20 and
          s1.get("kind") == "postal" and s1.get("station") is None and
          s1.get("area") == "west" and d.state("south") == "VERIFIED" and
          st == 200 and f6.get("station_total") == 20 and
          f6.get("postal_total") == 10,
          "%s: N2 in south's west with its BPA, S1 postal: %s %s %s" % (
              tag, n2, s1, d.state("south")))
    st, js, _ = ds.login(d.srv.oport, "obs", OBS_PW)
    tok = js.get("token") if st == 200 else None
    ob = {}
    for b in ("N2", "S1"):
        st, js, _ = ds.call(d.srv.oport, "GET", S + "boxes?box=" + b,
                            token=tok)
        ob[b] = js[0] if st == 200 and js else {}
    check(ob["N2"].get("area") == "west" and ob["S1"].get("kind") ==
          "postal" and ob["S1"].get("area") == "west",
          "%s: the readers' model (observe) as the book: %s" % (tag, ob))
    f1, f4 = d.form("F1", "south"), d.form("F4", "south", "N2")
    check(">N2<" in f1 and "South Ward" in f4 and "North Ward" in f4,
          "%s: F1 of south lists N2, F4 its two polls" % tag)
    polls(d, "N2", [{"contest": "north"}], 409, "I6",
          "%s: south's poll of N2 stays" % tag, reason_text="x")
    h4_issued(d, tag, True)


def g3_seats_count(d):
    """G3: the pattern check and tally bound use 2 seats; once round 1
    starts the seats are fixed (I7)."""
    d.post("ro", N + "verification", {})
    h4_issued(d, "H4", False)
    d.post("sup1", N + "mixing", {"area": "main",
                                  "groups": [["N1", "N2", "PV"]]})
    h4_issued(d, "H4", True)
    d.post("ro", "config", cfg("contest", "north", "seats", 2,
                               reason_text="same"),
           what="G3: seats (unchanged) still before counting")
    d.post("ro", N + "rounds", {})
    d.post("ro", "config", cfg("contest", "north", "seats", 3,
                               reason_text="x"), 409, rule="I7",
           what="G3: seats fixed once counting")
    pattern_checks(d, "G3")


def h6_south(d):
    """H6: south verified and mixed with its boxes as changed: S1 moved
    (undecided) to area west; F6 shows N2 (station) and S1 (postal)
    apart; west mixes N2 with S1, a station box and a postal one (I6).
    (East, left without a box, is never mixed: south stays VERIFIED.)"""
    polls(d, "S1", "south/west", what="H6: S1 to west", reason_text="x")
    d.post("ro", "receipts", {"box": "S1", "seals_intact": True,
                              "packets": []})
    d.post("sup1", "boxes/open", {"box": "S1", "table": 1})
    for b, n in (("S1", 10), ("N2", 20)):
        for w in ("clerk1", "clerk2"):
            if b == "S1":
                d.post(w, S + "bpa", {"box": b, "issued_to_voters": n},
                       what="H6: S1's BPA")
            d.post(w, S + "counts", {"box": b, "attempt": 0, "papers": n},
                   what="H6: %s counted for south" % b)
        d.post("sup1", S + "decisions", {"box": b, "outcome": "agreed"},
               what="H6: %s decided for south" % b)
    js = d.post("ro", S + "verification", {}, what="H6: south's F6")
    st = js.get("statement", {})
    check(st.get("station_total") == 20 and st.get("postal_total") == 10,
          "H6: F6 N2 station, S1 postal: %s" % st)
    d.post("sup1", S + "mixing", {"area": "west", "groups": [["N2", "S1"]]},
           what="H6: west mixed, N2 with S1 (I6)")
    polls(d, "N2", [{"contest": "north"}], 409, "I6",
          "H6: N2 stays in west, mixed", reason_text="x")


def pattern_checks(d, tag, slip="p1"):
    pb = {"round": 1, "area": "main", "table": 1, "stage": 1, "slip": slip,
          "kind": "pattern", "pattern": [1, 2, 3], "papers": 5,
          "counted_by": "A", "checked_by": "B",
          "acknowledge": ["part_bundle"]}
    d.post("clerk1", N + "bundles", pb, 409, rule="I7",
           what="%s: 3 positions with 2 seats" % tag)
    d.post("clerk1", N + "bundles", dict(pb, pattern=[1, 2]),
           what="%s: 2 positions" % tag)
    sheet = {"round": 1, "area": "main", "table": 1, "sheet": "T" + slip,
             "papers": 4, "votes": {"1": 4, "2": 4, "3": 1}}
    d.post("clerk1", N + "tallies", sheet, 409, rule="I8",
           what="%s: a sheet above 2 x 4 votes" % tag)


def g5_again(db, tag):
    """G5: the book served again: what config changed is still so."""
    d = Desk(db, observe=True)
    check(d.venue() == "\u2014" and d.seats() == 2 and
          d.box("N1").get("station") == "N2" and
          d.box("PV").get("kind") == "postal" and
          "2026-05-07T21:40:00Z" not in d.f1(),
          "%s: no venue, seats 2, N1 at N2, PV postal, N1 arrival gone:"
          " %s" % (tag, (d.venue(), d.seats(), d.box("N1"), d.box("PV"))))
    for obj, key, field, probe in (
            ("election", None, "venue", "Hall"), ("table", "1", "name", "T"),
            ("box", "N2", "expected_arrival", "2026-05-07T22:30:00Z"),
            ("box", "N1", "expected_arrival", "2026-05-07T22:30:00Z")):
        check(d.old(obj, key, field, probe) is None,
              "%s: %s %s absent" % (tag, obj, field))
    check(all(d.box(b).get("state") == "VERIFIED" and
              d.box(b).get("verified") is not None
              for b in ("N1", "N2", "PV")),
          "%s: the boxes as verified" % tag)
    h5_again(d, tag)
    return d


def g6_withdraw(path):
    """G6: papers moved N1 -> N2, then on N2 -> PV; N2 counted 0 after
    both. Withdrawing the second would leave N2's count without the 5
    moved in (§2.3): refused, the transfer stands; the first may go,
    then the second."""
    db = os.path.join(ds.tmp, "xf.db")
    r = run("init", db, "--plan", path)
    check(r.returncode == 0, "G6: init: %s" % r.stderr.strip())
    d = Desk(db)
    d.post("ro", "plan/approve", {})
    d.post("ro", "poll/close", {})
    for b in ("N1", "N2", "PV"):
        d.post("ro", "receipts", {"box": b, "seals_intact": True,
                                  "packets": []})
        d.post("sup1", "boxes/open", {"box": b, "table": 1})
    one = d.post("clerk1", N + "transfers", {"from_box": "N1", "to_box":
                                             "N2", "papers": 5})
    two = d.post("clerk1", N + "transfers", {"from_box": "N2", "to_box":
                                             "PV", "papers": 5})
    enter(d, "N2", "count", 0)
    d.post("clerk1", "entries/%d/withdrawal" % two.get("entry", 0),
           {"reason_code": "wrong_box"}, 409, rule="§2.3",
           what="G6: N2 -> PV withdrawn under N2's count of 0")
    check(d.box("PV").get("counts") == [] and d.box("N2").get("counts") ==
          [{"attempt": 0, "papers": 0}], "G6: nothing changed: %s" %
          d.box("N2"))
    d.post("clerk1", "entries/%d/withdrawal" % one.get("entry", 0),
           {"reason_code": "wrong_box"},
           what="G6: N1 -> N2 withdrawn: N2 held the 5 it gave PV")
    d.post("clerk1", "entries/%d/withdrawal" % two.get("entry", 0),
           {"reason_code": "wrong_box"},
           what="G6: then N2 -> PV too: N2's 0 without transfers")
    d.stop()
    check(run("verify", db).returncode == 0, "G6: verify the book")


def h7_compensating(path):
    """H7: N1 and N2 of place p1 verified together as compensating errors
    (I4: every box of the place counted, sum counted = sum BPA): PV may
    not join p1 as a station box for north, nor N1 leave it; S1 (south
    only) may."""
    db = os.path.join(ds.tmp, "comp.db")
    r = run("init", db, "--plan", path)
    check(r.returncode == 0, "H7: init: %s" % r.stderr.strip())
    d = Desk(db)
    d.post("ro", "plan/approve", {})
    d.post("ro", "poll/close", {})
    for b, n, c in (("N1", 60, 62), ("N2", 30, 28)):
        d.post("ro", "receipts", {"box": b, "seals_intact": True,
                                  "packets": []})
        d.post("sup1", "boxes/open", {"box": b, "table": 1})
        enter(d, b, "bpa", n)
        enter(d, b, "count", c)
    d.post("ro", N + "decisions", {"place": "p1", "outcome": "compensating",
                                   "explanation": "papers swapped"},
           what="H7: p1 compensating")
    d.post("ro", "config", cfg("box", "PV", "kind", {
        "kind": "station", "station": "N1"}, reason_text="x"), 409,
        rule="I4", what="H7: PV does not join p1")
    d.post("ro", "config", cfg("box", "PV", "kind", "postal_handed_in",
                               reason_text="x"),
           what="H7: PV's kind between the postal two")
    d.post("ro", "config", cfg("box", "S1", "kind", "postal",
                               reason_text="x"),
           what="H7: S1 (south) leaves p1")
    d.stop()
    check(run("verify", db).returncode == 0, "H7: verify the book")


def run(*args):
    return subprocess.run([ds.DESK] + list(args), capture_output=True,
                          text=True)


def main():
    try:
        db = os.path.join(ds.tmp, "config.db")
        r = run("init", db, "--plan", plan())
        check(r.returncode == 0, "init: %s" % r.stderr.strip())
        d = Desk(db)
        g1_absent(d)
        g2_box_setup(d)
        h1_setup(d)
        g3_seats_setup(d)
        d.post("ro", "plan/approve", {})
        f1 = d.f1()
        check(d.venue() == "\u2014" and "Contest: block, 2 seat(s)" in f1 and
              "2026-05-07T21:40:00Z" in f1 and "2026-05-07T22:" not in f1,
              "G1-G3: F1 without a venue, 2 seats, N1's arrival only")
        js = d.post("ro", "config", cfg("election", None, "venue", "Hall",
                                        reason_text="booked"),
                    what="G1: a venue after READY")
        check(d.venue() == "Hall", "G1: F1 shows it: %r" % d.venue())
        withdraw(d, js.get("entry", 0), "G1: the venue withdrawn")
        check(d.venue() == "\u2014", "G1: F1 without it: %r" % d.venue())
        js = d.post("ro", "config", cfg("table", "1", "name", "Table A",
                                        reason_text="signs"),
                    what="G1: table 1 named after READY")
        withdraw(d, js.get("entry", 0), "G1: withdrawn after READY")
        d.post("ro", "poll/close", {})
        g4_transfers(d)
        h2_opened(d)
        g2_box_decided(d)
        h3_decided(d)
        g3_seats_count(d)
        h6_south(d)
        d.stop()
        d = g5_again(db, "G5 restart")
        pattern_checks(d, "G5 restart", "p2")
        d.stop()
        check(run("verify", db).returncode == 0, "G5: verify the book")
        j1 = os.path.join(ds.tmp, "j1.jsonl")
        with open(j1, "w") as f:
            f.write(run("export", db).stdout)
        check(run("verify", j1).returncode == 0, "G5: verify the journal")
        fresh = os.path.join(ds.tmp, "import.db")
        r = run("import", fresh, j1)
        check(r.returncode == 0, "G5: import: %s" % r.stderr.strip())
        check(run("export", fresh).stdout == open(j1).read(),
              "G5: the imported book exports the same bytes")
        for u, pw in list(PWS.items()) + [("obs", OBS_PW)]:
            r = run("user", fresh, "password", u, pw)
            check(r.returncode == 0, "G5: %s's password: %s" % (u, r.stderr))
        d = g5_again(fresh, "G5 import")
        pattern_checks(d, "G5 import", "p3")
        d.stop()
        g6_withdraw(plan())
        h7_compensating(plan())
    finally:
        for d in list(LIVE):
            d.stop()
        rc = ds.finish()
    return rc


if __name__ == "__main__":
    sys.exit(main())
