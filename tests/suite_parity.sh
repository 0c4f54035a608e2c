#!/bin/sh
# suite_parity.sh -- format parity (issue 10 item 7): the same ballot
# papers, written by tests/parity_gen.py from a seed as BLT, ranked CSV
# with rank columns and with candidate columns, PrefLib (.toi, .toc,
# .soc), a profile file (`teller profile` of the rank-column CSV), a
# merged profile (`teller merge` of the profiles of its two halves) and
# the two halves given to one count, must give the same result JSON,
# apart from "inputs", under every method; or every file must fail with
# the same exit status and message (noted). The rank-column CSV, which
# can express every feature, is the reference. Each format is compared
# only on the corpora it can express (see parity_gen.py).
#
# PARITY_FEATURES (comma list of blank, repeat, overvote, skip, weights;
# default all; empty or "none": plain rankings only) keeps only the
# papers using those features. PARITY_SEEDS (list of
# SEED:PAPERS:CANDIDATES) replaces the seven built-in contests.
# One line per (seed, method); ends "N passed, N failed". Each method
# must also count (exit 0) at least one corpus, so that a teller that
# refuses everything alike cannot pass. Run from the repository root
# with B set.
B=${B:-build}
T=$B/teller
PY=/usr/bin/python3
PARITY_FEATURES=${PARITY_FEATURES-blank,repeat,overvote,skip,weights}
[ "$PARITY_FEATURES" = none ] && PARITY_FEATURES=
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -x "$T" ]; then
	echo "FAIL: $T is not built"
	echo "0 passed, 1 failed"
	exit 1
fi
if [ ! -x "$PY" ]; then
	echo "SKIP: no $PY"
	echo "0 passed, 0 failed"
	exit 0
fi
echo "features: ${PARITY_FEATURES:-none}"

# Compare the results of one (seed, method): arguments are groups of
# CORPUS LABEL EXIT JSON STDERR; the first file of each corpus is the
# reference. Prints what differs (exit 1) or the exit every file shared:
# files that fail must fail with the same status and message (but for
# the file name and position).
cmp_py='
import json, re, sys
a = sys.argv[1:]
groups = {}
order = []
for i in range(0, len(a), 5):
    c, lab, rc, js, err = a[i:i + 5]
    if c not in groups:
        groups[c] = []
        order.append(c)
    groups[c].append((lab, int(rc), js, err))

def load(p):
    with open(p) as f:
        d = json.load(f)
    d.pop("inputs", None)
    return d

def key(path, k):
    return path + ("." + k if k.replace("_", "").isalnum() else
                   "[" + json.dumps(k) + "]")

def first_diff(x, y, path):
    if type(x) != type(y):
        return path or "(top)"
    if isinstance(x, dict):
        for k in list(x) + [k for k in y if k not in x]:
            if k not in x or k not in y:
                return key(path, k) + (" missing" if k not in y else
                                       " only here")
            d = first_diff(x[k], y[k], key(path, k))
            if d:
                return d
        if list(x) != list(y):
            return path + " (key order)"
        return None
    if isinstance(x, list):
        for k in range(min(len(x), len(y))):
            d = first_diff(x[k], y[k], "%s[%d]" % (path, k))
            if d:
                return d
        if len(x) != len(y):
            return "%s (length %d vs %d)" % (path, len(y), len(x))
        return None
    return None if x == y else "%s: %s here, %s there" % (
        path, json.dumps(y), json.dumps(x))

def why(err):
    with open(err) as f:
        s = f.readline().strip()
    return ": " + s[:150] if s else ""

def what(err):
    # the message without "teller: FILE:LINE:COL: ", which differ
    with open(err) as f:
        return re.sub(r"^teller: \S+?: ", "", f.readline().strip())

bad = 0
notes = []
for c in order:
    g = groups[c]
    rl, rrc, rjs, rerr = g[0]
    ref = load(rjs) if rrc == 0 else None
    for lab, rc, js, err in g[1:]:
        if rc != rrc:
            bad += 1
            print("  %s: %s exit %d, %s exit %d%s" % (c, lab, rc, rl, rrc,
                  why(err if rc else rerr)))
            continue
        if rc != 0:
            if what(err) != what(rerr):
                bad += 1
                print("  %s: %s fails otherwise than %s (exit %d)%s" %
                      (c, lab, rl, rc, why(err)))
            continue
        d = first_diff(ref, load(js), "")
        if d:
            bad += 1
            print("  %s: %s differs from %s at %s" % (c, lab, rl, d))
    if rrc != 0 and all(x[1] == rrc and what(x[3]) == what(rerr)
                        for x in g):
        notes.append("%s: all %d exit %d%s" % (c, len(g), rrc, why(rerr)))
for n in notes:
    print("  note: " + n)
sys.exit(1 if bad else 0)
'

