#!/bin/sh
# suite_desk_walkthrough.sh -- the README's teller-desk walkthrough
# (examples/desk/walkthrough.sh) runs as written: a whole SV count
# through the API to the declaration, the public result, and a journal
# that `teller-desk verify` accepts. Ends "N passed, N failed".
B=${B:-build}
pass=0
fail=0
if [ ! -x "$B/teller-desk" ] || ! command -v curl >/dev/null 2>&1; then
	echo "FAIL: needs $B/teller-desk and curl (scripts/deps.sh installs it)"
	echo "0 passed, 1 failed"
	exit 1
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# a free loopback port, chosen by the kernel
port=$(/usr/bin/python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if B=$B PORT=$port sh examples/desk/walkthrough.sh "$T" >"$T/out" 2>&1 &&
    grep -q '^walkthrough: declared: Jane ASHBY' "$T/out"; then
	pass=$((pass + 1))
else
	fail=$((fail + 1))
	echo "FAIL: the walkthrough: $(tail -n 5 "$T/out")"
fi
# the journal it leaves holds the declaration
if grep -q '"action":"declaration' "$T/journal.jsonl" 2>/dev/null; then
	pass=$((pass + 1))
else
	fail=$((fail + 1))
	echo "FAIL: no declaration in the walkthrough's journal"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
