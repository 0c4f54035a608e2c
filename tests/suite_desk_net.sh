#!/bin/sh
# suite_desk_net.sh -- teller-desk's network warnings over loopback:
# plain HTTP's event, banner and cookie (§6.4) and the air-gap check
# with a fake route table (§6.1) (tests/desk/desk_net.py).
B=${B:-build}
if [ ! -x "$B/teller-desk" ]; then
	echo "SKIP: $B/teller-desk not built"
	echo "0 passed, 1 failed"
	exit 1
fi
exec /usr/bin/python3 "$(dirname "$0")/desk/desk_net.py" "$B"
