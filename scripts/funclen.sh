#!/bin/sh
# funclen.sh -- length of each top-level function in lib/ (and cli/*.c
# with -a): lines from its opening brace to its closing one, both in
# column 0 as the house style puts them. Prints "LINES FILE:LINE NAME",
# longest first, for those over MIN lines (default 100).
# With -c, checks the limits instead (exit 1 on a breach): none over 150
# lines, at most MAXLONG (default 5) over 100, and each of those with a
# comment just before it that says why it is one piece ("one piece").
# The library is lib/*.c and its subfolders' .c files (lib/rctab/), as
# one: the limits are the whole library's.
cd "$(dirname "$0")/.." || exit 2
MIN=${MIN:-100}
MAXLONG=${MAXLONG:-5}
L=${FUNCLEN_LIB:-lib}
check=0
dirs="$L"
while getopts ca o; do
	case $o in
	c) check=1 ;;
	a) dirs="$L cli" ;;
	*) echo "usage: funclen.sh [-c] [-a]" >&2; exit 2 ;;
	esac
done

files=
for d in $dirs; do
	subs="$d/*/*.c"
	[ "$d" = cli ] && subs=
	for f in "$d"/*.c $subs; do
		[ -f "$f" ] && files="$files $f"
	done
done

# One line per function: LINES FILE:LINE NAME PIECE (PIECE 1 if a comment
# ending just before the function's first line says "one piece").
# shellcheck disable=SC2086
all=$(awk '
	FNR == 1 { name = ""; cmt = 0; piece = 0 }
	/^[A-Za-z_][A-Za-z0-9_]*\(/ && name == "" {
		name = $0; sub(/\(.*/, "", name); nline = FNR
		piece = (cmt > 0 && FNR - cmt <= 3)
	}
	tolower($0) ~ /one piece/ { seen = FNR }
	/\*\/[[:space:]]*$/ && seen > 0 && FNR - seen < 40 { cmt = FNR }
	/^\{/ && name != "" { start = FNR }
	/^\}/ && name != "" && start > 0 {
		printf "%d %s:%d %s %d\n", FNR - start + 1, FILENAME, nline,
		    name, piece
		name = ""; start = 0
	}
	/^}[[:space:]]*;/ { name = "" }
' $files | sort -rn)

if [ "$check" -eq 0 ]; then
	echo "$all" | awk -v min="$MIN" '$1 > min { print $1, $2, $3 }'
	exit 0
fi
status=0
echo "$all" | awk '$1 > 150 { print $2 ": " $3 " is " $1 \
    " lines (at most 150)" }' | grep . && status=1
echo "$all" | awk '$1 > 100 && $4 == 0 { print $2 ": " $3 " is " $1 \
    " lines and no comment before it says why it is one piece" }' |
    grep . && status=1
n=$(echo "$all" | awk '$1 > 100' | wc -l)
if [ "$n" -gt "$MAXLONG" ]; then
	echo "funclen: $n functions over 100 lines (at most $MAXLONG)"
	status=1
fi
[ "$status" -eq 0 ] && echo "funclen: lib/ within the limits"
exit $status
