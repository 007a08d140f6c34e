#!/bin/sh
# HTML report (one self-contained file, filterable by decision, rule and
# outcome) and text colours (only on a terminal or with --color always).
. "$(dirname "$0")/lib.sh"

lint --format html --report allow fixtures/claude fixtures/codex
golden claude-codex.html "$tmp/out"
is "html: exit 1" 1 "$rc"
rows=$(grep -c '^<tr data-decision=' "$tmp/out")
lint --format json --report allow fixtures/claude fixtures/codex
is "html: one row per finding" "$(grep -c '"type":"finding"' "$tmp/out")" "$rows"
lint --format html --report allow fixtures/claude fixtures/codex
if grep -Eq '<(script|link|img)[^>]+(src|href)=' "$tmp/out"; then notok "html: no external assets"; else ok "html: no external assets"; fi
grep -q 'id="fdec"' "$tmp/out" && grep -q 'id="frule"' "$tmp/out" && ok "html: decision and rule filters" || notok "html: decision and rule filters"
grep -q 'data-rules="t.push-force"' "$tmp/out" && ok "html: rows carry their rule ids" || notok "html: rows carry their rule ids"
grep -q '<mark>git push --force origin main</mark>' "$tmp/out" && ok "html: the offending span is marked" || notok "html: the offending span is marked"

printf '%s\n' '{"type":"assistant","sessionId":"s1","cwd":"/work/proj","uuid":"u1","message":{"content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"rm -rf ~ # </td><script>alert(1)</script>"}}]}}' >"$tmp/x.jsonl"
lint --format html "$tmp/x.jsonl"
if grep -q '<script>alert' "$tmp/out"; then notok "html: command text escaped"; else ok "html: command text escaped"; fi

lint fixtures/claude/session-mixed.jsonl
if grep -q "$(printf '\033')" "$tmp/out"; then notok "text: no colour when stdout is not a terminal"; else ok "text: no colour when stdout is not a terminal"; fi
NO_COLOR= lint --color always fixtures/claude/session-mixed.jsonl
grep -q "$(printf '\033')\[1;31mdeny" "$tmp/out" && ok "text: --color always colours decisions" || notok "text: --color always colours decisions"
tap_done
