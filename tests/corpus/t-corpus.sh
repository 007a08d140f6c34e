#!/bin/sh
# tests/corpus/t-corpus.sh - the issue 4 policy targets over the development
# corpus (../shared/corpus/dev.tsv), as TAP, with the optimised binary.
# Skipped, with the reason, when the corpus is not present (it lives outside
# this repository; CI has it).
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${SG_BIN_PLAIN:-$here/../../build/shellgate}
corpus=$here/../../../shared/corpus/dev.tsv
if [ ! -f "$corpus" ]; then
	echo "ok 1 - corpus targets # SKIP ../shared/corpus/dev.tsv not present"
	echo "1..1"
	exit 0
fi
out=$(sh "$here/run.sh" "$bin")
rc=$?
printf '%s\n' "$out" | grep -E '^(ok|not ok) [0-9]+|^# (corpus|expected|deny |ask |allow )'
n=$(printf '%s\n' "$out" | grep -cE '^(ok|not ok) [0-9]+')
echo "1..$n"
exit $rc
