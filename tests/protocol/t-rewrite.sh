#!/bin/sh
# tests/protocol/t-rewrite.sh - the hook's sandbox rewrite (`on_ask: sandbox`,
# `sandbox_allowed`): which answers carry an updatedInput that runs the command
# under `shellgate exec`, which keep their decision, and that the rewritten
# command really runs confined (a write in the project lands, one outside does
# not, and the failure tells the model why).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tap.sh"
BIN=${SG_BIN:-$here/../../build/shellgate}
PLAIN=${SG_BIN_PLAIN:-$BIN}
command -v jq >/dev/null 2>&1 || { echo "1..0 # SKIP jq not installed"; exit 0; }
export SHELLGATE_NO_SNAPSHOT=1
tmp=$(mktemp -d /var/tmp/sg-rewrite.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
P=$tmp/proj
mkdir -p "$P" "$tmp/home"
P=$(cd "$P" && pwd -P)
export HOME=$tmp/home
unset XDG_CONFIG_HOME CODEX_HOME
cd "$P" || exit 1

# claude_req COMMAND [EVENT]: a Claude Code PreToolUse Bash request, with the
# extra tool_input fields a real one carries (they must survive a rewrite)
claude_req() {
	jq -cn --arg c "$1" --arg cwd "$P" --arg ev "${2:-PreToolUse}" \
		'{session_id:"s1",transcript_path:"/x/s1.jsonl",cwd:$cwd,permission_mode:"default",
		  hook_event_name:$ev,tool_name:"Bash",
		  tool_input:{command:$c,description:"what it does",timeout:120000},tool_use_id:"toolu_1"}'
}
codex_req() {
	jq -cn --arg c "$1" --arg cwd "$P" \
		'{session_id:"s1",turn_id:"t1",transcript_path:null,cwd:$cwd,model:"gpt-5",permission_mode:"default",
		  hook_event_name:"PreToolUse",tool_name:"Bash",tool_input:{command:$c},tool_use_id:"call_1"}'
}
# hook BIN CLIENT REQUEST OPTIONS...: stdout in $tmp/out, stderr in $tmp/err, status in $st
hook() {
	b=$1 c=$2 r=$3
	shift 3
	printf '%s' "$r" | "$b" hook "$c" "$@" >"$tmp/out" 2>"$tmp/err"
	st=$?
}
dec() { jq -r '.hookSpecificOutput.permissionDecision // "none"' "$tmp/out" 2>/dev/null; }
newcmd() { jq -r '.hookSpecificOutput.updatedInput.command // ""' "$tmp/out" 2>/dev/null; }
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

if ! probe=$("$PLAIN" exec --probe 2>&1); then
	echo "1..0 # SKIP the sandbox cannot start here: $(echo "$probe" | tail -1)"
	exit 0
fi
# The rewrite of an ask needs the whole sandbox: without user namespaces
# (inside `shellgate exec` itself, whose filter denies them) it is refused,
# which case 10b below checks from outside.
case $probe in
*"user namespace "*missing*)
	echo "1..0 # SKIP user namespaces unavailable$([ -n "${SHELLGATE_SANDBOX:-}" ] && echo " inside shellgate exec"): asks are not rewritten here"
	exit 0
	;;
esac

ASK='echo hi > /var/tmp/sg-rewrite-outside'	# asked: a write outside the project
# 1. ask + --on-ask sandbox: allow with the exact exec command; other fields kept
hook "$BIN" claude "$(claude_req "$ASK")" --on-ask sandbox
want="$(q "$BIN") exec --profile 'default' --project $(q "$P") --hints -- /bin/bash -c $(q "$ASK")"
if [ "$st" = 0 ] && [ "$(dec)" = allow ] && [ "$(newcmd)" = "$want" ] &&
	[ "$(jq -c '.hookSpecificOutput.updatedInput | del(.command)' "$tmp/out")" = '{"description":"what it does","timeout":120000}' ] &&
	jq -e '.hookSpecificOutput.permissionDecisionReason | test("sandbox") and test("fs.redirect-outside")' "$tmp/out" >/dev/null; then
	ok "claude: ask becomes allow + updatedInput running it under exec, other tool_input fields kept"
else
	notok "claude: ask rewritten" "status $st; want: $want; got: $(cat "$tmp/out" "$tmp/err")"
fi

# 2. without the setting, asks stay asks and nothing is rewritten
hook "$BIN" claude "$(claude_req "$ASK")"
[ "$(dec)" = ask ] && [ -z "$(newcmd)" ] && ok "claude: no setting, ask stays ask" ||
	notok "claude: no setting" "$(cat "$tmp/out")"

# 3. allow: untouched unless --sandbox-allowed
hook "$BIN" claude "$(claude_req 'ls -la')" --on-ask sandbox
[ "$(dec)" = allow ] && [ -z "$(newcmd)" ] && ok "claude: allow runs as it is under on_ask sandbox" ||
	notok "claude: allow untouched" "$(cat "$tmp/out")"
