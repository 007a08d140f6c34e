#!/bin/sh
# Codex, Gemini (real sessions), Kiro, Cursor, Copilot (hand-written from
# PROTOCOLS.md): format detection, every call found and paired, goldens per
# format, damaged variants, and the same decisions as `check`.
. "$(dirname "$0")/lib.sh"

for c in codex gemini kiro cursor copilot; do
	lint --report allow fixtures/$c
	golden $c.txt "$tmp/out"
	lint --format json --report allow fixtures/$c
	golden $c.jsonl "$tmp/out"
	is "$c: detected as $c" "$c" "$(jq -r 'select(.type=="finding") | .client' "$tmp/out" | sort -u | paste -sd' ' -)"
	is "$c: no warnings" "" "$(cat "$tmp/err")"
done

f() { jq -r --arg c "$1" "select(.type==\"finding\" and (.command|test(\$c))) | $2" "$tmp/out"; }
lint --format json --report allow fixtures/codex
is "codex: exec_command from the real rollout" "denied deny" "$(f 'rm -rf ~/' '"\(.ran) \(.decision)"')"
is "codex: old shell argv, relative workdir" "/work/proj/sub ran" "$(f '^git push --force' '"\(.cwd) \(.ran)"')"
is "codex: argv words quoted" "rm -rf '/home/u/old notes'" "$(f 'old notes' .command)"
is "codex: old JSON output exit_code 1" "ran-failed" "$(f 'old notes' .ran)"
is "codex: CommandExecution argv differs -> rewrite" "ran-rewritten" "$(f 'x.test' .ran)"
is "codex: execpolicy rejection" "denied" "$(f '^git push origin' .ran)"
is "codex: local_shell_call" "deny" "$(f 'id_rsa' .decision)"

lint --format json --report allow fixtures/gemini
is "gemini: last version of a re-written message wins" "denied 8" "$(f '^rm -rf ~$' '"\(.ran) \(.line)"')"
is "gemini: each call once" 1 "$(f '^rm -rf ~$' .line | wc -l)"
is "gemini: cwd from projects.json or the prompt" "/tmp/e2e/gemini-deny/work" "$(f 'rm -rf ~/' .cwd)"
is "gemini: dir_path under the cwd" "/work/proj/src" "$(f '^ls$' .cwd)"
is "gemini: older session-*.json document" "ran deny 9" "$(f '^git push -f' '"\(.ran) \(.decision) \(.line)"')"

lint --format json --report allow fixtures/kiro
is "kiro: cwd and session from the metadata file" "/work/kiro-proj 3b9a1c2d-0000-4000-8000-000000000004" "$(f '^pwd$' '"\(.cwd) \(.session)"')"
is "kiro: PreToolHook block" "denied" "$(f 'push --force' .ran)"
is "kiro: fs_read operations judged as reads" "deny read" "$(f 'id_ed25519' '"\(.decision) \(.kind)"')"

lint --format json --report allow fixtures/cursor
is "cursor: results are not logged" "not-logged" "$(jq -r 'select(.type=="finding") | .ran' "$tmp/out" | sort -u)"
is "cursor: cwd from the call" "/work/cursor-proj" "$(f '^git status' .cwd)"

lint --format json --report allow fixtures/copilot
is "copilot: failed execution denied by a hook" "denied deny" "$(f 'get.example' '"\(.ran) \(.decision)"')"
is "copilot: call without completion" "unknown deny" "$(f 'credentials' '"\(.ran) \(.decision)"')"

# damaged variants of each format
for c in codex gemini kiro cursor copilot; do
	lint --format json --report allow fixtures/damaged/$c-garbage-line.jsonl
	grep -q "$c-garbage-line.jsonl:2: warning: unreadable record" "$tmp/err" && ok "$c garbage line: warning at :2" || notok "$c garbage line: warning at :2" "$(cat "$tmp/err")"
	n=$(jq -r 'select(.type=="summary") | .calls' "$tmp/out")
	lint --format json --report allow fixtures/damaged/$c-truncated-tail.jsonl
	last=$(wc -l <fixtures/damaged/$c-truncated-tail.jsonl); last=$((last + 1))
	grep -q "$c-truncated-tail.jsonl:$last: warning: unreadable record (truncated record at end of file" "$tmp/err" &&
		ok "$c truncated tail: warning at :$last" || notok "$c truncated tail: warning at :$last" "$(cat "$tmp/err")"
	m=$(jq -r 'select(.type=="summary") | .calls' "$tmp/out")
	[ "$m" -le "$n" ] && [ "$n" -gt 0 ] && ok "$c: calls before the damage judged ($n, $m)" || notok "$c: calls judged ($n, $m)"
done

# --client forces a format: a Claude file read as Kiro is all unknown kinds
lint --client kiro fixtures/claude/transcript-bash-allow.jsonl
grep -q "unknown record kind" "$tmp/err" && ok "--client kiro on a Claude file: warned, not silent" || notok "--client kiro on a Claude file: warned"

# same decision path as check, for every shell command of every format
lint --format json --report allow fixtures/codex fixtures/gemini fixtures/kiro fixtures/cursor fixtures/copilot
bad=0 n=0
jq -r 'select(.type=="finding" and .kind=="shell") | [(.cwd // "/work/proj"), .decision, (.command|@base64)] | @tsv' "$tmp/out" >"$tmp/calls"
while IFS="$(printf '\t')" read -r cwd dec cmd; do
	n=$((n + 1))
	c=$(printf '%s' "$cmd" | base64 -d)
	d=$("$SG_BIN_PLAIN" check --json $RULES --cwd "$cwd" --project "$cwd" -- "$c" | jq -r .decision)
	[ "$d" = "$dec" ] || { bad=$((bad + 1)); echo "# mismatch: $c: lint $dec check $d"; }
done <"$tmp/calls"
is "lint agrees with check on all $n shell commands" 0 "$bad"
tap_done
