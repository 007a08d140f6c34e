#!/bin/sh
# SARIF 2.1.0 output: golden file, stable fingerprints, and validation
# against the official schema with Ajv (npm packages installed into a cache
# directory at test time; SKIP with the reason when npm cannot install them).
. "$(dirname "$0")/lib.sh"

lint --format sarif fixtures/claude
golden claude.sarif "$tmp/out"
cp "$tmp/out" "$tmp/claude.sarif"
is "sarif: exit 1" 1 "$rc"
jq -e . "$tmp/out" >/dev/null 2>&1 && ok "sarif parses as JSON" || notok "sarif parses as JSON"
is "sarif: rule metadata from the rule files" "Force-pushing rewrites the remote history." \
	"$(jq -r '.runs[0].tool.driver.rules[] | select(.id=="t.push-force") | .fullDescription.text' "$tmp/out")"
is "sarif: every result's ruleIndex points at its rule" "true" \
	"$(jq '.runs[0] as $r | [$r.results[] | $r.tool.driver.rules[.ruleIndex].id == .ruleId] | all' "$tmp/out")"

# fingerprints do not depend on where the file is or when lint runs
mkdir -p "$tmp/elsewhere"
cp fixtures/claude/session-mixed.jsonl "$tmp/elsewhere/"
lint --format sarif "$tmp/elsewhere/session-mixed.jsonl"
a=$(jq -r '.runs[0].results[].partialFingerprints["shellgate/v1"]' "$tmp/out" | sort | paste -sd' ' -)
b=$(jq -r '.runs[0].results[] | select(.locations[0].physicalLocation.artifactLocation.uri|test("mixed")) | .partialFingerprints["shellgate/v1"]' "$tmp/claude.sarif" | sort | paste -sd' ' -)
is "sarif: fingerprints stable across paths and runs" "$b" "$a"
is "sarif: absolute paths become file:// URIs" "file://" \
	"$(jq -r '.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri[0:7]' "$tmp/out")"

# damaged input: warnings become tool execution notifications
lint --format sarif fixtures/damaged
cp "$tmp/out" "$tmp/damaged.sarif"
n=$(jq '.runs[0].invocations[0].toolExecutionNotifications | length' "$tmp/out")
[ "$n" -gt 0 ] && ok "sarif: warnings as notifications ($n)" || notok "sarif: warnings as notifications"
# baseline: accepted findings are suppressed, not dropped
lint --format json fixtures/claude
cp "$tmp/out" "$tmp/base.jsonl"
lint --format sarif --baseline "$tmp/base.jsonl" fixtures/claude
cp "$tmp/out" "$tmp/baselined.sarif"
is "sarif: baselined results carry a suppression" "true" \
	"$(jq '[.runs[0].results[] | (.suppressions|length) == 1] | all' "$tmp/out")"
lint --format sarif "$tmp/none-such-dir-xyz" 2>/dev/null
cp "$tmp/out" "$tmp/empty.sarif"

# schema validation
cache=${SG_NPM_CACHE:-${HOME:-/tmp}/.cache/shellgate-test-npm}
need="ajv@8.17.1 ajv-draft-04@1.0.0 ajv-formats@3.0.1 @microsoft/jest-sarif@1.0.0-beta.0"
have() { [ -f "$cache/node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json" ] && [ -d "$cache/node_modules/ajv-draft-04" ] && [ -d "$cache/node_modules/ajv-formats" ]; }
why=""
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	why="node/npm not installed"
elif ! have; then
	mkdir -p "$cache" && { [ -f "$cache/package.json" ] || echo '{"private":true}' >"$cache/package.json"; }
	(cd "$cache" && timeout 300 npm install --no-audit --no-fund --silent $need) >"$tmp/npm.log" 2>&1 ||
		why="npm install failed (registry unreachable?): $(tail -1 "$tmp/npm.log")"
	have || why=${why:-"npm packages missing after install"}
fi
for f in claude damaged baselined empty; do
	if [ -n "$why" ]; then
		skip "SARIF schema validation of $f" "$why"
	elif NODE_PATH="$cache/node_modules" node "$here/sarif-validate.js" "$tmp/$f.sarif" >"$tmp/v" 2>&1; then
		ok "SARIF 2.1.0 schema: $f valid"
	else
		notok "SARIF 2.1.0 schema: $f valid" "$(head -20 "$tmp/v")"
	fi
done
# the validator itself rejects an invalid log (so a pass means something)
echo '{"version":"2.1.0","runs":[{"results":[{"message":{}}]}]}' >"$tmp/bad.sarif"
if [ -n "$why" ]; then
	skip "schema validator rejects an invalid log" "$why"
elif NODE_PATH="$cache/node_modules" node "$here/sarif-validate.js" "$tmp/bad.sarif" >/dev/null 2>&1; then
	notok "schema validator rejects an invalid log"
else
	ok "schema validator rejects an invalid log"
fi
tap_done
