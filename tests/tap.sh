# tests/tap.sh - tiny TAP helpers for test scripts (sourced).
#   ok NAME | notok NAME [DETAIL] | skip NAME REASON
#   ok_if NAME CMD...     runs CMD, prints ok/not ok
#   tap_done              exit status reflects failures
_tap_n=0 _tap_fail=0
ok() { _tap_n=$((_tap_n + 1)); printf 'ok %d - %s\n' "$_tap_n" "$1"; }
notok() {
	_tap_n=$((_tap_n + 1)); _tap_fail=$((_tap_fail + 1))
	printf 'not ok %d - %s\n' "$_tap_n" "$1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/#   /'
	return 0
}
skip() { _tap_n=$((_tap_n + 1)); printf 'ok %d - %s # SKIP %s\n' "$_tap_n" "$1" "$2"; }
ok_if() { _n=$1; shift; if "$@" >/dev/null 2>&1; then ok "$_n"; else notok "$_n"; fi; }
tap_done() { echo "1..$_tap_n"; [ "$_tap_fail" -eq 0 ]; }