hook "$BIN" claude "$(claude_req 'ls -la')" --sandbox-allowed
case "$(newcmd)" in *" exec --profile 'default' "*"-- /bin/bash -c 'ls -la'") ok "claude: --sandbox-allowed rewrites an allowed command" ;;
*) notok "claude: --sandbox-allowed" "$(cat "$tmp/out")" ;; esac

# 4. deny stays deny, whatever is configured
hook "$BIN" claude "$(claude_req 'rm -rf ~')" --on-ask sandbox --sandbox-allowed
[ "$(dec)" = deny ] && [ -z "$(newcmd)" ] && ok "claude: deny stays deny" || notok "claude: deny" "$(cat "$tmp/out")"

# 5. an ask the sandbox cannot make safe (project data) keeps asking
hook "$BIN" claude "$(claude_req 'rm -rf build/*')" --on-ask sandbox --verbose
[ "$(dec)" = ask ] && [ -z "$(newcmd)" ] && grep -q 'sandbox_contains' "$tmp/err" &&
	ok "claude: an uncontained ask (rm -rf through a glob) keeps asking, and --verbose says why" ||
	notok "claude: uncontained ask" "$(cat "$tmp/out" "$tmp/err")"

# 6. the user's own Claude ask rule matching the original command: no rewrite
mkdir -p "$P/.claude"
echo '{"permissions":{"ask":["Bash(echo hi:*)"]}}' >"$P/.claude/settings.json"
hook "$BIN" claude "$(claude_req "$ASK")" --on-ask sandbox --verbose
[ "$(dec)" = ask ] && [ -z "$(newcmd)" ] && grep -q "own Claude Code ask/deny rules" "$tmp/err" &&
	ok "claude: the user's own permissions.ask rule keeps the prompt (Claude cannot re-check a rewrite)" ||
	notok "claude: user ask rule" "$(cat "$tmp/out" "$tmp/err")"
rm -rf "$P/.claude"

# 7. configuration file; --no-sandbox overrides it; a loose file is ignored
mkdir -p "$HOME/.config/shellgate"
cf=$HOME/.config/shellgate/config.json
echo '{"on_ask": "sandbox"}' >"$cf"
chmod 600 "$cf"
hook "$BIN" claude "$(claude_req "$ASK")"
[ "$(dec)" = allow ] && [ -n "$(newcmd)" ] && ok "config.json on_ask sandbox turns the rewrite on" ||
	notok "config.json on_ask" "$(cat "$tmp/out" "$tmp/err")"
"$BIN" doctor claude kiro >"$tmp/doc" 2>&1
grep -q '^on_ask: sandbox' "$tmp/doc" && grep -q 'sandbox here: can start' "$tmp/doc" &&
	grep -A1 '^claude:' "$tmp/doc" | grep -q 'sandbox rewrite: yes' &&
	grep -A1 '^kiro:' "$tmp/doc" | grep -q 'sandbox rewrite: no' &&
	ok "doctor: on_ask sandbox, the sandbox can start, which clients rewrite (claude yes, kiro no)" ||
	notok "doctor on_ask" "$(cat "$tmp/doc")"
hook "$BIN" claude "$(claude_req "$ASK")" --no-sandbox
[ "$(dec)" = ask ] && ok "--no-sandbox overrides config.json" || notok "--no-sandbox" "$(cat "$tmp/out")"
echo '{"on_ask": "sandbox", "sandbox_profile": "no-such-profile"}' >"$cf"
hook "$BIN" claude "$(claude_req "$ASK")" --verbose
[ "$(dec)" = ask ] && ok "an unusable sandbox_profile leaves asks as asks" ||
	notok "bad sandbox_profile" "$(cat "$tmp/out" "$tmp/err")"
echo '{"on_ask": "always"}' >"$cf"
hook "$BIN" claude "$(claude_req "$ASK")" --verbose
[ "$(dec)" = ask ] && grep -q "'on_ask' must be" "$tmp/err" && ok "an invalid on_ask value is reported and ignored" ||
	notok "invalid on_ask" "$(cat "$tmp/out" "$tmp/err")"
echo '{"on_ask": "sandbox"}' >"$cf"
chmod 666 "$cf"
hook "$BIN" claude "$(claude_req "$ASK")" --verbose
[ "$(dec)" = ask ] && grep -q "writable by group or others" "$tmp/err" &&
	ok "a config.json writable by others is ignored" || notok "loose config.json" "$(cat "$tmp/out" "$tmp/err")"
chmod 600 "$cf"
if chown nobody "$cf" 2>/dev/null; then
	hook "$BIN" claude "$(claude_req "$ASK")" --verbose
	[ "$(dec)" = ask ] && grep -q "owned by another user" "$tmp/err" &&
		ok "a config.json owned by another user is ignored" || notok "foreign config.json" "$(cat "$tmp/out" "$tmp/err")"
else
	skip "a config.json owned by another user is ignored" "cannot chown to nobody (not root)"
fi
rm -f "$cf"

