#!/bin/sh
# suite_install.sh -- make install as a user and a packager meet it
# (issue 15): into a temporary prefix, the header, libteller.a, the
# shared library with its soname and links, the man pages and teller.pc
# (Version = TELLER_VERSION); a C client built with pkg-config, shared
# and --static, prints what the CLI prints; the .so exports only the
# teller_* functions, and every function of teller.h; with DESTDIR no
# installed file names the staging folder; every examples/*.c builds and
# runs against the installed tree.
B=${B:-build}
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
top=$(pwd)
p=$d/prefix
cc=${CC:-cc}
# a sanitizer build (make SAN=1): its clients need the runtime first
if readelf -d "$B/libteller.so.0" 2>/dev/null | grep -q 'NEEDED.*libasan'
then
	cc="$cc -fsanitize=address,undefined"
fi

ver=$(sed -n 's/^#define TELLER_VERSION "\(.*\)"/\1/p' include/teller.h)
major=$(sed -n 's/^#define TELLER_VERSION_MAJOR //p' include/teller.h)
[ -n "$ver" ] && [ -n "$major" ] && ok || bad "no version in teller.h"

if make -s --no-print-directory B="$B" PREFIX="$p" install >"$d/log" 2>&1
then ok; else bad "make install PREFIX=$p"; cat "$d/log"; fi

# the files, each where a user looks for it
for f in bin/teller bin/teller-check sbin/teller-desk include/teller.h \
    lib/libteller.a "lib/libteller.so.$ver" lib/pkgconfig/teller.pc \
    share/man/man1/teller.1 share/man/man1/teller-check.1 \
    share/man/man3/teller.3 \
    share/man/man5/teller-formats.5 share/man/man7/teller-audit.7 \
    share/man/man8/teller-desk.8; do
	if [ -f "$p/$f" ] && [ ! -L "$p/$f" ]; then ok
	else bad "$f not installed as a file"; fi
done
cmp -s include/teller.h "$p/include/teller.h" && ok ||
    bad "the installed teller.h differs from include/teller.h"
# libteller.so -> libteller.so.MAJOR -> libteller.so.X.Y.Z
[ "$(readlink "$p/lib/libteller.so.$major")" = "libteller.so.$ver" ] &&
    ok || bad "lib/libteller.so.$major is not a link to libteller.so.$ver"
[ "$(readlink "$p/lib/libteller.so")" = "libteller.so.$major" ] && ok ||
    bad "lib/libteller.so is not a link to libteller.so.$major"
