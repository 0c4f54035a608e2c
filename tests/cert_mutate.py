#!/usr/bin/python3
# cert_mutate.py -- write a mutated copy of a teller-cert/1 certificate
# (tests/suite_cert.sh): python3 cert_mutate.py KIND IN OUT. Each KIND
# changes one thing a checker must catch; exit 3 if IN has no place for
# it. Standard library only. Kinds: wrong-exclusion, wrong-value,
# wrong-holder, missing-move, missing-lot, lot-number, tally (stage 2),
# tally1 (stage 1), nt, wrong-subject, wrong-elected, elected-order,
# order, rule (of an elect or second stage), remaining, remaining-other,
# reason, excluded (stv-ers97: one fewer excluded together, or one more),
# tv (stv-ers97: a surplus's new value, or null for a kept one),
# substage (stv-ers97: a sub-stage cited as a new exclusion), keep
# (stv-meek: a keep factor off by 10^-27), iterations (stv-meek: one
# more), stop-rule (stv-meek: omega cited as stable, sure losers as
# omega), truncate.
import json
import sys


def fix(v, delta):
    """A decimal string plus delta in its last place."""
    if "." not in v:
        return str(int(v) + delta)
    w, f = v.split(".")
    u = 10 ** len(f)
    n = int(w) * u + int(f) + delta
    return "%d.%0*d" % (n // u, len(f), n % u)


def main():
    kind, src, dst = sys.argv[1:4]
    recs = [json.loads(l) for l in open(src, encoding="utf-8")]
    done = False
    for r in recs:
        if done or "stage" not in r:
            continue
        a = r["action"]
        if kind == "wrong-exclusion" and a["kind"] == "exclude" and \
                r["why"].get("next"):
            # exclude the next lowest instead
            a["cand"] = r["why"]["next"]
            done = True
        elif kind == "wrong-subject" and a["kind"] in ("surplus",
                                                       "exclude"):
            a["cand"] = [n for n in r["tallies"] if n != a["cand"] and
                         float(r["tallies"][n]) > 0][0]
            done = True
        elif kind == "wrong-value" and a["kind"] == "surplus":
            for m in r["moves"]:
                if m["to"] is not None:
                    m["value"] = fix(m["value"], 1)
                    done = True
                    break
        elif kind == "wrong-holder" and r.get("moves"):
            names = list(r["tallies"])
            for m in r["moves"]:
                if m["to"] is not None:
                    others = [n for n in names
                              if n not in (m["to"], m["from"])]
                    m["to"] = others[0]
                    done = True
                    break
        elif kind == "missing-move" and r.get("moves"):
            del r["moves"][0]
            done = True
        elif kind == "missing-lot" and "lot" in r.get("why", {}):
            del r["why"]["lot"]
            done = True
        elif kind == "missing-lot" and any("lot" in e
                                           for e in r.get("elected", [])):
            del [e for e in r["elected"] if "lot" in e][0]["lot"]
            done = True
        elif kind == "lot-number" and any("lot" in e
                                          for e in r.get("elected", [])):
            e = [e for e in r["elected"] if "lot" in e][0]
            e["lot"] += 1
            done = True
        elif kind == "lot-number" and "lot" in r.get("why", {}):
            r["why"]["lot"] += 1
            done = True
        elif kind == "tally1" and r["stage"] == 1:
            n = list(r["tallies"])[-1]
            r["tallies"][n] = fix(r["tallies"][n], 1)
            done = True
        elif kind == "rule" and a["kind"] in ("elect", "second"):
            r["why"]["rule"] = {"46": "49", "49": "46",
                                "para 3(2)": "para 3(3)",
                                "para 3(3)": "para 3(2)"}[r["why"]["rule"]]
            done = True
        elif kind == "remaining" and "remaining" in r.get("why", {}):
            r["why"]["remaining"].pop()
            done = True
        elif kind == "remaining-other" and "remaining" in r.get("why", {}):
            rem = r["why"]["remaining"]
            rem[-1] = [n for n in r["tallies"] if n not in rem][0]
            done = True
        elif kind == "reason" and r.get("moves"):
            for m in r["moves"]:
                if m["to"] is None:
                    m["reason"] = "no further preference"
                    done = True
                    break
        elif kind == "elected-order" and len(r.get("elected", [])) > 1:
            el = r["elected"]
            el[0], el[1] = el[1], el[0]
            done = True
        elif kind == "tally" and r["stage"] == 2:
            n = next(iter(r["tallies"]))
            r["tallies"][n] = fix(r["tallies"][n], 1)
            done = True
        elif kind == "nt" and r["stage"] == 2:
            r["nt"] = fix(r["nt"], 1)
            done = True
        elif kind == "wrong-elected" and r.get("elected"):
            e = r["elected"][0]
            e["cand"] = [n for n in r["tallies"] if n != e["cand"]][0]
            done = True
        elif kind == "order" and a["kind"] == "surplus" and \
                r["why"].get("largest"):
            r["why"]["rule"] = "49(2)"
            done = True
        elif kind == "excluded" and "excluded" in r.get("why", {}):
            ex = r["why"]["excluded"]
            if len(ex) > 1:
                ex.pop()
            else:
                ex.append([n for n in r["tallies"] if n not in ex and
                           n != a["cand"]][0])
            done = True
        elif kind == "tv" and a["kind"] == "surplus":
            a["tv"] = fix(a["tv"], 1) if a["tv"] is not None else "0.01"
            done = True
        elif kind == "substage" and r.get("why", {}).get("rule") == \
                "5.4.11":
            r["why"]["rule"] = "5.2.5"
            done = True
        elif kind == "keep" and any(k[0] == "0" and k != "0" * 29 and
                                    k != "0." + "0" * 27
                                    for k in r.get("keep", [])):
            ks = r["keep"]
            i = [i for i, k in enumerate(ks)
                 if k[0] == "0" and k != "0." + "0" * 27][0]
            ks[i] = fix(ks[i], 1)
            done = True
        elif kind == "iterations" and r.get("iterations"):
            r["iterations"] += 1
            done = True
        elif kind == "stop-rule" and r.get("why", {}).get("rule") in \
                ("omega", "stable", "sure losers"):
            w = r["why"]
            if w["rule"] == "sure losers":
                del w["excluded"]
            w["rule"] = {"omega": "stable", "stable": "omega",
                         "sure losers": "omega"}[w["rule"]]
            done = True
    if kind == "truncate":
        recs = recs[:-2]
        done = True
    if not done:
        return 3
    with open(dst, "w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps(r, separators=(",", ":"),
                               ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
