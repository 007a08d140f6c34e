#!/bin/sh
# fuzz/run.sh BUILDDIR SECONDS HARNESS... - run each harness for SECONDS,
# print TAP (one line per harness with runs, exec/s and coverage) and end
# with "N passed, N failed".
#
# A crash, leak, timeout or invariant violation is a failure: the input is
# kept in BUILDDIR/artifacts/NAME/ and the log's first lines are shown.
# Turn each into a regression input under tests/regress/ (see its README).
set -u
fb=$1 secs=$2
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
pass=0 fail=0 n=0
for h in "$@"; do
	n=$((n + 1))
	bin=$fb/$h
	corpus=$fb/corpus/$h
	seeds=$fb/seeds/$h
	art=$fb/artifacts/$h
	log=$fb/$h.log
	mkdir -p "$corpus" "$art" "$seeds"
	dict=
	[ -f "$root/fuzz/$h.dict" ] && dict="-dict=$root/fuzz/$h.dict"
	# fuzz_agree's input is a command too: its own transport tokens plus
	# fuzz_check's shell tokens (libFuzzer takes one dictionary)
	if [ "$h" = fuzz_agree ]; then
		cat "$root/fuzz/fuzz_check.dict" "$root/fuzz/fuzz_agree.dict" >"$fb/fuzz_agree.dict"
		dict="-dict=$fb/fuzz_agree.dict"
	fi
	maxlen=4096
	[ "$h" = fuzz_rules ] && maxlen=65536
	[ "$h" = fuzz_lint ] && maxlen=65536
	# -timeout: a single input slower than this is a hang (reported);
	# -rss_limit_mb: memory blow-up is a finding too.
	# shellcheck disable=SC2086
	# shellcheck disable=SC2086
	"$bin" -seed="${FUZZ_SEED:-1}" ${FUZZ_RUNS:+-runs=$FUZZ_RUNS} -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=$maxlen \
		-print_final_stats=1 -artifact_prefix="$art/" $dict "$corpus" "$seeds" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
	corp=$(grep -Eo 'corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -1)
	desc="$h: ${runs:-?} runs, ${eps:-?} exec/s, ${cov:-cov ?}, ${corp:-corp ?} in ${secs}s"
	if [ "$rc" -eq 0 ]; then
		pass=$((pass + 1))
		echo "ok $n - $desc"
	else
		fail=$((fail + 1))
		echo "not ok $n - $desc (exit $rc)"
		grep -E 'INVARIANT|ERROR: |SUMMARY|sg_fatal reached|composite|^  A:|Test unit written' "$log" |
			head -20 | sed 's/^/#   /'
		echo "#   full log: $log"
	fi
done
echo "1..$n"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
