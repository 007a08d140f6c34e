#!/bin/sh
# Damaged transcripts: every problem is a warning with file:line, the rest of
# the file is still read, nothing is reported clean, and --strict-input fails.
. "$(dirname "$0")/lib.sh"

calls() { jq -r 'select(.type=="summary") | .calls' "$tmp/out"; }
clean=$(lint --format json --report allow fixtures/claude/session-mixed.jsonl; calls)

lint --format json --report allow fixtures/damaged/claude-truncated-tail.jsonl
is "truncated tail: calls before it judged" "$clean" "$(calls)"
grep -q 'claude-truncated-tail.jsonl:46: warning: unreadable record (truncated record at end of file' "$tmp/err" &&
	ok "truncated tail: warning with file:line" || notok "truncated tail: warning with file:line" "$(cat "$tmp/err")"
is "truncated tail: summary not clean" "false" "$(jq -r 'select(.type=="summary") | .clean' "$tmp/out")"
is "truncated tail: warning record in the JSON output" 1 "$(grep -c '"type":"warning"' "$tmp/out")"

lint --format json --report allow fixtures/damaged/claude-corrupt-middle.jsonl
is "corrupt middle: one call lost, the rest judged" "$((clean - 1))" "$(calls)"
grep -q 'claude-corrupt-middle.jsonl:14: warning' "$tmp/err" && ok "corrupt middle: warning at :14" || notok "corrupt middle: warning at :14"

lint --format json --report allow fixtures/damaged/claude-bad-utf8.jsonl
is "bad UTF-8: the tool_use line lost, the rest judged" "$((clean - 1))" "$(calls)"
grep -q 'claude-bad-utf8.jsonl:12: warning: unreadable record (invalid UTF-8' "$tmp/err" && ok "bad UTF-8: warning at :12" || notok "bad UTF-8: warning at :12"
grep -q 'claude-bad-utf8.jsonl:15: warning' "$tmp/err" && ok "bad UTF-8: warning at :15" || notok "bad UTF-8: warning at :15"
is "bad UTF-8: the call whose result was lost is reported with an unknown outcome" "unknown" \
	"$(jq -r 'select(.call_id=="toolu_mock0300") | .ran' "$tmp/out")"

lint --format json --report allow fixtures/damaged/claude-unknown-types.jsonl
is "unknown types: nothing lost" "$clean" "$(calls)"
is "unknown types: one warning per type, one for the array" 2 "$(grep -c warning "$tmp/err")"

lint --format json --report allow fixtures/damaged/claude-crlf.jsonl
is "CRLF and blank lines: read as clean" "$clean" "$(calls)"
is "CRLF: no warnings" "" "$(cat "$tmp/err")"

lint --format json --report allow fixtures/damaged/claude-nul-in-record.jsonl
grep -q 'claude-nul-in-record.jsonl:21: warning: binary data' "$tmp/err" && ok "NUL in a record: warning at :21" || notok "NUL in a record: warning at :21"

lint fixtures/damaged/binary.jsonl fixtures/claude/transcript-bash-allow.jsonl
is "binary file: read error, exit 2" 2 "$rc"
grep -q 'binary.jsonl: error: binary file' "$tmp/err" && ok "binary file: error names the file" || notok "binary file: error names the file"
grep -q 'transcript-bash-allow.jsonl:6: ask' "$tmp/out" && ok "binary file: the next file is still read" || notok "binary file: the next file is still read"

# a line over SG_LINT_MAX_LINE (64 MiB) between two good records
{ head -6 fixtures/claude/session-mixed.jsonl
  printf '{"type":"user","sessionId":"s","uuid":"u","message":{"content":"'; head -c $((65 * 1024 * 1024)) /dev/zero | tr '\0' a; printf '"}}\n'
  tail -n +7 fixtures/claude/session-mixed.jsonl; } >"$tmp/claude-oversize.jsonl"
lint --format json --report allow "$tmp/claude-oversize.jsonl"
grep -q 'claude-oversize.jsonl:7: warning: line longer than 64 MiB skipped' "$tmp/err" && ok "oversize line: warning at :7" || notok "oversize line: warning at :7" "$(cat "$tmp/err")"
is "oversize line: every call still judged" "$clean" "$(calls)"

# exit status: warnings alone do not fail unless --strict-input
lint fixtures/damaged/claude-unknown-types.jsonl --fail-on deny
lint --fail-on deny fixtures/damaged/claude-crlf.jsonl
is "clean input with findings: exit 1" 1 "$rc"
printf '%s\n' '{"type":"summary","summary":"x","leafUuid":"l"}' '{"type":"assistant",' >"$tmp/w.jsonl"
lint "$tmp/w.jsonl"
is "warnings only: exit 0" 0 "$rc"
grep -q "NOT CLEAN" "$tmp/out" && ok "warnings only: summary says NOT CLEAN" || notok "warnings only: summary says NOT CLEAN"
lint --strict-input "$tmp/w.jsonl"
is "--strict-input: warnings exit 2" 2 "$rc"

# pairing table overflow: 5000 calls whose results never come, then results
python3 - "$tmp/many.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(5000):
        f.write(json.dumps({"type": "assistant", "sessionId": "s", "uuid": "u%d" % i, "cwd": "/work/proj",
            "message": {"content": [{"type": "tool_use", "id": "t%d" % i, "name": "Bash", "input": {"command": "ls %d" % i}}]}}) + "\n")
    for i in range(5000):
        f.write(json.dumps({"type": "user", "sessionId": "s", "uuid": "r%d" % i,
            "message": {"content": [{"type": "tool_result", "tool_use_id": "t%d" % i, "content": "ok"}]}}) + "\n")
PY
lint --format json --report allow "$tmp/many.jsonl"
is "overflow: every call judged" 5000 "$(calls)"
is "overflow: one warning" 1 "$(grep -c 'pairing table full' "$tmp/err")"
is "overflow: the oldest calls reported without outcome" 904 "$(grep -c '"ran":"unknown"' "$tmp/out")"
tap_done
