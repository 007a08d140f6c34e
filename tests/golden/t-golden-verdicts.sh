#!/bin/sh
# Decision goldens: every line of verdicts.tsv through `check --batch` with the
# built-in packs; the decision must satisfy the expectation.
. "$SG_ROOT/tests/tap.sh"
bin=${SG_BIN:-$SG_ROOT/build/shellgate}
tsv="$SG_ROOT/tests/golden/verdicts.tsv"
grep -v '^#' "$tsv" | grep -v '^$' >"${TMPDIR:-/tmp}/sg-vexp.$$"
cut -f2- "${TMPDIR:-/tmp}/sg-vexp.$$" | SG_RULES_DIR="$SG_ROOT/rules" "$bin" check --batch --no-user --no-fs \
	--cwd /home/user/project --home /home/user --project /home/user/project >"${TMPDIR:-/tmp}/sg-vgot.$$"
n=0
while IFS="$(printf '\t')" read -r want cmd; do
	n=$((n + 1))
	got=$(sed -n "${n}p" "${TMPDIR:-/tmp}/sg-vgot.$$" | sed -n 's/^{"decision":"\([a-z]*\)".*/\1/p')
	case "$want:$got" in
	deny:deny | ask:ask | notallow:ask | notallow:deny | notdeny:allow | notdeny:ask) ok "$want: $cmd" ;;
	*) notok "$want: $cmd (got '${got:-nothing}')" ;;
	esac
done <"${TMPDIR:-/tmp}/sg-vexp.$$"
lines=$(wc -l <"${TMPDIR:-/tmp}/sg-vgot.$$")
[ "$lines" -eq "$n" ] && ok "one verdict per input line ($n)" || notok "one verdict per input line ($lines for $n)"
rm -f "${TMPDIR:-/tmp}/sg-vexp.$$" "${TMPDIR:-/tmp}/sg-vgot.$$"
tap_done
