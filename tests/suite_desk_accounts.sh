#!/bin/sh
# suite_desk_accounts.sh -- teller-desk's accounts and devices over
# loopback: POST users, users/U/disable, users/U/password, devices,
# devices/NAME/revoke (§9.4's events), the commands user add|disable|
# password and device add|revoke, S-24's forms, their replay on restart
# and import, the air-gap block (tests/desk/desk_accounts.py).
B=${B:-build}
if [ ! -x "$B/teller-desk" ]; then
	echo "SKIP: $B/teller-desk not built"
	echo "0 passed, 1 failed"
	exit 1
fi
exec /usr/bin/python3 "$(dirname "$0")/desk/desk_accounts.py" "$B"
