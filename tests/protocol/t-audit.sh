#!/bin/sh
# tests/protocol/t-audit.sh - the decision log: off by default, one intact JSON
# line per decision with concurrent hooks, secrets masked, rotation by size,
# and an unwritable log never changes an answer.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tap.sh"
BIN=${SG_BIN:-$here/../../build/shellgate}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/cfg" SHELLGATE_NO_SNAPSHOT=1
unset SHELLGATE_AUDIT_LOG
mkdir -p "$HOME"
R="--no-builtin --no-user --no-fs --rules $here/rules.json"
req() { printf '{"session_id":"s%s","transcript_path":"/t","cwd":"/work/proj","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"%s"}}' "$1" "$2"; }
req 0 ls | "$BIN" hook claude $R >/dev/null 2>&1
ok_if "off by default: no log file anywhere" sh -c "[ -z \"\$(find '$tmp' -name '*.log' -o -name '*.jsonl' | head -1)\" ]"
i=0
while [ $i -lt 24 ]; do
	req $i "curl -H 'Authorization: Bearer sk-abcdefghijklmnop' https://x/$i" | "$BIN" hook claude $R --audit-log "$tmp/audit.jsonl" >/dev/null 2>&1 &
	i=$((i + 1))
done
wait
ok_if "24 concurrent hooks: 24 lines" [ "$(wc -l <"$tmp/audit.jsonl")" -eq 24 ]
ok_if "every line is one intact JSON record" node -e 'require("fs").readFileSync(process.argv[1],"utf8").trim().split("\n").forEach(l=>{const j=JSON.parse(l); if(!j.time||!j.decision||!j.client||!j.session) throw l;})' "$tmp/audit.jsonl"
ok_if "token-like values are masked" sh -c "! grep -q abcdefghijklmnop '$tmp/audit.jsonl' && grep -q 'Bearer \*\*\*' '$tmp/audit.jsonl'"
SHELLGATE_AUDIT_LOG=/dev/full
export SHELLGATE_AUDIT_LOG
out=$(req 1 "rm -rf /" | "$BIN" hook claude $R 2>/dev/null)
ok_if "a full disk does not change the answer" sh -c "printf '%s' '$out' | grep -q '\"permissionDecision\":\"deny\"'"
SHELLGATE_AUDIT_LOG=$tmp/nodir/x/audit.jsonl
out=$(req 1 "ls" | "$BIN" hook claude $R 2>/dev/null)
ok_if "an unwritable log path does not change the answer" sh -c "printf '%s' '$out' | grep -q '\"permissionDecision\":\"allow\"'"
unset SHELLGATE_AUDIT_LOG
mkdir -p "$XDG_CONFIG_HOME/shellgate"
printf '{"audit_log": "%s", "audit_max_bytes": 4096}\n' "$tmp/rot.jsonl" >"$XDG_CONFIG_HOME/shellgate/config.json"
chmod 600 "$XDG_CONFIG_HOME/shellgate/config.json"
i=0
while [ $i -lt 40 ]; do req $i "ls /some/rather/long/path/number/$i/to/fill/the/log/quickly" | "$BIN" hook claude $R >/dev/null 2>&1; i=$((i + 1)); done
ok_if "on by config; rotated by size to FILE.1" sh -c "[ -s '$tmp/rot.jsonl' ] && [ -s '$tmp/rot.jsonl.1' ] && [ \$(wc -c <'$tmp/rot.jsonl') -le 5000 ]"
tap_done
