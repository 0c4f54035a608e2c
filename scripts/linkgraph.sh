#!/bin/sh
# linkgraph.sh -- the library's module dependency graph, from `nm` of the
# built objects ($B/lib/*.o and $B/lib/<sub>/*.o for lib/'s subfolders
# such as lib/rctab/, B=build by default; only those whose source is in
# lib/ today, so stale objects do not count): one line per module,
# "module: the modules it calls". A module is one .c file, named by its
# path under lib/ less .c (ctx, rctab/rctab_out); A -> B when A uses a
# symbol B defines. Fails (exit 1), naming the modules, if the graph has
# a circle. Run by `make lint` after a build.
# LINK_LIB: another source tree, its objects in $B/lib (for testing).
cd "$(dirname "$0")/.." || exit 2
B=${B:-build}
L=${LINK_LIB:-lib}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# module (path under lib/ less .c) of object $1
modof() { m=${1#"$B/lib/"}; echo "${m%.o}"; }

objs=
for src in "$L"/*.c "$L"/*/*.c; do
	[ -f "$src" ] || continue
	m=${src#"$L/"}
	o="$B/lib/${m%.c}.o"
	if [ ! -f "$o" ] || [ "$o" -ot "$src" ]; then
		echo "linkgraph: $o missing or older than $src: build first" >&2
		exit 2
	fi
	objs="$objs $o"
done

# defs: "symbol module"; uses: "module symbol"
for o in $objs; do
	m=$(modof "$o")
	nm -g --defined-only "$o" | awk -v m="$m" 'NF >= 3 { print $3, m }'
	nm -u "$o" | awk -v m="$m" '{ print m, $NF }' >>"$tmp/uses"
done | sort -u >"$tmp/defs"

# edges "from to" (no self-edges), then one line a module
awk 'NR == FNR { def[$1] = $2; next }
	($2 in def) && def[$2] != $1 { print $1, def[$2] }' \
    "$tmp/defs" "$tmp/uses" | sort -u >"$tmp/edges"
for o in $objs; do
	m=$(modof "$o")
	printf '%s:%s\n' "$m" "$(awk -v m="$m" '$1 == m { printf " %s", $2 }' \
	    "$tmp/edges")"
done

if ! tsort "$tmp/edges" >/dev/null 2>"$tmp/loop"; then
	echo "linkgraph: the library's link graph has a circle:" >&2
	sed -n 's/^tsort: //p' "$tmp/loop" >&2
	exit 1
fi
echo "linkgraph: no circles ($(echo $objs | wc -w) modules)"
