#!/usr/bin/python3
# rctab_html.py SUMMARY.json CONFIG.json -- the result JSON that
# tests/html_contract.py reads, built from RCTab's own summary JSON (as
# teller rctab wrote it) and the contest config, so that the page of
# `teller rctab --html` can be checked against RCTab's figures: a stage
# a round, votes at the config's places, inactive ballots (undervotes
# apart) as non-transferable, the rest of the valid ballots as loss,
# winners at the round RCTab elects them, the eliminated at the round
# their ballots move. Writes the JSON on standard output.
import json
import sys
from decimal import Decimal

INACTIVE = ("exhaustedChoices", "overvotes", "repeatedRankings",
            "skippedRankings")


def main():
    summ = json.load(open(sys.argv[1], encoding="utf-8"))
    cfg = json.load(open(sys.argv[2], encoding="utf-8"))
    dp = int(cfg["rules"].get("decimalPlacesForVoteArithmetic", 4))
    q = Decimal(1).scaleb(-dp)

    def s(x):
        return str(Decimal(x).quantize(q)) if dp > 0 else \
            str(Decimal(x).quantize(Decimal(1)))

    order = [c["name"] for c in cfg["candidates"]]
    rounds = summ["results"]
    names = list(rounds[0]["tally"].keys())
    for n in names:
        if n not in order:
            order.append(n)
    names = [n for n in order if n in names]
    under = Decimal(summ["summary"]["undervotes"])
    valid = Decimal(summ["summary"]["totalNumBallots"]) - under
    stages, elected, excluded, prev_elim = [], [], [], []
    for r in rounds:
        votes = {n: s(r["tally"].get(n, 0)) for n in names}
        nt = sum(Decimal(r["inactiveBallots"].get(k, 0)) for k in INACTIVE)
        loss = valid - sum(Decimal(v) for v in votes.values()) - nt
        el = sorted((x["elected"] for x in r["tallyResults"]
                     if "elected" in x), key=order.index)
        ex = sorted(prev_elim, key=order.index)
        subject = ex[0] if ex else None
        if subject is None and r["round"] > 1:
            prev = rounds[r["round"] - 2]["tallyResults"]
            won = [x["elected"] for x in prev if "elected" in x]
            subject = sorted(won, key=order.index)[0] if won else None
        stages.append({"number": r["round"], "votes": votes,
                       "non_transferable": s(nt),
                       "loss_by_fractions": s(loss), "elected": el,
                       "excluded": ex, "subject": subject})
        elected += el
        excluded += ex
        prev_elim = [x["eliminated"] for x in r["tallyResults"]
                     if "eliminated" in x]
    res = {"title": summ["config"]["contest"], "method": "irv",
           "decimal_places": dp,
           "candidates": [{"name": n} for n in names],
           "rejected": {"undervotes (no ranking)": s(under)} if under
           else {},
           "stages": stages, "elected": elected, "excluded": excluded}
    json.dump(res, sys.stdout, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
