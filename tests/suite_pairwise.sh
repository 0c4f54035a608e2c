#!/bin/sh
# suite_pairwise.sh -- brute-force cross-check of the Condorcet family and
# the Borda scores (methods.md 5, 6, 9.3) on random small profiles with
# equal ranks, short ballots and weights: tests/pairwise_brute.py computes
# every set and winner from the definitions by enumeration and checks
# teller's result JSON. PAIRWISE_N profiles (default 500), PAIRWISE_SEED
# (default 13). Ends "N passed, N failed". Run from the repository root
# with B set.
B=${B:-build}
exec /usr/bin/python3 tests/pairwise_brute.py "$B/teller" \
    "${PAIRWISE_N:-500}" "${PAIRWISE_SEED:-13}"
