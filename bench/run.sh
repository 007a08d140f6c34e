#!/bin/sh
# bench/run.sh BIN - shellgate benchmarks (make bench).
#
# Writes bench/results.json, bench/results.md and bench/scaling.svg (or the
# directory in BENCH_OUT). Scratch files go to bench/tmp/run (BENCH_WORK).
#
#   BENCH_QUICK=1     hook latency, callgrind, throughput and sandbox only
#                     (what bench/check.sh compares); no scaling, fewer runs
#   BENCH_NO_NPM=1    do not install cc-safety-net from npm (rows say why)
#   BENCH_ROUNDS=N    rounds for the hook-latency table (default 60)
#
# Every timing is a whole process (posix_spawn .. wait4, bench/sgbench.c),
# the cases of one table interleaved round by round so that they share the
# machine's load; callgrind instruction counts are the noise-free complement.
set -eu

BIN=${1:?usage: bench/run.sh /abs/path/to/shellgate}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
OUT=${BENCH_OUT:-$HERE}
mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd)
W=${BENCH_WORK:-$HERE/tmp/run}
QUICK=${BENCH_QUICK:-0}
ROUNDS=${BENCH_ROUNDS:-60}
[ "$QUICK" = 1 ] && ROUNDS=${BENCH_ROUNDS:-30}
CCSN_VERSION=2.4.5

say() { printf 'bench: %s\n' "$*" >&2; }
T0=$(date +%s)

rm -rf "$W"
mkdir -p "$W/out" "$W/home" "$W/proj" "$W/cg" "$OUT"
# A snapshot of the binary: the tree may be rebuilt while the bench runs.
cp "$BIN" "$W/shellgate"
SG=$W/shellgate
cc -O2 -Wall -Wextra -o "$W/sgbench" "$HERE/sgbench.c"
SGB=$W/sgbench
export HOME="$W/home"
unset SHELLGATE_CONFIG 2>/dev/null || true
cd "$W/proj"

# ---- machine ---------------------------------------------------------------
{
	echo "nproc=$(nproc)"
	echo "cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -1)"
	echo "mem=$(free -h | awk '/^Mem:/{print $2}')"
	echo "kernel=$(uname -sr)"
	echo "os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")"
	echo "cc=$(cc --version | head -1)"
	echo "loadavg=$(cut -d' ' -f1-3 /proc/loadavg)"
	echo "hyperfine=$(hyperfine --version 2>/dev/null || echo none)"
	echo "valgrind=$(valgrind --version 2>/dev/null || echo none)"
	echo "bwrap=$(bwrap --version 2>/dev/null || echo none)"
	echo "firejail=$(firejail --version 2>/dev/null | head -1 || echo none)"
	echo "node=$(node --version 2>/dev/null || echo none)"
	echo "perf_counters=$(perf stat -x, -e instructions true 2>&1 >/dev/null | grep -q '^[0-9]' && echo yes || echo no)"
	echo "git=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null)$(cd "$ROOT" && git diff --quiet HEAD -- engine rules 2>/dev/null || echo '+dirty')"
	echo "binary_bytes=$(wc -c < "$SG")"
	if readelf -d "$SG" 2>/dev/null | grep -q '(NEEDED)'; then
		echo "linkage=dynamic ($(readelf -d "$SG" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | tr '\n' ' '))"
	else
		echo "linkage=static"
	fi
	echo "load_note=${BENCH_LOAD_NOTE:-}"
} > "$W/machine.txt"

# ---- inputs ----------------------------------------------------------------
MAXN=$(sed -n 's/^#define SG_MAX_NESTING \([0-9]*\).*/\1/p' "$ROOT/engine/sg.h")
MAXD=$(sed -n 's/^#define SG_MAX_AST_DEPTH \([0-9]*\).*/\1/p' "$ROOT/engine/sg.h")
CORPUS=${BENCH_CORPUS:-$ROOT/../shared/corpus/dev.tsv}
[ -f "$CORPUS" ] || CORPUS=/work/shared/corpus/dev.tsv
python3 "$HERE/gen_inputs.py" "$W/in" --corpus "$CORPUS" --max-nesting "${MAXN:-16}" \
	--max-ast-depth "${MAXD:-200}" --cwd "$W/proj"
IN=$W/in
REQS="ls git_status grep_head pipeline heredoc10k nested_bash_c"

