#!/bin/sh
# tests/protocol/t-broken.sh - fail closed: every broken input, every internal
# failure (broken or missing rules, out of memory, our own timeout, a signal)
# must come out as the client's block (blocks.js checks it per PROTOCOLS.md),
# never exit 1, never an empty answer where the client reads JSON.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tap.sh"
BIN=${SG_BIN:-$here/../../build/shellgate}
# Snapshots of the rule set are the engine's business (and a stale one is
# itself answered with a block); the answers checked here must not depend on them.
export SHELLGATE_NO_SNAPSHOT=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
RULES="--no-builtin --no-user --no-fs --rules $here/rules.json --read-timeout 300"
if ! command -v node >/dev/null 2>&1; then
	skip "all" "node is needed to check JSON answers"
	tap_done
	exit 0
fi

# run NAME CLIENT CHECK-AS [hook args...] < stdin
run() {
	_name=$1 _client=$2 _as=$3
	shift 3
	"$BIN" hook "$_client" "$@" >"$tmp/out" 2>"$tmp/err"
	_st=$?
	if [ $_st -eq 1 ]; then
		notok "$_name: exit 1 (fail-open in Claude/Codex/Kiro)"
	elif why=$(node "$here/blocks.js" "$_as" $_st "$tmp/out" "$tmp/err"); then
		ok "$_name"
	else
		notok "$_name" "$why"
	fi
}

for client in claude kiro cursor gemini codex copilot auto; do
	as=$client
	[ "$client" = auto ] && as=any
	i=0
	for list in "$here/broken/common.txt" "$here/broken/$client.txt"; do
		[ -f "$list" ] || continue
		while IFS= read -r line; do
			case $line in "#"*) continue ;; esac
			i=$((i + 1))
			if [ "$line" = EMPTY ]; then : >"$tmp/in"; else printf '%s\n' "$line" >"$tmp/in"; fi
			run "$client: $(basename "$list") #$i" "$client" "$as" $RULES <"$tmp/in"
		done <"$list"
	done
done

sample() { # a valid, judged request per client
	case $1 in
	claude) echo '{"session_id":"s","transcript_path":"/t","cwd":"/work/proj","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls"}}' ;;
	codex) echo '{"session_id":"s","turn_id":"t","cwd":"/work/proj","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls"}}' ;;
	gemini) echo '{"session_id":"s","cwd":"/work/proj","timestamp":"x","hook_event_name":"BeforeTool","tool_name":"run_shell_command","tool_input":{"command":"ls"}}' ;;
	cursor) echo '{"conversation_id":"c","cursor_version":"1","workspace_roots":["/work/proj"],"hook_event_name":"beforeShellExecution","command":"ls","cwd":"/work/proj"}' ;;
	kiro) echo '{"hook_event_name":"preToolUse","cwd":"/work/proj","tool_name":"execute_bash","tool_input":{"command":"ls"}}' ;;
	copilot) echo '{"sessionId":"s","timestamp":1,"cwd":"/work/proj","toolName":"bash","toolArgs":{"command":"ls"}}' ;;
	esac
}
# shapes that no line of text can hold
printf '{"a":%s1%s}' "$(printf '[%.0s' $(seq 100))" "$(printf ']%.0s' $(seq 100))" >"$tmp/deep"
printf '{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls \0; rm -rf /"}}' >"$tmp/nul"
node -e 'process.stdout.write(JSON.stringify({session_id:"s",transcript_path:"/t",cwd:"/work/proj",hook_event_name:"PreToolUse",tool_name:"Bash",tool_input:{command:"echo "+"a".repeat(5<<20)}}))' >"$tmp/huge"
printf '{"a":1}\n' >"$tmp/broken-rules.json"
for client in claude kiro cursor gemini codex copilot; do
	sample $client >"$tmp/ok"
	run "$client: nested 100 deep" $client $client $RULES <"$tmp/deep"
	run "$client: raw NUL byte" $client $client $RULES <"$tmp/nul"
	run "$client: 5 MiB command (over SG_HOOK_MAX_JSON)" $client $client $RULES <"$tmp/huge"
	run "$client: broken rule file" $client $client --no-builtin --no-user --rules "$tmp/broken-rules.json" <"$tmp/ok"
	run "$client: missing rule file" $client $client --no-builtin --no-user --rules /nonexistent/rules.json <"$tmp/ok"
	run "$client: out of memory" $client $client $RULES --test-alloc-fail 40 <"$tmp/ok"
	run "$client: bad hook options" $client $client --no-such-option <"$tmp/ok"
	# stdin open but never written: the read timeout answers
	sleep 1 | run "$client: stdin never written" $client $client $RULES
done
# our own alarm fires while still waiting (the answer shapes are covered above)
for client in claude kiro; do
	sleep 3 | run "$client: own timeout (alarm)" $client $client $RULES --read-timeout 10000 --timeout 1
done

# stdin never closed after a complete request: answered at once, not blocked
for client in claude kiro; do
	start=$(date +%s)
	(sample $client; sleep 4) | { "$BIN" hook $client $RULES >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/st"; date +%s >"$tmp/end"; }
	st=$(cat "$tmp/st") end=$(cat "$tmp/end")
	if [ "$st" -eq 0 ] && [ $((end - start)) -lt 3 ]; then
		ok "$client: one JSON value read, EOF not awaited"
	else
		notok "$client: one JSON value read, EOF not awaited (status $st, $((end - start)) s)"
	fi
done

# a Write of a large file is judged by its path, never refused for its size
big() { node -e 'process.stdout.write(JSON.stringify({session_id:"s",transcript_path:"/t",cwd:"/work/proj",hook_event_name:"PreToolUse",tool_name:"Write",tool_input:{file_path:process.argv[1],content:"x".repeat(30<<20)}}))' "$1"; }
big /work/proj/big.bin | "$BIN" hook claude $RULES --read-timeout 20000 >"$tmp/out" 2>"$tmp/err"
if grep -q '"permissionDecision":"allow"' "$tmp/out"; then ok "claude: 30 MiB Write judged by its path (allow)"; else notok "claude: 30 MiB Write judged by its path (allow)" "$(head -c 300 "$tmp/out")"; fi
big /home/u/.ssh/authorized_keys | "$BIN" hook claude $RULES --read-timeout 20000 >"$tmp/out" 2>"$tmp/err"
if grep -q '"permissionDecision":"deny".*t\.secret' "$tmp/out"; then ok "claude: 30 MiB Write to a secret path denied by its path"; else notok "claude: 30 MiB Write to a secret path denied by its path" "$(head -c 300 "$tmp/out")"; fi

# a signal (the client killing us at its timeout) still answers with a block
mkfifo "$tmp/fifo"
"$BIN" hook claude $RULES --read-timeout 10000 <"$tmp/fifo" >"$tmp/out" 2>"$tmp/err" &
pid=$!
exec 3>"$tmp/fifo"
sleep 1
kill -TERM "$pid"
wait "$pid"
st=$?
exec 3>&-
if node "$here/blocks.js" claude "$st" "$tmp/out" "$tmp/err" >/dev/null; then ok "claude: SIGTERM answered with a block"; else notok "claude: SIGTERM answered with a block" "status $st $(cat "$tmp/out")"; fi
tap_done
