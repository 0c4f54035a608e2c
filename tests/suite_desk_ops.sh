#!/bin/sh
# suite_desk_ops.sh -- teller-desk's operations over loopback: backups
# (the CLI's and serve --backup-dir's, with the local CA's files), the
# disk-full precautions (free-disk floor, ballast), `tls renew` and the
# certificate's expiry warning, the air-gap block across a restart
# (tests/desk/desk_ops.py).
B=${B:-build}
if [ ! -x "$B/teller-desk" ]; then
	echo "SKIP: $B/teller-desk not built"
	echo "0 passed, 1 failed"
	exit 1
fi
exec /usr/bin/python3 "$(dirname "$0")/desk/desk_ops.py" "$B"
