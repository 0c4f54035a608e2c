#!/bin/sh
# suite_docs.sh -- the docs agree with the code: every option of the
# tables in cli/opts.c is in doc/teller.1 (with its letter) and every
# option teller.1 names is in a table, every error code and public
# function in include/teller.h is in doc/teller.3, every method in
# lib/methods.c is in teller.1 and README.md, teller.h compiles as C++,
# examples/count.c runs, and count --help's method list comes from the
# method table.
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# The option tables of cli/opts.c (count, rctab, profile, merge), one
# "LONG SHORT" a line, SHORT "-" when the option has no letter.
opts=$(sed -n "s/^[[:space:]]*{ \"\([a-z-]*\)\", '\(.\)'.*/\1 \2/p
    s/^[[:space:]]*{ \"\([a-z-]*\)\", OPT_.*/\1 -/p" cli/opts.c)
[ -n "$opts" ] && ok || bad "no option table found in cli/opts.c"
for o in $(echo "$opts" | cut -d' ' -f1); do
	if grep -q "Fl Fl $o\b\|Fl Fl $o$\|Fl Fl $o " doc/teller.1; then ok
	else bad "option --$o missing from doc/teller.1"; fi
done
# a letter is documented beside its long name: .It Fl x , Fl Fl long
echo "$opts" | while read -r o c; do
	[ "$c" = - ] && continue
	grep -q "^\.It Fl $c , Fl Fl $o\( \|\$\)" doc/teller.1 ||
	    echo "option -$c, --$o missing from doc/teller.1"
done >/tmp/teller-docs.$$
if [ -s /tmp/teller-docs.$$ ]; then bad "$(cat /tmp/teller-docs.$$)"; else ok; fi
# and the reverse: every option teller.1 names is in a table, with the
# letter the table gives it
for o in $(grep -o "Fl Fl [a-z][a-z-]*" doc/teller.1 | cut -d' ' -f3 |
    sort -u); do
	if echo "$opts" | grep -q "^$o "; then ok
	else bad "doc/teller.1 names --$o, which no table in cli/opts.c has"
	fi
done
sed -n 's/^\.It Fl \([a-z]\) , Fl Fl \([a-z-]*\).*/\2 \1/p' doc/teller.1 |
    sort -u | while read -r o c; do
	echo "$opts" | grep -q "^$o $c\$" ||
	    echo "doc/teller.1 gives --$o the letter -$c; no table does"
done >/tmp/teller-docs.$$
if [ -s /tmp/teller-docs.$$ ]; then bad "$(cat /tmp/teller-docs.$$)"; else ok; fi
rm -f /tmp/teller-docs.$$
for e in $(sed -n 's/^[[:space:]]*\(TELLER_E[A-Z]*\) = .*/\1/p' include/teller.h); do
	if grep -q "Dv $e\$" doc/teller.3; then ok
	else bad "error code $e missing from doc/teller.3"; fi
done
# every public function of teller.h has its .Fn line in teller.3
for f in $(grep -E '^[a-z].*[ *]teller_[a-z0-9_]+\(' include/teller.h |
    sed 's/^[^(]*[ *]\(teller_[a-z0-9_]*\)(.*/\1/'); do
	if grep -q "^\.Fn $f\( \|\$\)" doc/teller.3; then ok
	else bad "function $f missing from doc/teller.3"; fi
done
for m in $(sed -n 's/^[[:space:]]*{ "\([a-z0-9-]*\)", "[A-Z].*/\1/p' lib/methods.c); do
	if grep -q "Cm $m" doc/teller.1 && grep -q "\`$m\`" README.md; then ok
	else bad "method $m missing from doc/teller.1 or README.md"; fi
done
# `teller count --help` lists every method of the table, in its order,
# and cli/ spells none out itself (the list comes from teller_method_name)
want=$(sed -n 's/^[[:space:]]*{ "\([a-z0-9-]*\)", "[A-Z].*/\1/p' lib/methods.c |
    paste -sd, - | sed 's/,/, /g')
if "$B/teller" count --help | grep -qF "counting method ($want);"; then ok
else bad "count --help does not list the methods ($want)"; fi
for m in $(sed -n 's/^[[:space:]]*{ "\([a-z0-9-]*\)", "[A-Z].*/\1/p' lib/methods.c); do
	[ "$m" = irv ] && continue # the default, named as such
	[ "$m" = stv-scottish ] && continue # the default for several seats
	if grep -q "\"[^\"]*\b$m\b" cli/opts.c; then
		bad "cli/opts.c spells out method $m (use %m)"
	else ok; fi
done
if command -v g++ >/dev/null 2>&1; then
	if echo '#include "teller.h"
int main() { teller_limits l; teller_limits_init(&l); return 0; }' |
	    g++ -x c++ -Wall -Wextra -Werror -Iinclude -fsyntax-only -; then ok
	else bad "teller.h does not compile as C++"; fi
fi
if [ -x "$B/examples/count" ]; then
	if "$B/examples/count" >/tmp/teller-example.$$ 2>&1 &&
	    grep -q '^elected first: ' /tmp/teller-example.$$; then ok
	else bad "examples/count failed: $(tail -n 3 /tmp/teller-example.$$)"; fi
	rm -f /tmp/teller-example.$$
else
	bad "examples/count not built"
fi
echo "$pass passed, $fail failed"
