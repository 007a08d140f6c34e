#!/bin/sh
# tests/regress/t-regress.sh - replay every input the fuzzers found through
# the real binary ($SG_BIN, the sanitizer build under make check).
#
#   check/NAME   a command: its verdict and those of every composite the
#                fuzz_check invariants name (A && B, B; A, A | B, $(A),
#                bash -c 'A', sudo A, env A, command A, ( A )) must come back,
#                and no composite may be looser than A alone.
#   batch/NAME   a `check --batch` stream: one JSON verdict per input line.
#   rules/NAME   a rule file: loading it never crashes; a rejected file
#                makes check answer deny with status 3.
#   hook/NAME    hook input (when `shellgate hook` is real): exit 0 or 2,
#                never a crash.
#   lint/NAME    a transcript, format detected and forced to each client:
#                exit 0, 1 or 2, never a crash or a sanitizer report.
# Files keep the exact bytes libFuzzer wrote (NUL and CR included).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tap.sh"
: "${SG_BIN:=$here/../../build/asan/shellgate}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ctx="--no-user --no-fs --cwd /home/fuzz/project --home /home/fuzz --project /home/fuzz/project"

# crashed: sanitizer exit (86 under tests/run.sh), a signal, or no output
crashed() { [ "$1" -ge 4 ]; }

# composites.pl: prints name<TAB>escaped-line for A and each composite
cat >"$tmp/comp.pl" <<'EOF'
local $/; my $a = <STDIN>;
sub esc { my $s = shift; $s =~ s/\\/\\\\/g; $s =~ s/\t/\\t/g; $s =~ s/\n/\\n/g; $s =~ s/\r/\\r/g; $s }
my $plain = $ENV{SINGLE};
my $q = $a; $q =~ s/'/'\\''/g;
my @f = (["A", $a], ["A && B", "$a && true"], ["B && A", "true && $a"], ["A; B", "$a; true"],
	["B; A", "true; $a"], ["A | B", "$a | cat"], ['$(A)', "echo \$( $a\n)"],
	["bash -c 'A'", "bash -c '$q'"], ["( A )", "( $a\n)"]);
push @f, (["sudo A", "sudo $a"], ["env A", "env $a"], ["command A", "command $a"]) if $plain;
@f = grep { $_->[0] eq "A" || $_->[0] eq "bash -c 'A'" } @f if $ENV{UNPARSABLE};
print "$_->[0]\t", esc($_->[1]), "\n" for @f;
EOF

rank() { case "$1" in allow) echo 0 ;; ask) echo 1 ;; deny) echo 2 ;; *) echo 9 ;; esac; }

for f in "$here"/check/*; do
	[ -f "$f" ] || continue
	name=check/$(basename "$f")
	# prefix wrappers only over a single simple command (as fuzz_check does)
	single=0
	if tr -d '\000' <"$f" | cmp -s - "$f" && ! head -c 1 "$f" | grep -q '[-+]' &&
		! awk 'NR == 1 { split($1, w, "="); exit (w[1] != $1) ? 0 : 1 }' "$f"; then
		"$SG_BIN" explain --ast -- "$(cat "$f")" >"$tmp/ast" 2>/dev/null
		if [ "$(grep -c '^  (' "$tmp/ast")" = 1 ] && grep -q '^  (command ' "$tmp/ast" &&
			! grep -q 'ERROR\|MISSING' "$tmp/ast"; then
			single=1
		fi
	fi
	# an unparsable A is only checked inside bash -c '...' (as fuzz_check does)
	# shellcheck disable=SC2086
	if printf '%s' "$(perl -0777 -pe 's/\\/\\\\/g; s/\t/\\t/g; s/\n/\\n/g; s/\r/\\r/g' "$f")" |
		"$SG_BIN" check --batch $ctx 2>/dev/null | grep -q '"unparsable"'; then
		unparsable=1
	else
		unparsable=0
	fi
	SINGLE=$single UNPARSABLE=$unparsable perl "$tmp/comp.pl" <"$f" >"$tmp/forms"
	cut -f2- "$tmp/forms" >"$tmp/in"
	# shellcheck disable=SC2086
	"$SG_BIN" check --batch $ctx <"$tmp/in" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if crashed "$rc"; then
		notok "$name: check --batch exit $rc" "$(head -5 "$tmp/err")"
		continue
	fi
	nin=$(wc -l <"$tmp/in" | tr -d ' ') nout=$(wc -l <"$tmp/out" | tr -d ' ')
	if [ "$nin" != "$nout" ]; then
		notok "$name: $nin commands, $nout verdicts"
		continue
	fi
	sed -n 's/^{"decision":"\([a-z]*\)".*/\1/p' "$tmp/out" >"$tmp/dec"
	paste "$tmp/dec" "$tmp/forms" | cut -f1,2 >"$tmp/table"
	da=$(head -1 "$tmp/dec")
	bad=
	while IFS='	' read -r d form; do
		[ "$(rank "$d")" -lt "$(rank "$da")" ] && bad="$bad $form=$d;"
		[ "$(rank "$d")" -eq 9 ] && bad="$bad $form=?;"
	done <"$tmp/table"
	if [ -z "$bad" ] && [ "$(rank "$da")" -ne 9 ]; then
		ok "$name: A is $da, no composite looser"
	else
		notok "$name: A is $da; looser:$bad"
	fi
	# the IR printed by explain --json parses back (argv cannot carry NUL)
	if ! command -v jq >/dev/null 2>&1; then
		skip "$name: explain --json parses" "jq not installed"
	elif tr -d '\000' <"$f" | cmp -s - "$f"; then
		# shellcheck disable=SC2086
		"$SG_BIN" explain --json $ctx -- "$(cat "$f")" >"$tmp/ir" 2>"$tmp/err"
		rc=$?
		if [ "$rc" -eq 0 ] && jq -e .commands "$tmp/ir" >/dev/null 2>&1; then
			ok "$name: explain --json parses"
		else
			notok "$name: explain --json (exit $rc) does not parse" "$(head -c 300 "$tmp/ir")"
		fi
	fi
