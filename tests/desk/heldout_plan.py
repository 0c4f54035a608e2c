#!/usr/bin/python3
# heldout_plan.py -- the made-up "Mayor of Thameside 2021" count that
# desk_heldout.py replays: a plan written from docs/desk.md §8 alone, the
# ballots behind it and the figures the count must reach. Nothing here
# comes from our own plan files or test helpers.
#
# Published: the first preferences, the rejected heads and the stage-2
# outcome of the Mayor of London 2021 (../shared/data/uk/
# london_mayor_2021.json, read at run time, never copied), each divided by
# SCALE and rounded half up. Invented (quote none of it):
# - the transfers: of the eliminated candidates' papers, Khan gets
#   192,313 / SCALE and Bailey 84,550 / SCALE (the published transfers,
#   scaled); the rest split into the not-transferred codes below;
# - the areas, boxes, their sizes and every variance;
# - the electorate (papers / 42.2 %, the unofficial turnout);
# - the rejected papers for want of the official mark or an identifying
#   mark are left out (a ballot profile cannot hold them, and the CLI's
#   declaration is compared with the desk's).
import json
import os

SCALE = 40
AREAS = (("north", "North and Riverside", 0.40, (1, 2)),
         ("central", "Central", 0.35, (3, 4)),
         ("south", "South and Downs", 0.25, (5, 6)))
STATIONS_PER_AREA = 12
HANDED_IN = 120          # papers in the postal_handed_in box (area north)
BUNDLE = 50
NT_INVENTED = {"second_same_as_first": 300, "second_for_eliminated": 2500,
               "rejected_second:too_many": 90,
               "rejected_second:uncertain": 0}
DEVICE = "5e1f0c3b9a7d4e2f8c6b1a0d9e8f7c6b5a4d3e2f1c0b9a8d7e6f5c4b3a2d1e0f"
RO_PW = "thameside-ro-passphrase"


def half_up(n, d):
    return (2 * n + d) // (2 * d)


def split(total, shares):
    """total split by shares (floats summing to 1), largest remainder."""
    raw = [total * s for s in shares]
    out = [int(x) for x in raw]
    rest = sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))
    for i in rest[:total - sum(out)]:
        out[i] += 1
    return out


def published(shared):
    path = os.path.join(shared, "data", "uk", "london_mayor_2021.json")
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def candidates(src):
    out = []
    for i, c in enumerate(src["candidates"]):
        words = c["name"].split(" ")
        k = {"position": i + 1, "surname": words[-1],
             "forenames": " ".join(words[:-1]), "description": c["party"]}
        out.append(k)
    out[3]["common_forenames"] = "Count"       # a commonly used name
    out[3]["common_surname"] = "BINFACE"
    out[12]["colour"] = "#dc241f"
    out[0]["colour"] = "#0087dc"
    return out


