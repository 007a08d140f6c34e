#!/bin/sh
# tests/hostile/t-limits.sh - every SG_MAX_* limit (sg.h, SECURITY.md) that a
# request can reach gives a blocking answer: never allow, never a crash. For
# command limits the verdict carries the limit or unparsable flag.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tap.sh"
: "${SG_BIN:=$here/../../build/asan/shellgate}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ctx="--no-user --no-fs --cwd /home/u/p --home /home/u --project /home/u/p"

# limit NAME: judge $tmp/cmd (via --stdin); not allow, limit/unparsable flag
limit() {
	# shellcheck disable=SC2086
	"$SG_BIN" check --json --stdin $ctx <"$tmp/cmd" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	d=$(sed -n 's/^{"decision":"\([a-z]*\)".*/\1/p' "$tmp/out")
	if [ "$rc" -ge 4 ]; then
		notok "$1: crashed (exit $rc)" "$(head -5 "$tmp/err")"
	elif [ "$d" = allow ] || [ -z "$d" ]; then
		notok "$1: decision '${d}'" "$(head -c 300 "$tmp/out")"
	elif ! grep -q '"flags":\[[^]]*"\(limit\|unparsable\)"' "$tmp/out"; then
		notok "$1: $d without the limit/unparsable flag" "$(head -c 300 "$tmp/out")"
	else
		ok "$1: $d, flagged"
	fi
}

perl -e 'print "a" x ((1 << 20) + 1)' >"$tmp/cmd"
limit "SG_MAX_INPUT (1 MiB + 1 byte)"

# Nesting by eval, whose text stays linear in the depth: quoting a bash -c
# script 20 deep grows threefold per level (5 GB) and only ever reached
# SG_MAX_INPUT. The reason must name SG_MAX_NESTING.
perl -e 'print "eval " x 20, "ls"' >"$tmp/cmd"
limit "SG_MAX_NESTING (eval 20 deep)"
if grep -q 'SG_MAX_NESTING' "$tmp/out"; then ok "SG_MAX_NESTING is the limit named"; else
	notok "SG_MAX_NESTING is the limit named" "$(head -c 300 "$tmp/out")"; fi

perl -e 'print "(" x 400, "ls", ")" x 400' >"$tmp/cmd"
limit "SG_MAX_AST_DEPTH (400 nested subshells)"

perl -e 'print "echo ", join(" ", ("w") x 5000)' >"$tmp/cmd"
limit "SG_MAX_WORDS (5000 words)"

perl -e 'print join("; ", ("true") x 3000)' >"$tmp/cmd"
limit "SG_MAX_COMMANDS (3000 commands)"

perl -e 'print "echo ", "{a,b}" x 12' >"$tmp/cmd"
limit "SG_MAX_BRACE (4096 brace expansions)"

perl -e 'print "echo \$(" x 300, "ls", ")" x 300' >"$tmp/cmd"
limit "SG_MAX_AST_DEPTH (300 nested substitutions)"

# rule-file limits: the engine refuses the file and denies (status 3)
rulefile() { # name
	chmod 600 "$tmp/rules.json"
	# shellcheck disable=SC2086
	"$SG_BIN" check --no-builtin $ctx --rules "$tmp/rules.json" -- ls >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 3 ] && grep -q '^deny' "$tmp/out"; then
		ok "$1: rule file refused, deny (status 3)"
	else
		notok "$1: exit $rc" "$(head -3 "$tmp/out"; head -3 "$tmp/err")"
	fi
}
perl -e 'print "{\"format\":1,\"x\":", "[" x 100, "]" x 100, "}"' >"$tmp/rules.json"
rulefile "SG_MAX_JSON_DEPTH (100 nested arrays)"
perl -e 'print "{\"format\":1,\"rules\":[", join(",", map { "{\"id\":\"r$_\",\"decision\":\"ask\",\"reason\":\"r\",\"match\":{\"program\":\"p$_\"}}" } 1..20001), "]}"' >"$tmp/rules.json"
rulefile "SG_MAX_RULES (20001 rules)"
perl -e 'print "{\"format\":1,\"description\":\"", "x" x (9 << 20), "\"}"' >"$tmp/rules.json"
rulefile "SG_MAX_RULE_FILE (9 MiB)"

# PCRE2 match limit: a hit is an engine error that denies, not "no match"
cat >"$tmp/rules.json" <<'R'
{"format": 1, "rules": [
 {"id": "t.allow-echo", "decision": "allow", "reason": "r", "match": {"program": "echo"}},
 {"id": "t.slow", "decision": "deny", "reason": "r", "match": {"program": "echo", "args_any": ["^(a|aa)+$"]}}]}
R
chmod 600 "$tmp/rules.json"
arg=$(perl -e 'print "a" x 60, "b"')
# shellcheck disable=SC2086
"$SG_BIN" check --json --no-builtin $ctx --rules "$tmp/rules.json" -- echo "$arg" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q '"engine.error"' "$tmp/out"; then
	ok "SG_PCRE_MATCH_LIMIT: the match error denies"
else
	notok "SG_PCRE_MATCH_LIMIT: exit $rc" "$(head -c 400 "$tmp/out")"
fi

# The parse timeout and the arena ceiling cannot be reached by an input under
# the other limits: the test-only overrides (which can only lower them) drive
# the same code paths. Each must give the unparsable floor, never allow.
perl -e 'print "ls; " x 20000' >"$tmp/cmd"
SHELLGATE_TEST_PARSE_TIMEOUT_US=1 SHELLGATE_NO_SNAPSHOT=1 "$SG_BIN" check --json --stdin --no-user $ctx <"$tmp/cmd" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -ge 1 ] && [ "$rc" -le 2 ] && grep -q '"default.unparsable"' "$tmp/out" && grep -q 'SG_PARSE_TIMEOUT_US' "$tmp/out"; then
	ok "SG_PARSE_TIMEOUT_US: a timed-out parse is unparsable (exit $rc)"
else
	notok "SG_PARSE_TIMEOUT_US: exit $rc" "$(head -c 400 "$tmp/out")"
fi
# 1000 harmless echos (allow) need more than a 300 KB arena: a deny (exit 3)
perl -e 'print join("; ", ("echo " . "a" x 200) x 1000)' >"$tmp/cmd"
SHELLGATE_TEST_MAX_ARENA=300000 SHELLGATE_NO_SNAPSHOT=1 "$SG_BIN" check --json --stdin --no-user $ctx <"$tmp/cmd" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 3 ] && grep -q '^{"decision":"deny"' "$tmp/out"; then
	ok "SG_MAX_ARENA: exhausting the request arena never allows (exit $rc)"
else
	notok "SG_MAX_ARENA: exit $rc" "$(head -c 400 "$tmp/out")"
fi
tap_done
