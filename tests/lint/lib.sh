# tests/lint/lib.sh - shared setup for the lint TAP scripts (sourced).
# Runs shellgate lint with a fixed rule set (rules/00-core.json for the
# engine's command knowledge + tests/lint/rules.json) and a fixed home, from
# tests/lint so that paths in the outputs are relative and stable.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/tests/tap.sh"
: "${SG_BIN:=$root/build/asan/shellgate}"
: "${SG_BIN_PLAIN:=$root/build/shellgate}"
[ -x "$SG_BIN" ] || SG_BIN=$SG_BIN_PLAIN
export NO_COLOR=1
RULES="--no-builtin --no-user --rules $root/rules/00-core.json --rules rules.json --home /home/u --cwd /work/proj"
cd "$here" || exit 2
for tool in jq python3 gzip base64; do
	command -v $tool >/dev/null 2>&1 && continue
	skip "$(basename "$0")" "$tool is not installed (the lint tests need jq, python3, gzip, base64)"
	tap_done
	exit 0
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Keep rule-set snapshots out of the user's cache, and off: a snapshot hit
# for a layer with an args_any pattern crashes the engine at the time of
# writing (reported; lint itself is tested here, not the snapshot cache).
export XDG_CACHE_HOME="$tmp/cache" SHELLGATE_NO_SNAPSHOT=1
# lint ARGS... -> stdout in $tmp/out, stderr in $tmp/err, status in $rc
lint() { "$SG_BIN" lint $RULES "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?; }
# golden NAME FILE: compares FILE with golden/NAME (SG_UPDATE_GOLDEN=1 rewrites it)
golden() {
	if [ "${SG_UPDATE_GOLDEN:-}" = 1 ]; then cp "$2" "golden/$1"; ok "golden $1 (updated)"; return; fi
	if diff -u "golden/$1" "$2" >"$tmp/diff" 2>&1; then ok "golden $1"; else notok "golden $1" "$(head -40 "$tmp/diff")"; fi
}
# is NAME EXPECTED ACTUAL
is() { if [ "$2" = "$3" ]; then ok "$1"; else notok "$1" "expected '$2', got '$3'"; fi; }
