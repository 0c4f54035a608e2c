#!/bin/sh
# suite_linkgraph.sh -- scripts/linkgraph.sh finds a circle in a small
# made-up library (a.c -> b.c -> c.c -> a.c) and passes it once the
# circle is cut; finds one that runs through a subfolder (lib/sub/, as
# lib/rctab/), naming its module by its path; and the real library
# (built in $B, lib/rctab/ included) has none.
B=${B:-build}
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
mkdir -p "$t/lib" "$t/b/lib"
printf 'int b(void);\nint a(void) { return b(); }\n' >"$t/lib/a.c"
printf 'int c(void);\nint b(void) { return c(); }\n' >"$t/lib/b.c"
printf 'int a(void);\nint c(void) { return a(); }\n' >"$t/lib/c.c"
build() {
	for m in a b c; do
		${CC:-cc} -c -o "$t/b/lib/$m.o" "$t/lib/$m.c" || return 1
	done
}
if build; then
	out=$(LINK_LIB="$t/lib" B="$t/b" sh scripts/linkgraph.sh 2>&1)
	rc=$?
	if [ "$rc" -eq 1 ] && echo "$out" | grep -q "circle" &&
	    echo "$out" | grep -q "^a: b$"; then ok
	else bad "circle a -> b -> c -> a not found (exit $rc): $out"; fi
	printf 'int c(void) { return 3; }\n' >"$t/lib/c.c"
	build
	out=$(LINK_LIB="$t/lib" B="$t/b" sh scripts/linkgraph.sh 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ] && echo "$out" | grep -q "^c:$"; then ok
	else bad "no circle, yet exit $rc: $out"; fi
else
	bad "could not compile the made-up library"
fi
# a circle through a subfolder: a.c -> sub/d.c -> a.c
mkdir -p "$t/lib/sub" "$t/b/lib/sub"
printf 'int d(void);\nint a(void) { return d(); }\n' >"$t/lib/a.c"
printf 'int a(void);\nint d(void) { return a(); }\n' >"$t/lib/sub/d.c"
if build && ${CC:-cc} -c -o "$t/b/lib/sub/d.o" "$t/lib/sub/d.c"; then
	out=$(LINK_LIB="$t/lib" B="$t/b" sh scripts/linkgraph.sh 2>&1)
	rc=$?
	if [ "$rc" -eq 1 ] && echo "$out" | grep -q "circle" &&
	    echo "$out" | grep -q "^a: sub/d$" &&
	    echo "$out" | grep -q "^sub/d: a$"; then ok
	else bad "circle a -> sub/d -> a not found (exit $rc): $out"; fi
else
	bad "could not compile the made-up subfolder"
fi
if B="$B" sh scripts/linkgraph.sh >"$t/real" 2>&1; then ok
else bad "the library's link graph: $(cat "$t/real")"; fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
