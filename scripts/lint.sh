#!/bin/sh
# lint.sh -- mechanical checks on lib/ (`make lint`): no floating point,
# no unchecked libc conversions or unbounded string functions, no
# randomness or clock, no exit/abort, no printing (bounded snprintf into
# memory is fine; ctx.c and rep_util.c use vsnprintf). Comments and
# string literals are ignored. Also: every source file starts with its
# SPDX line; only lib/rctab/ includes <jansson.h>, <expat.h> or <zip.h>
# (and of it only cvr_json.c <jansson.h>: struct tl_jv is the one JSON
# value type), only lib/audit/ <glpk.h>; the compiler's 128-bit type
# appears in the numeric module's .c files only (lib/num.c,
# lib/num_dec.c); lib/ makes no file-system call (its inputs come
# through teller_input); cli/ includes no private header of lib/ (it is
# built with -Iinclude only); no line of C in lib/, cli/, include/,
# tests/unit/ or fuzz/ runs past 80 columns. Prints each offence as
# FILE:LINE: what; exits 1 if any.
cd "$(dirname "$0")/.." || exit 2
status=0
L=${LINT_LIB:-lib} # LINT_LIB, LINT_CLI: other trees, for testing the lint
C=${LINT_CLI:-cli}
tmp=$(mktemp)
S=$(mktemp -d)
trap 'rm -f "$tmp"; rm -rf "$S"' EXIT

# Every C file the rules read, with comments, string and character
# literals blanked out (lines kept), once, into $S/FILE.
for d in "$L" "$L"/rctab "$L"/audit "$C" include; do mkdir -p "$S/$d"; done
for f in "$L"/*.[ch] "$L"/rctab/*.[ch] "$L"/audit/*.[ch] "$C"/*.[ch] \
    include/*.h; do
	[ -f "$f" ] && printf '%s\n' "$f"
done | while IFS= read -r f; do printf '%s\0' "$f"; done |
    xargs -0 awk -v dir="$S" '
	FNR == 1 { if (o != "") close(o); o = dir "/" FILENAME; st = 0 }
	{	# st: 0 code, 1 block comment, 2 string, 3 char
		out = ""; n = length($0); i = 1
		while (i <= n) {
			c = substr($0, i, 1); d = substr($0, i, 2)
			if (st == 0) {
				if (d == "/*") { st = 1; out = out "  "; i += 2; continue }
				if (d == "//") { break }
				if (c == "\"") { st = 2; out = out c; i++; continue }
				if (c == "\047") { st = 3; out = out c; i++; continue }
				out = out c; i++
			} else if (st == 1) {
				if (d == "*/") { st = 0; out = out "  "; i += 2; continue }
				out = out " "; i++
			} else {
				q = (st == 2) ? "\"" : "\047"
				if (c == "\\") { out = out "  "; i += 2; continue }
				if (c == q) { st = 0; out = out c; i++; continue }
				out = out " "; i++
			}
		}
		if (st >= 2) st = 0   # unterminated literal: do not run on
		print out > o
	}'

# lines of the stripped files named in $2... that match extended regex
# $1, as FILE:LINE: (the stripped copy's path taken off); status 1 if any
grep_src() {
	re=$1
	shift
	[ $# -gt 0 ] || return 0
	grep -snHE "$re" "$@" | sed "s|^$S/\([^:]*\):\([0-9]*\):.*|\1:\2:|" \
	    >"$tmp"
	[ -s "$tmp" ] && status=1
	return 0
}

# rule: extended regex, message, files of lib/ exempt (space-separated
# basenames)
check() {
	msg=$2
	exempt=$3
	set -- "$1"
	for f in "$L"/*.c "$L"/*.h "$L"/rctab/*.c "$L"/rctab/*.h \
	    "$L"/audit/*.c "$L"/audit/*.h; do
		[ -f "$f" ] || continue
		case " $exempt " in *" ${f##*/} "*) continue ;; esac
		set -- "$@" "$S/$f"
	done
	re=$1
	shift
	grep_src "$re" "$@"
	sed "s|\$| $msg|" "$tmp"
}

W='(^|[^A-Za-z0-9_])'
E='([^A-Za-z0-9_]|$)'
# lp_glpk.c is the one LP module (audit.md 2.4.7): GLPK computes in
# doubles; its answers become exact integer bounds there and are checked.
check "${W}(float|double|long double)${E}" "floating point" "lp_glpk.c"
check "${W}(atoi|atol|atoll|atof|strtod|strtof|strtold)${E}" \
    "unchecked conversion (use tl_num_parse)" ""
check "${W}(sprintf|vsprintf|strcpy|strcat|gets|strtok)${E}" \
    "unbounded string function" ""
check "${W}(rand|srand|random|srandom|drand48|arc4random)${E}" \
    "randomness outside tie.c's seeded stream" ""
check "${W}(time|clock|gettimeofday|clock_gettime)[[:space:]]*\\(" \
    "clock (methods are pure functions)" ""
check "${W}(exit|_exit|_Exit|abort|quick_exit)[[:space:]]*\\(" \
    "exit/abort (return an error instead)" ""
check "${W}(printf|fprintf|vprintf|vfprintf|puts|fputs|putchar|putc|fputc|perror|fwrite|dprintf)${E}" \
    "printing (lib/ never prints)" ""
