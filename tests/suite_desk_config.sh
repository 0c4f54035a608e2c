#!/bin/sh
# suite_desk_config.sh -- teller-desk's config.change over loopback: a
# withdrawn change restoring an absent value, a box's record and a
# block contest's seats changed, §2.3's bound between a transfer and a
# count taken after it; a box's polls and its kind between station and
# postal changed, and what the rules then refuse (I1, I4-I6, §8); a
# restart, verify and import reproduce them
# (tests/desk/desk_config.py).
B=${B:-build}
if [ ! -x "$B/teller-desk" ]; then
	echo "SKIP: $B/teller-desk not built"
	echo "0 passed, 1 failed"
	exit 1
fi
exec /usr/bin/python3 "$(dirname "$0")/desk/desk_config.py" "$B"
