#!/bin/sh
# fuzz/seeds.sh OUTDIR [DEV_TSV] - generate the fuzzers' seed corpora.
#
# Seeds are build output, never committed: they are regenerated from
#   - the dev corpus (../shared/corpus/dev.tsv, column 3, escapes decoded),
#   - tests/golden/verdicts.tsv and tests/golden/ir/*.cmd,
#   - every rule example in rules/*.json (needs jq; skipped without it),
#   - tests/regress/*/ (inputs that once crashed or broke an invariant),
#   - the rule packs themselves and any rule file under tests/ (fuzz_rules),
#   - hook requests under tests/protocol and transcripts under tests/lint.
set -eu
out=$1
dev=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
rm -rf "$out"
for d in fuzz_check fuzz_rules fuzz_batch fuzz_hook fuzz_lint fuzz_agree; do mkdir -p "$out/$d"; done

# decode the dev.tsv escapes (\\ \t \n \r), one command per line on stdin,
# into one file per command: $1/prefix-N
split_cmds() { # dir prefix
	awk -v dir="$1" -v pre="$2" '
	{
		s = $0; o = ""
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (c == "\\" && i < length(s)) {
				d = substr(s, i + 1, 1)
				if (d == "\\") { o = o "\\"; i++; continue }
				if (d == "t") { o = o "\t"; i++; continue }
				if (d == "n") { o = o "\n"; i++; continue }
				if (d == "r") { o = o "\r"; i++; continue }
			}
			o = o c
		}
		f = sprintf("%s/%s-%05d", dir, pre, NR)
		printf "%s", o > f
		close(f)
	}'
}

n_dev=0
if [ -n "$dev" ] && [ -f "$dev" ]; then
	grep -v '^#' "$dev" | awk -F'\t' 'NF >= 3 { sub(/^[^\t]*\t[^\t]*\t/, ""); print }' >"$out/dev.lines"
	split_cmds "$out/fuzz_check" dev <"$out/dev.lines"
	# batch seeds: the raw (still escaped) lines, 25 per file
	split -l 25 -a 3 "$out/dev.lines" "$out/fuzz_batch/dev-"
	n_dev=$(wc -l <"$out/dev.lines" | tr -d ' ')
	rm -f "$out/dev.lines"
fi
if [ -f tests/golden/verdicts.tsv ]; then
	grep -v '^#' tests/golden/verdicts.tsv | awk -F'\t' 'NF >= 2 { sub(/^[^\t]*\t/, ""); print }' |
		split_cmds "$out/fuzz_check" golden
	grep -v '^#' tests/golden/verdicts.tsv | awk -F'\t' 'NF >= 2 { sub(/^[^\t]*\t/, ""); print }' |
		split -l 20 -a 3 - "$out/fuzz_batch/golden-"
fi
for f in tests/golden/ir/*.cmd; do
	[ -f "$f" ] && cp "$f" "$out/fuzz_check/ir-$(basename "$f" .cmd)"
done
if command -v jq >/dev/null 2>&1; then
	for f in rules/*.json; do
		# re-escape as dev.tsv does, so multi-line examples stay one seed
		sed 's|^[[:space:]]*//.*||' "$f" |
			jq -r '.rules[]?.examples? | .. | strings | gsub("\\\\"; "\\\\") | gsub("\n"; "\\n") | gsub("\t"; "\\t") | gsub("\r"; "\\r")' 2>/dev/null |
			split_cmds "$out/fuzz_check" "ex-$(basename "$f" .json)"
	done
fi
for d in tests/regress/check tests/regress/batch tests/regress/rules tests/regress/hook tests/regress/lint; do
	[ -d "$d" ] || continue
	h=fuzz_$(basename "$d")
	for f in "$d"/*; do
		[ -f "$f" ] && cp "$f" "$out/$h/regress-$(basename "$f")"
	done
done
for f in rules/*.json $(find tests docs -name '*.json' 2>/dev/null | head -200); do
	[ -f "$f" ] && cp "$f" "$out/fuzz_rules/$(echo "$f" | tr '/' '_')"
done
for f in $(find tests/protocol hooks -name '*.json' 2>/dev/null | head -300); do
	cp "$f" "$out/fuzz_hook/$(echo "$f" | tr '/' '_')"
done
for f in $(find tests/lint -type f \( -name '*.jsonl' -o -name '*.json' -o -name '*.gz' \) 2>/dev/null | head -300); do
	cp "$f" "$out/fuzz_lint/$(echo "$f" | tr '/' '_')"
done
# fuzz_agree judges a command like fuzz_check. Its seeds are the golden and
# regression commands and the inputs that once made check, hook and lint
# disagree, not the dev corpus and rule examples: tests/unit/test_agree.c
# checks those every `make check`, and a smoke run (FUZZ_RUNS inputs) that
# only replayed 2000 seeds would mutate nothing.
for f in "$out/fuzz_check/"golden-* "$out/fuzz_check/"ir-* "$out/fuzz_check/"regress-*; do
	[ -f "$f" ] && cp "$f" "$out/fuzz_agree/"
done
for f in tests/regress/agree/*; do
	[ -f "$f" ] && cp "$f" "$out/fuzz_agree/regress-agree-$(basename "$f")"
done
# minimal seeds so no harness starts empty
printf 'rm -rf ~' >"$out/fuzz_check/min-0"
printf 'rm -rf ~\\ngit status\\n' >"$out/fuzz_batch/min-0"
printf '{"format":1,"rules":[]}' >"$out/fuzz_rules/min-0"
printf '{"tool_name":"Bash","tool_input":{"command":"ls"}}' >"$out/fuzz_hook/min-0"
printf '{"type":"assistant","message":{"content":[{"type":"tool_use","name":"Bash","input":{"command":"ls"}}]}}\n' >"$out/fuzz_lint/min-0"
printf 'rm -rf ~' >"$out/fuzz_agree/min-0"
echo "# seeds: $(ls "$out/fuzz_check" | wc -l | tr -d ' ') check ($n_dev from the dev corpus), $(ls "$out/fuzz_rules" | wc -l | tr -d ' ') rules, $(ls "$out/fuzz_batch" | wc -l | tr -d ' ') batch, $(ls "$out/fuzz_hook" | wc -l | tr -d ' ') hook, $(ls "$out/fuzz_lint" | wc -l | tr -d ' ') lint, $(ls "$out/fuzz_agree" | wc -l | tr -d ' ') agree"