# ---- status of the subcommands still being built ---------------------------
status_of() { # prints "built" or "placeholder"
	if "$@" 2>&1 | grep -q 'not built in this version'; then echo placeholder; else echo built; fi
}
HOOK_STATUS=$(status_of "$SG" hook claude < "$IN/req/ls.json")
EXEC_STATUS=$(status_of "$SG" exec -- /bin/true < /dev/null)
LINT_STATUS=$(status_of "$SG" lint /dev/null < /dev/null)
{
	echo "hook=$HOOK_STATUS"
	echo "exec=$EXEC_STATUS"
	echo "lint=$LINT_STATUS"
} > "$W/status.txt"
say "hook: $HOOK_STATUS, exec: $EXEC_STATUS, lint: $LINT_STATUS"

# ---- cc-safety-net (npm) ---------------------------------------------------
NPMDIR=$HERE/tmp/npm
CCSN=$NPMDIR/node_modules/cc-safety-net/dist/bin/cc-safety-net.js
CCSN_NOTE=""
if [ ! -f "$CCSN" ] && [ "${BENCH_NO_NPM:-0}" != 1 ]; then
	if command -v npm >/dev/null 2>&1; then
		mkdir -p "$NPMDIR"
		say "installing cc-safety-net@$CCSN_VERSION into $NPMDIR"
		(cd "$NPMDIR" && npm install --no-audit --no-fund --prefix . "cc-safety-net@$CCSN_VERSION" > "$W/npm.log" 2>&1) ||
			CCSN_NOTE="npm install cc-safety-net@$CCSN_VERSION failed: $(tail -1 "$W/npm.log")"
	else
		CCSN_NOTE="npm not installed"
	fi
fi
[ -f "$CCSN" ] || CCSN_NOTE=${CCSN_NOTE:-"not installed (BENCH_NO_NPM=1)"}
if [ -f "$CCSN" ] && ! command -v node >/dev/null 2>&1; then CCSN_NOTE="node not installed"; fi
echo "$CCSN_NOTE" > "$W/ccsn_note.txt"

# ---- 1. hook latency -------------------------------------------------------
say "hook latency ($ROUNDS rounds)"
TAB=$(printf '\t')
{
	for r in $REQS; do
		echo "true.$r$TAB$IN/req/$r.json$TAB/bin/true"
		echo "hook.$r$TAB$IN/req/$r.json$TAB$SG${TAB}hook${TAB}claude"
		echo "check.$r$TAB$IN/req/$r.cmd$TAB$SG${TAB}check$TAB--stdin"
		if [ -z "$CCSN_NOTE" ]; then
			echo "ccsn.$r$TAB$IN/req/$r.json${TAB}node$TAB$CCSN${TAB}hook$TAB-cc"
		fi
	done
	[ -z "$CCSN_NOTE" ] && echo "node.empty$TAB-${TAB}node$TAB-e${TAB}0"
} > "$W/spec_hook.tsv"
"$SGB" -r "$ROUNDS" -m 10 -w 3 -T 150 -d "$W/out" "$W/spec_hook.tsv" > "$W/hook.jsonl"