# 8. Codex: ask -> allow + updatedInput (its only way to allow); its own rules veto
hook "$BIN" codex "$(codex_req "$ASK")" --on-ask sandbox
[ "$st" = 0 ] && [ "$(dec)" = allow ] && [ "$(newcmd)" = "$want" ] && ok "codex: ask becomes allow + updatedInput" ||
	notok "codex: rewrite" "$(cat "$tmp/out" "$tmp/err")"
mkdir -p "$HOME/.codex/rules"
echo 'prefix_rule(pattern = ["git", "push"], decision = "forbidden")' >"$HOME/.codex/rules/default.rules"
hook "$BIN" codex "$(codex_req "$ASK")" --on-ask sandbox
[ "$(dec)" = deny ] && [ -z "$(newcmd)" ] && ok "codex: a user rule that forbids something disables the rewrite (ask stays a block)" ||
	notok "codex: rules veto" "$(cat "$tmp/out")"
rm -rf "$HOME/.codex"

# 9. clients that cannot rewrite keep ask semantics
jq -cn --arg c "$ASK" --arg cwd "$P" '{hook_event_name:"preToolUse",cwd:$cwd,tool_name:"execute_bash",tool_input:{command:$c}}' >"$tmp/kiro.json"
"$BIN" hook kiro --on-ask sandbox --verbose <"$tmp/kiro.json" >"$tmp/out" 2>"$tmp/err"
[ $? = 2 ] && grep -q "kiro hooks cannot replace a command" "$tmp/err" && ok "kiro: cannot rewrite, ask stays a block with the reason" ||
	notok "kiro" "$(cat "$tmp/out" "$tmp/err")"

# 10. a project that is / or holds the home directory is never handed to exec
(cd "$HOME" && printf '%s' "$(jq -cn --arg c "$ASK" --arg cwd "$HOME" '{session_id:"s",transcript_path:"/x",cwd:$cwd,hook_event_name:"PreToolUse",tool_name:"Bash",tool_input:{command:$c}}')" |
	"$BIN" hook claude --on-ask sandbox --verbose >"$tmp/out" 2>"$tmp/err")
[ "$(dec)" = ask ] && grep -q "holds the home directory" "$tmp/err" && ok "no rewrite when the project is the home directory" ||
	notok "home project" "$(cat "$tmp/out" "$tmp/err")"

# 10b. shellgate itself inside a sandbox (no user namespaces there): an ask is
# not turned into an allow that would run degraded
cp "$PLAIN" "$P/sg-inner" && cp -r "$here/../../rules" "$P/sg-rules"
claude_req "$ASK" | "$PLAIN" exec --quiet --project "$P" -- /bin/sh -c \
	"SG_RULES_DIR='$P/sg-rules' '$P/sg-inner' hook claude --on-ask sandbox --verbose" >"$tmp/out" 2>"$tmp/err"
[ "$(dec)" = ask ] && [ -z "$(newcmd)" ] && grep -q "would run degraded" "$tmp/err" &&
	ok "inside another sandbox (no user namespaces) an ask stays an ask, not a degraded exec" ||
	notok "nested hook" "$(cat "$tmp/out" "$tmp/err")"
rm -rf "$P/sg-inner" "$P/sg-rules"

# 11. the rewritten command runs confined: in-project write lands, outside does not, the model is told
CMD='touch made-inside && echo x > /var/tmp/sg-rewrite-outside'
hook "$PLAIN" claude "$(claude_req "$CMD")" --on-ask sandbox
nc=$(newcmd)
rm -f /var/tmp/sg-rewrite-outside
out=$(/bin/bash -c "$nc" 2>&1)
rc=$?
if [ -n "$nc" ] && [ "$rc" != 0 ] && [ -f "$P/made-inside" ] && [ ! -e /var/tmp/sg-rewrite-outside ] &&
	echo "$out" | grep -q "ran in shellgate's sandbox" && echo "$out" | grep -q "ask the user"; then
	ok "the rewritten command ran in the sandbox: project write kept, outside write failed, hint for the model"
else
	notok "rewritten command run" "rc $rc; cmd: $nc; output: $out"
fi
rm -f "$P/made-inside" /var/tmp/sg-rewrite-outside

# 12. exec --hints stays quiet when the failure has nothing to do with the sandbox
out=$("$PLAIN" exec --project "$P" --hints -- /bin/sh -c 'echo "test failed: 2 != 3" >&2; exit 1' 2>&1)
rc=$?
[ "$rc" = 1 ] && [ "$out" = "test failed: 2 != 3" ] && ok "exec --hints: an ordinary failure passes through untouched, no hint" ||
	notok "exec --hints quiet" "rc $rc: $out"
out=$("$PLAIN" exec --project "$P" --hints -- /bin/sh -c 'getent hosts example.com || echo "curl: (6) Could not resolve host: example.com" >&2; exit 6' 2>&1)
rc=$?
[ "$rc" = 6 ] && echo "$out" | grep -q "tried to reach the network" && ok "exec --hints: a name-resolution failure gets the network hint, status kept" ||
	notok "exec --hints network" "rc $rc: $out"
tap_done
