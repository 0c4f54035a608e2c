#!/bin/sh
# suite_desk_observe.sh -- `teller-desk observe` as its own process on
# the read model of `serve --read-model` (§6.1): the same answers as
# serve, logins of agents, observers and screens only, no write, no
# unreleased figure in the read model, publication within 2 s, observe
# and serve killed, a torn model refused (tests/desk/desk_observe.py).
B=${B:-build}
if [ ! -x "$B/teller-desk" ]; then
	echo "SKIP: $B/teller-desk not built"
	echo "0 passed, 1 failed"
	exit 1
fi
exec /usr/bin/python3 "$(dirname "$0")/desk/desk_observe.py" "$B"
