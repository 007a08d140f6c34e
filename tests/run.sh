#!/bin/sh
# tests/run.sh - run every test and print one summary line.
#
# Runs, in order: each unit-test binary $SG_BUILD/asan/test_* (cmocka, TAP
# output), then each executable script tests/*/t-*.sh. Every test speaks TAP:
#   ok N - name | not ok N - name | ok N - name # SKIP reason
#   (a whole script skipped: "1..0 # SKIP reason", one skip)
# A script that exits non-zero without a "not ok" line counts as one failure.
# The last line is "N passed, N failed, N skipped"; the exit status is 1 when
# anything failed.
#
# Environment: SG_BIN (the sanitizer build of shellgate), SG_BIN_PLAIN (the
# optimised build), SG_BUILD (the build directory). SG_TESTS=pattern runs only
# the scripts/binaries whose path contains the pattern.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
: "${SG_BUILD:=$root/build}"
: "${SG_BIN:=$SG_BUILD/asan/shellgate}"
: "${SG_BIN_PLAIN:=$SG_BUILD/shellgate}"
export SG_BIN SG_BIN_PLAIN SG_BUILD SG_ROOT="$root"
export CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=86}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=86}"
pass=0 fail=0 skip=0
log=$(mktemp)
# rule-set snapshots of the tests go to a private cache, not the user's
XDG_CACHE_HOME=$(mktemp -d)
export XDG_CACHE_HOME
trap 'rm -f "$log"; rm -rf "$XDG_CACHE_HOME"' EXIT

count() { # $1 = name, output in $log, $2 = exit status
	name=$1 rc=$2
	# cmocka reports skip() as "not ok N # SKIP name": a skip, not a failure
	p=$(grep -Ec '^ok [0-9]+' "$log" | tr -d ' ')
	s=$(grep -Ec '^ok [0-9]+.*# *(SKIP|skip)' "$log" | tr -d ' ')
	ns=$(grep -Ec '^not ok [0-9]+ *# *(SKIP|skip)' "$log" | tr -d ' ')
	f=$(grep -Ec '^not ok [0-9]+' "$log" | tr -d ' ')
	# a whole script skipped ("1..0 # SKIP reason") counts as one skip
	ws=$(grep -Ec '^1\.\.0 *# *(SKIP|skip)' "$log" | tr -d ' ')
	p=$((p - s)) f=$((f - ns)) s=$((s + ns + ws))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc"
		tail -20 "$log" | sed 's/^/#   /'
	fi
	grep -E '^not ok' "$log" | grep -Ev '^not ok [0-9]+ *# *(SKIP|skip)' | sed "s|^|# [$name] |"
	grep -E '^(not )?ok [0-9]+.*# *(SKIP|skip)|^1\.\.0 *# *(SKIP|skip)' "$log" | sed "s|^|# [$name] |"
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	echo "# $name: $p passed, $f failed, $s skipped"
}

want() { [ -z "${SG_TESTS:-}" ] || case "$1" in *"$SG_TESTS"*) return 0 ;; *) return 1 ;; esac; }

for t in "$SG_BUILD"/asan/test_*; do
	[ -x "$t" ] || continue
	want "$t" || continue
	"$t" >"$log" 2>&1
	count "$(basename "$t")" $?
done
for t in "$here"/*/t-*.sh; do
	[ -f "$t" ] || continue
	want "$t" || continue
	sh "$t" >"$log" 2>&1
	count "${t#"$here"/}" $?
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
