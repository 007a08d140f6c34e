#!/bin/sh
# bench/sandbox.sh - what `shellgate exec` adds to a command, next to
# bubblewrap with an equivalent confinement, measured in the same run.
#
#   sh bench/sandbox.sh [SHELLGATE]     (default: build/shellgate)
#
# Runs as an unprivileged user (as root: the user sgtest, created when
# missing), in a scratch project, with hyperfine. Prints a table of means
# and the overhead over /bin/true. The bwrap line matches shellgate's
# default profile as far as bwrap can: every namespace, die-with-parent,
# new session, read-only system, writable project, private /tmp, /dev, /proc.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
SG=${1:-$root/build/shellgate}
RUNS=${RUNS:-300}
command -v hyperfine >/dev/null || { echo "hyperfine not installed" >&2; exit 1; }
if [ "$(id -u)" = 0 ]; then
	id sgtest >/dev/null 2>&1 || useradd -m -s /bin/bash sgtest
	RUN="runuser -u sgtest --"
	H=$(getent passwd sgtest | cut -d: -f6)
else
	RUN=""
	H=$HOME
fi
P=$($RUN mktemp -d "$H/sg-bench.XXXXXX")
trap 'rm -rf "$P"' EXIT
BWRAP="bwrap --unshare-all --die-with-parent --new-session --ro-bind /usr /usr --symlink usr/bin /bin \
--symlink usr/lib /lib --symlink usr/lib64 /lib64 --symlink usr/sbin /sbin --ro-bind /etc /etc \
--dev /dev --proc /proc --tmpfs /tmp --tmpfs $H --bind $P $P --chdir $P /bin/true"
out=$(mktemp)
cd "$P"
$RUN hyperfine -N --warmup 30 --runs "$RUNS" --export-json "$out.json" \
	-n true /bin/true \
	-n shellgate "$SG exec -- /bin/true" \
	-n shellgate-net-host "$SG exec --quiet --net host -- /bin/true" \
	-n bwrap "$BWRAP" >/dev/null
python3 - "$out.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
base = r["true"]["mean"] * 1e3
print("| command | mean (ms) | σ (ms) | median (ms) | overhead over /bin/true (ms) |")
print("|---|---|---|---|---|")
for k in ("true", "shellgate", "shellgate-net-host", "bwrap"):
    x = r[k]
    print("| %s | %.2f | %.2f | %.2f | %.2f |" % (k, x["mean"] * 1e3, x["stddev"] * 1e3, x["median"] * 1e3,
                                             x["mean"] * 1e3 - base))
PY
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs, $(uname -r)"
rm -f "$out" "$out.json"
