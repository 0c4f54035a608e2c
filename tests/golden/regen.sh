#!/bin/sh
# regen.sh -- rewrite every golden .out from the current build. Review the
# result with `git diff tests/golden` before committing.
for a in tests/golden/*/*.args; do
	[ -f "$a" ] || continue
	base=${a%.args}
	sh tests/golden/run_case.sh "$base" >"$base.out"
	echo "regenerated $base.out"
done