# ---- 2. callgrind instruction counts ---------------------------------------
if command -v valgrind >/dev/null 2>&1; then
	say "callgrind"
	cg() { # name stdin [VAR=VALUE...] cmd...
		n=$1 i=$2
		shift 2
		envs=""
		while [ $# -gt 0 ]; do
			case $1 in /*) break ;; *=*) envs="$envs $1" && shift ;; *) break ;; esac
		done
		rc=0
		# shellcheck disable=SC2086
		env $envs valgrind --tool=callgrind --callgrind-out-file="$W/cg/$n.out" "$@" < "$i" > "$W/cg/$n.stdout" 2>/dev/null || rc=$?
		# a verdict that differs from the timed run's (a wall-clock timeout
		# tripped by callgrind's slowdown, say) makes the count incomparable
		if [ "$rc" -lt 128 ] && [ -f "$W/out/$n.out" ] && ! cmp -s "$W/cg/$n.stdout" "$W/out/$n.out"; then
			rc=999
		fi
		echo "$n $(sed -n 's/^totals: *//p' "$W/cg/$n.out" 2>/dev/null | head -1) $rc" >> "$W/cg/totals.txt"
	}
	: > "$W/cg/totals.txt"
	cg true "$IN/req/ls.json" /bin/true
	for r in $REQS; do
		cg "hook.$r" "$IN/req/$r.json" "$SG" hook claude
		cg "check.$r" "$IN/req/$r.cmd" "$SG" check --stdin
	done
	head -n 3000 "$IN/corpus_dev.txt" > "$W/dev3k.txt"
	head -n 200 "$IN/corpus_long.txt" > "$W/long200.txt"
	cg check.ls.nosnap "$IN/req/ls.cmd" SHELLGATE_NO_SNAPSHOT=1 "$SG" check --stdin
	# --jobs 1: callgrind counts one process; with workers it would count
	# only the parent's reading and writing, not the judging
	cg batch.dev3k "$W/dev3k.txt" "$SG" check --batch --jobs 1
	cg batch.dev3k.nosnap "$W/dev3k.txt" SHELLGATE_NO_SNAPSHOT=1 "$SG" check --batch --jobs 1
	cg batch.empty.nosnap /dev/null SHELLGATE_NO_SNAPSHOT=1 "$SG" check --batch --jobs 1
	cg batch.long200 "$W/long200.txt" "$SG" check --batch --jobs 1
	: > "$W/cg/empty"
	cg batch.empty "$W/cg/empty" "$SG" check --batch --jobs 1
	for n in hook.ls check.ls check.ls.nosnap hook.heredoc10k check.heredoc10k batch.dev3k.nosnap batch.long200; do
		[ -s "$W/cg/$n.out" ] &&
			callgrind_annotate --inclusive=yes "$W/cg/$n.out" 2>/dev/null |
			sed -n '/^Ir/,$p' | grep -v '^-' | head -n 60 > "$W/cg/$n.incl.txt" || true
	done
fi

# ---- 3. throughput ---------------------------------------------------------
say "throughput"
{
	for c in dev long all; do
		echo "batch.$c$TAB$IN/corpus_$c.txt$TAB$SG${TAB}check$TAB--batch"
	done
	# the same without the rule-set snapshot cache
	echo "batch.dev.nosnap$TAB$IN/corpus_dev.txt${TAB}SHELLGATE_NO_SNAPSHOT=1$TAB$SG${TAB}check$TAB--batch"
} > "$W/spec_batch.tsv"
BR=5
[ "$QUICK" = 1 ] && BR=3
"$SGB" -r "$BR" -m 2 -w 0 -T 120 -d "$W/out" "$W/spec_batch.tsv" > "$W/batch.jsonl"
/usr/bin/time -v "$SG" check --batch < "$IN/corpus_all.txt" > /dev/null 2> "$W/time_v.txt" || true

# ---- 4. scaling --------------------------------------------------------------
if [ "$QUICK" != 1 ]; then
	say "scaling"
	: > "$W/spec_scale.tsv"
	# The rule-set snapshot cache is off here (SHELLGATE_NO_SNAPSHOT=1): the
	# series measure the engine's work on the input, and the rules series
	# the cost of loading and compiling N rules. rules1s.* is the same with
	# the snapshot warm.
	NS=SHELLGATE_NO_SNAPSHOT=1
	for f in "$IN"/size/*.cmd "$IN"/nest/*.cmd; do
		b=$(basename "$f" .cmd)
		d=$(basename "$(dirname "$f")")
		echo "$d.$b$TAB$f$TAB$NS$TAB$SG${TAB}check$TAB--stdin" >> "$W/spec_scale.tsv"
	done
	[ -f "$W/dev3k.txt" ] || head -n 3000 "$IN/corpus_dev.txt" > "$W/dev3k.txt"
	for f in "$IN"/rules/rules_*.json; do
		b=$(basename "$f" .json)
		echo "rules1.$b$TAB$IN/req/pipeline.cmd$TAB$NS$TAB$SG${TAB}check$TAB--stdin$TAB--no-builtin$TAB--no-user$TAB--rules$TAB$f" >> "$W/spec_scale.tsv"
		echo "rules1s.$b$TAB$IN/req/pipeline.cmd$TAB$SG${TAB}check$TAB--stdin$TAB--no-builtin$TAB--no-user$TAB--rules$TAB$f" >> "$W/spec_scale.tsv"
		echo "rulesb.$b$TAB$W/dev3k.txt$TAB$NS$TAB$SG${TAB}check$TAB--batch$TAB--no-builtin$TAB--no-user$TAB--rules$TAB$f" >> "$W/spec_scale.tsv"
	done
	"$SGB" -r 5 -m 3 -w 1 -T 200 -d "$W/out" "$W/spec_scale.tsv" > "$W/scale.jsonl"
	if command -v valgrind >/dev/null 2>&1; then
		say "scaling (callgrind)"
		: > "$W/cg/scale_totals.txt"
		# Cases whose median is over 0.4 s are skipped (callgrind is ~50x).
		slow=$(python3 -c 'import json,sys
for l in open(sys.argv[1]):
    d=json.loads(l)
    if d["median_ms"]>400: print(d["name"])' "$W/scale.jsonl")
		while IFS="$TAB" read -r name input rest; do
			case $name in rulesb.*) continue ;; esac
			if echo "$slow" | grep -qx "$name"; then continue; fi
			# shellcheck disable=SC2086
			set -- $(echo "$rest" | tr "$TAB" ' ')
			rm -f "$W/cg/s.out"
			envs=""
			while [ $# -gt 0 ]; do
				case $1 in /*) break ;; *=*) envs="$envs $1" && shift ;; *) break ;; esac
			done
			rc=0
			# shellcheck disable=SC2086
			env $envs valgrind --tool=callgrind --callgrind-out-file="$W/cg/s.out" "$@" < "$input" > "$W/cg/s.stdout" 2>/dev/null || rc=$?
			# The parse timeout is wall-clock time: under callgrind a large
			# input can time out and be judged unparsable early. Such counts
			# are not comparable; mark them (status 999).
			if [ "$rc" -lt 128 ] && [ -f "$W/out/$name.out" ] &&
				[ "$(head -n 2 "$W/cg/s.stdout")" != "$(head -n 2 "$W/out/$name.out")" ]; then
				rc=999
			fi
			echo "$name $(sed -n 's/^totals: *//p' "$W/cg/s.out" 2>/dev/null | head -1) $rc" >> "$W/cg/scale_totals.txt"
		done < "$W/spec_scale.tsv"
		rm -f "$W/cg/s.out"
	fi
fi

# ---- 5. sandbox ------------------------------------------------------------
say "sandbox"
BWRAP_ARGS="--ro-bind / / --dev /dev --proc /proc --tmpfs /tmp --unshare-all --die-with-parent"
FJ_ARGS="--quiet --noprofile --net=none --private-dev --private-tmp --read-only=/"
{
	echo "sb.true$TAB-$TAB/bin/true"
	if command -v bwrap >/dev/null 2>&1 && bwrap $BWRAP_ARGS /bin/true 2>/dev/null; then
		printf 'sb.bwrap%s-%sbwrap' "$TAB" "$TAB"
		for a in $BWRAP_ARGS /bin/true; do printf '%s%s' "$TAB" "$a"; done
		echo
	fi
	if command -v firejail >/dev/null 2>&1 && firejail $FJ_ARGS /bin/true > /dev/null 2>&1; then
		printf 'sb.firejail%s-%sfirejail' "$TAB" "$TAB"
		for a in $FJ_ARGS /bin/true; do printf '%s%s' "$TAB" "$a"; done
		echo
	fi
	if [ "$EXEC_STATUS" = built ]; then
		echo "sb.exec$TAB-$TAB$SG${TAB}exec$TAB--$TAB/bin/true"
	fi
} > "$W/spec_sandbox.tsv"
SR=40
[ "$QUICK" = 1 ] && SR=20
"$SGB" -r "$SR" -m 5 -w 2 -T 90 -d "$W/out" "$W/spec_sandbox.tsv" > "$W/sandbox.jsonl"
echo "bwrap $BWRAP_ARGS /bin/true" > "$W/sandbox_cmds.txt"
echo "firejail $FJ_ARGS /bin/true" >> "$W/sandbox_cmds.txt"
echo "shellgate exec -- /bin/true" >> "$W/sandbox_cmds.txt"
if [ -f "$HERE/sandbox.sh" ] && [ "$QUICK" != 1 ]; then
	say "bench/sandbox.sh"
	sh "$HERE/sandbox.sh" "$SG" > "$W/sandbox_sh.txt" 2>&1 || echo "(bench/sandbox.sh exited $?)" >> "$W/sandbox_sh.txt"
fi

# ---- 6. lint ---------------------------------------------------------------
if [ -f "$HERE/lint.sh" ] && [ "$QUICK" != 1 ]; then
	say "bench/lint.sh"
	sh "$HERE/lint.sh" "$SG" > "$W/lint_sh.txt" 2>&1 || echo "(bench/lint.sh exited $?)" >> "$W/lint_sh.txt"
fi
if [ "$LINT_STATUS" = built ] && [ "$QUICK" != 1 ]; then
	# Our own row as well: synthetic Claude Code transcripts of two sizes
	# (memory must stay flat), same engine path as the hook.
	say "lint (synthetic transcripts)"
	python3 "$HERE/gen_inputs.py" "$W/lintin" --corpus "$CORPUS" --cwd "$W/proj" --transcript 4000,16000 --only-transcript
	{
		for n in 4000 16000; do
			echo "lint.$n$TAB-$TAB$SG${TAB}lint$TAB$W/lintin/transcript_$n.jsonl"
		done
	} > "$W/spec_lint.tsv"
	"$SGB" -r 3 -m 2 -w 0 -T 60 -d "$W/out" "$W/spec_lint.tsv" > "$W/lint.jsonl"
fi

# ---- report ----------------------------------------------------------------
echo "elapsed_s=$(($(date +%s) - T0))" >> "$W/machine.txt"
python3 "$HERE/report.py" "$W" "$OUT"
say "done in $(($(date +%s) - T0)) s: $OUT/results.md"
