#!/bin/sh
# SPDX-License-Identifier: MIT
# suite_lint.sh -- scripts/lint.sh (make lint) passes on the tree and
# refuses what the layout forbids, each on a copy of lib/ and cli/ with
# one offence planted: jansson/expat/libzip outside lib/rctab/, jansson
# outside cvr_json.c, GLPK outside lib/audit/ and floats outside its LP
# module, a file-system call or header in lib/, a private header in
# cli/, the compiler's 128-bit type outside lib/num.c and lib/num_dec.c,
# the old rules reaching into lib/rctab/, and a line over 80 columns.
# Ends "N passed, N failed".
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

if sh scripts/lint.sh >"$tmp/out" 2>&1; then ok
else bad "make lint fails on the tree: $(head -n 5 "$tmp/out")"; fi

# plant FILE LINE WANT: append LINE to FILE of a fresh copy; the lint
# must fail naming FILE and WANT.
plant() {
	rm -rf "$tmp/t"
	mkdir -p "$tmp/t"
	cp -R lib cli "$tmp/t/"
	printf '%s\n' "$2" >>"$tmp/t/$1"
	if LINT_LIB="$tmp/t/lib" LINT_CLI="$tmp/t/cli" sh scripts/lint.sh \
	    >"$tmp/out" 2>&1; then
		bad "lint passes with '$2' in $1"
	elif grep -q "^$tmp/t/$1:[0-9]*: $3" "$tmp/out"; then
		ok
	else
		bad "lint on '$2' in $1: want '$3', got: $(head -n 3 "$tmp/out")"
	fi
}

plant lib/ctx.c '#include <zip.h>' 'jansson/expat/libzip outside lib/rctab/'
plant lib/num.c '#include <jansson.h>' 'jansson/expat/libzip outside'
plant cli/util.c '#include <expat.h>' 'jansson/expat/libzip outside'
plant lib/rctab/rctab_config.c '#include <jansson.h>' \
    'jansson outside cvr_json.c'
plant lib/rctab/cvr_util.h '#include <jansson.h>' 'jansson outside cvr_json.c'
plant lib/ctx.c 'static void f(void) { (void)mmap(0, 1, 1, 1, 0, 0); }' \
    'file-system call'
plant lib/rctab/xlsx.c 'static int g(const char *p) { return open(p, 0); }' \
    'file-system call'
plant lib/rctab/cvr_hart.c 'static int h(const char *p) { struct stat s; return stat(p, &s); }' \
    'file-system call'
plant lib/rctab/cvr_csv.c '#include <sys/mman.h>' 'file-system header'
plant lib/rctab/rctab_io.c '#include <dirent.h>' 'file-system header'
plant cli/cmd_rctab.c '#include "rctab.h"' 'private header'
plant cli/cmd_count.c '#include "tl_int.h"' 'private header'
plant cli/util.c '#include "../lib/rctab/rctab.h"' 'private header'
plant lib/rctab/rctab_tab.c 'static double x;' 'floating point'
# the 80-column rule: 81 characters; ten tabs and a character (81
# columns in 11 bytes); a comment is no exception
plant lib/ctx.c "/* $(printf '%075d' 0) */" 'line of 81 columns'
plant cli/util.c "$(printf '\t\t\t\t\t\t\t\t\t\t;')" 'line of 81 columns'
plant lib/rctab/cvr_ess.c "static int x = $(printf '%065d' 0);" \
    'line of 81 columns'

# 80 columns, tabs and UTF-8 characters counted as the eye sees them,
# is within the rule
rm -rf "$tmp/t"
mkdir -p "$tmp/t"
cp -R lib cli "$tmp/t/"
printf '\t/* %066d */\n\t\t\t\t\t\t\t\t\t/*1234*/\n/* \303\251%073d */\n' 0 0 \
    >>"$tmp/t/lib/ctx.c"
if LINT_LIB="$tmp/t/lib" LINT_CLI="$tmp/t/cli" sh scripts/lint.sh \
    >"$tmp/out" 2>&1; then ok
else bad "lint refuses lines of 80 columns: $(head -n 3 "$tmp/out")"; fi

# TL_MUST_CHECK: ignoring the result of a fallible internal function is
# a compile error under -Werror (CI)
if command -v "${CC:-gcc}" >/dev/null 2>&1; then
	for call in 'tl_vec_new(c, 4)' 'tl_text_check(c, 0, "", 0)' \
	    'tl_profile_begin(c, 0)' 'tl_result_elect(c, 0, 0)' \
	    'tl_out_flush(0)' 'tl_fmt_csv(c, "", 0, 0, 0)'; do
		printf '#include "tl_int.h"\nvoid f(teller_ctx *c);\n%s\n' \
		    "void f(teller_ctx *c) { (void)c; $call; }" >"$tmp/mc.c"
		if "${CC:-gcc}" -std=c11 -Iinclude -Ilib -Werror=unused-result \
		    -c -o "$tmp/mc.o" "$tmp/mc.c" >"$tmp/out" 2>&1; then
			bad "an ignored $call compiles"
		elif grep -q 'unused-result' "$tmp/out"; then ok
		else bad "$call: $(head -n 3 "$tmp/out")"; fi
	done
fi

# the 128-bit type, spelt in two parts as lint.sh does
I=__int
I=${I}128
plant lib/num.h "__extension__ typedef $I tl_x;" \
    "$I outside lib/num.c and lib/num_dec.c"
plant lib/m_stv_meek.c "static unsigned $I x;" "$I outside"
plant lib/rctab/rctab.h "__extension__ typedef $I tl_i128;" "$I outside"
plant lib/rctab/rctab_java.c "static $I y;" "$I outside"
plant cli/util.c "static $I z;" "$I outside"

# it is the numeric module's own; a comment or a longer name that
# mentions it is no offence
rm -rf "$tmp/t"
mkdir -p "$tmp/t"
cp -R lib cli "$tmp/t/"
printf '%s\n' "static $I w;" >>"$tmp/t/lib/num.c"
printf '%s\n' "static unsigned $I w2;" >>"$tmp/t/lib/num_dec.c"
printf '%s\n' "/* no $I here */" "static int my${I}x;" \
    >>"$tmp/t/lib/m_stv_wigm.c"
if LINT_LIB="$tmp/t/lib" LINT_CLI="$tmp/t/cli" sh scripts/lint.sh \
    >"$tmp/out" 2>&1; then ok
else bad "lint refuses $I in num.c/num_dec.c: $(head -n 3 "$tmp/out")"; fi
# lib/audit/: GLPK there only; floats in its LP module only
plant lib/m_irv.c '#include <glpk.h>' 'glpk.h outside lib/audit/'
plant cli/util.c '#include <glpk.h>' 'glpk.h outside lib/audit/'
plant lib/audit/raire.c 'static double x;' 'floating point'
plant lib/audit/margin.c 'static int z(void) { return rand(); }' 'randomness'
plant lib/audit/ajson.c '#include <jansson.h>' 'jansson/expat/libzip outside'

# a callback named open is the caller's, not a file-system call
rm -rf "$tmp/t"
mkdir -p "$tmp/t"
cp -R lib cli "$tmp/t/"
printf '%s\n' 'static int k(const teller_input *in) { return in->open(0, 0, 0, 0, 0); }' \
    >>"$tmp/t/lib/rctab/rctab_io.c"
if LINT_LIB="$tmp/t/lib" LINT_CLI="$tmp/t/cli" sh scripts/lint.sh \
    >"$tmp/out" 2>&1; then ok
else bad "lint refuses in->open(...): $(head -n 3 "$tmp/out")"; fi

echo "$pass passed, $fail failed"