soname=$(readelf -d "$p/lib/libteller.so.$ver" |
    sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libteller.so.$major" ] && ok ||
    bad "soname is '$soname', not libteller.so.$major"

# exports: only teller_*, and every function teller.h declares
grep -E '^[a-z].*[ *]teller_[a-z0-9_]+\(' include/teller.h |
    sed 's/^[^(]*[ *]\(teller_[a-z0-9_]*\)(.*/\1/' | sort -u >"$d/want"
nm -D --defined-only "$p/lib/libteller.so.$ver" | awk '{ print $NF }' |
    sed 's/@.*//' | sort -u >"$d/got"
[ "$(wc -l <"$d/want")" -gt 50 ] && ok || bad "few functions in teller.h"
if cmp -s "$d/want" "$d/got"; then ok
else bad "exports differ from teller.h (< header, > .so):"
	diff "$d/want" "$d/got" | grep '^[<>]' | head -n 20
fi

# teller.pc
export PKG_CONFIG_PATH="$p/lib/pkgconfig"
[ "$(pkg-config --modversion teller)" = "$ver" ] && ok ||
    bad "teller.pc Version is not $ver"
[ "$(pkg-config --variable=libdir teller)" = "$p/lib" ] && ok ||
    bad "teller.pc libdir is not $p/lib"
pkg-config --print-requires-private teller >"$d/req"
for r in jansson expat libzip libcrypto; do
	grep -q "^$r\$" "$d/req" && ok || bad "Requires.private lacks $r"
done
pkg-config --static --libs teller | grep -q -- '-lglpk' && ok ||
    bad "pkg-config --static --libs teller lacks -lglpk"

# The example as the CLI counts it: the BLT of examples/count.c, in a file
# of the name the example gives it.
sed -n '/^static const char blt/,/;$/p' examples/count.c | sed '1d' |
    sed -E 's/^ *"//; s/";?$//; s/\\"/"/g; s/\\n/\n/g' |
    sed '/^$/d' >"$d/example.blt"
(cd "$d" && "$p/bin/teller" count -m stv-scottish example.blt) \
    >"$d/cli.txt" 2>&1 && ok || bad "installed teller count failed"
grep -qi 'elected' "$d/cli.txt" && ok ||
    bad "the CLI's report names no one elected"
so=$(ldd "$p/bin/teller" |
    sed -n "s/.*libteller.so.$major => \([^ ]*\).*/\1/p")
real=$(readlink -f "$p/lib/libteller.so.$ver")
[ -n "$so" ] && [ "$(readlink -f "$so")" = "$real" ] && ok ||
    bad "the installed teller does not load $p/lib/libteller.so.$major"

# A C client, shared (the compile line of teller.3) and --static
inc=$(pkg-config --cflags teller)
libs=$(pkg-config --libs teller)
slibs=$(pkg-config --static --libs teller | sed 's/-lteller\b/-l:libteller.a/')
# shellcheck disable=SC2086
if $cc -o "$d/count-shared" examples/count.c $inc $libs \
    -Wl,-rpath,"$p/lib" 2>"$d/err"; then ok
else bad "shared client does not build"; cat "$d/err"; fi
# shellcheck disable=SC2086
if $cc -o "$d/count-static" examples/count.c $inc $slibs 2>"$d/err"; then ok
else bad "static client does not build"; cat "$d/err"; fi
readelf -d "$d/count-shared" | grep -q "NEEDED.*libteller.so.$major" &&
    ok || bad "the shared client does not need libteller.so.$major"
readelf -d "$d/count-static" | grep -q "NEEDED.*libteller" &&
    bad "the static client needs libteller.so" || ok
for k in shared static; do
	(cd "$d" && env -u LD_LIBRARY_PATH "./count-$k") >"$d/$k.txt" 2>&1 &&
	    ok || bad "the $k client failed"
	sed '$d' "$d/$k.txt" >"$d/$k.report"
	if cmp -s "$d/cli.txt" "$d/$k.report"; then ok
	else bad "the $k client's report differs from the CLI's"
		diff "$d/cli.txt" "$d/$k.report" | head -n 10
	fi
done

# every example builds and runs against the installed tree
for e in examples/*.c; do
	n=$(basename "$e" .c)
	# shellcheck disable=SC2086
	if $cc -o "$d/ex-$n" "$e" $inc $libs -Wl,-rpath,"$p/lib" \
	    2>"$d/err" && (cd "$d" && "./ex-$n") >/dev/null 2>&1; then ok
	else bad "examples/$n.c does not build or run against $p"
		cat "$d/err"
	fi
done

# teller.3 gives the compile line and the rules a caller needs
m3=$p/share/man/man3/teller.3
grep -qF 'cc app.c $(pkg-config --cflags --libs teller)' "$m3" && ok ||
    bad "teller.3 has no compile line"
for sec in 'Compiling and linking' Ownership 'Threads and memory'; do
	grep -q "^\.Ss $sec\$" "$m3" && ok || bad "teller.3 has no '$sec'"
done

# DESTDIR: files go under it, and none of them names it
s=$d/stage
if make -s --no-print-directory B="$B" PREFIX=/opt/teller DESTDIR="$s" \
    install >"$d/log" 2>&1; then ok
else bad "make install DESTDIR=$s"; cat "$d/log"; fi
[ -f "$s/opt/teller/lib/pkgconfig/teller.pc" ] && ok ||
    bad "DESTDIR install has no teller.pc"
grep -q '^prefix=/opt/teller$' "$s/opt/teller/lib/pkgconfig/teller.pc" &&
    ok || bad "DESTDIR install: teller.pc prefix is not /opt/teller"
found=$(grep -rl -- "$s" "$s" 2>/dev/null)
[ -z "$found" ] && ok || bad "installed files name DESTDIR: $found"
(cd "$p" && find . | sort) >"$d/l1"
(cd "$s/opt/teller" && find . | sort) >"$d/l2"
cmp -s "$d/l1" "$d/l2" && ok || bad "DESTDIR installs other files"
cd "$top" || exit 1

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