# Count corpus directory $1's file $2 under method $m for seats $seats
# into $3.json and $3.err; the exit status is the count's, or that of
# making the file if that failed.
count_one() {
	if [ -f "$1/$2.rc" ] && [ "$(cat "$1/$2.rc")" != 0 ]; then
		cp "$1/$2.err" "$3.err"
		return "$(cat "$1/$2.rc")"
	fi
	if [ "$2" = halves ]; then
		set -- "$3" "$1/half1.csv" "$1/half2.csv"
	else
		set -- "$3" "$1/$2"
	fi
	o=$1
	shift
	# shellcheck disable=SC2086 # $extra: zero or more options
	"$T" count -m "$m" -s "$seats" $extra --json - "$@" </dev/null \
	    >"$o.json" 2>"$o.err"
}

# Make corpus directory $1's profile formats with teller, from the
# rank-column CSV: p.tp by `teller profile`, m.tp by `teller merge` of
# the profiles of the halves; FILE.rc holds the exit status of making
# FILE, FILE.err its messages.
make_profiles() {
	"$T" profile -o "$1/p.tp" "$1/rank.csv" </dev/null 2>"$1/p.tp.err"
	echo $? >"$1/p.tp.rc"
	rc=0
	"$T" profile -o "$1/h1.tp" "$1/half1.csv" </dev/null \
	    2>"$1/m.tp.err" &&
	    "$T" profile -o "$1/h2.tp" "$1/half2.csv" </dev/null \
	    2>"$1/m.tp.err" &&
	    "$T" merge -o "$1/m.tp" "$1/h1.tp" "$1/h2.tp" </dev/null \
	    2>"$1/m.tp.err" || rc=$?
	echo $rc >"$1/m.tp.rc"
}

methods=$(sed -n 's/^[[:space:]]*{ "\([a-z0-9-]*\)", "[A-Z].*/\1/p' \
    lib/methods.c)
formats="rank.csv p.blt cand.csv p.toi p.toc p.soc p.tp m.tp halves"
counted=""
# seed:papers:candidates -- six small contests and one larger one;
# PARITY_SEEDS replaces them (e.g. "8:20000:10" for a larger corpus)
for sp in ${PARITY_SEEDS:-1:40:4 2:40:5 3:50:6 4:30:4 5:60:5 6:40:6 7:1500:9}
do
	seed=${sp%%:*}
	np=${sp#*:}
	nc=${np#*:}
	np=${np%:*}
	S=$((2 + seed % 2))
	d=$tmp/$seed
	if ! $PY tests/parity_gen.py --seed "$seed" --papers "$np" \
	    --cands "$nc" --seats "1,$S" --features "$PARITY_FEATURES" \
	    --out "$d" 2>"$tmp/gen.err"; then
		fail=$((fail + 1))
		echo "FAIL: seed $seed: $(tail -n 1 "$tmp/gen.err")"
		continue
	fi
	while read -r s v _; do
		make_profiles "$d/s$s/$v"
	done <"$d/MANIFEST"
	for m in $methods; do
		extra=
		case $m in
		fptp | sv | irv | college | exhaustive | contingent | \
		    plurality-runoff) seats=1 ;;
		condorcet | copeland | minimax | schulze | ranked-pairs | \
		coombs | bucklin) seats=1 ;;
		limited) seats=$S extra="--votes $S" ;;
		*) seats=$S ;;
		esac
		set --
		while read -r s v _; do
			[ "$s" = "$seats" ] || continue
			c=$d/s$s/$v
			k=0
			for f in $formats; do
				[ -f "$c/$f" ] || [ -f "$c/$f.rc" ] ||
				    [ "$f" = halves ] || continue
				# two files are two rounds of an exhaustive
				# ballot, not halves of one
				[ "$m.$f" = exhaustive.halves ] && continue
				k=$((k + 1))
				rc=0
				count_one "$c" "$f" "$c/$m.$k" || rc=$?
				set -- "$@" "$v" "$f" "$rc" "$c/$m.$k.json" \
				    "$c/$m.$k.err"
				# one round of an exhaustive ballot counts
				# and stops (exit 4) without a majority
				[ "$f" = rank.csv ] && { [ "$rc" = 0 ] ||
				    [ "$m.$rc" = exhaustive.4 ]; } &&
				    counted="$counted $m"
			done
		done <"$d/MANIFEST"
		n=$(($# / 5))
		if $PY -c "$cmp_py" "$@" >"$tmp/cmp.out" 2>&1; then
			pass=$((pass + 1))
			echo "ok: seed $seed $m -s $seats: $n files agree"
		else
			fail=$((fail + 1))
			echo "FAIL: seed $seed $m -s $seats: formats differ"
		fi
		cat "$tmp/cmp.out"
	done
done
# a teller that refused every file alike would agree everywhere
for m in $methods; do
	case " $counted " in
	*" $m "*) pass=$((pass + 1)) ;;
	*)
		fail=$((fail + 1))
		echo "FAIL: $m counted no corpus of any seed"
		;;
	esac
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
