#!/bin/sh
# SPDX-License-Identifier: MIT
# walkthrough.sh -- a whole count through teller-desk's JSON API (the
# README's walkthrough, run end to end): the example plan's SV mayor,
# four boxes of 1,000 papers, verification, the first count, the second
# stage, the provisional result and the declaration; then the book is
# exported and its journal verified. Needs curl. Stops at the first
# answer that is not the one expected, printing it.
# usage: sh examples/desk/walkthrough.sh [DIR]   (DIR: where count.db goes,
#        default a new temporary folder). Env: B (build dir, default build),
#        PORT (default 8080).
set -u
B=${B:-build}
PORT=${PORT:-8080}
here=$(dirname "$0")
dir=${1:-$(mktemp -d)}
db=$dir/count.db
api=http://127.0.0.1:$PORT/api/v1
dev=8f3c1a9b7e2d4c6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5

"$B/teller-desk" init "$db" --plan "$here/plan-mayor.json" || exit 1
"$B/teller-desk" serve "$db" --listen "127.0.0.1:$PORT" --insecure-http \
    2>"$dir/serve.log" &
srv=$!
trap 'kill $srv 2>/dev/null; wait $srv 2>/dev/null' EXIT
i=0
until curl -s -o /dev/null "$api/public/results"; do
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "walkthrough: the server did not start"; exit 1; }
	sleep 0.1
done

# post TOKEN PATH BODY [STATUS]: the answer must have STATUS (default 201)
post() {
	code=$(curl -s -o "$dir/answer" -w '%{http_code}' "$api/$2" \
	    -H 'Content-Type: application/json' \
	    -H "Authorization: Bearer $1" -d "$3")
	if [ "$code" != "${4:-201}" ]; then
		echo "walkthrough: POST $2 $3 -> $code: $(cat "$dir/answer")"
		exit 1
	fi
}
# login USER PASSWORD [DEVICE]: print the session token
login() {
	d=${3:+,\"device\":\"$3\"}
	curl -s "$api/login" -H 'Content-Type: application/json' \
	    -d "{\"username\":\"$1\",\"password\":\"$2\"$d}" |
	    sed -n 's/.*"token": *"\([^"]*\)".*/\1/p'
}
ro=$(login ro correct-horse-battery-1 $dev)
mgr=$(login mgr mgr-password-long-1 $dev)
rcpt=$(login rcpt rcpt-password-long-1)
sup=$(login sup1 sup1-password-long-1)
c1=$(login clerk1 clerk1-password-long)
c2=$(login clerk2 clerk2-password-long)
for t in "$ro" "$mgr" "$rcpt" "$sup" "$c1" "$c2"; do
	[ -n "$t" ] || { echo "walkthrough: a login failed"; exit 1; }
done
C=contests/mayor

post "$ro" plan/approve '{}'
post "$mgr" poll/close '{}'
# Verification: each box received, opened at a table, its ballot paper
# account and its papers each entered by two clerks, then agreed.
for bx in M1:300:1 M2:250:1 M3:230:2 PV1:220:2; do
	b=${bx%%:*}
	t=${bx##*:}
	n=${bx#*:}
	n=${n%:*}
	post "$rcpt" receipts "{\"box\":\"$b\",\"seals_intact\":true,
	    \"packets\":[\"bpa\"]}"
	post "$sup" boxes/open "{\"box\":\"$b\",\"table\":$t}"
	for c in "$c1" "$c2"; do
		post "$c" $C/bpa "{\"box\":\"$b\",\"issued_to_voters\":$n}"
	done
	for c in "$c1" "$c2"; do
		post "$c" $C/counts "{\"box\":\"$b\",\"attempt\":0,\"papers\":$n}"
	done
	post "$sup" $C/decisions "{\"box\":\"$b\",\"outcome\":\"agreed\"}"
done
post "$ro" $C/verification '{}'
post "$mgr" $C/mixing \
    '{"area":"main","groups":[["M1","M2"],["M3","PV1"]]}'
post "$mgr" $C/rounds '{}'

# bundles STAGE WHAT PAPERS: bundles of 25 (the last one part) at tables
# 1 and 2 in turn; WHAT is "candidate":N or "source":N,"dest":D
slip=0
bundles() {
	left=$3
	while [ "$left" -gt 0 ]; do
		p=25
		part=
		[ "$left" -lt 25 ] && { p=$left; part=',"part":true'; }
		slip=$((slip + 1))
		kind=candidate
		[ "$1" = 2 ] && kind=stage2
		post "$c1" $C/bundles "{\"round\":1,\"area\":\"main\",
		    \"table\":$((1 + slip % 2)),\"stage\":$1,\"slip\":\"$slip\",
		    \"kind\":\"$kind\",$2,\"papers\":$p$part,
		    \"counted_by\":\"CA1\",\"checked_by\":\"CA2\"}"
		left=$((left - p))
	done
}
# The first count: ASHBY 420, BROWN 330, CLARKE 150, DAVIES 100.
bundles 1 '"candidate":1' 420
bundles 1 '"candidate":2' 330
bundles 1 '"candidate":3' 150
bundles 1 '"candidate":4' 100
for t in 1 2; do
	post "$sup" $C/sheets/close \
	    "{\"round\":1,\"area\":\"main\",\"table\":$t,\"stage\":1}"
done
post "$mgr" $C/rounds/1/close '{"stage":1}'

# No one has more than half: the second stage between ASHBY and BROWN
# (libteller says who remains). CLARKE's and DAVIES's papers are sorted
# by second preference.
post "$ro" $C/stage2 '{"notice":"Second count at 02:00 in the main hall"}'
bundles 2 '"source":3,"dest":1' 40
bundles 2 '"source":3,"dest":2' 70
bundles 2 '"source":3,"dest":"no_second_preference"' 40
bundles 2 '"source":4,"dest":1' 30
bundles 2 '"source":4,"dest":2' 20
bundles 2 '"source":4,"dest":"no_second_preference"' 50
for t in 1 2; do
	post "$sup" $C/sheets/close \
	    "{\"round\":1,\"area\":\"main\",\"table\":$t,\"stage\":2}"
done
post "$mgr" $C/rounds/1/close '{"stage":2}'

# The provisional result (ASHBY 490, BROWN 420), no recount asked for,
# and the declaration, which asks the RO for the password again.
post "$ro" $C/provisional '{"present":[]}'
post "$ro" $C/ready '{"version":1,"note":"no recount requested"}'
post "$ro" reauth '{"password":"correct-horse-battery-1"}' 200
post "$ro" $C/declaration '{"version":1}'
# The public result, published at the declaration.
curl -s "$api/public/results/mayor" >"$dir/result.json"
grep -q '"elected":\["Jane ASHBY"\]' "$dir/result.json" || {
	echo "walkthrough: the public result: $(cat "$dir/result.json")"
	exit 1
}
echo "walkthrough: declared: Jane ASHBY (Green Party) elected," \
    "490 votes to 420"
kill $srv
wait $srv 2>/dev/null
trap - EXIT
"$B/teller-desk" export "$db" >"$dir/journal.jsonl" || exit 1
"$B/teller-desk" verify "$dir/journal.jsonl" || exit 1
echo "walkthrough: declared; the book is in $db, its journal in" \
    "$dir/journal.jsonl"
