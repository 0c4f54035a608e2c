#!/bin/sh
# suite_funclen.sh -- scripts/funclen.sh -c holds the function-length
# limits on a made-up lib/ (a 151-line function fails; a 120-line one
# fails without a comment saying why it is one piece, passes with it;
# a long function in a subfolder, as lib/rctab/, counts like any other),
# and the real lib/ is within them.
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fn() { # name body-lines [comment]
	[ -n "$3" ] && printf '/* %s */\n' "$3"
	printf 'static int\n%s(void)\n{\n' "$1"
	i=0
	while [ "$i" -lt "$(($2 - 2))" ]; do
		printf '\tx++;\n'
		i=$((i + 1))
	done
	printf '}\n\n'
}
run() { FUNCLEN_LIB="$t" sh scripts/funclen.sh -c >"$t/out" 2>&1; }

fn long 151 "One piece: a test." >"$t/a.c"
if run; then bad "a 151-line function passed"
elif grep -q "long is 151 lines (at most 150)" "$t/out"; then ok
else bad "151 lines: $(cat "$t/out")"; fi

fn mid 120 >"$t/a.c"
if run; then bad "a 120-line function without a reason passed"
elif grep -q "mid is 120 lines and no comment" "$t/out"; then ok
else bad "120 lines: $(cat "$t/out")"; fi

fn mid 120 "The why. One piece: the steps share state." >"$t/a.c"
if run; then ok; else bad "120 lines with a reason: $(cat "$t/out")"; fi

: >"$t/a.c"
for n in 1 2 3 4 5 6; do fn "f$n" 101 "one piece: test" >>"$t/a.c"; done
if run; then bad "six functions over 100 lines passed"
elif grep -q "6 functions over 100 lines" "$t/out"; then ok
else bad "six over 100: $(cat "$t/out")"; fi

# a subfolder (as lib/rctab/) is part of the library
: >"$t/a.c"
mkdir "$t/sub"
fn deep 151 "One piece: a test." >"$t/sub/b.c"
if run; then bad "a 151-line function in a subfolder passed"
elif grep -q "sub/b.c:3: deep is 151 lines (at most 150)" "$t/out"; then ok
else bad "151 lines in a subfolder: $(cat "$t/out")"; fi
: >"$t/a.c"
for n in 1 2 3; do fn "f$n" 101 "one piece: test" >>"$t/a.c"; done
: >"$t/sub/b.c"
for n in 4 5 6; do fn "f$n" 101 "one piece: test" >>"$t/sub/b.c"; done
if run; then bad "six over 100, three of them in a subfolder, passed"
elif grep -q "6 functions over 100 lines" "$t/out"; then ok
else bad "six over 100 across folders: $(cat "$t/out")"; fi

if sh scripts/funclen.sh -c >"$t/out" 2>&1; then ok
else bad "lib/: $(cat "$t/out")"; fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
