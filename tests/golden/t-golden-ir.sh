#!/bin/sh
# Golden IR tests: for each tests/golden/ir/NAME.cmd, `shellgate explain`
# (fixed cwd/home/project, built-in packs, no file-system lookups) must print
# exactly NAME.out. SG_UPDATE_GOLDEN=1 rewrites the .out files (review the diff!).
. "$SG_ROOT/tests/tap.sh"
dir="$SG_ROOT/tests/golden/ir"
bin=${SG_BIN:-$SG_ROOT/build/shellgate}
for cmdf in "$dir"/*.cmd; do
	name=$(basename "$cmdf" .cmd)
	got=$(SG_RULES_DIR="$SG_ROOT/rules" "$bin" explain --no-user --no-fs --cwd /home/user/project \
		--home /home/user --project /home/user/project -- "$(cat "$cmdf")" 2>&1)
	if [ "${SG_UPDATE_GOLDEN:-}" = 1 ]; then
		printf '%s\n' "$got" >"$dir/$name.out"
	fi
	want=$(cat "$dir/$name.out" 2>/dev/null)
	if [ "$got" = "$want" ]; then
		ok "ir $name"
	else
		notok "ir $name" "$(printf '%s\n' "$got" | diff "$dir/$name.out" - | head -20)"
	fi
done
tap_done
