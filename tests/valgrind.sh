#!/bin/sh
# tests/valgrind.sh BIN - memcheck over the batch path and the hook path:
# no leak, no invalid access (make check-valgrind). TAP + summary line.
set -u
bin=${1:?usage: tests/valgrind.sh BIN}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! command -v valgrind >/dev/null 2>&1; then
	skip "valgrind" "valgrind not installed (Debian: valgrind)"
	echo "1..$_tap_n"; echo "0 passed, 0 failed, 1 skipped"; exit 0
fi
vg="valgrind --quiet --suppressions=$here/valgrind.supp --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99"
dev=$here/../../shared/corpus/dev.tsv
[ -f "$dev" ] || dev=$here/../../../shared/corpus/dev.tsv
if [ -f "$dev" ]; then
	grep -v '^#' "$dev" | cut -f3 | head -300 >"$tmp/cmds"
else
	grep -v '^#' "$here/golden/verdicts.tsv" | cut -f2 >"$tmp/cmds"
fi
n=$(wc -l <"$tmp/cmds" | tr -d ' ')
# worker processes (--jobs 2, each checked by valgrind too) and in-process
for jobs in 2 1; do
	# shellcheck disable=SC2086
	$vg "$bin" check --batch --jobs $jobs --no-user --no-fs <"$tmp/cmds" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	got=$(grep -c '^{"decision"' "$tmp/out")
	if [ "$rc" -le 2 ] && [ "$got" -eq "$n" ]; then
		ok "check --batch --jobs $jobs: $n commands, no leak or memory error"
	else
		notok "check --batch --jobs $jobs: exit $rc, $got/$n verdicts" "$(grep -v '^$' "$tmp/err" | head -20)"
	fi
done
for req in '{"session_id":"s","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"rm -rf ~"},"cwd":"/tmp"}' \
	'{"session_id":"s","hook_event_name":"PreToolUse","tool_name":"Read","tool_input":{"file_path":"/home/u/.ssh/id_rsa"},"cwd":"/tmp"}' \
	'{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":'; do
	printf '%s' "$req" >"$tmp/req"
	# shellcheck disable=SC2086
	$vg "$bin" hook claude --no-user <"$tmp/req" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 0 ] || [ "$rc" -eq 2 ]; then
		ok "hook claude ($(printf '%s' "$req" | cut -c1-60)...): exit $rc, no leak or memory error"
	else
		notok "hook claude: exit $rc" "$(grep -v '^$' "$tmp/err" | head -20)"
	fi
done
# exec up to the point where it would start the sandbox: profile resolved
# from the rule files (cold: cache written) and from the cache (warm).
# valgrind cannot follow the clone3/Landlock steps that come after.
mkdir -p "$tmp/proj" "$tmp/cache"
for pass in cold warm; do
	# shellcheck disable=SC2086
	XDG_CACHE_HOME="$tmp/cache" $vg "$bin" exec --explain --project "$tmp/proj" -- /bin/true >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 0 ] && grep -q '^profile ' "$tmp/out"; then
		ok "exec --explain ($pass profile cache): no leak or memory error"
	else
		notok "exec --explain ($pass): exit $rc" "$(grep -v '^$' "$tmp/err" | head -20)"
	fi
done
echo "1..$_tap_n"
echo "$((_tap_n - _tap_fail)) passed, $_tap_fail failed, 0 skipped"
[ "$_tap_fail" -eq 0 ]
