# tests/sandbox/sandbox_lib.sh - shared setup for the sandbox suites (sourced).
#
# The suites run as an unprivileged user, as agents do (rlimits do not bind
# uid 0). As root they create the user `sgtest` (and `sgother`, whose files
# must stay unreadable) and work in a fresh directory in sgtest's home, so
# that hiding $HOME is exercised too. They use the optimised binary
# ($SG_BIN_PLAIN): AddressSanitizer's runtime and a process that pivots its
# root and installs filters do not mix well, and what ships is the plain one.
#
#   sbx [exec options] -- CMD...   run CMD inside `shellgate exec` as the user,
#                                  from the project, with a small clean env
#   as_user CMD...                 run CMD outside, as the same user
# Provides: $U $UHOME $WORK (outside the project) $P (the project) $SG $PY
set -u
: "${SG_ROOT:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$SG_ROOT/tests/tap.sh"
SG=${SG_BIN_PLAIN:-$SG_ROOT/build/shellgate}
PY=/usr/bin/python3
SBX_ENV=""

if [ "$(id -u)" = 0 ]; then
	U=sgtest
	id "$U" >/dev/null 2>&1 || useradd -m -s /bin/bash "$U" >/dev/null 2>&1
	id sgother >/dev/null 2>&1 || useradd -m -s /bin/bash sgother >/dev/null 2>&1
	as_user() { runuser -u "$U" -- "$@"; }
else
	U=$(id -un)
	as_user() { "$@"; }
fi
UHOME=$(getent passwd "$U" | cut -d: -f6)
WORK=$(as_user mktemp -d "$UHOME/sg-sbx.XXXXXX") || { echo "1..0 # SKIP cannot create a work dir in $UHOME"; exit 0; }
P=$WORK/proj
as_user mkdir -p "$P"
cleanup_hooks=""
sbx_cleanup() {
	for h in $cleanup_hooks; do $h; done
	rm -rf "$WORK"
}
trap sbx_cleanup EXIT

sbx() {
	(cd "$P" && as_user env -i HOME="$UHOME" PATH=/usr/local/bin:/usr/bin:/bin USER="$U" LOGNAME="$U" \
		LANG=C.UTF-8 TERM=dumb $SBX_ENV "$SG" exec "$@")
}

# The whole suite needs a sandbox that can start; say why when it cannot.
require_sandbox() {
	if [ ! -x "$SG" ]; then
		echo "1..0 # SKIP no shellgate binary at $SG (run make)"
		exit 0
	fi
	if ! why=$(sbx --probe 2>&1); then
		echo "1..0 # SKIP the sandbox cannot start here: $(echo "$why" | grep can_exec)"
		exit 0
	fi
	# These suites test the whole sandbox from outside it. Without user
	# namespaces (inside `shellgate exec` itself, whose filter denies them,
	# or disabled on the machine) only the degraded mode could start.
	case $why in
	*"user namespace "*missing*)
		echo "1..0 # SKIP user namespaces unavailable$([ -n "${SHELLGATE_SANDBOX:-}" ] && echo " inside shellgate exec (profile $SHELLGATE_SANDBOX)"): $(echo "$why" | sed -n 's/^user namespace *//p')"
		exit 0
		;;
	esac
}
