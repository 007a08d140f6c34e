# tests/cli/policy-lib.sh - shared setup for the t-policy*.sh scripts (sourced).
# A private HOME / XDG_CONFIG_HOME / XDG_CACHE_HOME per script, a project
# directory, and helpers that run shellgate and compare its decision.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tap.sh"
BIN=${SG_BIN:-$here/../../build/asan/shellgate}
[ -x "$BIN" ] || BIN=${SG_BIN_PLAIN:-$here/../../build/shellgate}
# not below /tmp: paths there are "temp", and the project must look like one
B=${SG_BUILD:-$here/../../build}
mkdir -p "$B"
T=$(mktemp -d "$B/t-policy.XXXXXX")
trap 'rm -rf "$T"' EXIT
export HOME="$T/home" XDG_CONFIG_HOME="$T/config" XDG_CACHE_HOME="$T/cache"
mkdir -p "$HOME" "$XDG_CONFIG_HOME/shellgate" "$XDG_CACHE_HOME"
P="$T/proj"
mkdir -p "$P/.shellgate"
UF="$XDG_CONFIG_HOME/shellgate/rules.json"

# decision CMD [check options...]: prints allow / ask / deny (first line)
decision() {
	_c=$1
	shift
	"$BIN" check --cwd "$P" --project "$P" --home "$HOME" "$@" -- "$_c" 2>/dev/null | head -1
}
# is NAME WANT CMD [options...]
is() {
	_n=$1 _w=$2 _c=$3
	shift 3
	_got=$(decision "$_c" "$@")
	if [ "$_got" = "$_w" ]; then ok "$_n"; else notok "$_n" "expected $_w, got '$_got' for: $_c"; fi
}
user_file() { printf '%s\n' "$1" >"$UF"; chmod 600 "$UF"; }
project_file() { printf '%s\n' "$1" >"$P/.shellgate/rules.json"; }