class Count:
    """Every paper of the count, by area: firsts[a][p], rejected[a][head],
    stage2[a][(e, dest)] (dest a position or a code)."""

    def __init__(self, src):
        n = len(src["candidates"])
        self.n = n
        self.first = [half_up(c["first"], SCALE) for c in src["candidates"]]
        rf = src["totals"]["rejected_first"]
        self.rej = {"too_many": half_up(rf["voting_for_too_many"], SCALE),
                    "unmarked": half_up(rf["unmarked"], SCALE),
                    "uncertain": half_up(rf["uncertain"], SCALE)}
        fin = sorted(range(n), key=lambda i: -self.first[i])
        self.remaining = sorted(fin[:2])
        self.winner = fin[0] + 1
        self.elim = [i for i in range(n) if i not in self.remaining]
        tr = {c["name"]: c.get("second_transfer", 0)
              for c in src["candidates"]}
        self.transfer = {p + 1: half_up(tr[src["candidates"][p]["name"]],
                                        SCALE) for p in self.remaining}
        self.pile = self.piles()
        self.by_area()

    def piles(self):
        """(e, dest) -> papers over the whole contest."""
        E = sum(self.first[e] for e in self.elim)
        want = dict(self.transfer)
        want.update(NT_INVENTED)
        want["no_second_preference"] = E - sum(want.values())
        keys = list(want)
        got = {k: 0 for k in keys}
        pile = {}
        i = 0
        for e in self.elim:                    # Bresenham over the papers
            for _ in range(self.first[e]):
                i += 1
                k = max(keys, key=lambda k: (want[k] * i / E - got[k],
                                             -keys.index(k)))
                got[k] += 1
                pile[(e + 1, k)] = pile.get((e + 1, k), 0) + 1
        return pile

    def by_area(self):
        sh = [a[2] for a in AREAS]
        self.afirst = [[0] * self.n for _ in AREAS]
        self.arej = [dict() for _ in AREAS]
        self.apile = [dict() for _ in AREAS]
        for p in range(self.n):
            for a, v in enumerate(split(self.first[p], sh)):
                self.afirst[a][p] = v
        for h, t in self.rej.items():
            for a, v in enumerate(split(t, sh)):
                self.arej[a][h] = v
        for k, t in self.pile.items():
            for a, v in enumerate(split(t, sh)):
                if v:
                    self.apile[a][k] = v
        self.apapers = [sum(self.afirst[a]) + sum(self.arej[a].values())
                        for a in range(len(AREAS))]

    def papers(self):
        return sum(self.apapers)

    def valid(self):
        return sum(self.first)

    def nt(self):
        out = {k: 0 for k in ("no_second_preference",
                              "second_same_as_first", "second_for_eliminated",
                              "rejected_second:too_many",
                              "rejected_second:uncertain")}
        for (e, k), v in self.pile.items():
            if isinstance(k, str):
                out[k] += v
        return out

    def ballots_csv(self, title, cands):
        """The same papers as a ballot profile for `teller count -m sv`."""
        name = ["%s %s" % (c["forenames"], c["surname"]) for c in cands]
        lines = ["# title: " + title, "# seats: 1"]
        lines += ["# candidate: %s | %s" % (name[i], cands[i]["description"])
                  for i in range(self.n)]
        lines.append("weight,rank1,rank2")
        for p in self.remaining:
            lines.append("%d,%s," % (self.first[p], name[p]))
        other = {e: self.elim[(self.elim.index(e) + 1) % len(self.elim)]
                 for e in self.elim}
        both = "|".join(name[p] for p in self.remaining)
        for (e, k), v in sorted(self.pile.items(), key=str):
            second = {"no_second_preference": "",
                      "second_same_as_first": name[e - 1],
                      "second_for_eliminated": name[other[e - 1]],
                      "rejected_second:too_many": both}.get(k)
            if second is None:
                second = name[k - 1]
            lines.append("%d,%s,%s" % (v, name[e - 1], second))
        lines.append("%d,%s," % (self.rej["too_many"], both))
        lines.append("%d,," % self.rej["unmarked"])
        lines.append("%d,,%s" % (self.rej["uncertain"], name[self.elim[0]]))
        return "\n".join(lines) + "\n"


def boxes(cnt):
    """[(code, kind, station, area, papers)] for every box."""
    out = []
    for a, (aid, _, _, _) in enumerate(AREAS):
        total = cnt.apapers[a]
        postal = total // 4
        handed = HANDED_IN if aid == "north" else 0
        station = total - postal - handed
        w = [1.0 + 0.37 * ((7 * i) % 5) for i in range(STATIONS_PER_AREA)]
        sizes = split(station, [x / sum(w) for x in w])
        for i, s in enumerate(sizes):
            code = "%s/%02d" % (aid[0].upper(), i + 1)
            out.append((code, "station", "%s%02d" % (aid[0].upper(), i + 1),
                        aid, s))
        out.append(("PV-" + aid, "postal", None, aid, postal))
        if handed:
            out.append(("PVH", "postal_handed_in", None, aid, handed))
    return out


