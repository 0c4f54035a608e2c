#!/bin/sh
# run_case.sh CASE -- run one golden case (tests/golden/M/NAME.args holds
# the arguments of `teller count`, NAME.in the input) and print what it
# wrote to stdout and stderr, then its exit status.
base=$1
args=$(cat "$base.args")
# shellcheck disable=SC2086
"$B/teller" count $args "$base.in" 2>&1
echo "exit status $?"
