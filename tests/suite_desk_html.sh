#!/bin/sh
# suite_desk_html.sh -- teller-desk's screens over HTTP on loopback, no
# browser: headers, cookie, CSRF, escaping, forbidden screens
# (tests/desk/desk_html.py; make check-browser adds chromium).
B=${B:-build}
if [ ! -x "$B/teller-desk" ]; then
	echo "SKIP: $B/teller-desk not built"
	echo "0 passed, 1 failed"
	exit 1
fi
exec /usr/bin/python3 "$(dirname "$0")/desk/desk_html.py" "$B"
