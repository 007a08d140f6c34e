#!/bin/sh
# bench/check.sh BIN - regression guard (make bench-check).
#
# Runs the quick part of the benchmarks (hook latency, instruction counts,
# throughput, sandbox: BENCH_QUICK=1) into bench/tmp/check and compares its
# ratios with the committed bench/results.json; fails if any metric is worse
# by more than 25 % (BENCH_TOLERANCE=0.25). Not part of `make check`.
set -eu
BIN=${1:?usage: bench/check.sh /abs/path/to/shellgate}
HERE=$(cd "$(dirname "$0")" && pwd)
[ -f "$HERE/results.json" ] || { echo "bench-check: no committed bench/results.json; run make bench first" >&2; exit 2; }
OUT=$HERE/tmp/check
mkdir -p "$OUT"
BENCH_QUICK=1 BENCH_OUT="$OUT" BENCH_WORK="$HERE/tmp/check-work" BENCH_NO_NPM=${BENCH_NO_NPM:-0} \
	sh "$HERE/run.sh" "$BIN"
python3 "$HERE/compare.py" "$HERE/results.json" "$OUT/results.json" "${BENCH_TOLERANCE:-0.25}"
