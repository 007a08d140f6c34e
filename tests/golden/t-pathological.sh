#!/bin/sh
# Pathological inputs: no crash, hang or malformed verdict under sanitizers;
# the limits give the unparsable floor (never allow). Uses the ASan build.
. "$SG_ROOT/tests/tap.sh"
bin=${SG_BIN:-$SG_ROOT/build/asan/shellgate}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() { # name, expectation, file with the raw input
	out=$(SG_RULES_DIR="$SG_ROOT/rules" timeout 60 "$bin" check --json --stdin --no-user --no-fs \
		--cwd /home/user/project --home /home/user <"$3" 2>"$tmp/err")
	rc=$?
	d=$(printf '%s' "$out" | sed -n 's/^{"decision":"\([a-z]*\)".*/\1/p')
	if [ "$rc" -gt 3 ] || [ -z "$d" ]; then
		notok "$1: status $rc, output '$(printf '%s' "$out" | head -c 200)'" "$(tail -5 "$tmp/err")"
	elif [ "$2" = notallow ] && [ "$d" = allow ]; then
		notok "$1: allowed"
	else
		ok "$1 ($d)"
	fi
}
n=0
grep -v '^#' "$SG_ROOT/tests/golden/pathological.tsv" | while IFS="$(printf '\t')" read -r want cmd; do
	n=$((n + 1))
	printf '%s' "$cmd" | sed 's/\\n/\n/g; s/\\t/\t/g; s/\\r/\r/g' >"$tmp/in"
	case "$cmd" in *'\x'*) printf '%b' "$cmd" >"$tmp/in" ;; esac
	run "listed #$n" "$want" "$tmp/in"
done >"$tmp/listed"
cat "$tmp/listed"
# generated: sizes and depths beyond every limit
gen() { python3 -c "$1" >"$tmp/in"; }
gen 'print("(" * 10000 + "echo" + ")" * 10000, end="")'; run "10000 nested subshells" notallow "$tmp/in"
gen 'print("$(" * 3000 + "echo" + ")" * 3000, end="")'; run "3000 nested substitutions" notallow "$tmp/in"
gen 'print("echo a; " * 200000, end="")'; run "1.4 MiB of commands (over SG_MAX_INPUT)" notallow "$tmp/in"
gen 'print("echo " + "a" * (1 << 20 - 10), end="")'; run "one 1 MiB word" any "$tmp/in"
gen 'print("x" * 200 + ";" + " ls" * 5000, end="")'; run "5000 words" any "$tmp/in"
gen 'print(" | ".join(["cat"] * 3000), end="")'; run "3000-stage pipeline (over SG_MAX_COMMANDS)" notallow "$tmp/in"
gen 'import sys; sys.stdout.write("rm -rf ~\x00 && ls")'; run "NUL byte" notallow "$tmp/in"
gen 'print("if true; then " * 500 + "ls" + "; fi" * 500, end="")'; run "500 nested ifs" any "$tmp/in"
gen 'print("bash -c \"" * 1 + "eval " * 2000 + "ls\"", end="")'; run "2000 evals" notallow "$tmp/in"
gen 'print("a=b; " * 20000 + "$a", end="")'; run "20000 assignments" any "$tmp/in"
gen 'print("x=rm; " + "if true; then x=y$x; fi; " * 50 + "$x -rf ~", end="")'; run "branching variable growth" notallow "$tmp/in"
gen 'print("cat <<EOF\n" + "line\n" * 100000, end="")'; run "unterminated 100k-line heredoc" notallow "$tmp/in"
# one-line heredoc bodies: the grammar's scanner asked for the column of every
# character, which tree-sitter 0.20.7 computes from the line start (quadratic,
# 100 KB took 40 s; grammar_wrap.c makes it linear). 30 s covers ASan.
gen 'print("cat <<EOF\n" + "a" * 1000000 + "\nEOF\nrm -rf ~", end="")'
start=$(date +%s)
run "1 MB one-line heredoc, then rm -rf ~ (deny, and fast)" notallow "$tmp/in"
[ $(( $(date +%s) - start )) -le 30 ] && ok "1 MB one-line heredoc judged within 30 s" || notok "1 MB one-line heredoc took over 30 s"
tap_done