check "${W}(assert)[[:space:]]*\\(" "assert (record TELLER_EINTERNAL)" ""
# Not after -> or . (a callback such as in->open is the caller's).
F='(^|[^A-Za-z0-9_>.])'
check "${F}(open|openat|creat|fopen|freopen|fdopen|tmpfile|opendir|fdopendir|readdir|scandir|mmap|munmap|madvise|posix_madvise|stat|fstat|lstat|fstatat|access|faccessat|mkdir|unlink|remove|rename|truncate|zip_open|json_load_file|json_dump_file)[[:space:]]*\\(" \
    "file-system call (lib/ reads through teller_input)" ""
check "^[[:space:]]*#[[:space:]]*include[[:space:]]*<(fcntl|dirent|sys/mman|sys/stat)\\.h>" \
    "file-system header (lib/ reads through teller_input)" ""

# 128-bit integers stay inside the numeric module's .c files (lib/num.c,
# lib/num_dec.c): everything else uses tl_g and struct tl_dec by value.
# (The type's name is spelt in two parts, so that a search for it finds
# the numeric module alone.)
I128=__int
I128=${I128}128
msg="$I128 outside lib/num.c and lib/num_dec.c"
set --
for f in "$L"/*.c "$L"/*.h "$L"/rctab/*.c "$L"/rctab/*.h "$C"/*.c "$C"/*.h \
    include/*.h; do
	[ -f "$f" ] || continue
	case $f in "$L"/num.c | "$L"/num_dec.c) continue ;; esac
	set -- "$@" "$S/$f"
done
grep_src "${W}${I128}${E}" "$@"
sed "s|\$| $msg|" "$tmp"

# The third-party libraries stay behind lib/rctab/ (RCTab, the CVR
# readers, xlsx): nothing else in lib/, cli/ or include/ names them.
for f in "$L"/*.c "$L"/*.h "$L"/audit/*.c "$L"/audit/*.h "$C"/*.c \
    "$C"/*.h include/*.h; do
	[ -f "$f" ] || continue
	if grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](jansson|expat|zip|libdeflate)\.h[>"]' \
	    "$f" >"$tmp"; then
		sed "s|^\([0-9]*\):.*|$f:\1: jansson/expat/libzip outside lib/rctab/|" \
		    "$tmp"
		status=1
	fi
done

# jansson is a parser inside cvr_json.c only: the rest of lib/rctab/
# reads JSON values as struct tl_jv (cvr_util.h).
for f in "$L"/rctab/*.c "$L"/rctab/*.h; do
	[ -f "$f" ] || continue
	[ "${f##*/}" = cvr_json.c ] && continue
	if grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]jansson\.h[>"]' \
	    "$f" >"$tmp"; then
		sed "s|^\([0-9]*\):.*|$f:\1: jansson outside cvr_json.c|" \
		    "$tmp"
		status=1
	fi
done

# GLPK stays behind lib/audit/ (margins; the LP module lp_glpk.c).
for f in "$L"/*.c "$L"/*.h "$L"/rctab/*.c "$L"/rctab/*.h "$C"/*.c \
    "$C"/*.h include/*.h; do
	[ -f "$f" ] || continue
	if grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]glpk\.h[>"]' \
	    "$f" >"$tmp"; then
		sed "s|^\([0-9]*\):.*|$f:\1: glpk.h outside lib/audit/|" "$tmp"
		status=1
	fi
done

# cli/ sees teller.h and its own headers only: a quoted include must name
# a file in cli/ (or teller.h).
for f in "$C"/*.c "$C"/*.h; do
	[ -f "$f" ] || continue
	grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
	    while IFS= read -r line; do
		h=$(echo "$line" | sed 's/^[^"]*"\([^"]*\)".*/\1/')
		[ "$h" = teller.h ] && continue
		case $h in */*) ;; *) [ -f "$C/$h" ] && continue ;; esac
		echo "$f:${line%%:*}: private header \"$h\" (cli/ uses <teller.h> only)"
	done >"$tmp"
	if [ -s "$tmp" ]; then
		cat "$tmp"
		status=1
	fi
done

for f in "$L"/*.c "$L"/*.h "$L"/rctab/*.c "$L"/rctab/*.h "$L"/audit/*.c \
    "$L"/audit/*.h "$C"/*.c "$C"/*.h include/*.h; do
	[ -f "$f" ] || continue
	if ! head -n 1 "$f" | grep -q 'SPDX-License-Identifier: MIT'; then
		echo "$f:1: no SPDX line"
		status=1
	fi
done

# The 80-column rule (tabs count as 8; a UTF-8 character as one) on the
# C of lib/, cli/, include/, tests/unit/ and fuzz/. .clang-format says
# the rest of the house style for editors; only this rule is checked.
set --
for f in "$L"/*.[ch] "$L"/rctab/*.[ch] "$C"/*.[ch] include/*.h \
    tests/unit/*.[ch] fuzz/*.[ch]; do
	[ -f "$f" ] && set -- "$@" "$f"
done
LC_ALL=C awk '{
	s = $0; gsub(/[\200-\277]/, "", s); w = 0; n = length(s)
	for (i = 1; i <= n; i++)
		if (substr(s, i, 1) == "\t") w += 8 - w % 8; else w++
	if (w > 80)
		printf "%s:%d: line of %d columns (over 80)\n", FILENAME, FNR, w
}' "$@" >"$tmp"
if [ -s "$tmp" ]; then
	cat "$tmp"
	status=1
fi

if [ "$status" -eq 0 ]; then
	echo "lint: lib/ and cli/ clean"
fi
exit $status
