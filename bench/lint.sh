#!/bin/sh
# bench/lint.sh - shellgate lint throughput and memory on large synthetic
# Claude Code transcripts (bench/lint-gen.py: real record shapes, multi-KiB
# tool results and hook attachments between the calls).
#   sh bench/lint.sh [SHELLGATE] [CALLS...]      default: build/shellgate 10000 50000 110000
# Columns: lint calls/s end to end; the reader alone (records tokenised and
# paired, nothing judged: the same file read with --client kiro, whose reader
# skips every record); the engine alone (`check --batch` over the same
# commands); peak RSS, which must not grow with the input (110000 calls is
# a transcript of about 1 GiB).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
bin=${1:-$root/build/shellgate}
[ $# -gt 0 ] && shift
sizes=${*:-10000 50000 110000}
tmp=${SG_BENCH_TMP:-$(mktemp -d)}
trap 'rm -rf "$tmp"' EXIT
export SHELLGATE_NO_SNAPSHOT=1 XDG_CACHE_HOME="$tmp/cache"
run() { # run OUT CMD... -> "$wall $rss_kib" in $tmp/t
	out=$1; shift
	/usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >"$out" 2>"$tmp/err"
	tail -1 "$tmp/time"
}
printf '%-8s %9s %9s %11s %13s %13s %10s\n' calls "input MiB" "lint s" "lint c/s" "reader c/s" "engine c/s" "peak RSS"
for n in $sizes; do
	f=$tmp/t-$n.jsonl
	python3 "$here/lint-gen.py" "$f" "$n" || exit 2
	mib=$(( $(stat -c %s "$f") / 1048576 ))
	cat "$f" >/dev/null	# page cache warm, as after a checkout
	set -- $(run "$tmp/out" "$bin" lint --no-user --format json --report deny "$f")
	lw=$1 lrss=$2
	calls=$(tail -1 "$tmp/out" | sed 's/.*"calls":\([0-9]*\).*/\1/')
	[ "$calls" = "$n" ] || { echo "expected $n calls judged, got $calls"; cat "$tmp/err"; exit 2; }
	set -- $(run /dev/null "$bin" lint --client kiro "$f")
	rw=$1
	python3 -c 'import json,sys
for l in open(sys.argv[1]):
    if "\"tool_use\"" in l:
        c = json.loads(l)["message"]["content"][0]["input"]["command"]
        print(c.replace("\\", "\\\\").replace("\n", "\\n"))' "$f" >"$tmp/cmds"
	set -- $(run /dev/null "$bin" check --batch --no-user --cwd /home/dev/proj <"$tmp/cmds")
	ew=$1
	awk -v n="$n" -v m="$mib" -v lw="$lw" -v rw="$rw" -v ew="$ew" -v r="$lrss" 'function d(x) { return x > 0 ? x : 0.01 }
		BEGIN { printf "%-8d %9d %9.2f %11.0f %13.0f %13.0f %6.1f MiB\n", n, m, lw, n / d(lw), n / d(rw), n / d(ew), r / 1024 }'
	rm -f "$f" "$tmp/cmds"
done
