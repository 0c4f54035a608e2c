#!/bin/sh
# suite_college_ref.sh -- `teller count -m college` against an independent
# reference written from the rule text of methods.md 4.2 in Python
# (tests/college_ref.py, fractions.Fraction): rounds, each section's
# votes, percent and points, and the weighted totals, on 250 random
# synthetic college elections. Run from the repository root with B set.
B=${B:-build}
exec /usr/bin/python3 tests/college_ref.py "$B/teller" "${N:-250}" \
    "${SEED:-2010}"
