#!/bin/sh
# tests/protocol/t-golden.sh - each client's answer to allow, ask, deny, no-opinion
# and failure inputs, against golden files (PROTOCOLS.md semantics; the policy is
# the fixed tests/protocol/rules.json, not the shipped packs).
#
# golden/CLIENT/NAME.json is the hook's stdin (CLIENT "auto": no client named),
# NAME.env an optional VAR=value for the environment (Kiro IDE 0.x USER_PROMPT:
# stdin then stays open and unwritten), NAME.expected the stdout, exit status
# and stderr. SG_REGEN=1 rewrites the .expected files (review the diff!).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tap.sh"
BIN=${SG_BIN:-$here/../../build/shellgate}
# Deterministic answers: no rule-set snapshot from an earlier build or run.
export SHELLGATE_NO_SNAPSHOT=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in "$here"/golden/*/*.json; do
	client=$(basename "$(dirname "$f")")
	base=${f%.json}
	name="$client/$(basename "$base")"
	arg=$client
	[ "$client" = auto ] && arg=auto
	if [ -f "$base.env" ]; then
		# stdin open and never written, like Kiro IDE 0.x: must not wait for it
		(sleep 3 | env "$(cat "$base.env")" "$BIN" hook "$arg" --no-builtin --no-user --no-fs \
			--rules "$here/rules.json" --read-timeout 2000 >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/st")
	else
		"$BIN" hook "$arg" --no-builtin --no-user --no-fs --rules "$here/rules.json" --read-timeout 500 \
			<"$f" >"$tmp/out" 2>"$tmp/err"
		echo $? >"$tmp/st"
	fi
	{ cat "$tmp/out"; echo "== exit $(cat "$tmp/st")"; echo "== stderr"; cat "$tmp/err"; } >"$tmp/got"
	if [ "${SG_REGEN:-}" = 1 ]; then
		cp "$tmp/got" "$base.expected"
		ok "$name (regenerated)"
	elif [ ! -f "$base.expected" ]; then
		notok "$name: no $base.expected (run with SG_REGEN=1 and review)"
	elif cmp -s "$tmp/got" "$base.expected"; then
		ok "$name"
	else
		notok "$name" "$(diff "$base.expected" "$tmp/got" | head -20)"
	fi
done
tap_done
