#!/bin/sh
# tests/corpus/run.sh BIN - judge every row of the development corpus with
# `BIN check --batch` and check the default policy's targets (issue 4):
#   deny rows:  >= 98% answered deny, 100% answered deny or ask
#   ask rows:   >= 97% answered ask or deny
#   allow rows: <= 1% answered deny, >= 85% answered allow
# plus one check that every row got a well-formed verdict (no crash, no
# missing or malformed line). Prints the counts per expected label x answer,
# the rows that miss their label (SG_CORPUS_VERBOSE=1 lists all of them),
# and "N passed, N failed"; exits non-zero when a target is missed.
#
# Rows are judged in the fixed context of the rule examples: cwd = project =
# /home/user/project, home = /home/user; user and project rule files are not
# loaded, so a developer's own configuration does not change the numbers.
# Environment: SG_CORPUS (another corpus file), SG_CORPUS_MODE (a --mode).
set -u
bin=${1:?usage: run.sh BIN}
here=$(cd "$(dirname "$0")" && pwd)
corpus=${SG_CORPUS:-$here/../../../shared/corpus/dev.tsv}
if [ ! -f "$corpus" ]; then
	echo "ok 1 - corpus # SKIP ../shared/corpus/dev.tsv not present"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# data rows: not comments, not the header
grep -v '^#' "$corpus" | awk -F '\t' 'NR == 1 && $1 == "expected" { next } NF >= 3' >"$tmp/rows"
cut -f1 "$tmp/rows" >"$tmp/labels"
cut -f3- "$tmp/rows" >"$tmp/cmds"
mode=""
[ -n "${SG_CORPUS_MODE:-}" ] && mode="--mode $SG_CORPUS_MODE"
# shellcheck disable=SC2086
"$bin" check --batch --no-user $mode --cwd /home/user/project --home /home/user \
	--project /home/user/project <"$tmp/cmds" >"$tmp/out" 2>"$tmp/err"
rc=$?
sed -E 's/^\{"decision":"(allow|ask|deny)".*\}$/\1/; t; s/.*/BAD/' "$tmp/out" >"$tmp/answers"
paste "$tmp/labels" "$tmp/answers" "$tmp/cmds" >"$tmp/joined"
# disputed rows (label + command, see disputed.tsv) are counted apart
# The hook's on_ask sandbox (docs/HOOKS.md): how many of the asked rows would
# run in the sandbox instead of prompting (an ask without the "uncontained"
# flag), per corpus label. A figure for the README, not a target.
paste "$tmp/labels" "$tmp/out" | awk -F '\t' '
$2 ~ /^\{"decision":"ask"/ { a[$1]++; at++; if ($2 !~ /"uncontained"/) { s[$1]++; st++ } }
END {
	printf "# on_ask sandbox: %d of %d asked rows (%.1f%%) would run in the sandbox instead of prompting; by label: allow %d/%d, ask %d/%d, deny %d/%d\n",
		st, at, at ? 100.0 * st / at : 0, s["allow"], a["allow"], s["ask"], a["ask"], s["deny"], a["deny"]
}'
disputed="$(dirname "$0")/disputed.tsv"
grep -v '^#' "$disputed" 2>/dev/null | awk -F '\t' 'NF >= 2 { print $1 "\t" $2 }' >"$tmp/disputed"
awk -F '\t' -v rows="$(wc -l <"$tmp/cmds")" -v outs="$(wc -l <"$tmp/out")" -v rc="$rc" \
	-v verbose="${SG_CORPUS_VERBOSE:-0}" -v corpus="$corpus" -v dfile="$tmp/disputed" '
BEGIN { while ((getline l < dfile) > 0) dis[l] = 1 }
{
	raw[$1, $2]++
	if (($1 "\t" $3) in dis) {
		nd++; dseen[$1 "\t" $3] = 1
		printf "# disputed (%s label, answered %s): %s\n", $1, $2, $3
		next
	}
	n[$1]++; c[$1, $2]++
	miss = ($1 == "deny" && $2 != "deny") || ($1 == "ask" && $2 == "allow") ||
	       ($1 == "allow" && $2 != "allow") || $2 == "BAD"
	if (miss && (verbose == 1 || $2 == "BAD" || ($1 == "deny" && $2 == "allow") ||
		     ($1 == "ask" && $2 == "allow") || ($1 == "allow" && $2 == "deny")))
		printf "# %s -> %s: %s\n", $1, $2, $3
	if ($2 == "BAD") bad++
}
function pct(a, b) { return b ? 100.0 * a / b : 100 }
function check(name, okay) {
	t++
	if (okay) { p++; printf "ok %d - %s\n", t, name } else { f++; printf "not ok %d - %s\n", t, name }
}
END {
	printf "# corpus %s (%d rows, %d disputed rows left out: tests/corpus/disputed.tsv)\n", corpus, rows, nd
	for (k in dis) if (!(k in dseen)) printf "# disputed row not found in the corpus: %s\n", k
	printf "# raw counts, all rows:\n# %-8s %6s %6s %6s\n", "expected", "allow", "ask", "deny"
	split("deny ask allow", R, " ")
	for (i = 1; i <= 3; i++)
		printf "# %-8s %6d %6d %6d\n", R[i], raw[R[i], "allow"], raw[R[i], "ask"], raw[R[i], "deny"]
	printf "# counts without the disputed rows:\n"
	printf "# %-8s %6s %6s %6s %6s\n", "expected", "allow", "ask", "deny", "total"
	split("deny ask allow", L, " ")
	for (i = 1; i <= 3; i++)
		printf "# %-8s %6d %6d %6d %6d\n", L[i], c[L[i], "allow"], c[L[i], "ask"], c[L[i], "deny"], n[L[i]]
	d = n["deny"]; a = n["ask"]; w = n["allow"]
	check(sprintf("every row got a verdict (%d rows, %d lines, %d malformed, exit %d)", rows, outs, bad, rc),
	      rows == outs && bad == 0 && rc >= 0 && rc <= 2)
	check(sprintf("deny rows answered deny: %.1f%% (target >= 98%%)", pct(c["deny", "deny"], d)),
	      c["deny", "deny"] * 100 >= 98 * d)
	check(sprintf("deny rows answered deny or ask: %.1f%% (target 100%%)", pct(c["deny", "deny"] + c["deny", "ask"], d)),
	      c["deny", "allow"] == 0 && c["deny", "BAD"] == 0)
	check(sprintf("ask rows answered ask or deny: %.1f%% (target >= 97%%)", pct(c["ask", "ask"] + c["ask", "deny"], a)),
	      (c["ask", "ask"] + c["ask", "deny"]) * 100 >= 97 * a)
	check(sprintf("allow rows answered deny: %.1f%% (target <= 1%%)", pct(c["allow", "deny"], w)),
	      c["allow", "deny"] * 100 <= 1 * w)
	check(sprintf("allow rows answered allow: %.1f%% (target >= 85%%)", pct(c["allow", "allow"], w)),
	      c["allow", "allow"] * 100 >= 85 * w)
	printf "%d passed, %d failed\n", p, f
	exit f ? 1 : 0
}' "$tmp/joined"