def plan(cnt, cands, bx, electorate):
    """The count plan of §8, every optional member used somewhere."""
    st = [b for b in bx if b[1] == "station"]
    places = [{"id": "pl%02d" % (i // 2 + 1), "name": "Hall %d" % (i // 2 + 1)}
              for i in range(0, len(st), 2)]
    stations = [{"code": b[2], "name": "Station " + b[2],
                 "place": "pl%02d" % (i // 2 + 1)} for i, b in enumerate(st)]
    boxes_ = []
    for code, kind, station, area, _ in bx:
        b = {"code": code, "kind": kind,
             "polls": [{"contest": "mayor", "area": area}]}
        if station:
            b["station"] = station
            b["expected_arrival"] = "2021-05-06T22:30:00Z"
        boxes_.append(b)
    return {
        "format": "teller-desk-plan/1",
        "election": {"name": "Thameside mayoral election 2021",
                     "poll_date": "2021-05-06",
                     "close_of_poll": "2021-05-06T21:00:00Z",
                     "venue": "Thameside Exhibition Halls",
                     "timetable": [
                         {"event": "verification_start",
                          "at": "2021-05-07T08:00:00Z"},
                         {"event": "declaration_mayor",
                          "at": "2021-05-08T18:00:00Z"}]},
        "contests": [{
            "id": "mayor", "name": "Mayor of Thameside", "kind": "sv",
            "seats": 1, "regime": "mer2007-sv", "bundle_size": BUNDLE,
            "tolerance": 1, "min_recounts": 2,
            "show_totals_on_screen": "declared", "electorate": electorate,
            "areas": [{"id": a[0], "name": a[1]} for a in AREAS],
            "candidates": cands}],
        "places": places, "stations": stations, "boxes": boxes_,
        "tables": [{"number": t, "name": "Table %d" % t} for t in range(1, 7)]
        + [{"number": 9}],
        "users": users(),
        "devices": [{"name": "ro-laptop", "token": DEVICE,
                     "roles": ["ro", "dro", "manager", "admin"]},
                    {"name": "spare-pc", "token": "ab" * 32,
                     "roles": ["manager"]}],
        "agents": [
            {"id": "khan-ea", "contest": "mayor", "candidate": 13,
             "capacity": "election_agent", "name": "Morgan Ellis",
             "may_require_recount": True,
             "notified_at": "2021-04-29T10:00:00Z"},
            {"id": "bailey-ca", "contest": "mayor", "candidate": 1,
             "capacity": "counting_agent", "name": "Pat Quinn"},
            {"id": "berry-c", "contest": "mayor", "candidate": 3,
             "capacity": "candidate", "name": "Sian Berry"}],
        "delegations": [{"dro": "dro", "powers": ["verify_approve",
                                                  "adjudicate", "declare"],
                         "contests": ["mayor"],
                         "instrument_ref": "Appointment TS/2021/7"}]}


def users():
    def u(name, role, **kw):
        d = {"username": name, "full_name": name.title(), "role": role,
             "password": name + "-long-password", "must_change_password":
             False}
        d.update(kw)
        return d
    out = [u("ro", "ro", password=RO_PW, staff_no="RO1"),
           u("dro", "dro"), u("mgr", "manager"), u("admin", "admin"),
           u("rcpt", "receipt"),
           u("sup1", "supervisor", tables=[1, 2]),
           u("sup2", "supervisor", tables=[3, {"table": 4,
                                                "role": "supervisor"}]),
           u("sup3", "supervisor", tables=[5, 6])]
    for t in range(1, 7):
        for k in "ab":
            tables = [t]
            if (t, k) == (3, "b"):
                tables = [3, {"table": 6, "role": "supervisor"}]
            out.append(u("clerk%d%s" % (t, k), "clerk", tables=tables,
                         staff_no="C%d%s" % (t, k.upper())))
    out += [u("khan-ea", "agent", agent="khan-ea"),
            u("screen", "screen", contests=["mayor"]),
            u("auditor", "auditor"),
            {"username": "obs", "full_name": "Observer", "role": "observer",
             "password": "observer-first-password"}]
    return out
