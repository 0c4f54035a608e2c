#!/bin/sh
# SPDX-License-Identifier: MIT
# suite_lint.sh -- scripts/lint.sh (make lint) passes on the tree and
# refuses what the layout forbids, each on a copy of lib/ and cli/ with
# one offence planted: jansson/expat/libzip outside lib/rctab/, GLPK
# outside lib/audit/ and floats outside its LP module, a
# file-system call or header in lib/, a private header in cli/, and the
# old rules reaching into lib/rctab/. Ends "N passed, N failed".
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