done

for f in "$here"/batch/*; do
	[ -f "$f" ] || continue
	name=batch/$(basename "$f")
	# shellcheck disable=SC2086
	"$SG_BIN" check --batch $ctx <"$f" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	nin=$(perl -e 'local $/; my $s = <STDIN>; my $n = () = $s =~ /\n/g; $n++ if length($s) && $s !~ /\n\z/; print $n' <"$f")
	nout=$(grep -c '^{"decision":"\(allow\|ask\|deny\)"' "$tmp/out")
	if crashed "$rc"; then
		notok "$name: exit $rc" "$(head -5 "$tmp/err")"
	elif [ "$nin" != "$nout" ]; then
		notok "$name: $nin lines, $nout verdicts"
	else
		ok "$name: $nin lines, $nout verdicts"
	fi
done

for f in "$here"/rules/*; do
	[ -f "$f" ] || continue
	name=rules/$(basename "$f")
	cp "$f" "$tmp/rules.json"
	chmod 600 "$tmp/rules.json"
	# shellcheck disable=SC2086
	"$SG_BIN" check --no-builtin $ctx --rules "$tmp/rules.json" -- 'rm -rf ~' >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if crashed "$rc"; then
		notok "$name: exit $rc" "$(head -5 "$tmp/err")"
	elif [ "$rc" -eq 3 ] && ! grep -q '^deny' "$tmp/out"; then
		notok "$name: status 3 without a deny"
	else
		ok "$name: loads or fails closed (status $rc)"
	fi
done

if [ -d "$here/hook" ]; then
	for f in "$here"/hook/*; do
		[ -f "$f" ] || continue
		name=hook/$(basename "$f")
		timeout 20 "$SG_BIN" hook claude <"$f" >"$tmp/out" 2>"$tmp/err"
		rc=$?
		case $rc in
		0 | 2) ok "$name: exit $rc" ;;
		*) notok "$name: exit $rc" "$(head -5 "$tmp/err")" ;;
		esac
	done
fi
if [ -d "$here/lint" ]; then
	for f in "$here"/lint/*; do
		[ -f "$f" ] || continue
		for c in detect claude codex gemini kiro cursor copilot; do
			name="lint/$(basename "$f") ($c)"
			if [ "$c" = detect ]; then set -- ; else set -- --client "$c"; fi
			timeout 20 "$SG_BIN" lint --no-user "$@" "$f" >"$tmp/out" 2>"$tmp/err"
			rc=$?
			if [ "$rc" -le 2 ] && ! grep -q -e 'Sanitizer' -e 'runtime error' "$tmp/err"; then
				ok "$name: exit $rc"
			else
				notok "$name: exit $rc" "$(grep -m3 -e Sanitizer -e SUMMARY -e 'runtime error' "$tmp/err")"
			fi
		done
	done
fi
tap_done
